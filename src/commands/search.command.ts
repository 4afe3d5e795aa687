import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const searchOptions = [
  { flags: '--repo <name|id>', description: 'search this repository instead of the default' },
  { flags: '--all-repos', description: 'search every configured repository at once; each row names its repository' },
  { flags: '--limit <n>', description: 'at most N apps per repository' },
  { flags: '--timeout <seconds>', description: 'give up on a request after this many seconds', defaultValue: '30' },
  { flags: '--page-size <n>', description: 'catalog and tag page size, 1..1000 (testing)', hidden: true },
  { flags: '--concurrency <n>', description: 'tag lists fetched at once (testing)', hidden: true },
] as const satisfies readonly OptionSpec[];
export type SearchOptions = OptionsOf<typeof searchOptions, true>;

export const searchCommand = defineCommand<SearchOptions>({
  name: 'search',
  aliases: ['se'],
  args: '[mask]',
  summary: 'Search apps and their tags in a repository, or in all of them.',
  description:
    'List the apps of the default repository (or --repo, or --all-repos) whose name contains MASK, ignoring case; ' +
    'with * or ? the mask must match the whole name (web* starts with web). Without a mask a private registry lists all its apps; ' +
    'Docker Hub (id 1) needs a mask and returns its 25 best matches unless --limit says otherwise. ' +
    'Tags are printed as the registry spells them, versions newest first, other tags after. ' +
    '--json prints [{"repo": NAME, "name": APP, "tags": [TAG, ...]}].',
  options: searchOptions,
  json: true,
  examples: [
    'dam search web',
    "dam se 'team/*-api' --repo corp",
    'dam search --repo corp --json',
    'dam search nginx --all-repos --limit 10',
  ],
  load: () => import('./search.js'),
});

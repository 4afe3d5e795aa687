import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const infoOptions = [
  { flags: '--signature <file>', description: 'with FILE: the detached signature to check (default: FILE.sig)' },
] as const satisfies readonly OptionSpec[];
export type InfoOptions = OptionsOf<typeof infoOptions, true>;

export const infoCommand = defineCommand<InfoOptions>({
  name: 'info',
  args: '<app>',
  summary: "Show an app's description, labels, /meta files and install state.",
  description:
    "Show an app image's DESCRIPTION, DAM labels, size, creation date, the files in its /meta, and whether and when it is installed. " +
    'APP is name:version (resolved against the default repository, as install does) or a full tag. A local image is read through a container that is created and never started; ' +
    'otherwise the image is read from its registry without pulling it. ' +
    'APP may also be a FILE (a bundle of format 1 or 2, a .dam, a DAM 1.x export): then info shows what it is, its product and release, who signed it and whether this host trusts that key, ' +
    "each app with its version, platforms, stored size, layers shared with other apps and description, and what importing it would change on this host (the import plan), loading nothing: a bundle's index, first in the file, is all it reads.",
  options: infoOptions,
  json: true,
  examples: [
    'dam info ./product.bundle',
    'dam info web:1.0',
    'dam info registry.corp:5000/web:1.0',
    'dam info web:1.0 --json',
  ],
  load: () => import('./info.js'),
});

import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const purgeOptions = [
  { flags: '--dry-run', description: 'list what would be removed and the space it frees, change nothing' },
  { flags: '-y, --yes', description: 'remove without asking (needed when there is no terminal)' },
  { flags: '-f, --force', description: 'the same as --yes, as docker image prune spells it' },
  { flags: '--no-keep-previous', description: 'remove the previous versions kept for rollback too' },
  { flags: '--all', description: 'no longer offered', hidden: true },
] as const satisfies readonly OptionSpec[];
export type PurgeOptions = OptionsOf<typeof purgeOptions, true>;

export const purgeCommand = defineCommand<PurgeOptions>({
  name: 'purge',
  summary: 'Remove the images this state directory acquired that no installed app uses.',
  description:
    'Remove the images this state directory acquired (pulled, loaded from an archive or bundle, or built by dam create through it), as recorded in its state, that none of its installed apps uses. ' +
    'Never removes an image another state directory, user or program brought, an image used by any container, or the version an installed app was upgraded from (unless --no-keep-previous). ' +
    'Images acquired before DAM recorded acquisitions are never purged: remove them with docker image rm. Asks before removing, like docker image prune.',
  options: purgeOptions,
  json: true,
  examples: ['dam purge --dry-run', 'dam purge', 'dam purge --yes --no-keep-previous', 'dam purge --dry-run --json'],
  load: () => import('./purge.js'),
});

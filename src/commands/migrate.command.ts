import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const migrateOptions = [
  { flags: '--from <dir>', description: 'the folder of the 1.x Repos and Apps files' },
  { flags: '--dry-run', description: 'show the plan, change nothing' },
] as const satisfies readonly OptionSpec[];
export type MigrateOptions = OptionsOf<typeof migrateOptions, true>;

export const migrateCommand = defineCommand<MigrateOptions>({
  name: 'migrate',
  summary: 'Take over a DAM 1.x database: its repositories and installed apps.',
  description:
    "Read DAM 1.x's database ($XDG_CACHE_HOME/dam or ~/.cache/dam, or --from DIR) and merge its repositories and installed apps into this host's state, at any time: nothing already here is changed, and any conflict refuses the whole migration before anything changes. Then mark the 1.x database as taken over: its Apps file moves to Apps.taken-over-by-dam2 in the same folder and a one-line marker takes its place, so that the 1.x binary, run by mistake, refuses to run the apps' uninstall scripts again. To undo, move the backup back (see docs/migrating-from-1x.md). Running it again is harmless.",
  options: migrateOptions,
  json: true,
  examples: ['dam migrate --dry-run', 'dam migrate', 'dam migrate --from /home/olduser/.cache/dam --json'],
  load: () => import('./migrate.js'),
});

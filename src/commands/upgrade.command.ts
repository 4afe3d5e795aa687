import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';
import { dryRunOption, lifecycleOptions, trustOptions } from './install.command.js';

export const upgradeOptions = [
  dryRunOption,
  ...lifecycleOptions,
  ...trustOptions,
] as const satisfies readonly OptionSpec[];
export type UpgradeOptions = OptionsOf<typeof upgradeOptions, true>;

export const upgradeCommand = defineCommand<UpgradeOptions>({
  name: 'upgrade',
  aliases: ['up'],
  args: '<app[:version]>',
  summary: 'Upgrade an installed app to another version of its family.',
  description:
    'Replace the installed version by APP (name:version, a full tag or an archive file; a bare name means the newest version its repository has). The old uninstall and the new install run with DAM_ACTION=upgrade, DAM_OLD_VERSION and DAM_NEW_VERSION. If the new install fails, the old version is installed again.',
  options: upgradeOptions,
  json: true,
  examples: [
    'dam upgrade web',
    'dam upgrade web:1.1',
    'dam upgrade ./web-1.1.0a1b2c3d.dam',
    'dam upgrade web --dry-run --json',
  ],
  load: () => import('./upgrade.js'),
});

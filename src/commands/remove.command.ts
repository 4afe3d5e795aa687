import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';
import { dryRunOption, lifecycleOptions } from './install.command.js';

export const removeOptions = [
  { flags: '-f, --force', description: 'forget the app even if its uninstall script fails (exits 0 then)' },
  dryRunOption,
  ...lifecycleOptions,
] as const satisfies readonly OptionSpec[];
export type RemoveOptions = OptionsOf<typeof removeOptions, true>;

export const removeCommand = defineCommand<RemoveOptions>({
  name: 'remove',
  aliases: ['rm'],
  args: '<app>',
  summary: 'Remove an installed app (its image stays until dam purge).',
  description:
    "Run the app's uninstall script and forget the app. APP is a name (when one version is installed), name:version or the full tag. The script comes from the copy of /meta kept at install time, so removing works after the image is gone.",
  options: removeOptions,
  json: true,
  examples: ['dam remove web', 'dam rm web:1.0', 'dam remove web:1.0 --force', 'dam remove web --dry-run'],
  load: () => import('./remove.js'),
});

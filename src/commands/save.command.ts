import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const saveOptions = [
  { flags: '-o, --output <file>', description: 'write exactly this file (no CRC-32 in the name)' },
  { flags: '--f <file>', description: 'DAM 1.x spelling of --output', hidden: true },
  { flags: '--force', description: 'write -o FILE even when it is a symbolic link in a folder others can write' },
] as const satisfies readonly OptionSpec[];
export type SaveOptions = OptionsOf<typeof saveOptions, true>;

export const saveCommand = defineCommand<SaveOptions>({
  name: 'save',
  args: '<app>',
  summary: 'Save a local app image as a .dam file.',
  description:
    "Save a local image as a DAM .dam file: a gzip'd `docker save` archive whose manifest carries the app's tag, named `<name>-<version>.<crc32>.dam` in the current folder (or exactly -o FILE). APP is name:version (resolved against the default repository) or a full tag. The image must be local (save never pulls); the app need not be installed. The file is in the DAM 1.x format and `docker load` accepts it.",
  options: saveOptions,
  json: true,
  examples: [
    'dam save web:1.0',
    'dam save registry.corp:5000/web:1.0 -o /media/usb/web.dam',
    'dam save web:1.0 --json',
  ],
  load: () => import('./save.js'),
});

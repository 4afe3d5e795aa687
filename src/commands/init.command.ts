import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const initOptions = [
  { flags: '--kind <kind>', description: 'service, tool or files', defaultValue: 'service' },
  { flags: '--name <name>', description: 'app name (default: the folder name)' },
  { flags: '--base <image>', description: 'the base image the Dockerfile builds FROM (default: busybox:1.36)' },
  { flags: '--force', description: 'write into a folder that is not empty, replacing files of the same names' },
] as const satisfies readonly OptionSpec[];
export type InitOptions = OptionsOf<typeof initOptions, true>;

export const initCommand = defineCommand<InitOptions>({
  name: 'init',
  args: '[dir]',
  summary: 'Write a new app project (service, tool or files) ready for dam create.',
  description:
    'Write a working app project into <dir> (default: the current folder): a Dockerfile, ENVIRONMENT, meta/DESCRIPTION.exp, meta/install.exp and meta/uninstall.exp, with comments that explain the contract. ' +
    '`dam create <dir>` then `dam install` work at once. A folder that is not empty is refused unless --force is given. See docs/authoring.md.',
  details: `Kinds:
  service  a long-running container, named after the app, with a port (PORT) and a data volume
  tool     a shim on the host (in DAM_BIN_DIR) that runs a command in a container; uninstall removes it
  files    configuration dropped on the host (in DAM_CONF_DIR); uninstall removes it
`,
  options: initOptions,
  json: true,
  examples: [
    'dam init web --kind service',
    'dam init hello --kind tool --base busybox:1.36',
    'dam init . --kind files --name settings --force',
  ],
  load: () => import('./init.js'),
});

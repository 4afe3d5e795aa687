import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const createOptions = [
  { flags: '--name <name>', description: 'app name (default: DAM_APP_NAME, else the folder name)' },
  { flags: '--version <version>', description: 'app version (default: DAM_APP_VERSION, else SNAPSHOT)' },
  { flags: '--family <family>', description: 'app family (default: DAM_APP_FAMILY, else the name)' },
  { flags: '--multiversion', description: 'versions of this app may be installed side by side' },
  { flags: '--no-multiversion', description: 'only one version at a time, whatever DAM_APP_MULTIVERSION says' },
  { flags: '--build-arg <KEY=VALUE>', description: 'a Dockerfile ARG value (repeatable)', repeatable: true },
  { flags: '--label <KEY=VALUE>', description: 'an extra image label (repeatable)', repeatable: true },
  { flags: '--platform <os/arch>', description: 'build for this platform, e.g. linux/amd64' },
  { flags: '--quiet', description: 'do not show the build output' },
  { flags: '--no-lint', description: 'build without first checking the error-level rules of dam lint' },
] as const satisfies readonly OptionSpec[];
export type CreateOptions = OptionsOf<typeof createOptions, true>;

export const createCommand = defineCommand<CreateOptions>({
  name: 'create',
  aliases: ['ce'],
  args: '[dir]',
  summary: 'Build an app image from a project folder.',
  description:
    'Build an app image from a project folder (default: the current one) holding a Dockerfile that copies meta/ to /meta, and meta/install and meta/uninstall (or .exp templates of them). ' +
    "Variables come from the flags, then <dir>/ENVIRONMENT, then the Dockerfile's ENV lines, then DAM_* environment variables; `${NAME}` in meta/**/*.exp is replaced in the build context, never in your folder. " +
    'The image is tagged [<default repo server>/]<name>:<version> and labelled as DAM 1.x labels its apps.',
  options: createOptions,
  json: true,
  examples: [
    'dam create',
    'dam create examples/web --version 1.0',
    'dam ce ./tool --name tool --version 2.1 --family tools --multiversion',
    'dam create . --build-arg BASE=busybox:1.36 --label team=ops --json',
  ],
  load: () => import('./create.js'),
});

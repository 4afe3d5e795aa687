import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

// The flags of the commands that load archives (install, import) that bend the host's trust policy.
export const trustOptions = [
  {
    flags: '--insecure-allow-unsigned',
    description: 'accept an archive without a valid signature from a trusted key (warned, and recorded in the journal)',
  },
  {
    flags: '--allow-downgrade',
    description: 'accept a signed product older than the newest this host accepted from the same key',
  },
  {
    flags: '--signature <file>',
    description: 'the detached signature to check (default: FILE.sig next to the archive)',
  },
] as const satisfies readonly OptionSpec[];

export const lifecycleOptions = [
  { flags: '--timeout <seconds>', description: 'kill a script (and all its children) after this many seconds' },
  { flags: '--interactive', description: "connect the scripts' standard input to this terminal" },
] as const satisfies readonly OptionSpec[];

export const dryRunOption = {
  flags: '--dry-run',
  description: 'print the plan (also with --json) and change nothing',
} as const satisfies OptionSpec;

export const installOptions = [
  { flags: '--reinstall', description: 'when APP is installed, run its uninstall and then its install again' },
  dryRunOption,
  { flags: '--offline', description: 'never touch the network: the image must be local or in the archive' },
  ...lifecycleOptions,
  ...trustOptions,
] as const satisfies readonly OptionSpec[];
export type InstallOptions = OptionsOf<typeof installOptions, true>;

export const installCommand = defineCommand<InstallOptions>({
  name: 'install',
  aliases: ['in'],
  args: '<app...>',
  summary: 'Install apps from a registry, the local Docker cache or an archive file.',
  description:
    'Install each APP, one transaction each. Everything is checked before anything changes (the family rule, the /meta scripts, the archive). ' +
    'If the install script fails, its uninstall runs, added tags are removed and the state is as before. ' +
    'An APP that is already installed is not an error: DAM says so and exits 0, deciding from the installed apps, or for a .dam file from its name, before reading or pulling anything; --reinstall runs its uninstall and install scripts again.',
  details: [
    'APP is one of:',
    '  name:version              resolved against the default repository (local cache first, else pulled)',
    '  [registry/]path:version   a full tag; without a registry part it is Docker Hub (user/app:1.0)',
    '  FILE                      a .dam archive (DAM 1.x or 2), or a docker save tar or tar.gz',
  ].join('\n'),
  options: installOptions,
  json: true,
  examples: [
    'dam install web:1.0',
    'dam install 127.0.0.1:5000/web:1.0',
    'dam install ./web-1.0.639533ca.dam --offline',
    'dam in web:1.0 tool:2.1 --timeout 300',
    'dam install web:1.0 --dry-run --json',
    'dam install web:1.0 --reinstall',
  ],
  load: () => import('./install.js'),
});

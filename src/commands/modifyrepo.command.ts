import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const modifyrepoOptions = [
  { flags: '-d, --default [bool]', description: 'make it the default (true) or not (false)' },
  { flags: '--name <name>', description: 'new name' },
  { flags: '--server <host[:port]>', description: 'new registry address' },
  { flags: '--username <user>', description: 'new user name' },
  { flags: '--password-stdin', description: 'read a new password from standard input' },
  { flags: '--password <password>', description: 'new password (visible in shell history; prefer --password-stdin)' },
  { flags: '--clear-credentials', description: 'forget the user name and password' },
  { flags: '--insecure', description: 'allow plain HTTP and unverified TLS' },
  { flags: '--no-insecure', description: 'require verified HTTPS again' },
  { flags: '--ca-file <pem>', description: 'trust this CA for the registry ("" to forget it)' },
] as const satisfies readonly OptionSpec[];
export type ModifyrepoOptions = OptionsOf<typeof modifyrepoOptions, true>;

export const modifyrepoCommand = defineCommand<ModifyrepoOptions>({
  name: 'modifyrepo',
  aliases: ['mr'],
  args: '<id|name>',
  summary: 'Change a repository: default, name, server, credentials.',
  description:
    'Change the repository with this id or name. `--default` alone makes it the default; `--default=false` hands the default back to Docker Hub (id 1). Docker Hub itself takes only --default and credentials.',
  options: modifyrepoOptions,
  json: true,
  examples: [
    'dam modifyrepo 2 --default',
    'dam modifyrepo 2 --default=false',
    'printf %s "$PW" | dam mr 2 --username me --password-stdin',
    'dam mr 3 --name lab --server 10.0.0.5:5000',
    'dam modifyrepo lab --insecure',
  ],
  load: () => import('./modifyrepo.js'),
});

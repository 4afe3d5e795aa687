import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const addrepoOptions = [
  { flags: '--name <name>', description: 'unique name of the repository (required)' },
  { flags: '--server <host[:port]>', description: 'registry address, e.g. registry.corp:5000 (required)' },
  { flags: '-d, --default', description: 'make it the default repository' },
  { flags: '--username <user>', description: 'user name for the registry' },
  { flags: '--password-stdin', description: 'read the password from standard input' },
  { flags: '--password <password>', description: 'password (visible in shell history; prefer --password-stdin)' },
  { flags: '--insecure', description: 'allow plain HTTP and unverified TLS for this registry' },
  {
    flags: '--ca-file <pem>',
    description: 'trust this CA for the registry (besides /etc/docker/certs.d/<host:port>/ca.crt)',
  },
] as const satisfies readonly OptionSpec[];
export type AddrepoOptions = OptionsOf<typeof addrepoOptions, true>;

export const addrepoCommand = defineCommand<AddrepoOptions>({
  name: 'addrepo',
  aliases: ['ar'],
  summary: 'Add an app registry (repository).',
  description:
    'Add an app registry. Its name is how other commands refer to it; --default makes it the one that bare `name:version` arguments resolve against.',
  options: addrepoOptions,
  json: true,
  examples: [
    'dam addrepo --name corp --server registry.corp:5000',
    'printf %s "$PW" | dam addrepo --name corp --server registry.corp:5000 --username me --password-stdin --default',
    'dam addrepo --name lab --server 127.0.0.1:5000 --insecure',
  ],
  load: () => import('./addrepo.js'),
});

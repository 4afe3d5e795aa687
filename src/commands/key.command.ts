import { defineCommand, type OptionsOf } from '../cli/spec.js';

export type KeyOptions = OptionsOf<[], true>;

export const keyCommand = defineCommand<KeyOptions>({
  name: 'key',
  args: '<action> [name]',
  summary: 'Make and list signing keys (Ed25519) for signing bundles and archives.',
  description:
    'Manage the signing keys in the state directory (keys/NAME.key, 0600, and keys/NAME.pub). A key is never overwritten.',
  details: [
    'Actions:',
    '  generate NAME        make a key pair NAME and print its fingerprint',
    '  list                 the keys, with their fingerprints (SHA256:base64 of the raw public key)',
    '  export-public NAME   print the public key (PEM) for `dam trust add` on other hosts',
  ].join('\n'),
  json: true,
  examples: ['dam key generate release', 'dam key list --json', 'dam key export-public release > release.pub'],
  load: () => import('./key.js'),
});

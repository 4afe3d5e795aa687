import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const trustOptions = [
  { flags: '--name <name>', description: 'with add: the name to trust the key under' },
] as const satisfies readonly OptionSpec[];
export type TrustOptions = OptionsOf<typeof trustOptions, true>;

export const trustCommand = defineCommand<TrustOptions>({
  name: 'trust',
  args: '<action> [key]',
  summary: 'The keys this host accepts signed bundles and archives from.',
  description:
    'Manage the trust policy (trust.json in the state directory). Once any key is trusted, every archive install and every import of a bundle or DAM 1.x export needs a valid signature from a trusted key ' +
    '(unless --insecure-allow-unsigned), and a signed product older than the newest accepted under the same name and key is refused (unless --allow-downgrade). Checking makes no network call.',
  details: [
    'Actions:',
    '  add PUBKEY_FILE [--name N]    trust a public key (a PEM from dam key export-public); N defaults to the file name',
    '  list                          the trusted keys and the newest sequence accepted per product',
    '  remove NAME|FINGERPRINT       stop trusting a key',
  ].join('\n'),
  options: trustOptions,
  json: true,
  examples: [
    'dam trust add release.pub',
    'dam trust add /media/usb/vendor.pub --name vendor',
    'dam trust list --json',
    'dam trust remove vendor',
  ],
  load: () => import('./trust.js'),
});

import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const signOptions = [
  { flags: '--name <name>', description: 'the product name to sign under (required when the file carries none)' },
  { flags: '--sequence <n>', description: 'the release sequence number (default: the current time in milliseconds)' },
] as const satisfies readonly OptionSpec[];
export type SignOptions = OptionsOf<typeof signOptions, true>;

export const signCommand = defineCommand<SignOptions>({
  name: 'sign',
  args: '<key> <file>',
  summary: 'Sign a bundle, a .dam archive or a DAM 1.x export: writes FILE.sig next to it.',
  description:
    'Write a detached signature FILE.sig for FILE with the key KEY (a name from dam key list, or a PEM private key path). ' +
    'A bundle is signed through the sha256 of its index, which pins every blob and /meta file; any other archive through its own sha256 and size. ' +
    "The signature names the product (the bundle's product name, or the .dam's app name, or --name) and a sequence number (default: the time in milliseconds) that hosts use against rollback.",
  options: signOptions,
  json: true,
  examples: [
    'dam sign release product.bundle',
    'dam sign release web-1.0.639533ca.dam --sequence 7',
    'dam sign ./vendor.key apps.tar --name plant-a',
  ],
  load: () => import('./sign.js'),
});

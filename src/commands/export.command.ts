import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const exportOptions = [
  {
    flags: '--format <format>',
    description:
      "text (the 1.x list, default) or json; with --all, dam1 writes DAM 1.x's export archive instead of a bundle",
  },
  { flags: '--name <name>', description: 'the product name written in a JSON product or bundle' },
  { flags: '-a, --all', description: 'write a bundle with every image' },
  { flags: '--compress <kind>', description: 'bundle compression: gzip (default), zstd or none' },
  {
    flags: '--from <product>',
    description:
      'with --all: build the bundle (format 2, an OCI layout) from this app list or JSON product, straight from its registries',
  },
  {
    flags: '--platform <os/arch>',
    description:
      "the target platform: with --from, the platforms to carry, e.g. linux/amd64,linux/arm64 (repeatable; default: this machine's); with --self-contained, the one DAM's executable is for",
    repeatable: true,
  },
  {
    flags: '--local',
    description:
      'with --from: take the images from the local Docker cache (each layer compressed once) instead of the registries',
  },
  { flags: '--delta <inventory>', description: 'with --all: leave out the layers this inventory lists' },
  { flags: '-f, --force', description: 'replace FILE even when it is not an earlier export of the same kind' },
  { flags: '--sign <key>', description: 'with --all and --name: sign the bundle with this key (writes FILE.sig)' },
  {
    flags: '--sequence <n>',
    description: 'with --sign: the release sequence number (default: the time in milliseconds)',
  },
  {
    flags: '--self-contained',
    description:
      "with --all: write one executable file, DAM's own executable for the target platform followed by the bundle (run it as ./FILE info, ./FILE import)",
  },
  {
    flags: '--dam-binary <file>',
    description:
      "with --self-contained: DAM's release executable for the target platform (default: this executable when it matches, else dam-VERSION-PLATFORM beside it or in release/)",
  },
] as const satisfies readonly OptionSpec[];
export type ExportOptions = OptionsOf<typeof exportOptions, true>;

export const exportCommand = defineCommand<ExportOptions>({
  name: 'export',
  aliases: ['ex'],
  args: '<file>',
  summary: 'Write the installed apps to a file: an app list, a product file or a bundle.',
  description:
    "Write the installed apps to FILE: DAM 1.x's `name:version` list by default, the JSON product (tags, image ids, families) with --format json, or with --all ONE bundle carrying the product and every image, each distinct layer once (gzip by default). --delta INVENTORY (from `dam inventory` on the target host) leaves out the layers that host already has. With --all --format dam1 it writes the DAM 1.x export archive (app_list and one .dam per app, layers not shared) for hosts still on 1.x. FILE is replaced atomically; an existing file that is not an export (an app list, a product, a bundle) is only replaced with --force; so is an export of the other kind (a bundle by a list, a list by a bundle).",
  options: exportOptions,
  json: true,
  examples: [
    'dam export apps.txt',
    'dam export --format json --name plant-a product.json',
    'dam export --all /media/usb/product.dam',
    'dam export --all --compress zstd --delta inventory.json delta.dam',
    'dam export --all --self-contained --platform linux/arm64 product.run',
    'dam export --all --format dam1 fleet-1x.tar',
    'dam export --all --from product.json --platform linux/amd64,linux/arm64 product.bundle',
  ],
  load: () => import('./export.js'),
});

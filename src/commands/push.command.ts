import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const pushOptions = [
  { flags: '--repo <name|id>', description: 'the repository to push to (default: the default repository)' },
  {
    flags: '--bundle <file>',
    description: 'push every image of this bundle (format 2) instead of one local app; no engine needed',
  },
] as const satisfies readonly OptionSpec[];
export type PushOptions = OptionsOf<typeof pushOptions, true>;

export const pushCommand = defineCommand<PushOptions>({
  name: 'push',
  args: '[app]',
  summary: 'Publish a local app image to a repository.',
  description:
    "Push a local app image to a configured repository (default: the default one) with that repository's credentials. " +
    'The image is tagged <server>/<name>:<version> first when it is not already. APP is name:version or a full tag. ' +
    'With --bundle FILE, every image of a bundle goes to <server>/<name>:<version> straight from the file: blobs the registry has are skipped, shared ones mounted, then manifests and tags.',
  options: pushOptions,
  json: true,
  examples: [
    'dam push web:1.0',
    'dam push web:1.0 --repo corp',
    'dam push localhost:5000/web:1.0 --json',
    'dam push --bundle /media/usb/product.bundle --repo site',
  ],
  load: () => import('./push.js'),
});

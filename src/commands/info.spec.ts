import type { CommandSpec } from '../cli/spec.js';

export const infoSpec: CommandSpec = {
  name: 'info',
  args: '<app>',
  summary: "Show an app's description, labels, /meta files and install state.",
  description:
    "Show an app image's DESCRIPTION, DAM labels, size, creation date, the files in its /meta, and whether and when it is installed. " +
    'APP is name:version (resolved against the default repository, as install does) or a full tag. A local image is read through a container that is created and never started; ' +
    'otherwise the image is read from its registry without pulling it. ' +
    'APP may also be a FILE (a bundle, a .dam, a DAM 1.x export): then info shows what it is, who signed it and whether this host trusts that key, loading nothing.',
  options: [{ flags: '--signature <file>', description: "with FILE: the detached signature to check (default: FILE.sig)" }],
  json: true,
  examples: ['dam info ./product.bundle', 'dam info web:1.0', 'dam info registry.corp:5000/web:1.0', 'dam info web:1.0 --json'],
  load: () => import('./info.js'),
};

import type { CommandSpec } from '../cli/spec.js';

export const pushSpec: CommandSpec = {
  name: 'push',
  args: '<app>',
  summary: 'Publish a local app image to a repository.',
  description:
    "Push a local app image to a configured repository (default: the default one) with that repository's credentials. " +
    'The image is tagged <server>/<name>:<version> first when it is not already. APP is name:version or a full tag.',
  options: [{ flags: '--repo <name|id>', description: 'the repository to push to (default: the default repository)' }],
  json: true,
  examples: ['dam push web:1.0', 'dam push web:1.0 --repo corp', 'dam push localhost:5000/web:1.0 --json'],
  load: () => import('./push.js'),
};

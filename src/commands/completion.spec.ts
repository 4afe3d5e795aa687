import type { CommandSpec } from '../cli/spec.js';

export const completionSpec: CommandSpec = {
  name: 'completion',
  args: '<shell>',
  summary: 'Print a shell completion script (bash or zsh).',
  examples: ['dam completion bash > /etc/bash_completion.d/dam', 'source <(dam completion bash)', 'dam completion zsh > "${fpath[1]}/_dam"'],
  load: () => import('./completion.js'),
};

import { defineCommand, type OptionsOf } from '../cli/spec.js';

export type CompletionOptions = OptionsOf<[]>;

export const completionCommand = defineCommand<CompletionOptions>({
  name: 'completion',
  args: '<shell>',
  summary: 'Print a shell completion script (bash, zsh or fish).',
  description:
    'Print a completion script that completes commands and flags, and the values DAM knows: installed apps, repository names and ids, key names, the actions of key and trust, and files or folders where one is expected. It works after global flags (dam --home DIR install --<TAB>), and reads values from the state directory that --home or DAM_HOME names.',
  examples: [
    'dam completion bash > /etc/bash_completion.d/dam',
    'source <(dam completion bash)',
    'dam completion zsh > "${fpath[1]}/_dam"',
    'dam completion fish > ~/.config/fish/completions/dam.fish',
  ],
  load: () => import('./completion.js'),
});

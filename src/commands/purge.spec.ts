import type { CommandSpec } from '../cli/spec.js';

export const purgeSpec: CommandSpec = {
  name: 'purge',
  summary: 'Remove app images that no installed app uses.',
  description: 'Remove images that carry DAM labels and belong to no installed app. Never removes images of installed apps or images used by any container; keeps the version each installed app was upgraded from unless --no-keep-previous. --all also removes images DAM did not create or install.',
  options: [
    { flags: '--dry-run', description: 'list what would be removed and the space it frees, change nothing' },
    { flags: '--all', description: 'also images without DAM labels' },
    { flags: '--no-keep-previous', description: 'remove the previous versions kept for rollback too' },
  ],
  json: true,
  examples: ['dam purge --dry-run', 'dam purge', 'dam purge --all --no-keep-previous'],
  load: () => import('./purge.js'),
};

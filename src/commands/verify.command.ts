import { defineCommand, type OptionsOf } from '../cli/spec.js';

export type VerifyOptions = OptionsOf<[], true>;

export const verifyCommand = defineCommand<VerifyOptions>({
  name: 'verify',
  args: '[app]',
  summary: 'Check installed apps against what was installed.',
  description:
    'Check every installed app (or APP: a name, name:version or tag): its image is in the engine, its tag points at the image id recorded at install, and its kept /meta copy (the scripts remove runs) has the hashes recorded at install. ' +
    "Apps installed before DAM recorded those hashes show 'not recorded' for /meta, which is not a failure. Exits 1 listing the problems. dam doctor includes this summary.",
  json: true,
  examples: ['dam verify', 'dam verify web', 'dam verify --json'],
  load: () => import('./verify.js'),
});

import { defineCommand, type OptionsOf } from '../cli/spec.js';

export type VersionOptions = OptionsOf<[], true>;

export const versionCommand = defineCommand<VersionOptions>({
  name: 'version',
  summary: "Show DAM's version, Node's, the platform, and the engine DAM uses (and whether it answers).",
  description:
    "Show DAM's version, the Node.js version, the platform, and the Docker engine DAM would use (from DOCKER_HOST, else the current Docker context, else /var/run/docker.sock), " +
    'then ask that engine for its version, giving up after 3 seconds. Exits 0 either way; the answer says whether the engine answered. ' +
    "'dam --version' prints the same in one line without calling the engine.",
  json: true,
  examples: ['dam version', 'dam version --json', 'dam --version'],
  load: () => import('./version.js'),
});

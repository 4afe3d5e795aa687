import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const doctorOptions = [
  { flags: '--fix', description: "finish or roll back unfinished operations first (as 'dam recover')" },
] as const satisfies readonly OptionSpec[];
export type DoctorOptions = OptionsOf<typeof doctorOptions, true>;

export const doctorCommand = defineCommand<DoctorOptions>({
  name: 'doctor',
  summary: 'Check the Docker engine, the state directory and unfinished operations.',
  description:
    'Check what DAM depends on: the Docker engine (address from DOCKER_HOST, version, negotiated API version, storage driver, root directory), ' +
    'the state directory (path, permissions, whether state.json reads) and whether an operation was left unfinished. ' +
    'Exits 1 when a check fails.',
  options: doctorOptions,
  json: true,
  examples: ['dam doctor', 'dam doctor --fix', 'DOCKER_HOST=tcp://10.0.0.5:2375 dam doctor', 'dam doctor --json'],
  load: () => import('./doctor.js'),
});

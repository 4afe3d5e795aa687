// Where the engine listens, from DOCKER_HOST as the docker CLI reads it.
import { DamError } from '../../core/errors.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export type EngineAddress =
  { kind: 'unix'; socketPath: string; display: string } | { kind: 'tcp'; host: string; port: number; display: string };

const HINT =
  'Set DOCKER_HOST to unix:///path/to/docker.sock or tcp://host:port, or unset it to use /var/run/docker.sock.';

/** Parses `unix://PATH` or `tcp://HOST[:PORT]` (port 2375 by default). Throws USAGE for anything else. */
export function parseDockerHost(value: string | undefined): EngineAddress {
  const text = value === undefined || value === '' ? DEFAULT_DOCKER_HOST : value;
  if (text.startsWith('unix://')) {
    const socketPath = text.slice('unix://'.length);
    if (!socketPath.startsWith('/'))
      throw new DamError('USAGE', `DOCKER_HOST '${text}' does not name an absolute socket path.`, HINT);
    return { kind: 'unix', socketPath, display: text };
  }
  if (text.startsWith('tcp://')) {
    let url: URL;
    try {
      url = new URL(`http://${text.slice('tcp://'.length)}`);
    } catch {
      throw new DamError('USAGE', `DOCKER_HOST '${text}' is not a valid tcp:// address.`, HINT);
    }
    if (url.pathname !== '/' || url.search !== '' || url.username !== '') {
      throw new DamError(
        'USAGE',
        `DOCKER_HOST '${text}' has a path or credentials; DAM expects tcp://host:port.`,
        HINT,
      );
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = url.port === '' ? 2375 : Number(url.port);
    return { kind: 'tcp', host, port, display: `tcp://${url.host}${url.port === '' ? ':2375' : ''}` };
  }
  throw new DamError('USAGE', `DOCKER_HOST '${text}' uses a scheme DAM does not support.`, HINT);
}

// TLS trust for a registry, the way Docker sets it up: every `*.crt` in /etc/docker/certs.d/<host:port>/ is
// a CA (plus `client.cert`/`client.key` for client authentication), and a repo may name its own CA file.
// Custom CAs are added to Node's bundled roots, not put in their place.
import { readFile, readdir } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { DamError, errnoCode } from '../../core/errors.js';

export const DOCKER_CERTS_DIR = '/etc/docker/certs.d';

export interface TlsSettings {
  ca?: string[];
  cert?: string;
  key?: string;
  /** False only for repos marked insecure. */
  rejectUnauthorized: boolean;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

export async function tlsSettings(options: {
  host: string;
  caFile?: string;
  insecure: boolean;
  certsDir?: string;
}): Promise<TlsSettings> {
  const dir = join(options.certsDir ?? DOCKER_CERTS_DIR, options.host);
  const extra: string[] = [];
  let names: string[] = [];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.crt')).sort();
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT' && errnoCode(err) !== 'ENOTDIR') throw err;
  }
  for (const name of names) {
    const pem = await readOptional(join(dir, name));
    if (pem) extra.push(pem);
  }
  if (options.caFile) {
    const pem = await readOptional(options.caFile);
    if (pem === undefined)
      throw new DamError(
        'NOT_FOUND',
        `The CA file '${options.caFile}' of the repository does not exist.`,
        'Give the right file with dam modifyrepo ID --ca-file FILE, or forget it with --ca-file ""',
      );
    extra.push(pem);
  }
  const settings: TlsSettings = { rejectUnauthorized: !options.insecure };
  if (extra.length > 0) settings.ca = [...rootCertificates, ...extra];
  const cert = await readOptional(join(dir, 'client.cert'));
  const key = await readOptional(join(dir, 'client.key'));
  if (cert && key) Object.assign(settings, { cert, key });
  return settings;
}

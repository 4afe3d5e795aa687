// Container calls of the Engine API. DAM only creates containers to copy files out of an image; it never
// starts them.
import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import { TEMPORARY_LABEL, TEMPORARY_OWNER_LABEL } from '../../core/app-labels.js';
import { isDamError } from '../../core/errors.js';
import { processExists } from '../process/liveness.js';
import type { ContainerSummary } from '../../core/ports/engine.js';
import { array, object, optString, string, stringMap, strings } from './check.js';
import { pathPart, type EngineHttp } from './http.js';
import { labelFilters } from './images.js';

export interface CreateContainerOptions {
  image: string;
  labels?: Record<string, string>;
  name?: string;
  cmd?: string[];
}

/** A command for images that declare none (data-only or imported ones); the container is never started. */
const PLACEHOLDER_CMD = ['/dam-container-is-never-started'];

export async function createContainer(http: EngineHttp, options: CreateContainerOptions): Promise<string> {
  let labels = options.labels ?? {};
  if (labels[TEMPORARY_LABEL] === 'true') {
    await removeDeadOwnersTemporaries(http);
    labels = { [TEMPORARY_OWNER_LABEL]: `${hostname()}/${process.pid}`, ...labels };
  }
  const create = async (cmd: string[] | undefined) => {
    const answer = await http.json({
      method: 'POST',
      path: '/containers/create',
      query: { name: options.name },
      body: { Image: options.image, Labels: labels, Cmd: cmd, NetworkDisabled: true },
      subject: `image '${options.image}'`,
    });
    return string(object(answer, 'POST /containers/create'), 'Id', 'POST /containers/create');
  };
  try {
    return await create(options.cmd);
  } catch (err) {
    // The engine refuses to create a container without a command even though it will never run.
    if (options.cmd === undefined && isDamError(err, 'ENGINE_ERROR') && /no command specified/i.test(err.message))
      return create(PLACEHOLDER_CMD);
    throw err;
  }
}

/**
 * Removes the temporary containers that a dam on this host made and could not remove because it was killed
 * (each is removed in a `finally`, which SIGKILL skips). Only those whose owner process is gone: another
 * dam at work on the same engine keeps its own. Best effort: a failure here never stops the caller.
 */
async function removeDeadOwnersTemporaries(http: EngineHttp): Promise<void> {
  try {
    const here = `${hostname()}/`;
    for (const c of await listContainers(http, { all: true, labels: [`${TEMPORARY_LABEL}=true`] })) {
      const owner = c.labels[TEMPORARY_OWNER_LABEL];
      if (!owner?.startsWith(here)) continue;
      const pid = Number(owner.slice(here.length));
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !processExists(pid))
        await removeContainer(http, c.id);
    }
  } catch {
    // Left for the next dam: this one's work does not depend on it.
  }
}

export async function copyFromContainer(http: EngineHttp, id: string, path: string): Promise<Readable> {
  return http.stream({
    method: 'GET',
    path: `/containers/${pathPart(id)}/archive`,
    query: { path },
    subject: `path '${path}' in container ${id.slice(0, 12)}`,
  });
}

export async function removeContainer(http: EngineHttp, id: string): Promise<void> {
  try {
    await http.call({
      method: 'DELETE',
      path: `/containers/${pathPart(id)}`,
      query: { force: true, v: true },
      subject: `container ${id.slice(0, 12)}`,
    });
  } catch (err) {
    if (isDamError(err, 'NOT_FOUND')) return;
    throw err;
  }
}

export function toContainerSummary(value: unknown, where: string): ContainerSummary {
  const o = object(value, where, 'a container');
  return {
    id: string(o, 'Id', where),
    names: strings(o, 'Names', where).map((n) => n.replace(/^\//, '')),
    image: optString(o, 'Image', where),
    imageId: optString(o, 'ImageID', where),
    labels: stringMap(o, 'Labels', where),
    state: optString(o, 'State', where),
  };
}

export async function listContainers(
  http: EngineHttp,
  options: { all?: boolean; labels?: string[] } = {},
): Promise<ContainerSummary[]> {
  const answer = await http.json({
    method: 'GET',
    path: '/containers/json',
    query: { all: options.all === true, filters: labelFilters(options.labels) },
    subject: 'the container list',
  });
  return array(answer, 'GET /containers/json').map((v) => toContainerSummary(v, 'GET /containers/json'));
}

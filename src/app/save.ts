// `dam save APP`: a local app image written to a `.dam` file. Never pulls.
import { DamError } from '../core/errors.js';
import { appNameOf, formatRef, resolveAppRef } from '../core/ref.js';
import { defaultRepo, repoPrefix } from '../core/state.js';
import type { Engine } from '../core/ports/engine.js';
import type { Archives, OutputFiles, SavedArchive } from '../core/ports/host.js';
import type { Store } from '../core/ports/store.js';
import type { Reporter } from './lifecycle-deps.js';

export interface SavePorts {
  store: Store;
  engine: () => Promise<Engine>;
  archives: () => Promise<Archives>;
  outputs: OutputFiles;
  report: Reporter;
}

export interface SaveRequest {
  /** What the user named: name:version or a full tag. */
  app: string;
  /** The exact output path (`-o`), else a CRC-named file in `dir`. */
  output?: string;
  dir: string;
  force: boolean;
  signal: AbortSignal;
  onProgress?: (bytes: number) => void;
}

export async function saveApp(ports: SavePorts, request: SaveRequest): Promise<SavedArchive> {
  const { app: text, output } = request;
  if (output !== undefined) await ports.outputs.checkLink(output, request.force);
  const state = await ports.store.read();
  const ref = resolveAppRef(text, repoPrefix(defaultRepo(state)));
  const tag = formatRef(ref);
  const engine = await ports.engine();
  if (!(await engine.inspectImage(tag))) {
    throw new DamError(
      'NOT_FOUND',
      `The image '${tag}' is not in the local Docker cache.`,
      `Pull it (docker pull ${tag}) or install it (dam install ${text}) first; save never pulls.`,
    );
  }
  ports.report.info(`Saving '${tag}'...`);
  return (await ports.archives()).save(tag, {
    name: appNameOf(ref),
    version: ref.tag,
    tag,
    ...(output !== undefined ? { outPath: output } : { dir: request.dir }),
    signal: request.signal,
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
}

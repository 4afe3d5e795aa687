// Progress through the engine's `docker save` reads of an export (`export --all` reads the images twice, to
// measure then to copy; `--local` and `--format dam1` once): the bytes counted in the save streams
// themselves, against the images' sizes as the engine reports them. Images that share layers are counted
// whole each, so the total is an upper bound there and the line may end short of 100%.
import { Transform, type Readable } from 'node:stream';
import type { Engine } from '../core/ports/engine.js';
import { plainEveryMs, type MeterOutput } from './file-meter.js';
import { byteMeter } from './progress.js';

export interface MeteredEngine {
  /** The engine, its save streams counted. */
  engine: Engine;
  /** Ends the line; call it when the work ends, also on failure. */
  stop(): void;
}

function counted(source: Readable, onBytes: (n: number) => void): Readable {
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
  source.on('error', (err) => counter.destroy(err));
  counter.on('close', () => source.destroy());
  return source.pipe(counter);
}

/** Meters `passes` reads of the images `refs` (ids or tags; each distinct image counted once per pass). */
export async function meteredSaves(
  out: MeterOutput,
  engine: Engine,
  refs: string[],
  passes: number,
  label = 'Reading the images from the engine',
): Promise<MeteredEngine> {
  const sizes = new Map<string, number>();
  for (const ref of refs) {
    const info = await engine.inspectImage(ref);
    if (info) sizes.set(info.id, info.size);
  }
  const total = passes * [...sizes.values()].reduce((sum, n) => sum + n, 0);
  let done = 0;
  const every = plainEveryMs(out.env);
  const meter = byteMeter(out.log, {
    label,
    total,
    sample: () => Math.min(done, total),
    ...(every !== undefined ? { plainEveryMs: every } : {}),
  });
  const wrapped: Engine = Object.create(engine) as Engine;
  wrapped.save = async (ids, options) => counted(await engine.save(ids, options), (n) => void (done += n));
  return { engine: wrapped, stop: () => meter.stop() };
}

// SHA-256 of a stream on a worker thread. Loading a bundle hashes every byte twice (the stored blob against
// the index, the inflated layer against its diff id) on the thread that also inflates, walks the tars and
// feeds the engine; hashing there made that thread the bound of the whole load. Each chunk is copied to the
// worker (a copy costs a tenth of a hash), and the bytes in flight are bounded, so memory stays flat.
// The worker's code is a string run with `eval`, so it works the same from the bundle, the single executable
// and the sources.
import { Worker } from 'node:worker_threads';

const WORKER_CODE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  let h = hashes.get(m.id);
  if (!h) hashes.set(m.id, (h = createHash('sha256')));
  if (m.data) {
    h.update(m.data);
    parentPort.postMessage({ id: m.id, acked: m.data.byteLength });
  } else {
    hashes.delete(m.id);
    parentPort.postMessage({ id: m.id, hex: h.digest('hex') });
  }
});
`;

/** Bytes of one stream that may wait in the worker's queue before `update` asks the caller to wait. */
const IN_FLIGHT = 8 * 1024 * 1024;

interface Stream {
  inFlight: number;
  ready: Array<() => void>;
  done?: { resolve: (hex: string) => void; reject: (err: Error) => void };
}

let worker: Worker | undefined;
let nextId = 0;
const streams = new Map<number, Stream>();
/** Callers waiting on the worker: while there are any, it keeps the process alive (and only then, so a stream
 * dropped on an error path never holds the process open). */
let waiting = 0;

function wait<T>(w: Worker, settle: (resolve: (v: T) => void, reject: (err: Error) => void) => void): Promise<T> {
  if (waiting++ === 0) w.ref();
  return new Promise<T>(settle).finally(() => {
    if (--waiting === 0) worker?.unref();
  });
}

function failAll(err: Error): void {
  worker = undefined;
  for (const s of streams.values()) {
    s.done?.reject(err);
    for (const go of s.ready.splice(0)) go();
  }
  streams.clear();
}

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_CODE, { eval: true });
  w.on('message', (m: { id: number; acked?: number; hex?: string }) => {
    const s = streams.get(m.id);
    if (!s) return;
    if (m.hex !== undefined) {
      streams.delete(m.id);
      s.done?.resolve(m.hex);
      return;
    }
    s.inFlight -= m.acked ?? 0;
    if (s.inFlight <= IN_FLIGHT) for (const go of s.ready.splice(0)) go();
  });
  w.on('error', (err) => failAll(err));
  w.on('exit', (code) => failAll(new Error(`the hashing thread stopped (exit code ${code})`)));
  w.unref();
  worker = w;
  return w;
}

/** One stream's SHA-256, computed on the shared worker thread in the order of `update` calls. */
export class OffThreadSha256 {
  private readonly id = nextId++;
  private readonly stream: Stream = { inFlight: 0, ready: [] };
  private readonly worker = theWorker();

  constructor() {
    streams.set(this.id, this.stream);
  }

  /** Queues a copy of `chunk`; false when the caller should wait for `whenReady` before the next. */
  update(chunk: Uint8Array): boolean {
    // Exactly the chunk's bytes, moved (not cloned) to the worker: a view into a larger buffer would clone all of it.
    const data = new Uint8Array(chunk);
    this.stream.inFlight += data.byteLength;
    this.worker.postMessage({ id: this.id, data }, [data.buffer]);
    return this.stream.inFlight <= IN_FLIGHT;
  }

  /** Settles once the worker has caught up to within the in-flight bound. */
  whenReady(): Promise<void> {
    if (this.stream.inFlight <= IN_FLIGHT || !streams.has(this.id)) return Promise.resolve();
    return wait(this.worker, (resolve) => this.stream.ready.push(() => resolve(undefined)));
  }

  /** The hex digest of everything passed to `update`. */
  digest(): Promise<string> {
    return wait<string>(this.worker, (resolve, reject) => {
      if (!streams.has(this.id)) return reject(new Error('the hashing thread stopped'));
      this.stream.done = { resolve, reject };
      this.worker.postMessage({ id: this.id });
    });
  }
}

// The docker-save stream DAM sends to the engine's load, written by DAM from what it checked: each layer
// under a name DAM chooses, streamed as it is read and hashed; then, once every check has passed, each
// image's config and a manifest.json naming only the tags DAM shows. Nothing of the archive's own layout
// (its manifest, links, extra members) reaches the engine, so the engine cannot read it differently.
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { saveManifestJson } from '../../core/archive/docker-save.js';

export interface SavedImageEntry {
  /** The config's bytes as checked; the engine names the image by their sha256. */
  config: Buffer;
  imageId: string;
  tags: string[];
  /** Names returned by `layer`, bottom first. */
  layers: string[];
}

export interface LayerSink {
  name: string;
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
}

const header = (name: string, size: number) => ({ name, size, mode: 0o644, mtime: new Date(0) });

export class SaveStream {
  private readonly pack = tar.pack();
  private readonly sending: Promise<void>;
  private count = 0;

  /** `out` receives the stream's bytes in order; the stream waits for each returned promise. */
  constructor(out: (chunk: Buffer) => Promise<void>) {
    const sink = new Writable({ write: (chunk: Buffer, _enc, cb) => void out(chunk).then(() => cb(), cb) });
    this.sending = pipeline(this.pack as unknown as Readable, sink);
    this.sending.catch(() => undefined);
  }

  /** Opens the next layer member, of exactly `size` bytes. One at a time: end it before the next. */
  layer(size: number): LayerSink {
    const name = `layer-${++this.count}/layer.tar`;
    let settled: (err?: Error | null) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => (settled = (err) => (err ? reject(err) : resolve())));
    done.catch(() => undefined);
    const entry = this.pack.entry(header(name, size), (err) => settled(err));
    // Its failure reaches `end` through the callback above; as an event it would be unhandled.
    entry.on('error', () => undefined);
    return {
      name,
      write: (chunk) => (entry.write(chunk) ? Promise.resolve() : drained(entry)),
      end: () => {
        (entry as unknown as { end(): void }).end();
        return done;
      },
    };
  }

  /** Writes the configs and DAM's manifest.json, ends the tar, and resolves once all of it was handed on. */
  async finish(images: SavedImageEntry[]): Promise<void> {
    for (const img of images) await this.add(`${hex(img.imageId)}.json`, img.config);
    await this.add(
      'manifest.json',
      saveManifestJson(
        images.map((img) => ({ config: `${hex(img.imageId)}.json`, tags: img.tags, layers: img.layers })),
      ),
    );
    this.pack.finalize();
    await this.sending;
  }

  abort(err: Error): void {
    this.pack.destroy(err);
  }

  private add(name: string, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.pack.entry(header(name, data.length), data, (err) => (err ? reject(err) : resolve())),
    );
  }
}

const hex = (digest: string) => digest.slice('sha256:'.length);

function drained(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('drain', onDrain).off('close', onClose).off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the load stream was closed'));
    stream.on('drain', onDrain).on('close', onClose).on('error', done);
  });
}

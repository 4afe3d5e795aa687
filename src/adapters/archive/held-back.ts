// A stream into the engine that keeps back its last bytes until the caller releases them. An install
// streams an archive into `docker load` while verifying it in the same pass; the engine cannot finish
// reading the archive (its end-of-archive marker is in the held bytes), so it registers nothing until every
// check has passed. On a failed check the stream is destroyed, the load fails, and the engine is unchanged.
import { PassThrough } from 'node:stream';

export class HeldBackStream {
  readonly readable = new PassThrough();
  private held: Buffer[] = [];
  private heldBytes = 0;
  private readonly hold: number;

  constructor(holdBytes: number) {
    this.hold = holdBytes;
    // A load abandoned before the engine client listens must not raise an unhandled 'error' event (a Node
    // stack trace): the failure that abandoned it is reported by the caller.
    this.readable.on('error', () => undefined);
  }

  /** Passes on everything but the last `holdBytes`, waiting while the engine is slower than the file. */
  async write(chunk: Buffer): Promise<void> {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    for (let first = this.held[0]; first && this.heldBytes - first.length >= this.hold; first = this.held[0]) {
      this.held.shift();
      this.heldBytes -= first.length;
      if (!this.readable.write(first)) await this.drained();
    }
  }

  /** Sends the held bytes and ends the stream: the engine may now finish the load. */
  release(): void {
    for (const chunk of this.held) this.readable.write(chunk);
    this.held = [];
    this.readable.end();
  }

  /** Abandons the load: the engine sees a broken stream and keeps nothing. */
  abandon(err: Error): void {
    this.readable.destroy(err);
  }

  private drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        this.readable.off('drain', onDrain).off('close', onClose).off('error', onError);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new Error('the engine stopped reading the archive'));
      const onError = (err: Error) => done(err);
      this.readable.on('drain', onDrain).on('close', onClose).on('error', onError);
    });
  }
}

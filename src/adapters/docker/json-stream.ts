// The engine's long operations (build, pull, push, load) answer HTTP 200 and then stream JSON messages, one
// per line. A failure arrives as an `errorDetail`/`error` message inside that 200 stream, so every stream
// must be read to its end and checked. Messages are parsed as they arrive; nothing is buffered whole.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { DamError } from '../../core/errors.js';
import type { ProgressEvent, ProgressListener } from '../../core/ports/engine.js';
import { EngineReplyError, interrupted } from './http.js';

/** One engine message, reduced to what DAM reads. */
export type StreamMessage =
  | { kind: 'error'; message: string }
  | { kind: 'stream'; text: string }
  | { kind: 'progress'; event: ProgressEvent }
  | { kind: 'aux'; aux: Record<string, unknown> };

/** Splits a byte stream into parsed JSON lines. Throws ENGINE_ERROR on a line that is not JSON. */
export async function* jsonLines(source: AsyncIterable<Buffer | string>, where: string): AsyncGenerator<unknown> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      throw new DamError(
        'ENGINE_ERROR',
        `The engine sent a line that is not JSON during ${where}: ${line.slice(0, 200)}`,
      );
    }
  };
  for await (const chunk of source) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') yield parse(line);
      newline = pending.indexOf('\n');
    }
  }
  const rest = (pending + decoder.end()).trim();
  if (rest !== '') yield parse(rest);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Classifies one engine message. Unknown shapes become progress with whatever status they carry. */
export function interpret(value: unknown): StreamMessage[] {
  if (typeof value !== 'object' || value === null) return [];
  const m = value as Record<string, unknown>;
  const detail =
    typeof m.errorDetail === 'object' && m.errorDetail !== null
      ? (m.errorDetail as Record<string, unknown>)
      : undefined;
  const error = text(detail?.message) ?? text(m.error);
  if (error !== undefined) return [{ kind: 'error', message: error }];
  const out: StreamMessage[] = [];
  if (typeof m.aux === 'object' && m.aux !== null) out.push({ kind: 'aux', aux: m.aux as Record<string, unknown> });
  const stream = text(m.stream);
  if (stream !== undefined) out.push({ kind: 'stream', text: stream });
  const status = text(m.status);
  if (status !== undefined) {
    const event: ProgressEvent = { status };
    const id = text(m.id);
    if (id !== undefined && id !== '') event.id = id;
    const pd =
      typeof m.progressDetail === 'object' && m.progressDetail !== null
        ? (m.progressDetail as Record<string, unknown>)
        : {};
    const current = count(pd.current);
    const total = count(pd.total);
    if (current !== undefined) event.current = current;
    if (total !== undefined && total > 0) event.total = total;
    out.push({ kind: 'progress', event });
  }
  return out;
}

/** The engine colours a build step's stderr red; the colour is decoration, not output. */
// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export interface ConsumeOptions {
  /** What is going on, for error messages: `building 'web:1.0'`. */
  what: string;
  signal?: AbortSignal | undefined;
  onProgress?: ProgressListener | undefined;
  /** Called with each `aux` object (build: `{ID}`, push: `{Tag, Digest, Size}`). */
  onAux?: (aux: Record<string, unknown>) => void;
  /** Called with each text line of `stream` messages (build output, `Loaded image: ...`). */
  onLine?: (line: string) => void;
}

/**
 * Reads an engine message stream to its end. Text lines of `stream` messages go to `onLine` and, as
 * progress events without id, to `onProgress`. Throws ENGINE_ERROR with the engine's message when the stream
 * carries an error, and INTERRUPTED when `signal` aborts.
 */
export async function consumeMessages(source: Readable, options: ConsumeOptions): Promise<void> {
  let partial = '';
  const emitLines = (chunk: string) => {
    partial += chunk;
    let newline = partial.indexOf('\n');
    while (newline >= 0) {
      const line = partial.slice(0, newline).replace(/\r$/, '').replace(ANSI_COLOUR, '');
      partial = partial.slice(newline + 1);
      options.onLine?.(line);
      options.onProgress?.({ status: line });
      newline = partial.indexOf('\n');
    }
  };
  try {
    for await (const value of jsonLines(source, options.what)) {
      for (const message of interpret(value)) {
        if (message.kind === 'error') {
          if (partial !== '') emitLines('\n');
          const engineMessage = message.message.trim();
          throw new EngineReplyError(
            'ENGINE_ERROR',
            `${capitalize(options.what)} failed: ${engineMessage}`,
            undefined,
            { status: 200, engineMessage },
          );
        }
        if (message.kind === 'aux') options.onAux?.(message.aux);
        else if (message.kind === 'stream') emitLines(message.text);
        else options.onProgress?.(message.event);
      }
    }
  } catch (err) {
    if (options.signal?.aborted) throw interrupted();
    if (err instanceof DamError) throw err;
    throw new DamError(
      'ENGINE_ERROR',
      `The connection to the engine broke while ${options.what}: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  } finally {
    source.destroy();
  }
  if (partial !== '') emitLines('\n');
}

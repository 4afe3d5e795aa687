// Shows an engine operation's ProgressEvents (pull, push, load, save, build) on stderr. On a terminal each
// layer gets a live line with bytes, rate and time left; elsewhere (logs, CI) each layer prints one line per
// step, never one per byte. Events without an id (build output, `Status: ...`) are printed as they come.
import type { ProgressEvent, ProgressListener } from '../core/ports/engine.js';
import type { Logger } from './log.js';
import { escapeControls } from '../core/escape.js';
import { formatBytes } from '../core/bytes.js';

export interface ProgressRenderer {
  listener: ProgressListener;
  /** Draws the final state and stops redrawing. Call it when the operation ends, also on failure. */
  done(): void;
}

export interface RendererOptions {
  now?: () => number;
  /** Terminal width and height; live lines are cut to fit. */
  columns?: number;
  rows?: number;
  /** Minimum time between two redraws of the live lines. */
  intervalMs?: number;
}

interface Layer {
  status: string;
  current?: number | undefined;
  total?: number | undefined;
  /** When and at how many bytes the current step began, for the rate. */
  since: number;
  sinceBytes: number;
}

// Commands format sizes with the same rule as progress lines; it lives in core.
export { formatBytes } from '../core/bytes.js';

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Control characters other than tab are shown escaped, so engine text cannot move the cursor. */
const safe = (text: string): string => escapeControls(text, 'tab');

/** One live line: `abc123: Downloading  12.3 MB / 40 MB  2.1 MB/s  13s left`. */
export function layerLine(id: string, layer: Layer, now: number): string {
  const parts = [`${safe(id)}: ${safe(layer.status)}`];
  if (layer.current !== undefined) {
    parts.push(
      layer.total !== undefined
        ? `${formatBytes(layer.current)} / ${formatBytes(layer.total)}`
        : formatBytes(layer.current),
    );
    const seconds = (now - layer.since) / 1000;
    const rate = seconds > 0.5 ? (layer.current - layer.sinceBytes) / seconds : 0;
    if (rate > 0) {
      parts.push(`${formatBytes(rate)}/s`);
      if (layer.total !== undefined && layer.total > layer.current)
        parts.push(`${formatDuration((layer.total - layer.current) / rate)} left`);
    }
  }
  return parts.join('  ');
}

export function progressRenderer(log: Logger, options: RendererOptions = {}): ProgressRenderer {
  const now = options.now ?? Date.now;
  const layers = new Map<string, Layer>();
  const update = (event: ProgressEvent & { id: string }): boolean => {
    const layer = layers.get(event.id);
    const changed = layer === undefined || layer.status !== event.status;
    if (changed)
      layers.set(event.id, {
        status: event.status,
        current: event.current,
        total: event.total,
        since: now(),
        sinceBytes: event.current ?? 0,
      });
    else Object.assign(layer, { current: event.current, total: event.total ?? layer.total });
    return changed;
  };

  if (!log.interactive) {
    return {
      listener: (event) => {
        if (event.id === undefined) log.raw(`${safe(event.status)}\n`);
        else if (update({ ...event, id: event.id }))
          log.raw(
            `${safe(event.id)}: ${safe(event.status)}${event.total !== undefined ? ` (${formatBytes(event.total)})` : ''}\n`,
          );
      },
      done: () => undefined,
    };
  }

  const columns = options.columns ?? process.stderr.columns ?? 80;
  const maxLines = Math.max(1, (options.rows ?? process.stderr.rows ?? 24) - 2);
  const interval = options.intervalMs ?? 100;
  let drawn = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;

  const erase = (): string => (drawn > 0 ? `\x1b[${drawn}A\r\x1b[J` : '');
  const block = (): string => {
    const t = now();
    const lines = [...layers]
      .slice(-maxLines)
      .map(([id, layer]) => layerLine(id, layer, t).slice(0, Math.max(10, columns - 1)));
    drawn = lines.length;
    return lines.map((l) => `${l}\n`).join('');
  };
  const redraw = () => {
    timer = undefined;
    log.raw(erase() + block());
  };
  const schedule = (immediate: boolean) => {
    if (finished) return;
    if (immediate) {
      if (timer !== undefined) clearTimeout(timer);
      redraw();
    } else {
      timer ??= setTimeout(redraw, interval);
    }
  };

  return {
    listener: (event) => {
      if (event.id === undefined) {
        // Printed above the live lines, which are then drawn again below it.
        log.raw(`${erase()}${safe(event.status)}\n${block()}`);
        return;
      }
      schedule(update({ ...event, id: event.id }));
    },
    done: () => {
      if (finished) return;
      if (timer !== undefined) clearTimeout(timer);
      redraw();
      finished = true;
    },
  };
}

/** `label  12 MB / 40 MB  30%  2.1 MB/s  13s left`: bytes done of a known total, for work that is one stream. */
export function meterLine(label: string, done: number, total: number, rate: number): string {
  const parts = [
    safe(label),
    `${formatBytes(done)} / ${formatBytes(total)}`,
    `${total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100}%`,
  ];
  if (rate > 0) {
    parts.push(`${formatBytes(rate)}/s`);
    if (total > done) parts.push(`${formatDuration((total - done) / rate)} left`);
  }
  return parts.join('  ');
}

export interface MeterOptions {
  label: string;
  total: number;
  /** Bytes done so far; undefined while unknown (nothing is shown then). */
  sample: () => number | undefined;
  now?: () => number;
  /** Redraw interval on a terminal. */
  intervalMs?: number;
  /** Interval between two plain lines off a terminal (CI logs): no control characters there. */
  plainEveryMs?: number;
}

export interface ByteMeter {
  /** Takes one sample and shows it if it is due; the timer calls it, tests may too. */
  tick(): void;
  /** Shows the last state once more (a terminal line is ended) and stops the timer. Idempotent. */
  stop(): void;
}

/** Shows progress through long byte work: a live line on a terminal, a plain line every few seconds elsewhere. */
export function byteMeter(log: Logger, options: MeterOptions, timers = true): ByteMeter {
  const now = options.now ?? Date.now;
  const started = now();
  const every = log.interactive ? (options.intervalMs ?? 250) : (options.plainEveryMs ?? 5000);
  let lastShown = started;
  let shown = false;
  let stopped = false;
  let last: number | undefined;
  const line = (done: number) =>
    meterLine(options.label, done, options.total, done / Math.max(0.001, (now() - started) / 1000));
  const show = (done: number) => {
    log.raw(
      log.interactive
        ? `\r\x1b[K${line(done).slice(0, Math.max(10, (process.stderr.columns ?? 80) - 1))}`
        : `${line(done)}\n`,
    );
    shown = true;
    lastShown = now();
  };
  const tick = () => {
    const done = options.sample();
    if (done !== undefined) last = done;
    if (stopped || done === undefined || done === 0 || now() - lastShown < every) return;
    show(done);
  };
  const timer = timers ? setInterval(tick, Math.min(every, 1000)) : undefined;
  timer?.unref();
  return {
    tick,
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      // The file may be closed by now: the last offset seen stands for the end.
      const done = options.sample() ?? last;
      if (shown && done !== undefined) show(done);
      if (shown && log.interactive) log.raw('\n');
    },
  };
}

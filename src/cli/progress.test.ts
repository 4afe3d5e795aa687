import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from './log.js';
import { byteMeter, formatBytes, formatDuration, meterLine, progressRenderer } from './progress.js';

function fakeLog(interactive: boolean): Logger & { out: string } {
  const log = {
    out: '',
    interactive,
    info: () => undefined,
    success: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    debug: () => undefined,
    raw: (t: string) => {
      log.out += t;
    },
  };
  return log;
}

const pull = [
  { status: 'Pulling from team/web', id: '1.0' },
  { status: 'Pulling fs layer', id: 'aaa' },
  { status: 'Downloading', id: 'aaa', current: 1_000_000, total: 40_000_000 },
  { status: 'Downloading', id: 'aaa', current: 2_000_000, total: 40_000_000 },
  { status: 'Downloading', id: 'aaa', current: 3_000_000, total: 40_000_000 },
  { status: 'Download complete', id: 'aaa' },
  { status: 'Pull complete', id: 'aaa' },
  { status: 'Digest: sha256:00' },
  { status: 'Status: Downloaded newer image for team/web:1.0' },
];

test('off a terminal: one line per layer step, never one per byte; other lines as they come', () => {
  const log = fakeLog(false);
  const r = progressRenderer(log);
  for (const e of pull) r.listener(e);
  r.done();
  assert.equal(
    log.out,
    [
      '1.0: Pulling from team/web',
      'aaa: Pulling fs layer',
      'aaa: Downloading (40 MB)',
      'aaa: Download complete',
      'aaa: Pull complete',
      'Digest: sha256:00',
      'Status: Downloaded newer image for team/web:1.0',
      '',
    ].join('\n'),
  );
});

test('build output lines print as they come, with control characters escaped', () => {
  const log = fakeLog(false);
  const r = progressRenderer(log);
  r.listener({ status: 'Step 1/2 : FROM base' });
  r.listener({ status: 'evil \x1b[2J text\twith tab' });
  assert.equal(log.out, 'Step 1/2 : FROM base\nevil \\x1b[2J text\twith tab\n');
});

test('on a terminal: a live line per layer with bytes, rate and time left, redrawn in place', () => {
  const log = fakeLog(true);
  let clock = 0;
  const r = progressRenderer(log, { now: () => clock, columns: 200, rows: 30, intervalMs: 1_000_000 });
  r.listener({ status: 'Downloading', id: 'aaa', current: 0, total: 40_000_000 });
  r.listener({ status: 'Pulling fs layer', id: 'bbb' });
  clock = 2000;
  r.listener({ status: 'Downloading', id: 'aaa', current: 4_000_000, total: 40_000_000 });
  r.listener({ status: 'Step output' });
  r.done();
  assert.ok(
    log.out.includes('aaa: Downloading  4.0 MB / 40 MB  2.0 MB/s  18s left\nbbb: Pulling fs layer\n'),
    JSON.stringify(log.out),
  );
  assert.ok(
    log.out.includes('\x1b[2A\r\x1b[JStep output\n'),
    'a plain line erases the live lines, prints, and draws them again',
  );
  const before = log.out;
  r.listener({ status: 'Extracting', id: 'aaa' });
  assert.equal(log.out, before, 'no live line is drawn after done()');
});

test("sizes and durations read like docker's", () => {
  assert.deepEqual(
    [formatBytes(512), formatBytes(1500), formatBytes(23_400_000), formatBytes(5e9)],
    ['512 B', '1.5 kB', '23 MB', '5.0 GB'],
  );
  assert.deepEqual([formatDuration(5), formatDuration(75), formatDuration(7300)], ['5s', '1m15s', '2h01m']);
});

test('a byte meter: a plain line every few seconds off a terminal, with no control characters', () => {
  const log = fakeLog(false);
  let t = 0;
  let done = 0;
  const m = byteMeter(
    log,
    { label: 'Loading p.bundle', total: 40_000_000, sample: () => done, now: () => t, plainEveryMs: 5000 },
    false,
  );
  t = 1000;
  done = 1_000_000;
  m.tick();
  assert.equal(log.out, '', 'nothing before the first interval');
  t = 5000;
  done = 10_000_000;
  m.tick();
  t = 6000;
  done = 12_000_000;
  m.tick();
  t = 10_000;
  done = 20_000_000;
  m.tick();
  m.stop();
  m.stop();
  assert.equal(
    log.out,
    [
      'Loading p.bundle  10 MB / 40 MB  25%  2.0 MB/s  15s left',
      'Loading p.bundle  20 MB / 40 MB  50%  2.0 MB/s  10s left',
      'Loading p.bundle  20 MB / 40 MB  50%  2.0 MB/s  10s left',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(log.out, /\p{Cc}(?<!\n)/u);
});

test('a byte meter on a terminal redraws one line in place and ends it', () => {
  const log = fakeLog(true);
  let t = 0;
  let done = 0;
  const m = byteMeter(
    log,
    { label: 'Pushing', total: 2_000_000, sample: () => done, now: () => t, intervalMs: 250 },
    false,
  );
  t = 500;
  done = 1_000_000;
  m.tick();
  t = 1000;
  done = 2_000_000;
  m.stop();
  assert.equal(
    log.out,
    '\r\x1b[KPushing  1.0 MB / 2.0 MB  50%  2.0 MB/s  1s left\r\x1b[KPushing  2.0 MB / 2.0 MB  100%  2.0 MB/s\n',
  );
  assert.equal(meterLine('x', 0, 0, 0), 'x  0 B / 0 B  100%');
});

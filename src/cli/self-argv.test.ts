import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trailer } from '../adapters/bundle/self-contained.js';
import { selfContainedArgv } from './self-argv.js';

test('a .run file acts on its own bundle when info or import names no file; otherwise argv is unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dam-selfargv-'));
  try {
    const run = join(dir, 'p.run');
    writeFileSync(run, Buffer.concat([Buffer.alloc(100, 1), Buffer.alloc(100, 2), trailer(100, 100)]));
    const plain = join(dir, 'node');
    writeFileSync(plain, Buffer.alloc(300));
    const cases: Array<[string[], string[]]> = [
      [[], ['info', run]],
      [
        ['import', '--yes'],
        ['import', run, '--yes'],
      ],
      [
        ['im', '--dry-run'],
        ['im', run, '--dry-run'],
      ],
      [
        ['--home', '/x', 'import', '--yes'],
        ['--home', '/x', 'import', run, '--yes'],
      ],
      [
        ['info', '--signature', 'p.sig'],
        ['info', run, '--signature', 'p.sig'],
      ],
      [
        ['info', '--json'],
        ['info', run, '--json'],
      ],
      [
        ['import', 'other.bundle', '--yes'],
        ['import', 'other.bundle', '--yes'],
      ],
      [
        ['info', '--', 'x'],
        ['info', '--', 'x'],
      ],
      [
        ['list', '--json'],
        ['list', '--json'],
      ],
      [['--version'], ['--version']],
    ];
    for (const [argv, expected] of cases) assert.deepEqual(selfContainedArgv(argv, run), expected, argv.join(' '));
    assert.deepEqual(selfContainedArgv(['import', '--yes'], plain), ['import', '--yes']);
    assert.deepEqual(selfContainedArgv([], plain), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

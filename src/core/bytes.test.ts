import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes } from './bytes.js';

test('sizes in decimal units: one decimal below 10, none from 10 up, never 1000 of a unit', () => {
  const cases: Array<[number, string]> = [
    [0, '0 B'],
    [512, '512 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1500, '1.5 kB'],
    [9_949, '9.9 kB'],
    [9_960, '10.0 kB'],
    [23_400_000, '23 MB'],
    [999_400, '999 kB'],
    [999_600, '1.0 MB'],
    [5e9, '5.0 GB'],
    [1.2e13, '12 TB'],
    [5e15, '5000 TB'],
  ];
  for (const [n, text] of cases) assert.equal(formatBytes(n), text, String(n));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, tableCrc32, crc32Hex, createCrc32, formatDamName, parseDamName } from './dam-name.js';

test('crc32 matches zlib.crc32 (CRC-32/IEEE) on known vectors', () => {
  const cases: [string, string][] = [
    ['', '00000000'],
    ['a', 'e8b7be43'],
    ['123456789', 'cbf43926'],
    ['The quick brown fox jumps over the lazy dog', '414fa339'],
  ];
  for (const [input, hex] of cases) assert.equal(crc32Hex(crc32(Buffer.from(input))), hex, input);
});

test('crc32 is incremental: chunks in order give the checksum of the whole', () => {
  const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 31) & 0xff));
  const whole = crc32(data);
  for (const cut of [0, 1, 511, 5000, 9999, 10_000])
    assert.equal(crc32(data.subarray(cut), crc32(data.subarray(0, cut))), whole);
  const c = createCrc32();
  for (let i = 0; i < data.length; i += 777) c.update(data.subarray(i, i + 777));
  assert.equal(c.value, whole);
  assert.equal(c.hex, crc32Hex(whole));
});

test('crc32Hex pads to 8 lowercase digits', () => {
  assert.equal(crc32Hex(0x1a), '0000001a');
  assert.equal(crc32Hex(0xdeadbeef), 'deadbeef');
});

test('formatDamName', () => {
  assert.equal(formatDamName('my-app', '1.0.0', 0x639533ca), 'my-app-1.0.0.639533ca.dam');
});

test('parseDamName: 1.x names and what is not one', () => {
  const cases: [string, ReturnType<typeof parseDamName>][] = [
    ['my-app-1.0.0.639533ca.dam', { name: 'my-app', version: '1.0.0', crc32: '639533ca' }],
    ['web-2.0.0000001A.dam', { name: 'web', version: '2.0', crc32: '0000001a' }],
    ['old-1.0.741f5953-34623985.dam', { name: 'old', version: '1.0', crc32: '741f5953', size: 34623985 }],
    ['app--x-1.0.639533ca.dam', { name: 'app--x', version: '1.0', crc32: '639533ca' }],
    ['web.dam', undefined],
    ['web-1.0.dam', undefined],
    ['web-1.0.nothex!!.dam', undefined],
    ['web-1.0.639533ca.tar', undefined],
    ['-1.0.639533ca.dam', undefined],
    ['web-.639533ca.dam', undefined],
    ['dir/web-1.0.639533ca.dam', undefined],
  ];
  for (const [input, expected] of cases) assert.deepEqual(parseDamName(input), expected, input);
});

test('parseDamName takes the base name only, so `..` and `--` in folders do not matter (1.x bug)', () => {
  const path = '/media/my--usb/../x/my-app-1.0.0.639533ca.dam';
  assert.deepEqual(parseDamName(path.slice(path.lastIndexOf('/') + 1)), {
    name: 'my-app',
    version: '1.0.0',
    crc32: '639533ca',
  });
});

test('the table-driven CRC-32 (for a Node without zlib.crc32) gives the same answers as crc32', () => {
  const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 251));
  assert.equal(tableCrc32(data), crc32(data));
  assert.equal(tableCrc32(data.subarray(123), tableCrc32(data.subarray(0, 123))), crc32(data));
  assert.equal(crc32Hex(tableCrc32(Buffer.from('123456789'))), 'cbf43926');
});

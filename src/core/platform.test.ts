import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPlatform, normalizePlatform, parsePlatforms, platformMatches } from './platform.js';

test('--platform values: repeated and comma separated, each once, aliases normalised', () => {
  assert.deepEqual(parsePlatforms(['linux/amd64,linux/arm64', 'linux/x86_64', 'linux/arm/v7']).map(formatPlatform), [
    'linux/amd64',
    'linux/arm64',
    'linux/arm/v7',
  ]);
  assert.throws(() => parsePlatforms(['arm64']), /'arm64' is not a platform/);
  assert.throws(() => parsePlatforms(['linux/amd64/v1/x']), /not a platform/);
});

test("an engine's uname names map to OCI names, and variants match loosely", () => {
  assert.deepEqual(normalizePlatform('linux', 'x86_64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(normalizePlatform('linux', 'aarch64'), { os: 'linux', architecture: 'arm64' });
  assert.ok(
    platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v8' }, { os: 'linux', architecture: 'arm64' }),
  );
  assert.ok(
    !platformMatches(
      { os: 'linux', architecture: 'arm', variant: 'v6' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ),
  );
  assert.ok(!platformMatches({ os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'amd64' }));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPlatform, hostPlatform, parseTargetPlatform, releasePlatform } from './target-platform.js';

test('parseTargetPlatform takes Docker platform names for the Linux targets DAM is released for', () => {
  assert.deepEqual(parseTargetPlatform('linux/arm64'), { os: 'linux', arch: 'arm64' });
  assert.deepEqual(parseTargetPlatform('linux/arm64/v8'), { os: 'linux', arch: 'arm64' });
  assert.deepEqual(parseTargetPlatform('Linux/AMD64'), { os: 'linux', arch: 'amd64' });
  assert.equal(releasePlatform(parseTargetPlatform('linux/amd64')), 'linux-x64');
  assert.equal(releasePlatform(parseTargetPlatform('linux/aarch64')), 'linux-arm64');
  assert.equal(formatPlatform(parseTargetPlatform('linux/x86_64')), 'linux/amd64');
});

test('parseTargetPlatform refuses other platforms with a usage error naming the value', () => {
  for (const bad of ['windows/amd64', 'linux/arm/v7', 'linux', '', 'linux/riscv64']) {
    assert.throws(
      () => parseTargetPlatform(bad),
      (err: Error & { code?: string }) => err.code === 'USAGE' && err.message.includes(`'${bad}'`),
      bad,
    );
  }
});

test('hostPlatform maps Node platform and arch, undefined where there is no release', () => {
  assert.deepEqual(hostPlatform('linux', 'x64'), { os: 'linux', arch: 'amd64' });
  assert.deepEqual(hostPlatform('linux', 'arm64'), { os: 'linux', arch: 'arm64' });
  assert.equal(hostPlatform('win32', 'x64'), undefined);
  assert.equal(hostPlatform('linux', 'ia32'), undefined);
});

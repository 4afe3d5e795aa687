import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerConfigCredentials } from './docker-config.js';

test('credentials from auths, by host whatever the key spelling; Docker Hub under its index key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qtest-dockercfg-'));
  try {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          'https://reg.example.com:5000/v1/': { auth: b64('alice:pa:ss') },
          'https://index.docker.io/v1/': { auth: b64('hubber:hubpw') },
          'empty.example.com': {},
        },
      }),
    );
    const env = { DOCKER_CONFIG: dir, PATH: '' };
    assert.deepEqual(await dockerConfigCredentials('reg.example.com:5000', env), {
      username: 'alice',
      password: 'pa:ss',
    });
    assert.deepEqual(await dockerConfigCredentials('registry-1.docker.io', env), {
      username: 'hubber',
      password: 'hubpw',
    });
    assert.equal(await dockerConfigCredentials('empty.example.com', env), undefined);
    assert.equal(await dockerConfigCredentials('other.example.com', env), undefined);
    assert.equal(
      await dockerConfigCredentials('x', { DOCKER_CONFIG: join(dir, 'missing') }),
      undefined,
      'no config file, no credentials',
    );
    await writeFile(join(dir, 'config.json'), JSON.stringify({ credsStore: 'definitely-not-installed' }));
    await assert.rejects(
      dockerConfigCredentials('reg.example.com:5000', env),
      /credential helper 'docker-credential-definitely-not-installed' .* is not installed/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

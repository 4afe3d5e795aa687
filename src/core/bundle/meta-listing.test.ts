import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { metaDifferences, metaListing } from './meta-listing.js';
import type { MetaEntry } from './index-format.js';

const file = (path: string, text: string, mode = 0o755) => ({
  path,
  type: 'file' as const,
  mode,
  data: Buffer.from(text),
});

test('the listing merges layers top over bottom and hashes each file', () => {
  const listing: Record<string, MetaEntry> = metaListing([
    [{ path: 'meta', type: 'directory', mode: 0o755 }, file('meta/install', 'old'), file('meta/x', 'x')],
    [file('meta/install', 'new'), { path: 'meta/x', type: 'whiteout' }],
  ]);
  const differences = metaDifferences(listing, { ...listing, extra: { type: 'directory', mode: 0o755 } });
  assert.deepEqual(listing, {
    install: { type: 'file', mode: 0o755, size: 3, sha256: createHash('sha256').update('new').digest('hex') },
  });
  assert.deepEqual(metaListing([[file('etc/x', 'x')]]), {});
  assert.deepEqual(differences, ['extra']);
});

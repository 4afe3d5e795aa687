import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeApps } from './contents-summary.js';
import type { BundleContents } from '../ports/bundle.js';

const contents: BundleContents = {
  path: 'p.bundle',
  kind: 'bundle',
  format: 2,
  compression: 'none',
  omittedLayers: [],
  layerBytes: 0,
  product: {
    format: 1,
    name: 'suite',
    apps: [
      { name: 'web', version: '1', tag: 'reg/web:1' },
      { name: 'db', version: '2' },
      { name: 'gone', version: '3' },
    ],
  },
  images: [
    {
      tags: ['reg/web:1'],
      imageId: 'sha256:a',
      labels: { 'org.opencontainers.image.description': 'The web app' },
      layers: ['base', 'w'],
      platform: { os: 'linux', architecture: 'amd64' },
      storedBytes: 100,
    },
    {
      tags: ['reg/web:1'],
      imageId: 'sha256:b',
      labels: {},
      layers: ['base-arm', 'w-arm'],
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      storedBytes: 90,
    },
    { tags: ['reg/db:2'], imageId: 'sha256:c', labels: {}, layers: ['base', 'd'] },
  ],
};

test('each app: its tag, platforms, stored bytes, layers shared with other apps and description', () => {
  assert.deepEqual(summarizeApps(contents), [
    {
      name: 'web',
      version: '1',
      tag: 'reg/web:1',
      platforms: ['linux/amd64', 'linux/arm64/v8'],
      bytes: 190,
      sharedLayers: 1,
      description: 'The web app',
    },
    { name: 'db', version: '2', tag: 'reg/db:2', platforms: [], bytes: null, sharedLayers: 1, description: null },
    { name: 'gone', version: '3', tag: null, platforms: [], bytes: null, sharedLayers: 0, description: null },
  ]);
});

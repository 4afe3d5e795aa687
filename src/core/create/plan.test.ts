import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectListing } from './layout.js';
import { type CreateInput, planCreate } from './plan.js';

const project: ProjectListing = {
  dir: 'proj',
  metaIsDir: true,
  dockerfile: 'FROM base\nENV PORT=80\nCOPY meta /meta\n',
  environment: 'DAM_APP_VERSION=2.0\n',
  metaFiles: ['meta/install.exp', 'meta/uninstall', 'meta/DESCRIPTION.exp'],
  ignoredMetaFiles: [],
  texts: {
    'meta/install.exp': '#!/bin/sh\necho ${DAM_APP_TAG} ${PORT} ${DAM_UNSET}\n',
    'meta/DESCRIPTION.exp': 'The ${DAM_APP_NAME} app.\n',
  },
};
const input: CreateInput = {
  project,
  projectDirName: 'proj',
  flags: { name: 'web' },
  env: {},
  defaultServer: '',
  userLabels: {},
  now: '2026-01-02T03:04:05.000Z',
};

test('a plan: variables, rendered templates, labels and warnings', () => {
  const plan = planCreate(input);
  assert.equal(plan.tag, 'web:2.0');
  assert.deepEqual(plan.rendered, {
    'meta/DESCRIPTION': 'The web app.\n',
    'meta/install': '#!/bin/sh\necho web:2.0 80 ${DAM_UNSET}\n',
  });
  assert.deepEqual(plan.warnings, ['meta/install.exp: ${DAM_UNSET} has no value in any source; it is left as it is.']);
  assert.deepEqual(plan.labels, {
    DAM_APP_FAMILY: 'web',
    DAM_APP_MULTIVERSION: 'false',
    DAM_APP_SERVERS: ',',
    DAM_APP_NAME: 'web',
    DAM_APP_VERSION: '2.0',
    'org.opencontainers.image.title': 'web',
    'org.opencontainers.image.version': '2.0',
    'org.opencontainers.image.created': '2026-01-02T03:04:05.000Z',
    'org.opencontainers.image.description': 'The web app.',
  });
});

test('--label adds labels but may not replace DAM_APP_*', () => {
  assert.equal(planCreate({ ...input, userLabels: { team: 'ops' } }).labels.team, 'ops');
  assert.throws(() => planCreate({ ...input, userLabels: { DAM_APP_FAMILY: 'x' } }), /--label DAM_APP_FAMILY/);
});

test('layout checks in 1.x order, naming the path', () => {
  const cases: [Partial<ProjectListing>, RegExp][] = [
    [{ metaIsDir: false, dockerfile: undefined }, /no meta directory 'proj\/meta'/],
    [{ dockerfile: undefined }, /no Dockerfile 'proj\/Dockerfile'/],
    [{ metaFiles: ['meta/uninstall'] }, /Neither 'proj\/meta\/install' nor 'proj\/meta\/install.exp'/],
    [{ metaFiles: ['meta/install'] }, /Neither 'proj\/meta\/uninstall' nor/],
    [
      { metaFiles: ['meta/install'], ignoredMetaFiles: ['meta/uninstall'] },
      /'proj\/meta\/uninstall' is left out of the build by 'proj\/.dockerignore'/,
    ],
    [
      { dockerfile: 'FROM x\n# COPY meta /meta\n' },
      /Dockerfile 'proj\/Dockerfile' has no COPY or ADD of meta to \/meta/,
    ],
  ];
  for (const [over, re] of cases)
    assert.throws(() => planCreate({ ...input, project: { ...project, ...over } }), re, JSON.stringify(over));
});

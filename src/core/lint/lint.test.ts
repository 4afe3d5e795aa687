import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from './lint.js';
import type { LintSubject, MetaFile, RuleId } from './types.js';
import { INIT_KINDS } from '../init/common.js';
import { initProject } from '../init/project.js';

const sh = (text: string, mode = 0o755): MetaFile => ({ text: `#!/bin/sh\n${text}`, mode });

/** A clean project; each case below changes one thing. */
const good: LintSubject = {
  kind: 'project',
  metaIsDir: true,
  projectDirName: 'web',
  dockerfile: 'FROM base\nENV PORT=80\nCOPY meta /meta\n',
  environment: 'DAM_APP_NAME=web\nDAM_APP_VERSION=1.0\n',
  meta: {
    'meta/install.exp': sh('name=dam-${DAM_APP_NAME}\ndocker run -d --name "$name" ${DAM_APP_TAG} -p ${PORT}:80\n'),
    'meta/uninstall.exp': sh('docker rm -f "dam-${DAM_APP_NAME}"\n'),
    'meta/DESCRIPTION.exp': { text: '${DAM_APP_NAME} ${DAM_APP_VERSION}\n', mode: 0o644 },
  },
};

const withMeta = (meta: Record<string, MetaFile | undefined>): LintSubject => ({
  ...good,
  meta: Object.fromEntries(Object.entries({ ...good.meta, ...meta }).filter(([, v]) => v !== undefined)) as Record<
    string,
    MetaFile
  >,
});
const image = (labels: Record<string, string>, tags: string[] = []): LintSubject => ({
  kind: 'image',
  metaIsDir: true,
  labels,
  tags,
  meta: { 'meta/install': sh('true\n'), 'meta/uninstall': sh('true\n') },
});
const imageLabels = {
  DAM_APP_NAME: 'web',
  DAM_APP_VERSION: '1.0',
  DAM_APP_FAMILY: 'web',
  DAM_APP_MULTIVERSION: 'false',
  'org.opencontainers.image.title': 'web',
  'org.opencontainers.image.version': '1.0',
};

test('a clean project and a clean image have no findings', () => {
  assert.deepEqual(lint(good), []);
  assert.deepEqual(lint(image(imageLabels, ['registry.corp:5000/web:1.0'])), []);
});

test('every rule: a fixture that breaks it gives its finding, with file, line and severity', () => {
  const cases: [string, LintSubject, RuleId, string, number | null, 'error' | 'warning'][] = [
    ['no meta folder', { ...good, metaIsDir: false }, 'project-layout', 'meta', null, 'error'],
    ['no COPY meta', { ...good, dockerfile: 'FROM base\n' }, 'project-layout', 'Dockerfile', null, 'error'],
    ['no uninstall', withMeta({ 'meta/uninstall.exp': undefined }), 'script-missing', 'meta/uninstall', null, 'error'],
    [
      'no #!',
      withMeta({ 'meta/uninstall.exp': { text: 'docker rm -f "dam-${DAM_APP_NAME}"\n', mode: 0o755 } }),
      'script-shebang',
      'meta/uninstall.exp',
      1,
      'error',
    ],
    [
      'CRLF #!',
      withMeta({ 'meta/uninstall.exp': { text: '#!/bin/sh\r\ndocker rm -f "dam-${DAM_APP_NAME}"\r\n', mode: 0o755 } }),
      'script-shebang',
      'meta/uninstall.exp',
      1,
      'error',
    ],
    [
      'not executable',
      withMeta({ 'meta/uninstall.exp': undefined, 'meta/uninstall': sh('docker rm -f "dam-web"\n', 0o644) }),
      'script-executable',
      'meta/uninstall',
      null,
      'warning',
    ],
    [
      'not executable in an image',
      { ...image(imageLabels), meta: { 'meta/install': sh('true\n', 0o644), 'meta/uninstall': sh('true\n') } },
      'script-executable',
      'meta/install',
      null,
      'error',
    ],
    [
      'undefined variable',
      withMeta({ 'meta/DESCRIPTION.exp': { text: 'about\n${DAM_APP_NAME} on ${WEB_PORT}\n', mode: 0o644 } }),
      'template-undefined-variable',
      'meta/DESCRIPTION.exp',
      2,
      'warning',
    ],
    [
      'host variable',
      withMeta({
        'meta/install.exp': sh(
          'export PATH="/usr/local/sbin:${PATH}"\nname=dam-${DAM_APP_NAME}\ndocker run -d --name "$name" x\n',
        ),
      }),
      'template-host-variable',
      'meta/install.exp',
      2,
      'warning',
    ],
    [
      'host variable baked',
      {
        ...withMeta({ 'meta/install.exp': sh('cd ${HOME}\n') }),
        dockerfile: 'FROM base\nENV HOME=/root\nCOPY meta /meta\n',
      },
      'template-host-variable',
      'meta/install.exp',
      2,
      'error',
    ],
    [
      'ENV A=1 B=2',
      { ...good, dockerfile: 'FROM base\nENV PORT=80 HOST=x\nCOPY meta /meta\n' },
      'dockerfile-env-pairs',
      'Dockerfile',
      2,
      'error',
    ],
    [
      '# syntax=',
      { ...good, dockerfile: '# syntax=docker/dockerfile:1\nFROM base\nCOPY meta /meta\nENV PORT=80\n' },
      'dockerfile-buildkit',
      'Dockerfile',
      1,
      'error',
    ],
    [
      'RUN --mount',
      { ...good, dockerfile: 'FROM base\nENV PORT=80\nRUN --mount=type=cache,target=/c \\\n  make\nCOPY meta /meta\n' },
      'dockerfile-buildkit',
      'Dockerfile',
      3,
      'error',
    ],
    [
      'COPY --chmod',
      { ...good, dockerfile: 'FROM base\nENV PORT=80\nCOPY --chmod=755 meta /meta\n' },
      'dockerfile-buildkit',
      'Dockerfile',
      3,
      'error',
    ],
    [
      'heredoc',
      { ...good, dockerfile: 'FROM base\nENV PORT=80\nCOPY meta /meta\nRUN cat <<EOF > /x\nhello\nEOF\n' },
      'dockerfile-buildkit',
      'Dockerfile',
      4,
      'error',
    ],
    [
      'container left running',
      withMeta({ 'meta/uninstall.exp': sh('echo bye\n') }),
      'uninstall-undo',
      'meta/install.exp',
      3,
      'warning',
    ],
    [
      'shim left behind',
      withMeta({
        'meta/install.exp': sh('shim=/usr/local/bin/web\ntmp="$shim.tmp"\necho x > "$tmp"\nmv -f "$tmp" "$shim"\n'),
        'meta/uninstall.exp': sh('rm -f /usr/local/bin/other\n'),
      }),
      'uninstall-undo',
      'meta/install.exp',
      5,
      'warning',
    ],
    [
      'Dockerfile LABEL disagrees',
      { ...good, dockerfile: 'FROM base\nENV PORT=80\nLABEL DAM_APP_VERSION=0.9\nCOPY meta /meta\n' },
      'labels-disagree',
      'Dockerfile',
      3,
      'warning',
    ],
    [
      'image labels disagree',
      image({ ...imageLabels, 'org.opencontainers.image.version': '1.1' }),
      'labels-disagree',
      'labels',
      null,
      'error',
    ],
    ['tag disagrees with labels', image(imageLabels, ['web:2.0']), 'labels-disagree', 'labels', null, 'warning'],
    ['numeric name', { ...good, environment: 'DAM_APP_NAME=42\n' }, 'name-rejected', 'ENVIRONMENT', null, 'error'],
    [
      'upper-case family',
      { ...good, environment: 'DAM_APP_NAME=web\nDAM_APP_FAMILY=WEB_APPS\n' },
      'name-rejected',
      'ENVIRONMENT',
      null,
      'error',
    ],
    [
      'invalid name',
      { ...good, dockerfile: 'FROM base\nENV DAM_APP_NAME=My App\nENV PORT=80\nCOPY meta /meta\n', environment: '' },
      'name-rejected',
      'Dockerfile',
      null,
      'error',
    ],
    [
      'invalid image label',
      image({ ...imageLabels, DAM_APP_VERSION: '1 0', 'org.opencontainers.image.version': '1 0' }),
      'name-rejected',
      'labels',
      null,
      'error',
    ],
  ];
  for (const [what, subject, rule, file, line, severity] of cases) {
    const found = lint(subject);
    const hit = found.find((f) => f.rule === rule);
    assert.ok(hit, `${what}: no ${rule} in ${JSON.stringify(found)}`);
    assert.deepEqual([hit.file, hit.line, hit.severity], [file, line, severity], what);
    assert.ok(hit.message.length > 10 && hit.hint.length > 10, `${what}: message and hint`);
  }
});

test('shell variables set in a script, and ${VAR:-default}, are not undefined variables', () => {
  const s = withMeta({
    'meta/install.exp': sh(
      'for f in a b; do echo ${f}; done\nread answer\necho ${answer} ${PORT_OVERRIDE:-80}\n# ${NOT_IN_A_COMMENT}\nname=dam-${DAM_APP_NAME}\ndocker run --name "$name" x\n',
    ),
  });
  assert.deepEqual(lint(s), []);
});

test('every kind of dam init output has no findings', () => {
  for (const kind of INIT_KINDS) {
    const files = initProject(kind, { name: 'demo', base: 'busybox:1.36' });
    const text = (path: string) => files.find((f) => f.path === path)?.text;
    const meta = Object.fromEntries(
      files.filter((f) => f.path.startsWith('meta/')).map((f) => [f.path, { text: f.text, mode: f.mode }]),
    );
    const subject: LintSubject = {
      kind: 'project',
      metaIsDir: true,
      projectDirName: 'demo',
      dockerfile: text('Dockerfile'),
      environment: text('ENVIRONMENT'),
      meta,
    };
    assert.deepEqual(lint(subject), [], kind);
  }
});

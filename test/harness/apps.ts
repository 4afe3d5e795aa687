// Test apps built on the real engine FROM the local busybox base: labelled as DAM 1.x labels them, plus
// the test label, with install/uninstall scripts that append a line to $DAMTEST_LOG so tests can see what
// ran, with which DAM_* variables.
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { baseImage, testEngine } from './engine.js';
import { TEST_LABEL } from './dam.js';

export interface TestApp {
  name: string;
  version: string;
  family?: string;
  multiversion?: boolean;
  /** Extra shell lines at the end of install / uninstall (e.g. `exit 3`). */
  install?: string;
  uninstall?: string;
  /** Leave out meta/uninstall, or all of /meta. */
  noUninstall?: boolean;
  noMeta?: boolean;
  servers?: string;
  /** The tag to build; `name:version` by default. */
  tag?: string;
  /** A file of this many random bytes in the image, to make it big. */
  padBytes?: number;
}

const logLine = (script: string) =>
  `echo "${script} $DAM_ACTION $DAM_APP_NAME $DAM_APP_VERSION $DAM_APP_FAMILY $DAM_APP_TAG old=$DAM_OLD_VERSION new=$DAM_NEW_VERSION cwd=$(pwd)" >> "$DAMTEST_LOG"`;

export async function buildTestApp(app: TestApp): Promise<string> {
  const base = await baseImage();
  const tar = pack();
  const lines = [`FROM ${base}`];
  if (!app.noMeta) lines.push('COPY meta /meta');
  if (app.padBytes) lines.push(`RUN head -c ${app.padBytes} /dev/urandom > /pad.bin`);
  tar.entry({ name: 'Dockerfile' }, `${lines.join('\n')}\n`);
  if (!app.noMeta) {
    tar.entry(
      { name: 'meta/install', mode: 0o755 },
      `#!/bin/sh\nset -e\n${logLine('install')}\n${app.install ?? ''}\n`,
    );
    if (!app.noUninstall)
      tar.entry(
        { name: 'meta/uninstall', mode: 0o755 },
        `#!/bin/sh\nset -e\n${logLine('uninstall')}\n${app.uninstall ?? ''}\n`,
      );
    tar.entry({ name: 'meta/DESCRIPTION' }, `Test app ${app.name} ${app.version}\n`);
  }
  tar.finalize();
  const tag = app.tag ?? `${app.name}:${app.version}`;
  await testEngine().build(Readable.from(tar), {
    tag,
    labels: {
      DAM_APP_FAMILY: app.family ?? app.name,
      DAM_APP_MULTIVERSION: app.multiversion ? 'true' : 'false',
      DAM_APP_SERVERS: app.servers ?? ',',
      [TEST_LABEL]: 'lifecycle',
    },
  });
  return tag;
}

/** Removes every image the tests labelled, with their tags. */
export async function removeTestImages(names: string[]): Promise<void> {
  const engine = testEngine();
  for (const image of await engine.listImages({ labels: [`${TEST_LABEL}=lifecycle`] })) {
    const mine = image.repoTags.filter((t) => names.some((n) => t.startsWith(n)));
    for (const t of mine) await engine.removeImage(t, { force: true }).catch(() => undefined);
  }
}

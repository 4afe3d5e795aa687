// An app image as DAM 1.x makes it: `COPY meta /meta`, executable install and uninstall, a DESCRIPTION,
// and only 1.x's three labels (plus the test label), tagged `[server/]name:version`.
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { TEST_LABEL } from './dam.js';
import { baseImage, testEngine } from './engine.js';

export interface LegacyApp {
  tag: string;
  /** DAM_APP_* labels; undefined leaves a label out. */
  labels: Record<string, string>;
  testLabel: string;
  description?: string;
  noMeta?: boolean;
}

export async function buildLegacyApp(app: LegacyApp): Promise<string> {
  const tar = pack();
  tar.entry({ name: 'Dockerfile' }, `FROM ${await baseImage()}\n${app.noMeta ? '' : 'COPY meta /meta\n'}`);
  if (!app.noMeta) {
    tar.entry({ name: 'meta/install', mode: 0o777 }, '#!/bin/sh\necho install\n');
    tar.entry({ name: 'meta/uninstall', mode: 0o777 }, '#!/bin/sh\necho uninstall\n');
    if (app.description !== undefined) tar.entry({ name: 'meta/DESCRIPTION', mode: 0o644 }, app.description);
  }
  tar.finalize();
  return testEngine().build(Readable.from(tar), {
    tag: app.tag,
    labels: { ...app.labels, [TEST_LABEL]: app.testLabel },
  });
}

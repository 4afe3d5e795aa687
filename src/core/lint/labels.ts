// Labels that disagree with each other: in a project, a Dockerfile LABEL that `dam create` overrides with
// another value; in an image or archive, DAM's labels against the OCI ones and against the tag.
import { LABEL_FAMILY, LABEL_MULTIVERSION, LABEL_NAME, LABEL_VERSION } from '../app-labels.js';
import { type Finding, type LintSubject, finding } from './types.js';
import { logicalLines } from './text.js';
import { resolvedApp } from './names.js';

const TITLE = 'org.opencontainers.image.title';
const OCI_VERSION = 'org.opencontainers.image.version';

function dockerfileLabels(dockerfile: string): { key: string; value: string; line: number }[] {
  const out: { key: string; value: string; line: number }[] = [];
  for (const { line, text } of logicalLines(dockerfile)) {
    if (!/^LABEL\s/i.test(text)) continue;
    for (const m of text.slice(6).matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
      out.push({
        key: (m[1] ?? '').replace(/^["']|["']$/g, ''),
        value: (m[2] ?? '').replace(/^["']|["']$/g, ''),
        line,
      });
    }
  }
  return out;
}

function projectRules(s: LintSubject): Finding[] {
  const app = resolvedApp(s);
  if (!app || s.dockerfile === undefined) return [];
  const wanted: Record<string, string> = {
    [LABEL_NAME]: app.name,
    [LABEL_VERSION]: app.version,
    [LABEL_FAMILY]: app.family,
    [TITLE]: app.name,
    [OCI_VERSION]: app.version,
  };
  return dockerfileLabels(s.dockerfile)
    .filter((l) => wanted[l.key] !== undefined && wanted[l.key] !== l.value)
    .map((l) =>
      finding(
        'labels-disagree',
        'warning',
        'Dockerfile',
        l.line,
        `LABEL ${l.key}=${l.value} disagrees with the app's ${l.key.includes('VERSION') || l.key.endsWith('version') ? 'version' : l.key === LABEL_FAMILY ? 'family' : 'name'} '${wanted[l.key]}'; dam create replaces it.`,
        `Remove the LABEL; set DAM_APP_NAME, DAM_APP_VERSION or DAM_APP_FAMILY in ENVIRONMENT instead.`,
      ),
    );
}

function imageRules(s: LintSubject): Finding[] {
  const labels = s.labels ?? {};
  const out: Finding[] = [];
  const pairs: [string, string][] = [
    [LABEL_NAME, TITLE],
    [LABEL_VERSION, OCI_VERSION],
  ];
  for (const [dam, oci] of pairs) {
    if (labels[dam] !== undefined && labels[oci] !== undefined && labels[dam] !== labels[oci]) {
      out.push(
        finding(
          'labels-disagree',
          'error',
          'labels',
          null,
          `Label ${dam}=${labels[dam]} disagrees with ${oci}=${labels[oci]}.`,
          'Rebuild the image with `dam create`, which writes both from the same variable.',
        ),
      );
    }
  }
  const mv = labels[LABEL_MULTIVERSION];
  if (mv !== undefined && mv !== 'true' && mv !== 'false') {
    out.push(
      finding(
        'labels-disagree',
        'error',
        'labels',
        null,
        `Label ${LABEL_MULTIVERSION}=${mv} is neither true nor false; DAM 1.x reads it as false.`,
        'Rebuild with DAM_APP_MULTIVERSION=true or false.',
      ),
    );
  }
  for (const tag of s.tags ?? []) {
    const m = /(?:^|\/)([^/:@]+)(?::([^/:@]+))?$/.exec(tag);
    if (!m) continue;
    if (labels[LABEL_NAME] !== undefined && m[1] !== labels[LABEL_NAME])
      out.push(
        finding(
          'labels-disagree',
          'warning',
          'labels',
          null,
          `The tag '${tag}' names the app '${m[1]}' but its label ${LABEL_NAME} says '${labels[LABEL_NAME]}'.`,
          'Tag the image <name>:<version> as its labels say (dam create does), or rebuild it.',
        ),
      );
    if (m[2] !== undefined && labels[LABEL_VERSION] !== undefined && m[2] !== labels[LABEL_VERSION])
      out.push(
        finding(
          'labels-disagree',
          'warning',
          'labels',
          null,
          `The tag '${tag}' says version '${m[2]}' but its label ${LABEL_VERSION} says '${labels[LABEL_VERSION]}'.`,
          'Tag the image <name>:<version> as its labels say (dam create does), or rebuild it.',
        ),
      );
  }
  return out;
}

export function labelRules(s: LintSubject): Finding[] {
  return s.kind === 'project' ? projectRules(s) : imageRules(s);
}

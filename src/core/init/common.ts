// What every `dam init` project shares: the Dockerfile's and ENVIRONMENT's explanations, and DESCRIPTION.
// Each kind (service.ts, tool.ts, files.ts) adds its own files. Pure: it returns the files to write.

export type InitKind = 'service' | 'tool' | 'files';
export const INIT_KINDS: readonly InitKind[] = ['service', 'tool', 'files'];

/** The base image a new project builds FROM unless --base says otherwise. */
export const DEFAULT_BASE = 'busybox:1.36';

export interface InitFile {
  /** Relative, `/`-separated. */
  path: string;
  text: string;
  mode: number;
}

export interface InitInput {
  name: string;
  base: string;
}

export const EXECUTABLE = 0o755;
export const REGULAR = 0o644;

export function dockerfileHeader(kind: InitKind, base: string): string {
  return `# The image of a DAM app (${kind}), built by \`dam create\` and checked by \`dam lint\`.
# - meta/ must be copied to /meta: DAM reads install, uninstall and DESCRIPTION from there.
# - Files in meta/ whose name ends in .exp are templates: \`dam create\` writes each without the suffix,
#   with every \${VARIABLE} it knows replaced (see ENVIRONMENT); your folder is never changed.
# - DAM builds with the engine's classic builder: no \`# syntax=\` line, RUN --mount, COPY --chmod or heredocs.
# - Build from another base with: dam create --build-arg BASE=IMAGE
ARG BASE=${base}
FROM \${BASE}
`;
}

export function environmentFile(name: string, extra: string): string {
  return `# Variables for \`dam create\`: KEY=VALUE, one a line, taken literally (no quotes, no spaces around =).
# A line starting with # is a comment. Flags (--name, --version) win over this file, this file wins over
# the Dockerfile's ENV lines, and those win over DAM_* variables in the environment of \`dam create\`.
DAM_APP_NAME=${name}
DAM_APP_VERSION=0.1.0
${extra}`;
}

export function description(what: string): InitFile {
  return { path: 'meta/DESCRIPTION.exp', text: `\${DAM_APP_NAME} \${DAM_APP_VERSION}: ${what}\n`, mode: REGULAR };
}

/** The lines every install and uninstall script starts with, explaining the contract. */
export function scriptHeader(script: 'install' | 'uninstall', purpose: string): string {
  const when =
    script === 'install'
      ? "# Run by `dam install` (and by `dam upgrade` after the old version's uninstall)."
      : "# Run by `dam remove`, by `dam upgrade` before the new version's install, and to roll back a failed install.";
  return `#!/bin/sh
# ${purpose}
${when}
# It runs ON THE HOST, not in the container, with the app's kept copy of /meta as its working directory and
# stdin closed. Exit 0 for success; anything else fails the operation (and an install is rolled back).
# It may run again after a failure, so it must be idempotent. \`dam create\` rendered it from ${script}.exp.
set -eu
`;
}

/** Tag fallback: DAM 2 passes DAM_APP_TAG; DAM 1.x passes nothing, so the tag known at create time is used. */
export const TAG_LINES = `created_tag='\${DAM_APP_TAG}'
tag=\${DAM_APP_TAG:-$created_tag}
`;

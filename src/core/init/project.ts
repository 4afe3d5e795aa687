// The files of a new app project of a given kind (`dam init`).
import { type InitFile, type InitInput, type InitKind } from './common.js';
import { filesProject } from './files.js';
import { serviceProject } from './service.js';
import { toolProject } from './tool.js';

const KINDS: Record<InitKind, (input: InitInput) => InitFile[]> = {
  service: serviceProject,
  tool: toolProject,
  files: filesProject,
};

export function initProject(kind: InitKind, input: InitInput): InitFile[] {
  return KINDS[kind](input);
}

// What `dam lint` checks and what it reports. The subject is plain data read by an adapter (a project
// folder, an image or an archive); each rule is a pure function of it.

export type Severity = 'error' | 'warning';

export type RuleId =
  | 'project-layout'
  | 'script-missing'
  | 'script-shebang'
  | 'script-executable'
  | 'template-undefined-variable'
  | 'template-host-variable'
  | 'dockerfile-env-pairs'
  | 'dockerfile-buildkit'
  | 'uninstall-undo'
  | 'labels-disagree'
  | 'name-rejected';

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** The file as the user knows it: `Dockerfile`, `meta/install.exp`, or `labels` for an image's labels. */
  file: string;
  /** 1-based; null when the finding is about the whole file. */
  line: number | null;
  message: string;
  hint: string;
}

export interface MetaFile {
  mode: number;
  /** Undefined for files not read as text (large or binary). */
  text?: string;
}

export interface LintSubject {
  /** A project is linted before `dam create` (templates, Dockerfile); an image or archive after. */
  kind: 'project' | 'image' | 'archive';
  /** Files under meta/, by `meta/...` path. */
  meta: Record<string, MetaFile>;
  metaIsDir: boolean;
  dockerfile?: string;
  environment?: string;
  /** The project folder's own name, the app name's last fallback. */
  projectDirName?: string;
  /** DAM_* variables of the environment and the flags of `dam create`, as create would see them. */
  processEnv?: Record<string, string>;
  flags?: { name?: string; version?: string; family?: string };
  /** An image's or archive's labels. */
  labels?: Record<string, string>;
  /** The tags an image or archive carries (the reference given, or the archive's RepoTags). */
  tags?: string[];
}

export function finding(
  rule: RuleId,
  severity: Severity,
  file: string,
  line: number | null,
  message: string,
  hint: string,
): Finding {
  return { rule, severity, file, line, message, hint };
}

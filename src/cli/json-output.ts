// The one place that shapes what `--json` prints: every output carries `schemaVersion` (the version of its
// schema in docs/schemas/), and an error is `{"error":{code,message,hint}}`. See docs/schemas/README.md.

/** The schema version a command's output has unless the command sets its own `schemaVersion`. */
export const DEFAULT_SCHEMA_VERSION = 1;

/**
 * An object gets `schemaVersion` first, unless it has its own. A bare array (list, listrepos, install,
 * recover, search, key list) stays an array, so scripts written against it keep working; each element
 * that is an object carries the version instead (decision 0010).
 */
export function versioned(data: unknown): unknown {
  if (Array.isArray(data)) return data.map((item) => (isObject(item) ? withVersion(item) : item));
  return isObject(data) ? withVersion(data) : data;
}

export interface ErrorOutput {
  error: { code: string; message: string; hint: string | null };
}

export function errorOutput(code: string, message: string, hint: string | undefined): ErrorOutput {
  return { error: { code, message, hint: hint ?? null } };
}

export function jsonText(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

function withVersion(item: Record<string, unknown>): Record<string, unknown> {
  return { schemaVersion: DEFAULT_SCHEMA_VERSION, ...item };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Every failure a user can cause or fix is a DamError: a stable code, a message that names the input,
// and a hint that says how to fix it. Only src/cli turns these into exit codes.

export type ErrorCode =
  | 'USAGE'
  | 'INVALID_NAME'
  | 'INVALID_REFERENCE'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'STATE_CORRUPT'
  | 'STATE_LOCKED'
  | 'STATE_TOO_NEW'
  | 'ENGINE_UNREACHABLE'
  | 'ENGINE_ERROR'
  | 'REGISTRY_ERROR'
  | 'REGISTRY_AUTH'
  | 'ARCHIVE_INVALID'
  | 'SCRIPT_FAILED'
  | 'IO_ERROR'
  | 'INTERRUPTED'
  | 'UNFINISHED_OPERATION'
  | 'REFUSED';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

export class DamError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DamError';
    this.code = code;
    this.hint = hint;
  }

  get exitCode(): number {
    if (this.code === 'USAGE') return EXIT_USAGE;
    if (this.code === 'INTERRUPTED') return EXIT_INTERRUPTED;
    return EXIT_FAILURE;
  }
}

export function usageError(message: string, hint?: string): DamError {
  return new DamError('USAGE', message, hint);
}

export function isDamError(err: unknown, code?: ErrorCode): err is DamError {
  return err instanceof DamError && (code === undefined || err.code === code);
}

/** Node's system errors carry a string `code` such as ENOENT; this reads it without `any`. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** What `read` gives, or `missing` when the file or folder it reads is not there (ENOENT, ENOTDIR). */
export async function ifMissing<T>(read: () => Promise<T>, missing: T): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return missing;
    throw err;
  }
}

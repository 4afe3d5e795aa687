// What `--version` and `dam version` say: DAM's version, Node's, the platform, and the engine DAM would use.
// `--version` is found anywhere on the command line, unless the command itself takes a --version option
// (`dam create --version 1.0`).
import { DamError } from '../core/errors.js';
import type { CommandSpec } from './spec.js';
import { resolveEngine } from './root.js';

declare const DAM_VERSION: string;
export const VERSION = typeof DAM_VERSION === 'string' ? DAM_VERSION : 'dev';

const VERSION_FLAGS = new Set(['--version', '-V']);
/** Global options that take a value in the next word. */
const GLOBALS_WITH_VALUE = new Set(['--home']);

function takesVersion(spec: CommandSpec): boolean {
  return (spec.options ?? []).some((o) => /(^|[\s,])(--version|-V)\b/.test(o.flags));
}

/** Whether argv asks for DAM's version: `--version`/`-V` among the global flags, or after a command that has no such option. */
export function wantsVersion(argv: string[], commands: CommandSpec[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word === '--') return false;
    if (VERSION_FLAGS.has(word)) return true;
    if (GLOBALS_WITH_VALUE.has(word)) i++;
    if (word.startsWith('-')) continue;
    const spec = commands.find((c) => c.name === word || c.aliases?.includes(word));
    if (!spec || takesVersion(spec)) return false;
    const rest = argv.slice(i + 1);
    const end = rest.indexOf('--');
    return (end < 0 ? rest : rest.slice(0, end)).some((w) => VERSION_FLAGS.has(w));
  }
  return false;
}

export interface EngineChoice {
  address: string | null;
  /** `DOCKER_HOST`, `context 'NAME'`, `default`; or why no address can be used. */
  source: string;
  error: string | null;
}

/** The engine DAM would use, without calling it. */
export async function engineChoice(env: NodeJS.ProcessEnv): Promise<EngineChoice> {
  try {
    const { address, source } = await resolveEngine(env);
    return { address: address.display, source, error: null };
  } catch (err) {
    if (!(err instanceof DamError)) throw err;
    return { address: null, source: 'none', error: err.message };
  }
}

/** The one line `dam --version` prints. */
export async function versionLine(env: NodeJS.ProcessEnv): Promise<string> {
  const engine = await engineChoice(env);
  const where = engine.address
    ? `engine ${engine.address}${engine.source === 'default' ? '' : ` from ${engine.source}`}`
    : `no usable engine: ${engine.error ?? ''}`;
  return `${VERSION} (node ${process.version}, ${process.platform}/${process.arch}, ${where})`;
}

// A self-contained product (a `.run` file) is DAM itself with a bundle appended: `./product.run info` and
// `./product.run import --yes` act on the bundle the running executable carries, as if its path were given.
import { embeddedBundle } from './root.js';
import { COMMANDS } from './commands.js';
import type { CommandSpec } from './spec.js';

/** The commands that take the product file as their one argument. */
const ON_PRODUCT = new Set(['info', 'import']);
/** Global options that take a value (see buildProgram). */
const GLOBAL_VALUE_OPTIONS = new Set(['--home']);

function valueOptions(spec: CommandSpec): Set<string> {
  const names = (spec.options ?? [])
    .filter((o) => /[<[]/.test(o.flags))
    .flatMap((o) => o.flags.match(/--?[A-Za-z][\w-]*/g) ?? []);
  return new Set(names);
}

/** How many positional arguments `args` holds, given the options that take a value. */
function positionals(args: string[], takesValue: Set<string>): number {
  let count = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return count + args.length - i - 1;
    if (!a.startsWith('-') || a === '-') count++;
    else if (!a.includes('=') && takesValue.has(a)) i++;
  }
  return count;
}

/** The index of the command word in argv (after any global options), or -1. */
function commandIndex(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) return i;
    if (GLOBAL_VALUE_OPTIONS.has(a)) i++;
  }
  return -1;
}

/** The command argv names (after any global options), if it names one. */
export function commandSpec(argv: string[]): CommandSpec | undefined {
  const at = commandIndex(argv);
  return at < 0 ? undefined : COMMANDS.find((c) => c.name === argv[at] || c.aliases?.includes(argv[at]!));
}

/**
 * argv with the executable's own path added where `info` or `import` has no file, when the executable
 * carries a bundle; with no arguments at all such an executable shows its product. Otherwise argv unchanged.
 */
export function selfContainedArgv(argv: string[], executable: string): string[] {
  if (argv.length === 0) return embeddedBundle(executable) ? ['info', executable] : argv;
  const at = commandIndex(argv);
  const spec = commandSpec(argv);
  if (!spec || !ON_PRODUCT.has(spec.name) || positionals(argv.slice(at + 1), valueOptions(spec)) > 0) return argv;
  if (!embeddedBundle(executable)) return argv;
  return [...argv.slice(0, at + 1), executable, ...argv.slice(at + 1)];
}

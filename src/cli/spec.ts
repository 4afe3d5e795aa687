// What a command declares about itself. The table of specs is loaded at start-up; a command's code is
// loaded only when it runs.
import type { Context } from './context.js';

export interface OptionSpec {
  /** Commander syntax, e.g. `-d, --default` or `--server <host>`. */
  flags: string;
  description: string;
  defaultValue?: string | boolean;
  hidden?: boolean;
  /** The option may be given several times; its value is the list of values, in order. */
  repeatable?: boolean;
}

// The type of an option's value follows from its flags, as Commander parses them: `--x <v>` gives a string
// (a list when repeatable), `--x [v]` a string or true, `--x` and `--no-x` a boolean. The key is the long
// name in camelCase. So the options are declared once, and `run` gets them typed.
type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type LongName<F extends string> = F extends `${string}--${infer Rest}`
  ? Rest extends `${infer N} ${string}`
    ? N
    : Rest
  : never;
type OptionKey<F extends string> = LongName<F> extends `no-${infer N}` ? Camel<N> : Camel<LongName<F>>;
type OptionValue<O extends OptionSpec> = O['flags'] extends `${string}<${string}>`
  ? O extends { repeatable: true }
    ? string[]
    : string
  : O['flags'] extends `${string}[${string}]`
    ? string | true
    : boolean;
type Defaulted<O extends OptionSpec> = O extends { defaultValue: string | boolean } ? O : never;

/** The options object a command's `run` receives, derived from its option specs (`as const`). */
export type OptionsOf<T extends readonly OptionSpec[], Json extends boolean = false> = {
  -readonly [O in T[number] as OptionKey<O['flags']>]?: OptionValue<O>;
} & { -readonly [O in Defaulted<T[number]> as OptionKey<O['flags']>]-?: OptionValue<O> } & (Json extends true
    ? { json?: boolean }
    : unknown);

export interface CommandInput<O = Record<string, unknown>> {
  args: string[];
  opts: O;
}

export interface CommandResult {
  /** What --json prints. */
  data?: unknown;
  /** What is printed otherwise, on stdout. */
  text?: string;
  exitCode?: number;
  /** What the history file records of an operation (src/cli/history.ts): its plan and the apps it changed. */
  history?: { plan?: unknown; changes?: Array<{ app: string; from: string | null; to: string | null }> };
}

export interface CommandModule<O = Record<string, unknown>> {
  // A property, not a method, so that a module whose run takes other options than its spec declares does not type-check.
  run: (ctx: Context, input: CommandInput<O>) => Promise<CommandResult>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table holds commands of every options type
export interface CommandSpec<O = any> {
  name: string;
  aliases?: string[];
  /** The argument syntax, e.g. `<id>` or `[mask]`. */
  args?: string;
  summary: string;
  description?: string;
  /** Pre-formatted text (lists, tables) shown after the options, not re-wrapped. */
  details?: string;
  options?: readonly OptionSpec[];
  /** Left out of the help and of completion (the completion scripts' own helper). */
  hidden?: boolean;
  /** Whether the command prints data and so takes --json. */
  json?: boolean;
  examples: string[];
  load: () => Promise<CommandModule<O>>;
}

/** A command's spec, its options type checked against what its module's `run` takes. */
export function defineCommand<O>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

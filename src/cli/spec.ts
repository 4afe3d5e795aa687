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

export interface CommandInput {
  args: string[];
  opts: Record<string, unknown>;
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

export interface CommandModule {
  run(ctx: Context, input: CommandInput): Promise<CommandResult>;
}

export interface CommandSpec {
  name: string;
  aliases?: string[];
  /** The argument syntax, e.g. `<id>` or `[mask]`. */
  args?: string;
  summary: string;
  description?: string;
  /** Pre-formatted text (lists, tables) shown after the options, not re-wrapped. */
  details?: string;
  options?: OptionSpec[];
  /** Left out of the help and of completion (the completion scripts' own helper). */
  hidden?: boolean;
  /** Whether the command prints data and so takes --json. */
  json?: boolean;
  examples: string[];
  load: () => Promise<CommandModule>;
}

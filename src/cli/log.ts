// Progress and messages go to stderr; stdout carries only data. Colour only on a terminal and never with
// NO_COLOR.
export interface Logger {
  info(message: string): void;
  success(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** Writes raw text (a script's output, a progress line) to stderr. */
  raw(text: string): void;
  readonly interactive: boolean;
}

export interface Style {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const paint = (code: number) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
const plain = (s: string) => s;

export function makeStyle(color: boolean): Style {
  return color
    ? { red: paint(31), green: paint(32), yellow: paint(33), bold: paint(1), dim: paint(2) }
    : { red: plain, green: plain, yellow: plain, bold: plain, dim: plain };
}

export function stderrLogger(options: {
  color: boolean;
  debug: boolean;
  quiet?: boolean;
  interactive: boolean;
}): Logger {
  const style = makeStyle(options.color);
  const write = (s: string) => process.stderr.write(s);
  return {
    info: (m) => {
      if (!options.quiet) write(`${m}\n`);
    },
    success: (m) => {
      if (!options.quiet) write(`${style.green(m)}\n`);
    },
    warn: (m) => write(`${style.yellow('warning:')} ${m}\n`),
    error: (m) => write(`${style.red('error:')} ${m}\n`),
    debug: (m) => {
      if (options.debug) write(`${style.dim(`debug: ${m}`)}\n`);
    },
    raw: (t) => {
      if (!options.quiet) write(t);
    },
    interactive: options.interactive,
  };
}

// Parses argv, builds the context, runs one command, renders its result and maps errors to exit codes.
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { DamError, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, errnoCode } from '../core/errors.js';
import { COMMANDS } from './commands.js';
import type { Context } from './context.js';
import { defaultHome, makeContext } from './root.js';
import { makeStyle, stderrLogger } from './log.js';
import type { CommandSpec } from './spec.js';
import { recordHistory } from './history.js';
import { versionLine, wantsVersion } from './about.js';
import { commandSpec } from './self-argv.js';
import { errorOutput, jsonText, versioned } from './json-output.js';

export { VERSION } from './about.js';

interface GlobalOptions {
  home?: string;
  debug?: boolean;
  color?: boolean;
  quiet?: boolean;
}

function helpText(spec: CommandSpec): string {
  const examples = spec.examples.map((e) => `  $ ${e}`).join('\n');
  const aliases = spec.aliases?.length ? `\nAlias: ${spec.aliases.join(', ')}\n` : '';
  const details = spec.details ? `\n${spec.details.trimEnd()}\n` : '';
  return `${details}${aliases}\nExamples:\n${examples}\n`;
}

function addCommand(
  program: Command,
  spec: CommandSpec,
  execute: (spec: CommandSpec, cmd: Command) => Promise<void>,
): void {
  const cmd = program
    .command(`${spec.name}${spec.args ? ` ${spec.args}` : ''}`, { hidden: spec.hidden === true })
    .summary(spec.summary)
    .description(spec.description ?? spec.summary);
  for (const alias of spec.aliases ?? []) cmd.alias(alias);
  for (const o of spec.options ?? []) {
    const option = new Option(o.flags, o.description);
    if (o.defaultValue !== undefined) option.default(o.defaultValue);
    if (o.hidden) option.hideHelp();
    if (o.repeatable)
      option.argParser((value: string, previous: unknown) => [
        ...(Array.isArray(previous) ? (previous as string[]) : []),
        value,
      ]);
    cmd.addOption(option);
  }
  if (spec.json) cmd.option('--json', 'print the result as JSON (a stable, documented shape)');
  cmd.addHelpText('after', helpText(spec));
  // A usage error names what was wrong, then shows the command's usage line (not the whole help).
  cmd.showHelpAfterError(
    `usage: dam ${spec.name} ${cmd.usage()}\nRun 'dam ${spec.name} --help' for its flags and examples.`,
  );
  cmd.action(async () => execute(spec, cmd));
}

/** The program with every command, or with `only` (enough to run it and show its help: quicker to start). */
export function buildProgram(execute: (spec: CommandSpec, cmd: Command) => Promise<void>, only?: CommandSpec): Command {
  const program = new Command('dam')
    .description(
      'DAM, the Docker Application Manager: install, upgrade and carry Docker-image apps, online or offline.',
    )
    .option('--home <dir>', 'state directory (default: $DAM_HOME, else /var/lib/dam for root, else ~/.local/state/dam)')
    .option('-x, --debug', 'show debug messages')
    .option('-q, --quiet', 'print less progress')
    .option('--no-color', 'never colour the output (NO_COLOR is honoured too)')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: true })
    .exitOverride();
  // -V/--version is answered in run() before parsing: as a program option it would take `create --version`.
  program.addHelpText(
    'after',
    `\nRun 'dam --version' (or -V) for DAM's version.\n\nExamples:\n  $ dam listrepos\n  $ dam addrepo --name corp --server registry.corp:5000 --username me --password-stdin\n  $ dam search web\n  $ dam install web:1.0\n\nRun 'dam COMMAND --help' for a command's flags and examples.\n`,
  );
  for (const spec of only ? [only] : COMMANDS) addCommand(program, spec, execute);
  return program;
}

function errorMessage(err: unknown): { message: string; hint?: string; code: number; id: string } {
  if (err instanceof DamError) return { message: err.message, hint: err.hint, code: err.exitCode, id: err.code };
  const code = errnoCode(err);
  if (code === 'ENOSPC')
    return {
      message: 'The disk is full.',
      hint: 'Free some space and try again; nothing was changed that cannot be recovered.',
      code: EXIT_FAILURE,
      id: 'IO_ERROR',
    };
  if (code === 'EACCES' || code === 'EPERM')
    return {
      message: `Permission denied: ${(err as Error).message}`,
      hint: 'Run as a user who may write there, or choose another --home.',
      code: EXIT_FAILURE,
      id: 'IO_ERROR',
    };
  return {
    message: `Internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    hint: 'This is a bug in DAM; please report it with the command you ran.',
    code: EXIT_FAILURE,
    id: 'INTERNAL',
  };
}

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    process.stderr.write('\nInterrupted: stopping at the next safe point (press Ctrl-C again to quit at once).\n');
    controller.abort(new DamError('INTERRUPTED', 'Interrupted.'));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let context: Context | undefined;

  const execute = async (spec: CommandSpec, cmd: Command) => {
    const globals = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
    const color = globals.color !== false && !env.NO_COLOR && process.stdout.isTTY === true;
    const log = stderrLogger({
      color: color && process.stderr.isTTY === true,
      debug: globals.debug === true,
      quiet: globals.quiet === true,
      interactive: process.stderr.isTTY === true,
    });
    context = makeContext({
      env,
      cwd: process.cwd(),
      // Absolute, so that scripts (run in the app's meta copy) and journals find it whatever the working folder.
      home: resolve(process.cwd(), globals.home ?? defaultHome(env, process.getuid?.())),
      json: globals.json === true,
      color,
      style: makeStyle(color),
      log,
      // Opened on first use: creating process.stdin costs milliseconds at start-up.
      get stdin() {
        return process.stdin;
      },
      signal: controller.signal,
    });
    const mod = await spec.load();
    const outcome = { spec, argv, args: cmd.args, opts: cmd.opts(), started: new Date() };
    let result: Awaited<ReturnType<typeof mod.run>>;
    try {
      result = await mod.run(context, { args: cmd.args, opts: outcome.opts });
    } catch (err) {
      await recordHistory(context, { ...outcome, error: err });
      throw err;
    }
    await recordHistory(context, { ...outcome, result });
    if (context.json && result.data !== undefined) process.stdout.write(jsonText(versioned(result.data)));
    else if (result.text) process.stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
    process.exitCode = result.exitCode ?? EXIT_OK;
  };

  const json = () => context?.json ?? argv.includes('--json');
  try {
    // Handled here rather than as a program option, so that `dam create --version 1.0` keeps its meaning;
    // before the program is built, which `--version` does not need.
    if (wantsVersion(argv, COMMANDS)) {
      process.stdout.write(`${await versionLine(env)}\n`);
      return EXIT_OK;
    }
    const program = buildProgram(execute, commandSpec(argv));
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_OK;
    }
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return EXIT_OK;
      // Commander has already written the message to stderr.
      if (json())
        process.stdout.write(
          jsonText(
            errorOutput(
              'USAGE',
              err.message.replace(/^error: /, ''),
              "Run 'dam COMMAND --help' for the command's flags.",
            ),
          ),
        );
      return EXIT_USAGE;
    }
    if (interrupted) {
      process.stderr.write('Interrupted.\n');
      if (json()) process.stdout.write(jsonText(errorOutput('INTERRUPTED', 'Interrupted.', undefined)));
      return EXIT_INTERRUPTED;
    }
    const { message, hint, code, id } = errorMessage(err);
    const style = makeStyle(process.stderr.isTTY === true && !env.NO_COLOR);
    process.stderr.write(`${style.red('error:')} ${message}\n`);
    if (hint) process.stderr.write(`${style.dim('hint:')} ${hint}\n`);
    process.stderr.write(`${style.dim('code:')} ${id}\n`);
    if (json()) process.stdout.write(jsonText(errorOutput(id, message, hint)));
    return code;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

// dam(1) in roff, made from the same command specs and program options as `--help`, so the two never drift.
// Run at release time (bundled by esbuild); prints the page on stdout.
import { COMMANDS } from '../src/cli/commands.js';
import { buildProgram } from '../src/cli/run.js';
import type { Command } from 'commander';
import type { CommandSpec } from '../src/cli/spec.js';

/** Text made safe for roff: backslashes, hyphens that are minus signs, and a leading dot or quote. */
export function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1');
}

function option(flags: string, description: string): string {
  return `.TP\n.B ${roff(flags)}\n${roff(description)}\n`;
}

/** The command's options as commander knows them (the same list `--help` prints, with --json). */
function commandSection(spec: CommandSpec, command: Command | undefined): string {
  const title = `${spec.name}${spec.args ? ` ${spec.args}` : ''}`;
  const parts = [`.SS "${roff(title)}"\n`, `${roff(spec.description ?? spec.summary)}\n`];
  if (spec.aliases?.length) parts.push(`.PP\nAlias: ${roff(spec.aliases.join(', '))}\n`);
  if (spec.details) parts.push(`.PP\n.nf\n${roff(spec.details.trimEnd())}\n.fi\n`);
  const options = (command?.options ?? []).filter((o) => !o.hidden);
  if (options.length) parts.push(`.RS\n${options.map((o) => option(o.flags, o.description)).join('')}.RE\n`);
  parts.push(`.PP\nExamples:\n.RS\n.nf\n${spec.examples.map((e) => roff(`$ ${e}`)).join('\n')}\n.fi\n.RE\n`);
  return parts.join('');
}

export function manPage(version: string): string {
  const program = buildProgram(async () => undefined);
  const globals = program.options.map((o) => option(o.flags, o.description)).join('');
  const commands = [...COMMANDS].sort((a, b) => a.name.localeCompare(b.name));
  return [
    `.TH DAM 1 "" "dam ${roff(version)}" "User Commands"\n`,
    '.SH NAME\ndam \\- the Docker Application Manager: Docker images as applications, for offline machines\n',
    '.SH SYNOPSIS\n.B dam\n[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]\n.br\n.B dam \\-\\-version\n',
    `.SH DESCRIPTION\n${roff(program.description())}\nRun \\fBdam\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR for the same text as below.\n`,
    `.SH GLOBAL OPTIONS\n${globals}${option('-V, --version', "print DAM's version, platform and Node.js version")}`,
    `.SH COMMANDS\n${commands
      .map((spec) =>
        commandSection(
          spec,
          program.commands.find((c) => c.name() === spec.name),
        ),
      )
      .join('')}`,
    '.SH EXIT STATUS\n0 on success, 1 on a failure, 2 on a usage error, 130 when interrupted.\n',
    '.SH ENVIRONMENT\n.TP\n.B DAM_HOME\nthe state directory\n.TP\n.B DOCKER_HOST\nthe Docker engine to use (default: the unix socket /var/run/docker.sock)\n.TP\n.B NO_COLOR\nnever colour the output\n',
    '.SH FILES\n.TP\n.I /var/lib/dam\nthe state directory of root: installed apps, repositories, journals and the trust store\n',
    '.SH SEE ALSO\n.BR docker (1)\n',
  ].join('');
}

if (process.argv[2]) process.stdout.write(manPage(process.argv[2]));

// Completion scripts generated from the command table, so they never drift from the real flags.
import { usageError } from '../core/errors.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { COMMANDS } from '../cli/commands.js';

function longFlags(flags: string): string[] {
  return [...flags.matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0]);
}

function wordsByCommand(): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const spec of COMMANDS) {
    const flags = ['--help', ...(spec.json ? ['--json'] : []), ...(spec.options ?? []).filter((o) => !o.hidden).flatMap((o) => longFlags(o.flags))];
    for (const name of [spec.name, ...(spec.aliases ?? [])]) map.set(name, flags);
  }
  return map;
}

function bash(): string {
  const words = wordsByCommand();
  const names = COMMANDS.map((c) => c.name).join(' ');
  const cases = [...words].map(([name, flags]) => `    ${name}) opts="${flags.join(' ')}" ;;`).join('\n');
  return `# bash completion for dam
_dam() {
  local cur cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd=""
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do case "$w" in -*) ;; *) cmd="$w"; break ;; esac; done
  if [ -z "$cmd" ]; then
    COMPREPLY=( $(compgen -W "${names} --help --version --home --debug --quiet --no-color" -- "$cur") )
    return
  fi
  case "$cmd" in
${cases}
    *) opts="--help" ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "$opts" -- "$cur") ); else COMPREPLY=( $(compgen -f -- "$cur") ); fi
}
complete -F _dam dam
`;
}

function zsh(): string {
  const lines = COMMANDS.map((c) => `    '${c.name}:${c.summary.replace(/'/g, "'\\''").replace(/:/g, '\\:')}'`).join('\n');
  const words = wordsByCommand();
  const cases = [...words].map(([name, flags]) => `      ${name}) _arguments ${flags.map((f) => `'${f}'`).join(' ')} '*:file:_files' ;;`).join('\n');
  return `#compdef dam
_dam() {
  local -a commands
  commands=(
${lines}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "\${words[2]}" in
${cases}
  esac
}
compdef _dam dam
`;
}

export async function run(_ctx: Context, { args }: CommandInput): Promise<CommandResult> {
  const shell = args[0];
  if (shell === 'bash') return { text: bash() };
  if (shell === 'zsh') return { text: zsh() };
  throw usageError(`No completion for the shell '${shell ?? ''}'.`, 'Use: dam completion bash, or dam completion zsh.');
}

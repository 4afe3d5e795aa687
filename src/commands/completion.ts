// Completion scripts for bash, zsh and fish, generated from the command table (completion-table.ts). Each
// finds the command word after the global flags (`dam --home DIR install --<TAB>`), offers the command's
// flags, the values of an option, or its positional arguments; values that live in the state directory
// come from `dam [--home DIR] __complete KIND`, run with the same --home the user typed.
import { usageError } from '../core/errors.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { GLOBAL_FLAGS, completionCommands, valueOptions } from '../cli/completion-table.js';
import { fish, zsh } from '../cli/completion-shells.js';
import type { CompletionOptions } from './completion.command.js';

const words = (list: string[]) => list.join(' ');

/** A bash `case` that offers KINDS (see _dam_values) for positional argument $n. */
function positionalCase(positional: string[][]): string {
  if (positional.length === 0) return ':';
  const branches = positional.map(
    (kinds, i) => `${i === positional.length - 1 ? '*' : i}) _dam_values "${words(kinds)}" ;;`,
  );
  return `case "$n" in ${branches.join(' ')} esac`;
}

function bash(): string {
  const commands = completionCommands();
  const values = [...valueOptions()];
  const names = commands.flatMap((c) => c.names);
  return `# bash completion for dam (dam completion bash)
_dam_values() {
  local kind IFS=$'\\n'
  local -a kinds
  IFS=' ' read -r -a kinds <<< "$1"
  for kind in "\${kinds[@]}"; do
    case "$kind" in
      @file) compopt -o filenames 2>/dev/null; COMPREPLY+=( $(compgen -f -- "$cur") ) ;;
      @dir) compopt -o filenames 2>/dev/null; COMPREPLY+=( $(compgen -d -- "$cur") ) ;;
      @*) COMPREPLY+=( $(compgen -W "$("\${COMP_WORDS[0]}" "\${_dam_home[@]}" __complete "\${kind#@}" 2>/dev/null)" -- "$cur") ) ;;
      *) COMPREPLY+=( $(IFS=' '; compgen -W "$kind" -- "$cur") ) ;;
    esac
  done
}
_dam() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" w n=0 i=1
  local -a _dam_home=()
  local IFS=$' \\t\\n'
  [ "$COMP_CWORD" -gt 0 ] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  COMPREPLY=()
  while [ "$i" -lt "$COMP_CWORD" ]; do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      --home) _dam_home=(--home "\${COMP_WORDS[i+1]/#\\~/$HOME}"); i=$((i+2)); continue ;;
      --home=*) _dam_home=(--home "\${w#--home=}") ;;
      ${values
        .map(([flag]) => flag)
        .filter((f) => f !== '--home')
        .join('|')}) [ -n "$cmd" ] && { i=$((i+2)); continue; } ;;
      -*) ;;
      *) if [ -z "$cmd" ]; then cmd="$w"; else n=$((n+1)); fi ;;
    esac
    i=$((i+1))
  done
  case "$prev" in
${values
  .filter(([, kinds]) => kinds.length > 0)
  .map(([flag, kinds]) => `    ${flag}) _dam_values "${words(kinds)}"; return ;;`)
  .join('\n')}
    ${values
      .filter(([, kinds]) => kinds.length === 0)
      .map(([flag]) => flag)
      .join('|')}) return ;;
  esac
  if [ -z "$cmd" ]; then
    COMPREPLY=( $(compgen -W "${words(names)} ${words(GLOBAL_FLAGS)}" -- "$cur") )
    return
  fi
  case "$cmd" in
${commands.map((c) => `    ${c.names.join('|')}) if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "${words(c.flags)}" -- "$cur") ); else ${positionalCase(c.positional)}; fi ;;`).join('\n')}
  esac
}
complete -F _dam dam
`;
}

export async function run(_ctx: Context, { args }: CommandInput<CompletionOptions>): Promise<CommandResult> {
  const shell = args[0];
  if (shell === 'bash') return { text: bash() };
  if (shell === 'zsh') return { text: zsh() };
  if (shell === 'fish') return { text: fish() };
  throw usageError(
    `No completion for the shell '${shell ?? ''}'.`,
    'Use: dam completion bash, dam completion zsh or dam completion fish.',
  );
}

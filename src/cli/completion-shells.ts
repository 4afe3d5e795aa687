// The zsh and fish scripts: the same logic as the bash one in completion.ts, in each shell's own terms.
import { GLOBAL_FLAGS, completionCommands, valueOptions } from './completion-table.js';

const words = (list: string[]) => list.join(' ');
const zshQuote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

function zshPositional(positional: string[][]): string {
  if (positional.length === 0) return ':';
  return `case $n in ${positional.map((kinds, i) => `(${i === positional.length - 1 ? '*' : i}) _dam_values ${zshQuote(words(kinds))} ;;`).join(' ')} esac`;
}

export function zsh(): string {
  const commands = completionCommands();
  const values = [...valueOptions()];
  const described = commands.flatMap((c) =>
    c.names.map((n) => `    ${zshQuote(`${n}:${c.summary.replace(/:/g, '\\:')}`)}`),
  );
  return `#compdef dam
# zsh completion for dam (dam completion zsh)
_dam_values() {
  local kind
  local -a vals
  for kind in \${=1}; do
    case $kind in
      (@file) _files ;;
      (@dir) _files -/ ;;
      (@*) vals=(\${(f)"$(\${words[1]} $dam_home __complete \${kind#@} 2>/dev/null)"}); compadd -a vals ;;
      (*) compadd -- $kind ;;
    esac
  done
}
_dam() {
  local cmd="" w n=0 i=2 cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  local -a dam_home commands
  while (( i < CURRENT )); do
    w=\${words[i]}
    case $w in
      (--home) dam_home=(--home "\${words[i+1]/#\\~/$HOME}"); (( i += 2 )); continue ;;
      (--home=*) dam_home=(--home "\${w#--home=}") ;;
      (${values
        .map(([flag]) => flag)
        .filter((f) => f !== '--home')
        .join('|')}) if [[ -n $cmd ]]; then (( i += 2 )); continue; fi ;;
      (-*) ;;
      (*) if [[ -z $cmd ]]; then cmd=$w; else (( n++ )); fi ;;
    esac
    (( i++ ))
  done
  case $prev in
${values
  .filter(([, kinds]) => kinds.length > 0)
  .map(([flag, kinds]) => `    (${flag}) _dam_values ${zshQuote(words(kinds))}; return ;;`)
  .join('\n')}
    (${values
      .filter(([, kinds]) => kinds.length === 0)
      .map(([flag]) => flag)
      .join('|')}) return ;;
  esac
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then compadd -- ${words(GLOBAL_FLAGS)}; return; fi
    commands=(
${described.join('\n')}
    )
    _describe 'command' commands
    return
  fi
  case $cmd in
${commands.map((c) => `    (${c.names.join('|')}) if [[ $cur == -* ]]; then compadd -- ${words(c.flags)}; else ${zshPositional(c.positional)}; fi ;;`).join('\n')}
  esac
}
if [[ "\${funcstack[1]}" == _dam ]]; then _dam "$@"; else compdef _dam dam; fi
`;
}

function fishPositional(positional: string[][]): string {
  if (positional.length === 0) return 'true';
  return `switch $n; ${positional.map((kinds, i) => `case ${i === positional.length - 1 ? "'*'" : i}; __dam_values ${words(kinds)}`).join('; ')}; end`;
}

export function fish(): string {
  const commands = completionCommands();
  const values = [...valueOptions()];
  return `# fish completion for dam (dam completion fish)
function __dam_values
  set -l cur (commandline -ct)
  for kind in $argv
    switch $kind
      case @file
        __fish_complete_path $cur
      case @dir
        __fish_complete_directories $cur
      case '@*'
        $__dam_bin $__dam_home __complete (string sub -s 2 -- $kind) 2>/dev/null
      case '*'
        echo $kind
    end
  end
end
function __dam_complete
  set -l toks (commandline -opc)
  set -g __dam_bin $toks[1]
  set -g __dam_home
  set -l cmd ''
  set -l n 0
  set -l i 2
  while test $i -le (count $toks)
    set -l w $toks[$i]
    switch $w
      case --home
        set __dam_home --home $toks[(math $i + 1)]
        set i (math $i + 2)
        continue
      case '--home=*'
        set __dam_home --home (string replace -- '--home=' '' $w)
      case ${values
        .map(([flag]) => flag)
        .filter((f) => f !== '--home')
        .join(' ')}
        if test -n "$cmd"
          set i (math $i + 2)
          continue
        end
      case '-*'
      case '*'
        if test -z "$cmd"
          set cmd $w
        else
          set n (math $n + 1)
        end
    end
    set i (math $i + 1)
  end
  set -l cur (commandline -ct)
  switch $toks[-1]
${values
  .filter(([, kinds]) => kinds.length > 0)
  .map(([flag, kinds]) => `    case -- ${flag}\n      __dam_values ${words(kinds)}; return`)
  .join('\n')}
    case -- ${values
      .filter(([, kinds]) => kinds.length === 0)
      .map(([flag]) => flag)
      .join(' ')}
      return
  end
  if test -z "$cmd"
    printf '%s\\n' ${words(commands.flatMap((c) => c.names))} ${words(GLOBAL_FLAGS)}
    return
  end
  switch $cmd
${commands.map((c) => `    case ${c.names.join(' ')}\n      if string match -q -- '-*' $cur; printf '%s\\n' ${words(c.flags)}; else; ${fishPositional(c.positional)}; end`).join('\n')}
  end
end
complete -c dam -f -a '(__dam_complete)'
`;
}

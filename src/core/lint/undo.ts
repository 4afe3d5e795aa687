// Does uninstall undo what install creates, where a script shows it: a container named with --name, and a
// file put in place with cp, mv, ln or install. Text matching, so it only reports what it can see: the
// name or path (or the shell variable holding it) must appear in uninstall on a `docker rm`/`rm` line.
import { type Finding, type LintSubject, finding } from './types.js';
import { logicalLines, scriptPath } from './text.js';

interface Created {
  line: number;
  what: 'container' | 'file';
  token: string;
}

const unquote = (word: string) => word.replace(/^["']|["']$/g, '').replace(/^\$\{([A-Za-z_]\w*)\}$/, '$$$1');

function simpleCommands(text: string): string[][] {
  return text.split(/&&|\|\||;|\|/).map((c) => c.trim().split(/\s+/).filter(Boolean));
}

function created(install: string): Created[] {
  const out: Created[] = [];
  const moved = new Set<string>();
  const lines = logicalLines(install);
  for (const { line, text } of lines) {
    const name = /\bdocker\s+(?:container\s+)?(?:run|create)\b.*?--name[=\s]+(\S+)/.exec(text)?.[1];
    if (name) out.push({ line, what: 'container', token: unquote(name) });
    for (const words of simpleCommands(text)) {
      if (!['cp', 'mv', 'ln', 'install'].includes(words[0] ?? '')) continue;
      const args = words.slice(1).filter((w) => !w.startsWith('-'));
      if (words[0] === 'mv') for (const a of args.slice(0, -1)) moved.add(unquote(a));
      const target = unquote(args.at(-1) ?? '');
      // A relative target is inside the meta copy (the working directory), which DAM removes itself.
      if (args.length >= 2 && /^[/$~]/.test(target)) out.push({ line, what: 'file', token: target });
    }
  }
  // A temporary file moved into place later is not what install leaves behind.
  return out.filter((c) => c.what === 'container' || !moved.has(c.token));
}

/** `x=value` assignments, so a literal in one script matches a variable in the other. */
function assignments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^\s*([A-Za-z_]\w*)=(\S+)\s*$/gm)) out.set(`$${m[1]}`, unquote(m[2] ?? ''));
  return out;
}

function undone(c: Created, uninstall: string, values: Map<string, string>): boolean {
  const remover =
    c.what === 'container'
      ? /\bdocker\s+(?:container\s+)?(?:rm|stop|kill)\b|\bdocker\s+compose\s+down\b/
      : /(?:^|[\s;&|])rm\s/;
  const wanted = [c.token, values.get(c.token)].filter((t): t is string => !!t);
  const uninstallValues = assignments(uninstall);
  return logicalLines(uninstall).some(({ text }) => {
    if (!remover.test(text)) return false;
    return simpleCommands(text)
      .flat()
      .some((w) => {
        const word = unquote(w);
        return wanted.includes(word) || wanted.includes(uninstallValues.get(word) ?? '');
      });
  });
}

export function undoRules(s: LintSubject): Finding[] {
  const installPath = scriptPath(s.meta, 'install');
  const uninstallPath = scriptPath(s.meta, 'uninstall');
  const install = installPath ? s.meta[installPath]?.text : undefined;
  const uninstall = uninstallPath ? s.meta[uninstallPath]?.text : undefined;
  if (!installPath || !uninstallPath || install === undefined || uninstall === undefined) return [];
  const values = assignments(install);
  return created(install)
    .filter((c) => !undone(c, uninstall, values))
    .map((c) =>
      c.what === 'container'
        ? finding(
            'uninstall-undo',
            'warning',
            installPath,
            c.line,
            `install starts a container named ${c.token}, which ${uninstallPath} does not remove.`,
            `Add to ${uninstallPath}: docker rm -f ${c.token} >/dev/null 2>&1 || true`,
          )
        : finding(
            'uninstall-undo',
            'warning',
            installPath,
            c.line,
            `install puts ${c.token} on the host, which ${uninstallPath} does not remove.`,
            `Add to ${uninstallPath}: rm -f ${c.token} (record the path in a file of the working directory if it can vary).`,
          ),
    );
}

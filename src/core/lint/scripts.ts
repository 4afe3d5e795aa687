// install and uninstall: present, started with `#!` (DAM 1.x runs them directly, with no /bin/sh
// fallback, and a CRLF `#!` line names an interpreter that does not exist), and executable.
import { type Finding, type LintSubject, finding } from './types.js';
import { scriptPath } from './text.js';

export function scriptRules(s: LintSubject): Finding[] {
  const out: Finding[] = [];
  for (const script of ['install', 'uninstall']) {
    const path = scriptPath(s.meta, script);
    if (!path) {
      out.push(
        finding(
          'script-missing',
          'error',
          `meta/${script}`,
          null,
          `There is no meta/${script} script${s.kind === 'project' ? ` nor meta/${script}.exp template` : ''}.`,
          `Add meta/${script}${s.kind === 'project' ? '.exp' : ''}: a #!/bin/sh script that ${script === 'install' ? 'sets the app up on the host' : 'undoes what install did'} (dam init writes one).`,
        ),
      );
      continue;
    }
    const file = s.meta[path];
    const first = file?.text?.split('\n')[0];
    if (first !== undefined && !first.startsWith('#!')) {
      out.push(
        finding(
          'script-shebang',
          'error',
          path,
          1,
          `${path} does not start with a #! line; DAM 1.x hosts fail to run it ("exec format error").`,
          'Make the first line #!/bin/sh (or the interpreter the script needs).',
        ),
      );
    } else if (first?.endsWith('\r')) {
      out.push(
        finding(
          'script-shebang',
          'error',
          path,
          1,
          `${path} has Windows (CRLF) line endings; its #! line names an interpreter "…\\r" that does not exist.`,
          'Save the script with Unix (LF) line endings.',
        ),
      );
    }
    // `dam create` makes install and uninstall executable in the image; a built image is past fixing.
    if (file && (file.mode & 0o111) === 0 && !(s.kind === 'project' && path.endsWith('.exp'))) {
      const built = s.kind !== 'project';
      out.push(
        finding(
          'script-executable',
          built ? 'error' : 'warning',
          path,
          null,
          `${path} is not executable${built ? '; DAM 1.x hosts cannot run it' : ''}.`,
          built
            ? 'Rebuild the image with `dam create`, which makes install and uninstall executable.'
            : `chmod +x ${path} (dam create sets the mode in the image, but other tools do not).`,
        ),
      );
    }
  }
  return out;
}

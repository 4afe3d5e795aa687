import { defineCommand, type OptionsOf } from '../cli/spec.js';

export type LintOptions = OptionsOf<[], true>;

export const lintCommand = defineCommand<LintOptions>({
  name: 'lint',
  args: '[target]',
  summary: 'Check an app project, image or archive for the traps of app authoring.',
  description:
    'Check an app project folder (default: the current one), a local image, or a .dam / docker save archive. ' +
    'Each finding has a rule id, a severity, the file and line, and how to fix it. Exit 1 when there is an error-level finding. ' +
    '`dam create` runs the error-level rules before it builds (--no-lint skips them). See docs/authoring.md.',
  details: `Rules:
  project-layout               meta/, a Dockerfile that copies meta to /meta (error)
  script-missing               meta/install or meta/uninstall missing (error)
  script-shebang               a script without a #! line, or with CRLF endings (error)
  script-executable            a script that is not executable (warning; error in an image)
  template-undefined-variable  a \${VAR} no source defines (warning)
  template-host-variable       \${PATH}, \${HOME}... in a template, baked in at build time (error if a source sets it)
  dockerfile-env-pairs         ENV A=1 B=2, which DAM reads as A='1 B=2' (error)
  dockerfile-buildkit          syntax only BuildKit accepts (error)
  uninstall-undo               a container or file install creates that uninstall does not remove (warning)
  labels-disagree              labels that contradict each other or the tag
  name-rejected                names DAM or DAM 1.x hosts refuse (error)
`,
  json: true,
  examples: ['dam lint', 'dam lint examples/web', 'dam lint web:1.0', 'dam lint web-1.0.1a2b3c4d.dam --json'],
  load: () => import('./lint.js'),
});

// The layering (cli -> commands -> app -> core <- adapters, adapters built only in src/cli/root.ts) is a lint
// rule; these cases prove that it fires on an outward import, static or dynamic, and stays quiet inward.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: repo });

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repo}/${file}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

const cases: Array<[file: string, code: string, fires: boolean]> = [
  [
    'src/commands/probe.ts',
    "import { writeDam } from '../adapters/archive/write-dam.js';\nexport const x = writeDam;\n",
    true,
  ],
  ['src/commands/probe.ts', "export const load = () => import('../adapters/signing/key-files.js');\n", true],
  ['src/commands/probe.ts', "import { saveApp } from '../app/save.js';\nexport const x = saveApp;\n", false],
  [
    'src/app/probe.ts',
    "import { FileStore } from '../adapters/store/file-store.js';\nexport const x = FileStore;\n",
    true,
  ],
  ['src/app/probe.ts', "import type { Context } from '../cli/context.js';\nexport type X = Context;\n", true],
  ['src/core/probe.ts', "import { saveApp } from '../app/save.js';\nexport const x = saveApp;\n", true],
  [
    'src/core/ports/probe.ts',
    "import type { Engine } from '../../adapters/docker/engine.js';\nexport type X = Engine;\n",
    true,
  ],
  [
    'src/adapters/store/probe.ts',
    "import type { Context } from '../../cli/context.js';\nexport type X = Context;\n",
    true,
  ],
  [
    'src/cli/probe.ts',
    "import { FileStore } from '../adapters/store/file-store.js';\nexport const x = FileStore;\n",
    true,
  ],
  [
    'src/cli/root.ts',
    "import { FileStore } from '../adapters/store/file-store.js';\nexport const x = FileStore;\n",
    false,
  ],
];

for (const [file, code, fires] of cases) {
  test(`${file}: ${code.split('\n')[0]} ${fires ? 'is refused' : 'is allowed'}`, async () => {
    const errors = await layeringErrors(file, code);
    if (fires) assert.match(errors.join('\n'), /Layering: cli -> commands -> app -> core <- adapters/);
    else assert.deepEqual(errors, []);
  });
}

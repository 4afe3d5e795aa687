// Bundles the CLI with esbuild. The entry is one file (dist/dam.mjs); code that only some commands need
// (registry HTTP client, tar handling) is split into chunks loaded on first use, so `dam --version` parses little.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Built into a fresh folder and swapped in, so stale chunks never pile up and a running `bin/dam` (a test,
// another terminal) never sees a half-written dist/.
const out = new URL('../dist', import.meta.url);
const next = new URL('../dist.next', import.meta.url);
const old = new URL('../dist.old', import.meta.url);
rmSync(next, { recursive: true, force: true });
await build({
  entryPoints: { dam: 'src/main.ts' },
  outdir: 'dist.next',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  define: { DAM_VERSION: JSON.stringify(pkg.version) },
  banner: {
    js: "import { createRequire as __damCreateRequire } from 'node:module'; const require = __damCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
rmSync(old, { recursive: true, force: true });
try {
  renameSync(out, old);
} catch (err) {
  if (err.code !== 'ENOENT') throw err;
}
renameSync(next, out);
rmSync(old, { recursive: true, force: true });

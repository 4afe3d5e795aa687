// Bundles the CLI with esbuild. The entry is one file (dist/dam.mjs); code that only some commands need
// (registry HTTP client, tar handling) is split into chunks loaded on first use, so `dam --version` parses little.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Stale chunks from earlier builds would otherwise pile up in dist/chunks.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { dam: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  define: { DAM_VERSION: JSON.stringify(pkg.version) },
  banner: { js: "import { createRequire as __damCreateRequire } from 'node:module'; const require = __damCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

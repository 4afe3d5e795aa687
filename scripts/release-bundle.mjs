// The release's code as two CommonJS bundles (docs/decisions/0022-split-release-bundle.md). The main bundle
// (`dam.cjs`, the single executable's main script, whose top level runs while the start-up snapshot is made)
// holds what start-up, `--version`, `--help` and `list` need; the later bundle (`dam-later.cjs`, a SEA asset)
// holds the rest of the commands and adapters and is compiled and run on the first dynamic import that needs
// it. A module both bundles use is in the main bundle only: the later bundle reaches it through a table the
// main bundle passes in, so a class (DamError, checked with instanceof) or a module's state exists once.
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { build } from 'esbuild';
import { lazyBuiltins, lazyRequires } from './lazy-builtins.mjs';
import laterLoader from './release-later.cjs';

const LOADER_FILE = join(import.meta.dirname, 'release-later.cjs');
/**
 * The later bundle's SEA asset (also its file beside dam.cjs outside a SEA, and its stack frames' file name)
 * and its V8 code cache's asset.
 */
export const { LATER, LATER_CACHE } = laterLoader;
const { LATER_PREFIX, LATER_SUFFIX } = laterLoader;

/**
 * The modules that a dynamic import of `dam --version`, `dam list` or the snapshot's warm-up (src/warm-up.ts)
 * loads: they stay in the main bundle and its snapshot. Every other module behind a dynamic import goes to the
 * later bundle (test/release-split.test.ts runs those commands without it).
 */
export const KEEP = new Set([
  'src/commands/list.ts',
  'src/adapters/store/journal-files.ts',
  'src/adapters/docker/docker-context.ts',
]);

const LOADER = 'dam-later-loader';
const rel = (root, path) => relative(root, path).split(sep).join('/');
const inside = (root, path) => isAbsolute(path) && !rel(root, path).startsWith('..');
/** An object literal of functions requiring each module of `ids` (paths relative to `root`), keyed by its path. */
const requireTable = (root, ids) =>
  `{${ids.map((id) => `${JSON.stringify(id)}:()=>require(${JSON.stringify(join(root, id))})`).join(',')}}`;
/** The modules of a build that a plugin put in `namespace`, by the path it gave them. */
const namespaced = (result, namespace) =>
  Object.keys(result.metafile.inputs)
    .filter((k) => k.startsWith(`${namespace}:`))
    .map((k) => k.slice(namespace.length + 1));

/** The options both bundles share; `version` is DAM's. */
function options(root, version) {
  return {
    absWorkingDir: root,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    // import.meta.url only serves createRequire of Node's own modules, which any absolute path resolves.
    define: { DAM_VERSION: JSON.stringify(version), 'import.meta.url': JSON.stringify('file:///dam.cjs') },
    // Whitespace and syntax only: names stay, so a stack trace in a bug report still reads.
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'warning',
  };
}

/** `args` resolved as esbuild would without our plugin: the absolute file, or undefined for a built-in or package name. */
async function resolved(b, args) {
  if (args.pluginData?.inner) return undefined;
  const r = await b.resolve(args.path, {
    kind: args.kind,
    importer: args.importer,
    resolveDir: args.resolveDir,
    pluginData: { inner: true },
  });
  return r.errors.length === 0 && !r.external && r.namespace === 'file' ? r.path : undefined;
}

/** The loader of the later bundle, in the main bundle, with a table of the `shared` modules it may ask for. */
function loaderSource(root, shared) {
  return `module.exports=require(${JSON.stringify(LOADER_FILE)}).laterLoader(${requireTable(root, shared)});`;
}

/** In the main bundle: a dynamic import of a module in `later` becomes a module that asks the loader for it. */
function mainPlugin(root, later, shared) {
  return {
    name: 'dam-main',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const path = await resolved(b, args);
        if (!path || !inside(root, path) || !later(rel(root, path))) return undefined;
        return { path: rel(root, path), namespace: 'dam-later' };
      });
      b.onResolve({ filter: new RegExp(`^${LOADER}$`) }, () => ({ path: LOADER, namespace: LOADER }));
      b.onLoad({ filter: /.*/, namespace: 'dam-later' }, (args) => ({
        contents: `module.exports=require(${JSON.stringify(LOADER)})(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
      b.onLoad({ filter: /.*/, namespace: LOADER }, () => ({
        contents: loaderSource(root, shared),
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

/** In the later bundle: a module of the main bundle (`inMain`) becomes a lookup in the table the loader passes. */
function laterPlugin(root, inMain) {
  return {
    name: 'dam-later',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point') return undefined;
        const path = await resolved(b, args);
        if (!path || !inMain.has(rel(root, path))) return undefined;
        return { path: rel(root, path), namespace: 'dam-shared' };
      });
      b.onLoad({ filter: /.*/, namespace: 'dam-shared' }, (args) => ({
        contents: `module.exports=__damShared(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

/** The source files of a build (its metafile's inputs in the file namespace), relative to `root`. */
const filesOf = (result) => Object.keys(result.metafile.inputs).filter((k) => !k.includes(':'));

/** Both bundles into `dir` (`dam.cjs` and LATER), each with its lazy built-ins; returns their paths. */
export async function bundleRelease({ root, entry, dir, version }) {
  const main = join(dir, 'dam.cjs');
  const laterFile = join(dir, LATER);
  const base = options(root, version);
  // Pass 1: which files the main bundle holds when every dynamic import outside KEEP goes to the later one.
  const first = await build({
    ...base,
    entryPoints: [entry],
    outfile: main,
    plugins: [lazyBuiltins, mainPlugin(root, (id) => !KEEP.has(id), [])],
  });
  const inMain = new Set(filesOf(first));
  // A dynamic import of a module the main bundle holds anyway stays in the main bundle.
  const later = namespaced(first, 'dam-later').filter((id) => !inMain.has(id));
  // The later bundle's entry: a table of its modules, each evaluated when the main bundle first asks for it.
  const second = await build({
    ...base,
    stdin: {
      contents: `module.exports=${requireTable(root, later)};`,
      resolveDir: root,
      sourcefile: 'dam-later-entry.js',
      loader: 'js',
    },
    outfile: laterFile,
    plugins: [lazyBuiltins, laterPlugin(root, inMain)],
  });
  const shared = namespaced(second, 'dam-shared').sort();
  // Pass 2: the main bundle again, now with the table of exactly the modules the later bundle takes from it.
  const laterSet = new Set(later);
  const final = await build({
    ...base,
    entryPoints: [entry],
    outfile: main,
    plugins: [lazyBuiltins, mainPlugin(root, (id) => laterSet.has(id), shared)],
  });
  const moved = filesOf(final).filter((f) => !inMain.has(f));
  if (moved.length > 0) throw new Error(`the main bundle's files changed between its two builds: ${moved.join(', ')}`);
  writeFileSync(main, lazyRequires(readFileSync(main, 'utf8')));
  writeFileSync(laterFile, LATER_PREFIX + lazyRequires(readFileSync(laterFile, 'utf8')) + LATER_SUFFIX);
  return { main, later: laterFile, shared, laterModules: later };
}

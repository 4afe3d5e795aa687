/* global require, module, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, bundled into the main bundle: Node's modules load at first use */
// Bundled into the release's main bundle (scripts/release-bundle.mjs): loads the later bundle, which holds the
// commands and adapters that `dam --version` and `dam list` do not use, when a dynamic import first needs it.
// In a single executable it is the SEA asset LATER, compiled with the V8 code cache LATER_CACHE that the
// executable itself made at build time (an empty asset where there is none: the Windows executable); outside
// one (a test running dam.cjs with node) the file beside dam.cjs. Nothing here runs at start-up.

const LATER = 'dam-later.cjs';
const LATER_CACHE = 'dam-later.cache';
/** The later bundle's source starts with this line: a function of its module, its require and the table. */
const LATER_PREFIX = '(function (exports, require, module, __filename, __dirname, __damShared) {\n';
const LATER_SUFFIX = '\n})';

/** The later bundle's source and code cache (undefined when there is none). */
function readLater() {
  const sea = require('node:sea');
  if (!sea.isSea())
    return { code: require('node:fs').readFileSync(require('node:path').join(__dirname, LATER), 'utf8') };
  const cache = new Uint8Array(sea.getAsset(LATER_CACHE));
  return { code: sea.getAsset(LATER, 'utf8'), cache: cache.length > 0 ? cache : undefined };
}

/**
 * The release build's hook (scripts/release.mjs): with DAM_RELEASE_LATER_CACHE set, the process writes the later
 * bundle's code cache there when it exits (with the bytecode of what it ran), and fails if V8 rejected the cache
 * it was given. A cache is only valid for the snapshot of the executable that made it.
 */
function recordCache(script, given, out) {
  if (given && script.cachedDataRejected) throw new Error(`V8 rejected the later bundle's code cache ${LATER_CACHE}`);
  process.on('exit', () => require('node:fs').writeFileSync(out, script.createCachedData()));
}

/** The later bundle's module table, after running its top level with `shared` as its view of the main bundle. */
function evaluate(shared) {
  const { code, cache } = readLater();
  const { Script } = require('node:vm');
  // lineOffset: the prefix's line is not the bundle's, so stack traces name the bundle's own lines.
  const script = new Script(code, { filename: LATER, lineOffset: -1, cachedData: cache });
  const out = process.env.DAM_RELEASE_LATER_CACHE;
  if (out) recordCache(script, cache !== undefined, out);
  const laterModule = { exports: {} };
  const lookup = (id) => shared[id]();
  script.runInThisContext()(laterModule.exports, require, laterModule, LATER, __dirname, lookup);
  return laterModule.exports;
}

/**
 * The loader for a main bundle whose modules `shared` (file name to a function requiring it) the later bundle
 * uses: it returns the namespace of the later bundle's module `id`, evaluating that bundle on the first call.
 */
function laterLoader(shared) {
  let later;
  return (id) => (later ??= evaluate(shared))[id]();
}

module.exports = { LATER, LATER_CACHE, LATER_PREFIX, LATER_SUFFIX, laterLoader };

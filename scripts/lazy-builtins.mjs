// The release bundle's lazy built-ins (docs/decisions/0018-startup-snapshot.md, addendum): Node modules that
// `dam --version` and `dam list` never use are loaded at their first use, not when the bundle starts, so that
// the executable's start-up snapshot does not carry them.

/**
 * Node's modules that `dam --version` and `dam list` never use, loaded on first use instead of when the bundle
 * starts. Every module's top level runs while the start-up snapshot is taken, so a module loaded there ships in
 * the snapshot and is deserialized at every start: crypto, child_process (with net and dgram) and zlib made
 * the snapshot about a fifth larger and each start about 5 ms slower (docs/decisions/0018-startup-snapshot.md).
 */
const LAZY_BUILTINS =
  /^node:(child_process|crypto|dgram|dns|http|https|net|readline|readline\/promises|tls|worker_threads|zlib)$/;
const LAZY = 'dam-lazy:';

/** Marks the lazy modules' requires; `lazyRequires` then turns them into __damLazy calls. */
export const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: LAZY_BUILTINS }, (args) => ({ path: `${LAZY}${args.path}`, external: true }));
  },
};

/**
 * A module object that loads the real one on its first property access. esbuild reads a built-in's exports as
 * properties at each use (`(0, import_node_crypto.createHash)(...)`), so nothing runs before it is needed.
 */
const LAZY_HELPER =
  'var __damLazy=(id)=>{let m;const g=()=>(m??=require(id));return new Proxy({},{get:(_,k)=>g()[k],has:(_,k)=>k in g(),' +
  'ownKeys:()=>Reflect.ownKeys(g()),getOwnPropertyDescriptor:(_,k)=>{const d=Reflect.getOwnPropertyDescriptor(g(),k);' +
  'return d&&{...d,configurable:true}}})};';

/** The bundle's marked requires as lazy modules; a namespace import's __toESM would list the keys, so it goes too. */
export function lazyRequires(code) {
  const out = code
    .replace(/__toESM\(require\("dam-lazy:([^"]+)"\)(?:,\s*1)?\)/g, (_, id) => `__damLazy(${JSON.stringify(id)})`)
    .replace(/require\("dam-lazy:([^"]+)"\)/g, (_, id) => `__damLazy(${JSON.stringify(id)})`);
  if (out.includes(LAZY)) throw new Error(`the bundle still names ${LAZY} after the lazy requires were rewritten`);
  // After the "use strict" directive, which must stay first to keep its meaning.
  const strict = '"use strict";';
  return out.startsWith(strict) ? strict + LAZY_HELPER + out.slice(strict.length) : LAZY_HELPER + out;
}

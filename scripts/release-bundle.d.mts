/** The later bundle's SEA asset (and file name beside dam.cjs outside a single executable). */
export const LATER: string;
/** The later bundle's V8 code cache's SEA asset. */
export const LATER_CACHE: string;
/** The modules a dynamic import of `dam --version` or `dam list` loads: they stay in the main bundle. */
export const KEEP: Set<string>;
/** The release's main bundle (`dam.cjs`) and later bundle (LATER) in `dir`, as scripts/release.mjs builds them. */
export function bundleRelease(options: { root: string; entry: string; dir: string; version: string }): Promise<{
  main: string;
  later: string;
  /** The main bundle's modules the later bundle uses (through the main bundle's table). */
  shared: string[];
  /** The modules behind dynamic imports that the later bundle holds. */
  laterModules: string[];
}>;

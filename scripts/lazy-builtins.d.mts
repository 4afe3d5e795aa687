import type { Plugin } from 'esbuild';

/** Marks the requires of Node's heavier modules in an esbuild bundle, for lazyRequires. */
export const lazyBuiltins: Plugin;
/** The bundle's marked requires as lazy module objects, loaded at their first property access. */
export function lazyRequires(code: string): string;

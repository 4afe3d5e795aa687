// Image references with Docker's rules: the first path component is a registry only when it contains a `.`
// or a `:`, or is `localhost`; so `user/app:1.0` is Docker Hub's `user/app` (DAM 1.x took `user` for a
// registry). Pure: no I/O.
import { DamError } from './errors.js';
import { printable } from './validate.js';

export interface ImageRef {
  /** `host[:port]`, or undefined for Docker Hub. */
  registry?: string;
  /** Repository path without the registry, e.g. `web` or `team/web`. */
  path: string;
  tag: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function invalid(text: string, why: string): never {
  throw new DamError(
    'INVALID_REFERENCE',
    `'${printable(text)}' is not an app reference: ${why}.`,
    'Write name:version, or a full tag such as registry.example:5000/name:version.',
  );
}

export function isRegistryComponent(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** Parses `[registry/][path/]name:tag`. A tag is required: DAM has no implicit `latest`. */
export function parseRef(text: string): ImageRef {
  if (text.includes('@')) invalid(text, 'digests are not supported here');
  const slash = text.lastIndexOf('/');
  const colon = text.lastIndexOf(':');
  if (colon <= slash) invalid(text, 'the version is missing (DAM has no implicit latest)');
  const tag = text.slice(colon + 1);
  const name = text.slice(0, colon);
  if (!TAG.test(tag)) invalid(text, `the version '${tag}' is not a valid tag`);
  const parts = name.split('/');
  let registry: string | undefined;
  if (parts.length > 1 && isRegistryComponent(parts[0] ?? '')) registry = parts.shift();
  if (registry !== undefined && !/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(registry))
    invalid(text, `'${registry}' is not a registry address`);
  for (const p of parts)
    if (!COMPONENT.test(p)) invalid(text, `'${p}' is not a valid name (lower-case letters, digits, '.', '_', '-')`);
  const ref: ImageRef = { path: parts.join('/'), tag };
  if (registry !== undefined) ref.registry = registry;
  return ref;
}

export function formatRef(ref: ImageRef): string {
  return `${ref.registry ? `${ref.registry}/` : ''}${ref.path}:${ref.tag}`;
}

/** The app name DAM records: the last path component. */
export function appNameOf(ref: ImageRef): string {
  return ref.path.slice(ref.path.lastIndexOf('/') + 1);
}

/** True for a bare `name:version` (no registry, no namespace), which resolves against the default repo. */
export function isBareAppRef(text: string): boolean {
  return !text.includes('/') && /^[^:]+:[^:]+$/.test(text);
}

/** Resolves what the user typed: a bare `name:version` gets the default repo's prefix, anything else is a full tag. */
export function resolveAppRef(text: string, defaultPrefix: string): ImageRef {
  return parseRef(isBareAppRef(text) ? `${defaultPrefix}${text}` : text);
}

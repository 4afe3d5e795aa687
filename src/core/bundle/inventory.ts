// What an offline host has (`dam inventory`): its installed apps and every layer its engine holds, by diff
// id and by chain id. `dam export --all --delta` leaves out the layers whose chain the host holds.
import { at, fieldReader } from '../json-fields.js';
import { DamError } from '../errors.js';
import { canonicalJson } from './canonical-json.js';
import { chainIds } from './chain.js';

export const INVENTORY_FORMAT = 1;
export const INVENTORY_KIND = 'dam-inventory';

export interface InventoryApp {
  name: string;
  version: string;
  tag: string;
  imageId: string;
}

export interface Inventory {
  format: typeof INVENTORY_FORMAT;
  kind: typeof INVENTORY_KIND;
  apps: InventoryApp[];
  /** Distinct layer diff ids of every image on the engine, sorted. */
  layers: string[];
  /** Distinct chain ids of every image's layers, sorted: what a delta is decided on. */
  chains: string[];
}

/** Builds the inventory from the installed apps and each engine image's diff ids (bottom first). */
export function buildInventory(apps: InventoryApp[], imageLayers: ReadonlyArray<readonly string[]>): Inventory {
  const layers = new Set<string>();
  const chains = new Set<string>();
  for (const l of imageLayers) {
    for (const d of l) layers.add(d);
    for (const c of chainIds(l)) chains.add(c);
  }
  return {
    format: INVENTORY_FORMAT,
    kind: INVENTORY_KIND,
    apps,
    layers: [...layers].sort(),
    chains: [...chains].sort(),
  };
}

export function formatInventory(inventory: Inventory): string {
  return `${canonicalJson(inventory)}\n`;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

function bad(source: string, field: string, what: string): never {
  throw new DamError(
    'ARCHIVE_INVALID',
    `The inventory '${source}' is invalid: ${field} ${what}.`,
    'Write it again on the target host with dam inventory -o FILE.',
  );
}

/** The one field reader (json-fields.ts), failing with ARCHIVE_INVALID naming the inventory and the field. */
const reader = (source: string) => fieldReader((path, problem) => bad(source, path, problem));

function digests(source: string, field: string, value: unknown): string[] {
  return reader(source)
    .list(value, field)
    .map((v, i) => (typeof v === 'string' && DIGEST.test(v) ? v : bad(source, at(field, i), 'is not a sha256 digest')));
}

export function parseInventory(text: string, source: string): Inventory {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    bad(source, 'the file', 'is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad(source, 'the file', 'is not a JSON object');
  const o = raw as Record<string, unknown>;
  if (o.kind !== INVENTORY_KIND) bad(source, 'kind', `is not '${INVENTORY_KIND}' (is this file from dam inventory?)`);
  if (typeof o.format === 'number' && o.format > INVENTORY_FORMAT) {
    throw new DamError(
      'STATE_TOO_NEW',
      `The inventory '${source}' has format ${o.format}, which this DAM does not read.`,
      'Use the same DAM version on both hosts.',
    );
  }
  if (o.format !== INVENTORY_FORMAT) bad(source, 'format', `is ${JSON.stringify(o.format)}, not ${INVENTORY_FORMAT}`);
  if (!Array.isArray(o.apps)) bad(source, 'apps', 'is not a list');
  const r = reader(source);
  const apps = o.apps.map((a: unknown, i: number): InventoryApp => {
    const e = r.object(a, at('apps', i));
    const field = (k: string) => r.string(e, k, at('apps', i));
    return { name: field('name'), version: field('version'), tag: field('tag'), imageId: field('imageId') };
  });
  return {
    format: INVENTORY_FORMAT,
    kind: INVENTORY_KIND,
    apps,
    layers: digests(source, 'layers', o.layers),
    chains: digests(source, 'chains', o.chains),
  };
}

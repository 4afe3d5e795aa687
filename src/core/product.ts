// A product: the list of app versions a host should have. Two formats: DAM 1.x's text list (`name:version`
// lines, what `dam export` writes by default) and the JSON product file (`--format json`), which also pins
// each app's repo, tag, image id and family.
import { fieldReader } from './json-fields.js';
import { DamError } from './errors.js';
import { printable, validateAppName, validateVersion } from './validate.js';

export const PRODUCT_FORMAT = 1;

export interface ProductApp {
  name: string;
  version: string;
  /** The full tag the app is installed under; absent in a text list (resolved against the default repo). */
  tag?: string;
  repo?: string;
  imageId?: string;
  family?: string;
}

export interface Product {
  format: typeof PRODUCT_FORMAT;
  /** A name for signed products and for messages; absent in a text list. */
  name?: string;
  apps: ProductApp[];
}

function bad(source: string, line: number | undefined, what: string, hint: string): never {
  throw new DamError('ARCHIVE_INVALID', `${source}${line === undefined ? '' : `, line ${line}`}: ${what}.`, hint);
}

/** Parses DAM 1.x's list. Blank lines and `#` comments are allowed (1.x refused a blank line). */
export function parseTextList(text: string, source: string): Product {
  const apps: ProductApp[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(':');
    if (parts.length !== 2 || !parts[0] || !parts[1])
      bad(
        source,
        i + 1,
        `'${printable(line)}' is not name:version`,
        'Each line of an app list is name:version, as dam export writes it.',
      );
    try {
      apps.push({ name: validateAppName(parts[0]), version: validateVersion(parts[1]) });
    } catch (err) {
      bad(source, i + 1, err instanceof Error ? err.message : String(err), 'Fix the line, or export the list again.');
    }
  });
  checkDuplicates(apps, source);
  return { format: PRODUCT_FORMAT, apps };
}

export function formatTextList(product: Product): string {
  return product.apps.map((a) => `${a.name}:${a.version}\n`).join('');
}

/** `o[key]` through the one field reader (json-fields.ts); absent or null is undefined. */
function optString(o: Record<string, unknown>, key: string, source: string, where: string): string | undefined {
  return fieldReader((path, problem) =>
    bad(source, undefined, `${path} ${problem}`, 'Export the product again with dam export --format json.'),
  ).optString(o, key, where);
}

export function parseProductJson(text: string, source: string): Product {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    bad(source, undefined, 'it is not valid JSON', 'Export the product again with dam export --format json.');
  }
  const o = raw as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.apps))
    bad(source, undefined, 'it has no apps list', 'A product file is what dam export --format json writes.');
  if (o.format !== PRODUCT_FORMAT) {
    throw new DamError(
      'STATE_TOO_NEW',
      `${source} is a product of format ${String(o.format)}, which this DAM does not read.`,
      'Use the DAM that wrote it, or export a text list.',
    );
  }
  const apps = o.apps.map((a: unknown, i: number): ProductApp => {
    const where = `apps[${i}]`;
    if (typeof a !== 'object' || a === null)
      bad(source, undefined, `${where} is not an object`, 'Export the product again.');
    const e = a as Record<string, unknown>;
    const app: ProductApp = {
      name: validateAppName(optString(e, 'name', source, where) ?? ''),
      version: validateVersion(optString(e, 'version', source, where) ?? ''),
    };
    for (const key of ['tag', 'repo', 'imageId', 'family'] as const) {
      const v = optString(e, key, source, where);
      if (v !== undefined) app[key] = v;
    }
    return app;
  });
  checkDuplicates(apps, source);
  const product: Product = { format: PRODUCT_FORMAT, apps };
  const name = optString(o, 'name', source, 'the product');
  if (name !== undefined) product.name = name;
  return product;
}

export function formatProductJson(product: Product): string {
  return `${JSON.stringify(product, null, 2)}\n`;
}

function checkDuplicates(apps: ProductApp[], source: string): void {
  const seen = new Set<string>();
  for (const a of apps) {
    const key = `${a.name}:${a.version}`;
    if (seen.has(key)) bad(source, undefined, `${key} is listed twice`, 'Keep one line per app version.');
    seen.add(key);
  }
}

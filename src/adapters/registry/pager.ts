// Paginated lists: Distribution's `Link: <...>; rel="next"` (`_catalog`, `tags/list`) and Docker Hub's
// `next` field. Pages are followed only on the same origin, a page seen twice is a loop, and caps on the
// pages and on the bytes of all pages together stop a server that never ends, in bounded memory and time.
import { fieldReader } from '../../core/json-fields.js';
import { DamError } from '../../core/errors.js';
import { printable } from '../../core/validate.js';
import { headerValue, type HttpResponse } from './transport.js';

export const MAX_PAGE_SIZE = 1000;
/** 1000 pages of MAX_PAGE_SIZE names: a million repositories or tags. */
export const MAX_PAGES = 1000;
/** The bodies of all pages of one listing together (each page's own limit is the transport's). */
export const MAX_LIST_BYTES = 64 * 1024 * 1024;

/** The target of `rel="next"` in a Link header, if any. */
export function nextLink(res: HttpResponse): string | undefined {
  const header = headerValue(res, 'link');
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m?.[1] !== undefined && /\brel\s*=\s*"?next"?/i.test(m[2] ?? '')) return m[1];
  }
  return undefined;
}

export interface Page {
  items: string[];
  /** Absolute or relative URL of the next page. */
  next?: string;
}

/** What a page may still read: its body must be read with at most `maxBytes` (`res.text(maxBytes)`). */
export interface PageBudget {
  maxBytes: number;
}

export interface ListLimits {
  maxPages?: number;
  maxBytes?: number;
}

/**
 * Collects every item of a paginated list, starting at `first` (absolute). `fetchPage` gets absolute URLs
 * and the bytes left for this listing, and returns how many it read. Throws REGISTRY_ERROR naming the
 * registry on a loop, on a next page on another origin, past `maxPages`, or past `maxBytes` in all.
 */
export async function collectPages(
  first: URL,
  fetchPage: (url: URL, budget: PageBudget) => Promise<Page & { bytes: number }>,
  label: string,
  limits: ListLimits = {},
): Promise<string[]> {
  const maxPages = limits.maxPages ?? MAX_PAGES;
  let left = limits.maxBytes ?? MAX_LIST_BYTES;
  const items: string[] = [];
  const seen = new Set<string>();
  let url: URL | undefined = first;
  while (url) {
    // The remembered URLs count too: a server could make each `next` link as long as a header allows.
    left -= url.href.length;
    if (left <= 0)
      throw new DamError(
        'REGISTRY_ERROR',
        `The ${label} sent more than ${limits.maxBytes ?? MAX_LIST_BYTES} bytes in ${seen.size} pages for ${printable(first.pathname)}; DAM stopped there.`,
        'Search with a mask, or ask the registry administrator why the list does not end.',
      );
    if (seen.has(url.href))
      throw new DamError(
        'REGISTRY_ERROR',
        `The ${label} sent a page list that loops back to ${printable(url.pathname + url.search)}.`,
        'The registry is misbehaving; report it to its administrator.',
      );
    if (seen.size >= maxPages)
      throw new DamError(
        'REGISTRY_ERROR',
        `The ${label} sent more than ${maxPages} pages for ${printable(first.pathname)}; DAM stopped there.`,
        'Search with a mask, or ask the registry administrator why the list does not end.',
      );
    seen.add(url.href);
    const page = await fetchPage(url, { maxBytes: left });
    left -= page.bytes;
    items.push(...page.items);
    if (!page.next) break;
    const next: URL = new URL(page.next, url);
    if (next.origin !== first.origin)
      throw new DamError(
        'REGISTRY_ERROR',
        `The ${label} sent a next page on another server (${printable(next.origin)}); DAM does not follow it.`,
        'The registry is misconfigured; report it to its administrator.',
      );
    url = next;
  }
  return items;
}

/** Validates that a JSON field is a list of strings (`null` and absent count as empty), naming the bad item. */
export function stringList(value: unknown, label: string, what: string): string[] {
  if (value === null || value === undefined) return [];
  return fieldReader((path, problem) => {
    throw new DamError(
      'REGISTRY_ERROR',
      `The ${label} sent ${what} that is not a list of names (${path} ${problem}).`,
      'Check that the server address points at a Docker registry (dam listrepos).',
    );
  }).stringList(value, 'the list');
}

export function parseJson(text: string, label: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new DamError(
    'REGISTRY_ERROR',
    `The ${label} sent ${what} that is not a JSON object.`,
    'Check that the server address points at a Docker registry (dam listrepos).',
  );
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { collectPages, nextLink } from './pager.js';
import type { HttpResponse } from './transport.js';

const res = (link?: string): HttpResponse => ({
  status: 200,
  headers: { link },
  url: new URL('http://x/'),
  body: Readable.from([]),
  text: async () => '',
  bytes: async () => Buffer.alloc(0),
});

test('Link rel="next"', () => {
  assert.equal(nextLink(res('</v2/_catalog?last=b&n=2>; rel="next"')), '/v2/_catalog?last=b&n=2');
  assert.equal(nextLink(res('<https://a/1>; rel="prev", <https://a/3>; rel=next')), 'https://a/3');
  assert.equal(nextLink(res('<https://a/1>; rel="prev"')), undefined);
  assert.equal(nextLink(res(undefined)), undefined);
});

test('pages are collected in order and relative links resolved', async () => {
  const pages: Record<string, { items: string[]; next?: string }> = {
    '/l': { items: ['a', 'b'], next: '/l?p=2' },
    '/l?p=2': { items: ['c'], next: 'http://h/l?p=3' },
    '/l?p=3': { items: [] },
  };
  const items = await collectPages(
    new URL('http://h/l'),
    async (u) => ({ bytes: 0, ...(pages[u.pathname + u.search] ?? { items: [] }) }),
    'reg',
  );
  assert.deepEqual(items, ['a', 'b', 'c']);
});

test('a listing stops at its page cap and at its byte budget across pages, naming the registry', async () => {
  const endless = async (u: URL) => ({
    items: ['x'],
    next: `/l?p=${Number(u.searchParams.get('p') ?? 0) + 1}`,
    bytes: 100,
  });
  await assert.rejects(
    collectPages(new URL('http://h/l'), endless, "registry 'r'", { maxPages: 5 }),
    /registry 'r' sent more than 5 pages/,
  );
  await assert.rejects(
    collectPages(new URL('http://h/l'), endless, "registry 'r'", { maxBytes: 1000 }),
    /registry 'r' sent more than 1000 bytes in \d+ pages/,
  );
  const budgets: number[] = [];
  await collectPages(
    new URL('http://h/l'),
    async (u, budget) => {
      budgets.push(budget.maxBytes);
      return { items: [], bytes: 300, ...(u.search ? {} : { next: '/l?p=1' }) };
    },
    'reg',
    { maxBytes: 1000 },
  );
  assert.deepEqual(
    budgets,
    [1000 - 'http://h/l'.length, 1000 - 'http://h/l'.length - 300 - 'http://h/l?p=1'.length],
    'each page may read only what is left',
  );
});

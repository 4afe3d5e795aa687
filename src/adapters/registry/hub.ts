// Docker Hub's own API (hub.docker.com), which the Distribution API lacks: repository search and tag
// lists. Anonymous, or logged in with the configured account; the login token goes only to the Hub API's
// origin. The base URL can be changed (DAM_HUB_URL) so tests can replay recorded responses.
import { DamError } from '../../core/errors.js';
import { maskQuery } from '../../core/search.js';
import type { AppCatalog } from '../../core/ports/registry.js';
import { printable } from '../../core/validate.js';
import type { RegistryCredentials } from './docker-config.js';
import { collectPages, parseJson } from './pager.js';
import { statusError } from './status.js';
import type { HttpResponse, Transport } from './transport.js';

export const DOCKER_HUB_API = 'https://hub.docker.com';
const SEARCH_PAGE = 100;
const TAG_PAGE = 100;
/** Popular images have thousands of tags; the newest 1000 (Hub lists by update time) are enough to choose from. */
const MAX_TAG_PAGES = 10;

export interface HubCatalogOptions {
  transport: Transport;
  baseUrl?: string;
  credentials: () => Promise<RegistryCredentials | undefined>;
  credentialsHint: string;
}

export class HubCatalog implements AppCatalog {
  private readonly o: HubCatalogOptions;
  private readonly base: URL;
  private login?: Promise<{ authorization?: string; username?: string }>;

  constructor(options: HubCatalogOptions) {
    this.o = options;
    this.base = new URL(options.baseUrl ?? DOCKER_HUB_API);
  }

  get label(): string {
    return this.o.transport.label;
  }

  async findApps(mask: string | undefined, limit: number | undefined): Promise<string[]> {
    const query = mask ? maskQuery(mask) : '';
    if (query.length < 2) {
      throw new DamError(
        'USAGE',
        `Docker Hub is searched by name and needs a mask with at least 2 letters${mask ? `, not '${printable(mask)}'` : ''}.`,
        'Give one, e.g. dam search nginx; to list a private registry, use --repo NAME.',
      );
    }
    const want = limit ?? 25;
    const first = new URL('/v2/search/repositories/', this.base);
    first.search = new URLSearchParams({ query, page_size: String(Math.min(want, SEARCH_PAGE)) }).toString();
    const names: string[] = [];
    await collectPages(
      first,
      async (url, budget) => {
        if (names.length >= want) return { items: [], bytes: 0 };
        const { body, bytes } = await this.getPage(
          url,
          `the search results for '${printable(query)}'`,
          budget.maxBytes,
        );
        const results = Array.isArray(body.results) ? body.results : [];
        for (const r of results as { repo_name?: unknown }[])
          if (typeof r?.repo_name === 'string') names.push(r.repo_name);
        return { items: [], next: names.length < want && typeof body.next === 'string' ? body.next : undefined, bytes };
      },
      this.label,
      { maxPages: Math.ceil(want / SEARCH_PAGE) + 1 },
    );
    return names.slice(0, want);
  }

  async listTags(name: string): Promise<string[]> {
    const path = name.includes('/') ? name : `library/${name}`;
    if (!/^[a-z0-9._-]+\/[a-z0-9._-]+$/.test(path))
      throw new DamError(
        'INVALID_REFERENCE',
        `'${printable(name)}' is not a Docker Hub repository name.`,
        'Names look like nginx or bitnami/nginx.',
      );
    const first = new URL(`/v2/repositories/${path}/tags`, this.base);
    first.search = `page_size=${TAG_PAGE}`;
    const tags: string[] = [];
    let pages = 0;
    await collectPages(
      first,
      async (url, budget) => {
        const { body, bytes } = await this.getPage(url, `the tags of '${printable(name)}'`, budget.maxBytes);
        const results = Array.isArray(body.results) ? body.results : [];
        for (const r of results as { name?: unknown }[]) if (typeof r?.name === 'string') tags.push(r.name);
        pages++;
        return {
          items: [],
          next: pages < MAX_TAG_PAGES && typeof body.next === 'string' ? body.next : undefined,
          bytes,
        };
      },
      this.label,
      { maxPages: MAX_TAG_PAGES },
    );
    return tags;
  }

  private async getPage(
    url: URL,
    what: string,
    maxBytes: number,
  ): Promise<{ body: Record<string, unknown>; bytes: number }> {
    const { authorization, username } = await this.authorize();
    const res = await this.o.transport.send({
      url,
      headers: { accept: 'application/json' },
      authorization,
      authOrigin: this.base.origin,
    });
    await this.check(res, what, username);
    const text = await res.text(maxBytes);
    return { body: parseJson(text, this.label, what), bytes: Buffer.byteLength(text) };
  }

  private async check(res: HttpResponse, what: string, username: string | undefined): Promise<void> {
    if (res.status < 200 || res.status >= 300)
      throw await statusError(res, { label: this.label, what, username, credentialsHint: this.o.credentialsHint });
  }

  private authorize(): Promise<{ authorization?: string; username?: string }> {
    this.login ??= (async () => {
      const creds = await this.o.credentials();
      if (!creds) return {};
      const url = new URL('/v2/users/login/', this.base);
      const res = await this.o.transport.send({
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username: creds.username, password: creds.password }),
      });
      await this.check(res, 'a login', creds.username);
      const token = parseJson(await res.text(), this.label, 'the login answer').token;
      if (typeof token !== 'string' || !token)
        throw new DamError(
          'REGISTRY_AUTH',
          `The ${this.label} sent no token for user '${creds.username}'.`,
          'Try again later.',
        );
      return { authorization: `Bearer ${token}`, username: creds.username };
    })();
    return this.login;
  }
}

// The Distribution API v2 over HTTP: catalog, tags, manifests and blobs of one registry.
import type { Readable } from 'node:stream';
import { DamError, errnoCode } from '../../core/errors.js';
import type {
  ImageManifest,
  Platform,
  RawManifest,
  Registry,
  RegistryWriter,
  RemoteImageConfig,
} from '../../core/ports/registry.js';
import { printable } from '../../core/validate.js';
import {
  DIGEST_RE,
  DigestVerifier,
  MANIFEST_ACCEPT,
  hostPlatform,
  parseManifest,
  pickPlatform,
  sha256Digest,
} from './manifest.js';
import { MAX_PAGE_SIZE, collectPages, nextLink, parseJson, stringList } from './pager.js';
import type { RegistrySession } from './session.js';
import { RegistryUploads } from './uploads.js';
import { headerValue } from './transport.js';

const NAME_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export interface HttpRegistryOptions {
  session: RegistrySession;
  /** Catalog and tag page size, 1..1000. */
  pageSize?: number;
  platform?: Platform;
  /** Path under the host that the repo stands for (`registry.corp/team` → `team`); names are relative to it. */
  namespace?: string;
  /** Docker Hub: one-part names are official images under `library/`. */
  dockerHub?: boolean;
}

export class HttpRegistry implements Registry {
  private readonly session: RegistrySession;
  private readonly pageSize: number;
  private readonly platform: Platform;
  private readonly namespace: string;
  private readonly dockerHub: boolean;

  constructor(options: HttpRegistryOptions) {
    this.session = options.session;
    this.pageSize = Math.min(Math.max(Math.trunc(options.pageSize ?? MAX_PAGE_SIZE), 1), MAX_PAGE_SIZE);
    this.platform = options.platform ?? hostPlatform();
    this.namespace = options.namespace ? `${options.namespace.replace(/^\/+|\/+$/g, '')}/` : '';
    this.dockerHub = options.dockerHub === true;
  }

  get label(): string {
    return this.session.label;
  }

  async catalog(): Promise<string[]> {
    const all = await this.list('/v2/_catalog', 'repositories', 'registry:catalog:*', 'catalog');
    return all.filter((n) => n.startsWith(this.namespace)).map((n) => n.slice(this.namespace.length));
  }

  async tags(name: string): Promise<string[]> {
    const full = this.fullName(name);
    return this.list(`/v2/${full}/tags/list`, 'tags', `repository:${full}:pull`, `tags of '${printable(name)}'`);
  }

  async getManifest(name: string, ref: string, platform: Platform = this.platform): Promise<ImageManifest> {
    const first = await this.fetchManifest(name, ref);
    if (first.parsed.kind === 'image')
      return {
        mediaType: first.parsed.mediaType,
        digest: first.digest,
        config: first.parsed.config,
        layers: first.parsed.layers,
      };
    const entry = pickPlatform(first.parsed.manifests, platform);
    if (!entry) {
      const offered = first.parsed.manifests
        .map((m) => (m.platform ? `${m.platform.os}/${m.platform.architecture}` : '?'))
        .join(', ');
      throw new DamError(
        'NOT_FOUND',
        `The ${this.label} has '${printable(name)}:${printable(ref)}' only for ${offered || 'no platform'}, not ${platform.os}/${platform.architecture}.`,
        'Push an image built for this platform.',
      );
    }
    const child = await this.fetchManifest(name, entry.digest);
    if (child.parsed.kind !== 'image')
      throw new DamError(
        'REGISTRY_ERROR',
        `The ${this.label} nests a manifest list inside another for '${printable(name)}:${printable(ref)}'.`,
        'Push the image again.',
      );
    return {
      mediaType: child.parsed.mediaType,
      digest: child.digest,
      config: child.parsed.config,
      layers: child.parsed.layers,
    };
  }

  async getImageConfig(name: string, ref: string, platform?: Platform): Promise<RemoteImageConfig> {
    const manifest = await this.getManifest(name, ref, platform);
    const stream = await this.openBlob(name, manifest.config.digest);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > MAX_CONFIG_BYTES) {
        stream.destroy();
        throw new DamError(
          'REGISTRY_ERROR',
          `The config of '${printable(name)}:${printable(ref)}' on the ${this.label} is larger than ${MAX_CONFIG_BYTES} bytes.`,
        );
      }
      chunks.push(chunk as Buffer);
    }
    const body = parseJson(
      Buffer.concat(chunks).toString('utf8'),
      this.label,
      `the config of '${printable(name)}:${printable(ref)}'`,
    );
    const config = (typeof body.config === 'object' && body.config !== null ? body.config : {}) as {
      Labels?: unknown;
      Env?: unknown;
    };
    const labels: Record<string, string> = {};
    if (typeof config.Labels === 'object' && config.Labels !== null) {
      for (const [k, v] of Object.entries(config.Labels)) if (typeof v === 'string') labels[k] = v;
    }
    return {
      manifestDigest: manifest.digest,
      configDigest: manifest.config.digest,
      labels,
      os: typeof body.os === 'string' ? body.os : '',
      architecture: typeof body.architecture === 'string' ? body.architecture : '',
      created: typeof body.created === 'string' ? body.created : '',
      env: Array.isArray(config.Env) ? config.Env.filter((e): e is string => typeof e === 'string') : [],
      layers: manifest.layers,
    };
  }

  async openBlob(name: string, digest: string): Promise<Readable> {
    if (!DIGEST_RE.test(digest))
      throw new DamError('INVALID_REFERENCE', `'${printable(digest)}' is not a sha256 digest.`);
    const full = this.fullName(name);
    const res = await this.session.get(`/v2/${full}/blobs/${digest}`, {
      scope: `repository:${full}:pull`,
      what: `blob ${digest} of '${printable(name)}'`,
      stream: true,
    });
    const verifier = new DigestVerifier(
      digest,
      (actual) =>
        new DamError(
          'REGISTRY_ERROR',
          `The ${this.label} sent blob ${digest} of '${printable(name)}' with content ${actual}.`,
          'The download was corrupted or the registry is damaged; try again.',
        ),
    );
    res.body.on('error', (err) =>
      verifier.destroy(
        err instanceof DamError
          ? err
          : new DamError(
              'REGISTRY_ERROR',
              `Reading blob ${digest} of '${printable(name)}' from the ${this.label} failed (${errnoCode(err) ?? err.message}).`,
              'Check the network and try again; a slow registry may need a larger --timeout.',
            ),
      ),
    );
    return res.body.pipe(verifier);
  }

  async rawManifest(name: string, ref: string): Promise<RawManifest> {
    const got = await this.fetchManifest(name, ref);
    return { digest: got.digest, mediaType: got.parsed.mediaType, bytes: got.raw };
  }

  writer(): RegistryWriter {
    return new RegistryUploads(this.session, (name) => this.fullName(name));
  }

  private fullName(name: string): string {
    const full = this.dockerHub && !name.includes('/') ? `library/${name}` : `${this.namespace}${name}`;
    if (!NAME_RE.test(full) || full.length > 255)
      throw new DamError(
        'INVALID_REFERENCE',
        `'${printable(name)}' is not a valid image name.`,
        'Image names use lower-case letters, digits and separators (`.`, `_`, `-`, `/`).',
      );
    return full;
  }

  private async list(path: string, key: 'repositories' | 'tags', scope: string, what: string): Promise<string[]> {
    const origin = await this.session.origin();
    const first = new URL(`${path}?n=${this.pageSize}`, origin);
    return collectPages(
      first,
      async (url, budget) => {
        const res = await this.session.get(url.href, { scope, what: `the ${what}`, accept: 'application/json' });
        const text = await res.text(budget.maxBytes);
        const body = parseJson(text, this.label, `the ${what}`);
        return {
          items: stringList(body[key], this.label, `the ${what}`),
          next: nextLink(res),
          bytes: Buffer.byteLength(text),
        };
      },
      this.label,
    );
  }

  private async fetchManifest(name: string, ref: string) {
    const full = this.fullName(name);
    if (!TAG_RE.test(ref) && !DIGEST_RE.test(ref))
      throw new DamError(
        'INVALID_REFERENCE',
        `'${printable(ref)}' is neither a tag nor a sha256 digest.`,
        'Give a tag such as 1.0 or a digest sha256:...',
      );
    const what = `the manifest of '${printable(name)}:${printable(ref)}'`;
    const res = await this.session.get(`/v2/${full}/manifests/${ref}`, {
      scope: `repository:${full}:pull`,
      what,
      accept: MANIFEST_ACCEPT,
    });
    const raw = await res.bytes(4 * 1024 * 1024);
    const digest = sha256Digest(raw);
    const text = raw.toString('utf8');
    if (DIGEST_RE.test(ref) && digest !== ref)
      throw new DamError(
        'REGISTRY_ERROR',
        `The ${this.label} sent ${what} with content ${digest}.`,
        'The registry is damaged or an intermediary changed the response.',
      );
    const parsed = parseManifest(
      parseJson(text, this.label, what),
      headerValue(res, 'content-type') ?? '',
      this.label,
      what,
    );
    return { digest, parsed, raw };
  }
}

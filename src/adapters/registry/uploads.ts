// Writing to a registry over the Distribution API: HEAD to find blobs it has, cross-repository mounts,
// monolithic blob uploads (POST for a session, then one PUT with the bytes and the digest, which the
// registry checks), and manifest PUTs.
import { Readable } from 'node:stream';
import { DamError } from '../../core/errors.js';
import type { BlobRef, RegistryWriter } from '../../core/ports/registry.js';
import { printable } from '../../core/validate.js';
import type { RegistrySession } from './session.js';
import { headerValue } from './transport.js';

export class RegistryUploads implements RegistryWriter {
  constructor(
    private readonly session: RegistrySession,
    private readonly fullName: (name: string) => string,
  ) {}

  private scope(full: string): string {
    return `repository:${full}:pull,push`;
  }

  async hasBlob(name: string, digest: string): Promise<boolean> {
    const full = this.fullName(name);
    const res = await this.session.send(`/v2/${full}/blobs/${digest}`, {
      method: 'HEAD',
      scope: this.scope(full),
      what: `blob ${digest} of '${printable(name)}'`,
      accepted: [404],
    });
    res.body.resume();
    return res.status === 200;
  }

  async mountBlob(name: string, digest: string, from: string): Promise<boolean> {
    const full = this.fullName(name);
    const source = this.fullName(from);
    const res = await this.session.send(
      `/v2/${full}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(source)}`,
      {
        method: 'POST',
        scope: `${this.scope(full)} repository:${source}:pull`,
        what: `a mount of blob ${digest} into '${printable(name)}'`,
      },
    );
    res.body.resume();
    return res.status === 201;
  }

  /** A fresh upload session's URL, which also settles the token for the PUT that follows. */
  private async startUpload(full: string, name: string): Promise<URL> {
    const res = await this.session.send(`/v2/${full}/blobs/uploads/`, {
      method: 'POST',
      scope: this.scope(full),
      what: `an upload to '${printable(name)}'`,
    });
    res.body.resume();
    const location = headerValue(res, 'location');
    if (!location)
      throw new DamError(
        'REGISTRY_ERROR',
        `The ${this.session.label} started an upload to '${printable(name)}' without a Location.`,
        'The registry does not follow the Distribution API; check the server address.',
      );
    return new URL(location, res.url);
  }

  async pushBlob(name: string, blob: BlobRef, body: Readable): Promise<void> {
    const full = this.fullName(name);
    const url = await this.startUpload(full, name);
    url.searchParams.set('digest', blob.digest);
    const res = await this.session.send(url.href, {
      method: 'PUT',
      scope: this.scope(full),
      what: `blob ${blob.digest} of '${printable(name)}'`,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
      body,
      stream: true,
    });
    res.body.resume();
  }

  async putManifest(name: string, ref: string, mediaType: string, bytes: Buffer): Promise<void> {
    const full = this.fullName(name);
    const res = await this.session.send(`/v2/${full}/manifests/${ref}`, {
      method: 'PUT',
      scope: this.scope(full),
      what: `the manifest '${printable(name)}:${printable(ref)}'`,
      // Sent as a stream so the bytes go exactly as they are; the blobs before it settled the token.
      headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
      body: Readable.from([bytes]),
    });
    res.body.resume();
  }
}

// Images from the local engine as a bundle of format 2: ONE read of the engine's `docker save`, each
// distinct layer compressed once (gzip, or zstd) into a staging folder next to the bundle while its diff id
// and its compressed digest are hashed, then OCI manifests made for the images, then the bundle written from
// the staged blobs. The staging folder is removed however it ends.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DamError } from '../../core/errors.js';
import type { Engine } from '../../core/ports/engine.js';
import type { Platform } from '../../core/ports/registry.js';
import { normalizeEntryName, resolveSymlinkTarget } from '../../core/archive/tar-path.js';
import { parseImageConfig, parseLegacyManifest } from '../../core/archive/docker-save.js';
import { buildImageManifest, digestOf, MEDIA_TYPES, type Descriptor } from '../../core/bundle/oci-manifest.js';
import { resolveImage, type ResolvedImage2 } from '../../core/bundle/index-format2.js';
import { normalizePlatform } from '../../core/platform.js';
import { compressor, type Compression } from './compression.js';
import { walkTar } from './tar-walk.js';

const SMALL = 1024 * 1024;

interface Member {
  data?: Buffer;
  /** Uncompressed sha256 and size; for a staged layer, its compressed blob too. */
  diffId: string;
  size: number;
  blob?: Descriptor & { file: string };
}

export interface StagedImages {
  images: ResolvedImage2[];
  /** Staged layer files by blob digest, and their unpacked sizes. */
  files: Map<string, string>;
  unpacked: Map<string, number>;
  cleanup(): Promise<void>;
}

function hashTap(onEnd: (digest: string, size: number) => void): Transform {
  const hash = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      onEnd(`sha256:${hash.digest('hex')}`, size);
      cb();
    },
  });
}

async function stage(body: Readable, file: string, compress: Compression): Promise<Member> {
  const m: Member = { diffId: '', size: 0 };
  let blob: Descriptor | undefined;
  const mediaType = compress === 'zstd' ? MEDIA_TYPES.ociLayerZstd : MEDIA_TYPES.ociLayerGzip;
  const zip = compressor(compress === 'zstd' ? 'zstd' : 'gzip')!;
  await pipeline(
    body,
    hashTap((d, s) => Object.assign(m, { diffId: d, size: s })),
    zip,
    hashTap((d, s) => (blob = { mediaType, digest: d, size: s })),
    createWriteStream(file),
  );
  return { ...m, blob: { ...blob!, file } };
}

function engineError(what: string): DamError {
  return new DamError(
    'ENGINE_ERROR',
    `The engine's save of the images is unusable: ${what}.`,
    'Check the engine (docker save) and try again.',
  );
}

/** Saves the images (`tags` per image id) once and stages their layers, compressed, next to `out`. */
export async function stageEngineImages(
  engine: Engine,
  wanted: Array<{ id: string; tags: string[] }>,
  out: string,
  compress: Compression,
  signal?: AbortSignal,
): Promise<StagedImages> {
  const dir = await mkdtemp(join(dirname(out), `.${basename(out)}.staging-`));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const members = new Map<string, Member>();
    const links = new Map<string, string>();
    let n = 0;
    await walkTar(
      await engine.save(
        wanted.map((w) => w.id),
        signal ? { signal } : {},
      ),
      { path: 'docker save', signal },
      async (header, body) => {
        const name = normalizeEntryName(header.name);
        if (name.kind !== 'path') return void body.resume();
        if (header.type === 'symlink') {
          body.resume();
          const target = resolveSymlinkTarget(name.path, header.linkname ?? '');
          if (target !== undefined) links.set(name.path, target);
          return;
        }
        if (header.type !== 'file') return void body.resume();
        if ((header.size ?? 0) <= SMALL && !name.path.endsWith('layer.tar')) {
          const chunks: Buffer[] = [];
          for await (const c of body as AsyncIterable<Buffer>) chunks.push(c);
          const data = Buffer.concat(chunks);
          members.set(name.path, { data, diffId: digestOf(data), size: data.length });
          return;
        }
        members.set(name.path, await stage(body, join(dir, String(n++)), compress));
      },
    );
    const find = (path: string): Member | undefined => {
      let current = path;
      for (let hops = 0; hops < 16; hops++) {
        const m = members.get(current);
        if (m) return m;
        const next = links.get(current);
        if (next === undefined) return undefined;
        current = next;
      }
      return undefined;
    };
    const manifestData = find('manifest.json')?.data;
    if (!manifestData) throw engineError('it has no manifest.json');
    const files = new Map<string, string>();
    const unpacked = new Map<string, number>();
    const images: ResolvedImage2[] = [];
    for (const entry of parseLegacyManifest(JSON.parse(manifestData.toString('utf8')), 'docker save')) {
      const configBytes = find(entry.config)?.data;
      if (!configBytes) throw engineError(`config ${entry.config} is missing`);
      const config = configBytes.toString('utf8');
      const own = wanted.find((w) => w.id === digestOf(configBytes));
      if (!own) continue;
      const parsed = parseImageConfig(JSON.parse(config), 'docker save', entry.config);
      const layers: Descriptor[] = [];
      for (const [i, path] of entry.layers.entries()) {
        let m = find(path);
        if (m && !m.blob && m.data)
          m = Object.assign(m, await stage(Readable.from([m.data]), join(dir, String(n++)), compress));
        if (!m?.blob || m.diffId !== parsed.diffIds[i])
          throw engineError(`layer ${path} of ${own.id} is missing or is not ${parsed.diffIds[i]}`);
        layers.push({ mediaType: m.blob.mediaType, digest: m.blob.digest, size: m.blob.size });
        files.set(m.blob.digest, m.blob.file);
        unpacked.set(m.blob.digest, m.size);
      }
      const manifest = buildImageManifest(
        { mediaType: MEDIA_TYPES.ociConfig, digest: own.id, size: configBytes.length },
        layers,
      );
      const platform: Platform = normalizePlatform(parsed.os ?? 'linux', parsed.architecture ?? 'amd64');
      images.push(resolveImage({ tags: own.tags, platform, manifest, config }, out, own.tags[0] ?? own.id));
    }
    for (const w of wanted)
      if (!images.some((img) => img.imageId === w.id)) throw engineError(`it does not hold image ${w.id}`);
    return { images, files, unpacked, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export const openStaged =
  (staged: StagedImages) =>
  async (blob: Descriptor): Promise<Readable> => {
    const file = staged.files.get(blob.digest);
    if (!file) throw new Error(`no staged file for ${blob.digest}`);
    return createReadStream(file, { highWaterMark: 256 * 1024 });
  };

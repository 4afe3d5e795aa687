// An in-memory Engine for CPU-only tests of app/: images by id, tags pointing at them, and a "registry" to
// pull from. It models only what the lifecycle use cases call, with the real engine's answers for those
// (kept honest by test/engine-fake-contract.test.ts); anything else throws.
import { DamError } from '../../core/errors.js';
import type { Engine, ImageInfo, ImageSummary } from '../../core/ports/engine.js';

export interface FakeImage {
  id: string;
  labels: Record<string, string>;
}

const notModelled = (what: string) => () => Promise.reject(new Error(`the fake engine does not model ${what}`));

export class FakeEngine implements Engine {
  readonly images = new Map<string, FakeImage>();
  /** Reference -> image id. */
  readonly tags = new Map<string, string>();
  /** What `pull` can fetch: reference -> image. */
  readonly registry = new Map<string, FakeImage>();
  /** Set to make the next call of that method fail with this error (then cleared). */
  readonly failNext = new Map<keyof Engine, Error>();

  private check(method: keyof Engine): void {
    const err = this.failNext.get(method);
    if (err) {
      this.failNext.delete(method);
      throw err;
    }
  }

  private resolve(ref: string): FakeImage | undefined {
    return this.images.get(this.tags.get(ref) ?? ref);
  }

  private tagsOf(id: string): string[] {
    return [...this.tags]
      .filter(([, target]) => target === id)
      .map(([ref]) => ref)
      .sort();
  }

  /** Images and their tags, sorted: what a test compares before and after. */
  snapshot(): string[] {
    return [...this.images.keys()].sort().map((id) => `${id} ${this.tagsOf(id).join(',')}`);
  }

  add(image: FakeImage, ...tags: string[]): void {
    this.images.set(image.id, image);
    for (const tag of tags) this.tags.set(tag, image.id);
  }

  info = () =>
    Promise.resolve({
      version: 'fake',
      apiVersion: '1.41',
      storageDriver: 'memory',
      rootDir: '/fake',
      os: 'linux',
      architecture: 'x86_64',
    });

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    this.check('inspectImage');
    const image = this.resolve(ref);
    if (!image) return undefined;
    return {
      id: image.id,
      repoTags: this.tagsOf(image.id),
      repoDigests: [],
      labels: { ...image.labels },
      size: 0,
      created: '1970-01-01T00:00:00Z',
      layers: [],
      os: 'linux',
      architecture: 'amd64',
    };
  }

  async listImages(options: { labels?: string[] } = {}): Promise<ImageSummary[]> {
    this.check('listImages');
    const wanted = (labels: Record<string, string>) =>
      (options.labels ?? []).every((f) => {
        const [key, value] = f.split('=', 2) as [string, string | undefined];
        return key in labels && (value === undefined || labels[key] === value);
      });
    return [...this.images.values()]
      .filter((i) => wanted(i.labels))
      .map((i) => ({
        id: i.id,
        repoTags: this.tagsOf(i.id),
        labels: { ...i.labels },
        size: 0,
        created: '',
        containers: 0,
      }));
  }

  async tagImage(source: string, ref: string): Promise<void> {
    this.check('tagImage');
    const image = this.resolve(source);
    if (!image) throw new DamError('NOT_FOUND', `No such image: ${source}`);
    this.tags.set(ref, image.id);
  }

  async removeImage(ref: string, options: { force?: boolean; noPrune?: boolean } = {}): Promise<void> {
    this.check('removeImage');
    const image = this.resolve(ref);
    if (!image) throw new DamError('NOT_FOUND', `No such image: ${ref}`);
    if (this.tags.has(ref)) {
      this.tags.delete(ref);
      if (this.tagsOf(image.id).length === 0) this.images.delete(image.id);
      return;
    }
    if (this.tagsOf(image.id).length > 1 && !options.force)
      throw new DamError('CONFLICT', `The image ${ref} is referenced in multiple repositories.`);
    for (const tag of this.tagsOf(image.id)) this.tags.delete(tag);
    this.images.delete(image.id);
  }

  async pull(ref: string): Promise<void> {
    this.check('pull');
    const image = this.registry.get(ref);
    if (!image) throw new DamError('NOT_FOUND', `manifest for ${ref} not found`);
    this.add(image, ref);
  }

  build = notModelled('build');
  push = notModelled('push');
  save = notModelled('save');
  load = notModelled('load');
  createContainer = notModelled('containers');
  copyFromContainer = notModelled('containers');
  removeContainer = notModelled('containers');
  listContainers = notModelled('containers');
}

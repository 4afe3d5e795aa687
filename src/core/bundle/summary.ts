// What a bundle of format 2 carries, per app: its platforms, the bytes its layers take in the bundle, and
// the bytes of layers it shares with other apps (stored once). For `dam info FILE`. Pure.
import { formatPlatform } from '../platform.js';
import type { BundleIndex2, ResolvedImage2 } from './index-format2.js';

export interface AppSummary {
  tag: string;
  platforms: string[];
  /** Compressed bytes of its layers, for each platform, as stored in the bundle. */
  bytes: Record<string, number>;
  /** Compressed bytes of those layers that another app also uses. */
  sharedBytes: number;
}

export interface BundleSummary {
  format: 2;
  platforms: string[];
  apps: AppSummary[];
  /** Bytes of all blobs, each counted once. */
  blobBytes: number;
}

export function summarizeBundle2(index: BundleIndex2, images: ResolvedImage2[]): BundleSummary {
  const sizes = new Map(index.blobs.map((b) => [b.digest, b.size]));
  const usedBy = new Map<string, Set<string>>();
  for (const img of images)
    for (const l of img.parsed.layers) usedBy.set(l.digest, (usedBy.get(l.digest) ?? new Set()).add(img.tags[0]!));
  const apps = new Map<string, AppSummary>();
  const counted = new Map<string, Set<string>>();
  for (const img of images) {
    const tag = img.tags[0]!;
    const app = apps.get(tag) ?? { tag, platforms: [], bytes: {}, sharedBytes: 0 };
    const platform = formatPlatform(img.platform);
    app.platforms.push(platform);
    app.bytes[platform] = img.parsed.layers.reduce((sum, l) => sum + (sizes.get(l.digest) ?? 0), 0);
    const mine = counted.get(tag) ?? new Set<string>();
    for (const l of img.parsed.layers) {
      if ((usedBy.get(l.digest)?.size ?? 0) < 2 || mine.has(l.digest)) continue;
      mine.add(l.digest);
      app.sharedBytes += sizes.get(l.digest) ?? 0;
    }
    counted.set(tag, mine);
    apps.set(tag, app);
  }
  return {
    format: 2,
    platforms: [...new Set(images.map((i) => formatPlatform(i.platform)))],
    apps: [...apps.values()],
    blobBytes: index.blobs.reduce((sum, b) => sum + b.size, 0),
  };
}

// What a bundle or DAM 1.x export carries, app by app, for `dam info FILE`: read from its index alone.
// Pure.
import type { BundleContents, BundleImage } from '../ports/bundle.js';
import { readAppLabels } from '../app-labels.js';
import { formatPlatform } from '../platform.js';

export interface AppSummary {
  name: string;
  version: string;
  tag: string | null;
  /** `os/arch[/variant]` of each image the file carries for the app; empty when the index does not say. */
  platforms: string[];
  /** Compressed bytes the file stores for the app's layers, all platforms; null when the index does not say. */
  bytes: number | null;
  /** Layers the app shares with at least one other app of the file (stored once). */
  sharedLayers: number;
  description: string | null;
}

const imagesOf = (contents: BundleContents, tag: string): BundleImage[] =>
  contents.images.filter((img) => img.tags.includes(tag));

export function summarizeApps(contents: BundleContents): AppSummary[] {
  const apps = contents.product.apps.map((app) => {
    const tag =
      app.tag ??
      contents.images.find((img) =>
        img.tags.some((t) => t === `${app.name}:${app.version}` || t.endsWith(`/${app.name}:${app.version}`)),
      )?.tags[0];
    return { app, tag, images: tag === undefined ? [] : imagesOf(contents, tag) };
  });
  return apps.map(({ app, tag, images }) => {
    const others = new Set(apps.filter((o) => o.app !== app).flatMap((o) => o.images.flatMap((img) => img.layers)));
    const layers = new Set(images.flatMap((img) => img.layers));
    const sized = images.every((img) => img.storedBytes !== undefined) && images.length > 0;
    const labels = images[0] ? readAppLabels(images[0].labels, app.name) : undefined;
    return {
      name: app.name,
      version: app.version,
      tag: tag ?? null,
      platforms: images.flatMap((img) => (img.platform ? [formatPlatform(img.platform)] : [])),
      bytes: sized ? images.reduce((sum, img) => sum + (img.storedBytes ?? 0), 0) : null,
      sharedLayers: [...layers].filter((l) => others.has(l)).length,
      description: labels?.description ?? null,
    };
  });
}

// Which of a bundle's images a host takes: those of its engine's platform. A bundle of format 2 may carry
// several platforms under the same tags; one without the host's platform is refused before anything
// changes, naming the platforms it has. Pure.
import { DamError } from '../errors.js';
import type { BundleContents } from '../ports/bundle.js';
import type { Platform } from '../ports/registry.js';
import { formatPlatform, platformMatches } from '../platform.js';

export function bundlePlatforms(contents: BundleContents): Platform[] {
  const out: Platform[] = [];
  for (const img of contents.images)
    if (img.platform && !out.some((p) => formatPlatform(p) === formatPlatform(img.platform!))) out.push(img.platform);
  return out;
}

/** The bundle narrowed to the images for `platform`: one per tag. PLATFORM_MISMATCH when a tag has none. */
export function forPlatform(contents: BundleContents, platform: Platform): BundleContents {
  if (contents.format !== 2) return contents;
  const images = contents.images.filter((img) => img.platform === undefined || platformMatches(img.platform, platform));
  const lacking = contents.product.apps.find(
    (app) => app.tag !== undefined && !images.some((img) => img.tags.includes(app.tag!)),
  );
  if (images.length === 0 || lacking) {
    const has = bundlePlatforms(contents).map(formatPlatform).join(', ');
    throw new DamError(
      'NOT_FOUND',
      `The bundle '${contents.path}' has no images for this engine's platform ${formatPlatform(platform)}${lacking ? ` (app ${lacking.name}:${lacking.version})` : ''}; it carries ${has || 'no platform'}.`,
      `Export it again for ${formatPlatform(platform)} (dam export --all --from PRODUCT --platform ${formatPlatform(platform)}), or import it on a host of ${has}.`,
    );
  }
  // A host of arm64/v8 takes the exact variant when the bundle has several.
  const chosen = images.filter(
    (img, i) =>
      !images.some(
        (o, j) =>
          j !== i &&
          o.tags.join() === img.tags.join() &&
          o.platform?.variant === platform.variant &&
          img.platform?.variant !== platform.variant,
      ),
  );
  return { ...contents, images: chosen, layerBytes: chosen.reduce((sum, img) => sum + (img.storedBytes ?? 0), 0) };
}

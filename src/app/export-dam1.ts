// The `--all --format dam1` branch of `dam export`: DAM 1.x's export archive, for hosts still on 1.x.
import { formatBytes } from '../core/bytes.js';
import { PRODUCT_FORMAT } from '../core/product.js';
import type { State } from '../core/state.js';
import type { Engine } from '../core/ports/engine.js';
import type { ExportImage } from '../core/ports/bundle-write.js';
import type { ExportPorts } from './export.js';

export async function exportDam1(
  ports: ExportPorts,
  path: string,
  engine: Engine,
  state: State,
  images: ExportImage[],
): Promise<Record<string, unknown>> {
  const apps = state.apps.map((a, i) => ({ name: a.name, version: a.version, tag: a.tag, image: images[i]!.ref }));
  ports.report.info(`Writing a DAM 1.x export archive of ${apps.length} app(s) to '${path}'...`);
  const written = await ports.bundles.writeDam1(
    engine,
    { format: PRODUCT_FORMAT, apps: state.apps.map((a) => ({ name: a.name, version: a.version })) },
    apps,
    {
      out: path,
      signal: ports.signal,
      onApp: (tag) => ports.report.info(`Preparing image ${tag} ...`),
    },
  );
  ports.report.info(
    `Export app list to apps archive '${path}': ${formatBytes(written.bytes)}, ${written.dams.length} .dam file(s).`,
  );
  const signature = await ports.sign(written.path);
  return {
    path: written.path,
    format: 'dam1',
    bytes: written.bytes,
    apps: written.dams.length,
    dams: written.dams,
    ...(signature ? { signature } : {}),
  };
}

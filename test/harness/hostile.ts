// Hostile archives for the end-to-end tests, built by hand: app images without a base (one layer holding
// /meta, whose install script appends a marker to $DAMTEST_LOG), legacy v1 layouts, and what to compare
// before and after (the engine's tags of the test's own names, DAM's state files byte for byte).
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { crc32, formatDamName } from '../../src/core/archive/dam-name.js';
import { legacyMembers, sha256, tarOf, type Member } from '../../src/adapters/archive/fixtures.test-helper.js';
import { testEngine } from './engine.js';

export interface SynthApp {
  tag: string;
  layer: Buffer;
  /** Members of a legacy docker-save tar of the image, tagged `tag` (or `repoTags`). */
  members: Member[];
  /** Members of the image's layer and config only, under names that do not clash with another image's. */
  parts: Member[];
  config: Buffer;
  configName: string;
  imageId: string;
}

/** An app image whose install script logs `marker`. `label` marks it as this test run's. */
export async function synthApp(
  name: string,
  version: string,
  marker: string,
  label: Record<string, string>,
  repoTags?: string[],
): Promise<SynthApp> {
  const script = (what: string) => `#!/bin/sh\necho "${marker} ${what} $DAM_APP_NAME" >> "$DAMTEST_LOG"\n`;
  const layer = await tarOf([
    { name: 'meta/', type: 'directory' },
    { name: 'meta/install', data: script('install'), mode: 0o755 },
    { name: 'meta/uninstall', data: script('uninstall'), mode: 0o755 },
  ]);
  const labels = { ...label, DAM_APP_FAMILY: name, DAM_APP_MULTIVERSION: 'false', DAM_APP_SERVERS: ',' };
  const tag = `${name}:${version}`;
  const members = legacyMembers({ layers: [layer], labels, repoTags: repoTags ?? [tag] });
  const configMember = members.find((m) => /^[0-9a-f]{64}\.json$/.test(m.name))!;
  const config = Buffer.from(configMember.data!);
  const parts = members.filter((m) => m.name !== 'manifest.json');
  return { tag, layer, members, parts, config, configName: configMember.name, imageId: sha256(config) };
}

/** A legacy manifest.json for `app` with other tags. */
export function manifestFor(app: SynthApp, tags: string[]): string {
  const layerPath = app.parts.find((m) => m.name.endsWith('/layer.tar'))!.name;
  return JSON.stringify([{ Config: app.configName, RepoTags: tags, Layers: [layerPath] }]);
}

/** The legacy v1 layout (no manifest.json) that Docker 20.10 falls back to: `repositories` and `<id>/json`. */
export function v1Members(tag: string, layer: Buffer, labels: Record<string, string>): Member[] {
  const id = createHash('sha256').update(layer).update(tag).digest('hex');
  const [repo, version] = tag.split(':');
  return [
    { name: `${id}/`, type: 'directory' },
    { name: `${id}/VERSION`, data: '1.0' },
    {
      name: `${id}/json`,
      data: JSON.stringify({
        id,
        created: '2020-01-01T00:00:00Z',
        config: { Labels: labels },
        os: 'linux',
        architecture: 'amd64',
      }),
    },
    { name: `${id}/layer.tar`, data: layer },
    { name: 'repositories', data: JSON.stringify({ [repo!]: { [version!]: id } }) },
  ];
}

/** Writes a gzip'd tar under its DAM 1.x name (with its CRC-32) in `dir`. */
export async function writeDam(dir: string, name: string, version: string, tarBytes: Buffer): Promise<string> {
  const gz = gzipSync(tarBytes);
  const path = join(dir, formatDamName(name, version, crc32(gz)));
  await writeFile(path, gz);
  return path;
}

/** What the engine says about these tags (image id or null), and the ids of the images this run labelled. */
export async function engineView(tags: string[], label: string): Promise<string> {
  const engine = testEngine();
  const view: Record<string, string | null> = {};
  for (const t of tags) view[t] = (await engine.inspectImage(t))?.id ?? null;
  const mine = (await engine.listImages({ labels: [label] })).map((i) => i.id).sort();
  return JSON.stringify({ view, mine });
}

/**
 * Every file under DAM's state directory with its sha256: "byte for byte as before". The operations log
 * (history.jsonl, which records the refusal too) and the locks are not state.
 */
export async function stateView(home: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const notState = (name: string) => name === 'lock' || name.endsWith('.lock') || name.startsWith('history.jsonl');
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = join(dir, e.name);
      if (notState(e.name)) continue;
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && e.name !== 'lock')
        out[relative(home, p)] = createHash('sha256')
          .update(await readFile(p))
          .digest('hex');
    }
  };
  await walk(home);
  return out;
}

/** Removes the images this run labelled. */
export async function removeLabelledImages(label: string): Promise<void> {
  const engine = testEngine();
  for (const image of await engine.listImages({ labels: [label] }))
    await engine.removeImage(image.id, { force: true }).catch(() => undefined);
}

/** True when output holds a Node stack trace or an internal error instead of a DamError. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+\(.*:\d+:\d+\)$/m.test(text) || /node:internal|Unhandled 'error' event|internal error/i.test(text);
}

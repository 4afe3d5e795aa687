// Reading the on-disk state: checks every field at the boundary and upgrades older formats. A file that
// fails a check is reported with the field that is wrong; DAM never silently resets a corrupt state.
import { DamError } from './errors.js';
import { at, fieldReader, type FieldReader, type Json } from './json-fields.js';
import {
  STATE_FORMAT,
  type AcquiredImage,
  type Credentials,
  type InstalledApp,
  type Repo,
  type State,
} from './state.js';

function fail(file: string, what: string): never {
  throw new DamError(
    'STATE_CORRUPT',
    `The state file ${file} is damaged: ${what}.`,
    `Restore it from a backup, or move it aside to start afresh (DAM then forgets its repos and installed apps; run 'dam doctor' for details).`,
  );
}

/** The one field reader, failing with STATE_CORRUPT naming the file and the field. */
const fieldsOf = (file: string) => fieldReader((path, problem) => fail(file, `${path} ${problem}`));

function parseRepo(r: FieldReader, v: unknown, i: number): Repo {
  const what = at('repos', i);
  const o = r.object(v, what);
  const repo: Repo = {
    id: r.whole(o, 'id', what),
    name: r.string(o, 'name', what),
    server: r.string(o, 'server', what),
    isDefault: o.isDefault === true,
  };
  const username = r.optString(o, 'username', what);
  if (username !== undefined) repo.username = username;
  if (o.insecure === true) repo.insecure = true;
  const caFile = r.optString(o, 'caFile', what);
  if (caFile !== undefined) repo.caFile = caFile;
  return repo;
}

function parseApp(r: FieldReader, v: unknown, i: number): InstalledApp {
  const what = at('apps', i);
  const o = r.object(v, what);
  const app = parseAppFields(r, o, what);
  if (o.previous !== undefined) {
    const where = at(what, 'previous');
    const p = r.object(o.previous, where);
    app.previous = {
      version: r.string(p, 'version', where),
      tag: r.string(p, 'tag', where),
      imageId: r.string(p, 'imageId', where),
    };
  }
  if (o.scriptEnv !== undefined) app.scriptEnv = r.stringMap(o.scriptEnv, at(what, 'scriptEnv'));
  if (o.metaDigests !== undefined) app.metaDigests = r.stringMap(o.metaDigests, at(what, 'metaDigests'));
  const product = r.optString(o, 'product', what);
  if (product !== undefined) app.product = product;
  return app;
}

function parseAcquired(r: FieldReader, v: unknown, i: number): AcquiredImage {
  const what = at('acquired', i);
  const o = r.object(v, what);
  return { imageId: r.string(o, 'imageId', what), by: r.string(o, 'by', what), at: r.string(o, 'at', what) };
}

function parseAppFields(r: FieldReader, o: Json, what: string): InstalledApp {
  return {
    id: r.whole(o, 'id', what),
    name: r.string(o, 'name', what),
    version: r.string(o, 'version', what),
    tag: r.string(o, 'tag', what),
    imageId: r.string(o, 'imageId', what),
    repoId: r.whole(o, 'repoId', what),
    family: r.string(o, 'family', what),
    multiversion: o.multiversion === true,
    installedAt: r.string(o, 'installedAt', what),
  };
}

/** Upgrades from each older format to the next; index N upgrades format N to N+1. */
const MIGRATIONS: Array<(raw: Json) => Json> = [];

export function parseState(text: string, file: string): State {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail(file, 'it is not valid JSON');
  }
  const r = fieldsOf(file);
  let o = r.object(raw, 'the file');
  let format = r.whole(o, 'format', '');
  if (format > STATE_FORMAT) {
    throw new DamError(
      'STATE_TOO_NEW',
      `The state file ${file} has format ${format}, newer than this DAM understands (${STATE_FORMAT}).`,
      'Use the newer DAM that wrote it, or upgrade this one.',
    );
  }
  while (format < STATE_FORMAT) {
    const migrate = MIGRATIONS[format];
    if (!migrate) fail(file, `format ${format} is unknown`);
    o = migrate(o);
    format++;
  }
  if (!Array.isArray(o.repos) || !Array.isArray(o.apps)) fail(file, 'repos or apps is not a list');
  const state: State = {
    format: STATE_FORMAT,
    repos: o.repos.map((v, i) => parseRepo(r, v, i)),
    apps: o.apps.map((a, i) => parseApp(r, a, i)),
    nextRepoId: r.whole(o, 'nextRepoId', ''),
    nextAppId: r.whole(o, 'nextAppId', ''),
  };
  const lastOperation = r.optString(o, 'lastOperation', '');
  if (lastOperation !== undefined) state.lastOperation = lastOperation;
  if (o.acquired !== undefined) {
    state.acquired = r.list(o.acquired, 'acquired').map((a, i) => parseAcquired(r, a, i));
  }
  if (state.repos.filter((r) => r.isDefault).length !== 1) fail(file, 'not exactly one repository is the default');
  if (!state.repos.some((r) => r.id === 1)) fail(file, 'the official repository (id 1) is missing');
  return state;
}

export function parseCredentials(text: string, file: string): Credentials {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail(file, 'it is not valid JSON');
  }
  const r = fieldsOf(file);
  const o = r.object(raw, 'the file');
  return { format: 1, passwords: r.stringMap(o.passwords, 'passwords') };
}

export function serializeState(state: State): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

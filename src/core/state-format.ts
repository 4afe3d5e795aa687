// Reading the on-disk state: checks every field at the boundary and upgrades older formats. A file that
// fails a check is reported with the field that is wrong; DAM never silently resets a corrupt state.
import { DamError } from './errors.js';
import { STATE_FORMAT, type AcquiredImage, type Credentials, type InstalledApp, type Repo, type State } from './state.js';

type Json = Record<string, unknown>;

function fail(file: string, what: string): never {
  throw new DamError('STATE_CORRUPT', `The state file ${file} is damaged: ${what}.`,
    `Restore it from a backup, or move it aside to start afresh (DAM then forgets its repos and installed apps; run 'dam doctor' for details).`);
}

function obj(v: unknown, file: string, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(file, `${what} is not an object`);
  return v as Json;
}

function str(o: Json, key: string, file: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(file, `${what}.${key} is not a string`);
  return v;
}

function int(o: Json, key: string, file: string, what: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(file, `${what}.${key} is not a whole number`);
  return v;
}

function optStr(o: Json, key: string, file: string, what: string): string | undefined {
  return o[key] === undefined ? undefined : str(o, key, file, what);
}

function parseRepo(v: unknown, file: string, i: number): Repo {
  const what = `repos[${i}]`;
  const o = obj(v, file, what);
  const repo: Repo = { id: int(o, 'id', file, what), name: str(o, 'name', file, what), server: str(o, 'server', file, what), isDefault: o.isDefault === true };
  const username = optStr(o, 'username', file, what);
  if (username !== undefined) repo.username = username;
  if (o.insecure === true) repo.insecure = true;
  const caFile = optStr(o, 'caFile', file, what);
  if (caFile !== undefined) repo.caFile = caFile;
  return repo;
}

function parseApp(v: unknown, file: string, i: number): InstalledApp {
  const what = `apps[${i}]`;
  const o = obj(v, file, what);
  const app = parseAppFields(o, file, what);
  if (o.previous !== undefined) {
    const p = obj(o.previous, file, `${what}.previous`);
    app.previous = { version: str(p, 'version', file, `${what}.previous`), tag: str(p, 'tag', file, `${what}.previous`), imageId: str(p, 'imageId', file, `${what}.previous`) };
  }
  if (o.scriptEnv !== undefined) app.scriptEnv = strings(o.scriptEnv, file, `${what}.scriptEnv`);
  if (o.metaDigests !== undefined) app.metaDigests = strings(o.metaDigests, file, `${what}.metaDigests`);
  const product = optStr(o, 'product', file, what);
  if (product !== undefined) app.product = product;
  return app;
}

function strings(v: unknown, file: string, what: string): Record<string, string> {
  const o = obj(v, file, what);
  for (const key of Object.keys(o)) str(o, key, file, what);
  return o as Record<string, string>;
}

function parseAcquired(v: unknown, file: string, i: number): AcquiredImage {
  const what = `acquired[${i}]`;
  const o = obj(v, file, what);
  return { imageId: str(o, 'imageId', file, what), by: str(o, 'by', file, what), at: str(o, 'at', file, what) };
}

function parseAppFields(o: Json, file: string, what: string): InstalledApp {
  return {
    id: int(o, 'id', file, what),
    name: str(o, 'name', file, what),
    version: str(o, 'version', file, what),
    tag: str(o, 'tag', file, what),
    imageId: str(o, 'imageId', file, what),
    repoId: int(o, 'repoId', file, what),
    family: str(o, 'family', file, what),
    multiversion: o.multiversion === true,
    installedAt: str(o, 'installedAt', file, what),
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
  let o = obj(raw, file, 'the file');
  let format = int(o, 'format', file, 'the file');
  if (format > STATE_FORMAT) {
    throw new DamError('STATE_TOO_NEW', `The state file ${file} has format ${format}, newer than this DAM understands (${STATE_FORMAT}).`, 'Use the newer DAM that wrote it, or upgrade this one.');
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
    repos: o.repos.map((r, i) => parseRepo(r, file, i)),
    apps: o.apps.map((a, i) => parseApp(a, file, i)),
    nextRepoId: int(o, 'nextRepoId', file, 'the file'),
    nextAppId: int(o, 'nextAppId', file, 'the file'),
  };
  const lastOperation = optStr(o, 'lastOperation', file, 'the file');
  if (lastOperation !== undefined) state.lastOperation = lastOperation;
  if (o.acquired !== undefined) {
    if (!Array.isArray(o.acquired)) fail(file, 'acquired is not a list');
    state.acquired = o.acquired.map((a, i) => parseAcquired(a, file, i));
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
  const o = obj(raw, file, 'the file');
  const passwords = obj(o.passwords, file, 'passwords');
  for (const [k, v] of Object.entries(passwords)) if (typeof v !== 'string') fail(file, `passwords.${k} is not a string`);
  return { format: 1, passwords: passwords as Record<string, string> };
}

export function serializeState(state: State): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

// The plan of `dam migrate`: how a DAM 1.x database (read by legacy-db.ts) merges into this host's state.
// Nothing in the state is lost or changed: 1.x repos whose server is already configured map onto that repo,
// the others are added under new ids; 1.x apps already recorded here (same name:version, same image) are
// kept, the others are added under new ids. What cannot merge (a repo name taken by another server, an app
// recorded here with another image, a family rule broken against the apps here) is a conflict, and the plan
// refuses as a whole. Apps from 1.x are not checked against each other: 1.x let them coexist. Pure.
import { DamError } from './errors.js';
import type { LegacyImport } from './legacy-db.js';
import {
  OFFICIAL_REPO_ID,
  UNKNOWN_REPO_ID,
  type Credentials,
  type InstalledApp,
  type Repo,
  type State,
} from './state.js';

export interface MigrateRepo {
  name: string;
  server: string;
  /** `add`: a new repo; `same`: the 1.x repo is this host's repo `name` (same server). */
  action: 'add' | 'same';
  /** Its id in the merged state. */
  id: number;
}

export interface MigrateApp {
  name: string;
  version: string;
  tag: string;
  imageId: string;
  family: string;
  repo: string;
  /** `add`: recorded from 1.x; `present`: already recorded here with the same image. */
  action: 'add' | 'present';
}

export interface MigratePlan {
  repos: MigrateRepo[];
  apps: MigrateApp[];
  /** The repo that becomes the default (1.x's), when this host still has the official one as default. */
  defaultRepo?: string;
  conflicts: string[];
  warnings: string[];
}

export interface Migration {
  plan: MigratePlan;
  state: State;
  credentials: Credentials;
}

const hex = (id: string): string => id.replace(/^sha256:/, '');
/** 1.x records 12 hex digits of the id; a full id and its short form are the same image. */
export const sameImage = (a: string, b: string): boolean => hex(a).startsWith(hex(b)) || hex(b).startsWith(hex(a));

function mergeRepos(
  state: State,
  legacy: LegacyImport,
  credentials: Credentials,
  plan: MigratePlan,
): { repos: Repo[]; ids: Map<number, number>; nextRepoId: number } {
  const repos = state.repos.map((r) => ({ ...r }));
  const ids = new Map<number, number>([
    [OFFICIAL_REPO_ID, OFFICIAL_REPO_ID],
    [UNKNOWN_REPO_ID, UNKNOWN_REPO_ID],
  ]);
  let nextRepoId = state.nextRepoId;
  for (const r of legacy.state.repos) {
    if (r.id === OFFICIAL_REPO_ID) continue;
    const same = repos.find((x) => x.server === r.server);
    if (same) {
      ids.set(r.id, same.id);
      plan.repos.push({ name: same.name, server: same.server, action: 'same', id: same.id });
      if (r.username && same.username !== r.username)
        plan.warnings.push(
          `the 1.x credentials of '${r.server}' (user ${r.username}) are not taken: this host's repository '${same.name}' keeps its own`,
        );
      continue;
    }
    const taken = repos.find((x) => x.name === r.name);
    if (taken) {
      plan.conflicts.push(
        `the 1.x repository '${r.name}' (${r.server}) has the name of this host's repository for ${taken.server}`,
      );
      continue;
    }
    const added: Repo = { ...r, id: nextRepoId++, isDefault: false };
    repos.push(added);
    ids.set(r.id, added.id);
    const password = legacy.credentials.passwords[String(r.id)];
    if (password !== undefined) credentials.passwords[String(added.id)] = password;
    plan.repos.push({ name: added.name, server: added.server, action: 'add', id: added.id });
  }
  const legacyDefault = legacy.state.repos.find((r) => r.isDefault);
  const current = repos.find((r) => r.isDefault);
  const target = legacyDefault ? repos.find((r) => r.id === ids.get(legacyDefault.id)) : undefined;
  if (current?.id === OFFICIAL_REPO_ID && target && target.id !== OFFICIAL_REPO_ID) {
    for (const r of repos) r.isDefault = r.id === target.id;
    plan.defaultRepo = target.name;
  }
  return { repos, ids, nextRepoId };
}

function conflictOf(state: State, app: InstalledApp): string | undefined {
  const rival = state.apps.find((a) => a.family === app.family && !(a.name === app.name && a.version === app.version));
  if (rival && !app.multiversion)
    return `the 1.x app ${app.name}:${app.version} is of the family '${app.family}', of which ${rival.name}:${rival.version} is installed here`;
  return undefined;
}

export function planMigration(state: State, credentials: Credentials, legacy: LegacyImport): Migration {
  const plan: MigratePlan = { repos: [], apps: [], conflicts: [], warnings: [...legacy.warnings] };
  const merged = { ...credentials, passwords: { ...credentials.passwords } };
  const { repos, ids, nextRepoId } = mergeRepos(state, legacy, merged, plan);
  const apps = [...state.apps];
  let nextAppId = state.nextAppId;
  for (const a of legacy.state.apps) {
    const repoId = ids.get(a.repoId) ?? UNKNOWN_REPO_ID;
    const repo = repos.find((r) => r.id === repoId)?.name ?? '~unknown~';
    const entry: MigrateApp = {
      name: a.name,
      version: a.version,
      tag: a.tag,
      imageId: a.imageId,
      family: a.family,
      repo,
      action: 'add',
    };
    const here = state.apps.find((x) => x.name === a.name && x.version === a.version);
    if (here) {
      if (sameImage(here.imageId, a.imageId)) plan.apps.push({ ...entry, action: 'present' });
      else
        plan.conflicts.push(
          `${a.name}:${a.version} is installed here with image ${hex(here.imageId).slice(0, 12)}, and in 1.x with image ${hex(a.imageId).slice(0, 12)}`,
        );
      continue;
    }
    const conflict = conflictOf(state, a);
    if (conflict) {
      plan.conflicts.push(conflict);
      continue;
    }
    apps.push({ ...a, id: nextAppId++, repoId });
    plan.apps.push(entry);
  }
  return { plan, state: { ...state, repos, apps, nextRepoId, nextAppId }, credentials: merged };
}

/** CONFLICT listing every conflict of the plan; nothing has changed when it is thrown. */
export function refuseConflicts(plan: MigratePlan, from: string): void {
  if (plan.conflicts.length === 0) return;
  throw new DamError(
    'CONFLICT',
    `The DAM 1.x database at ${from} cannot merge into this host's state:\n  ${plan.conflicts.join('\n  ')}`,
    'Nothing was changed. Resolve each conflict first (dam modifyrepo --name to rename a repository, dam remove for an app recorded here), then run dam migrate again; dam migrate --dry-run shows the plan.',
  );
}

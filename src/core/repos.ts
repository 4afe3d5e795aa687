// Pure updaters for the repo list, with DAM 1.x's rules: Docker Hub is id 1 and can be neither removed
// nor renamed; exactly one repo is the default; losing the default hands it back to id 1; ids are never
// reused (1.x reused the highest one); names are unique.
import { DamError, usageError } from './errors.js';
import { OFFICIAL_REPO_ID, UNKNOWN_REPO_ID, type Repo, type State } from './state.js';
import { printable, validateRepoName, validateUsername } from './validate.js';

export interface ServerInput {
  server: string;
  /** True when the user wrote `http://`, which asks for plain HTTP. */
  plainHttp: boolean;
}

/** Accepts `host[:port][/path]`, optionally with `http://` or `https://`, and returns it without scheme. */
export function normalizeServer(input: string): ServerInput {
  const match = /^(?:(https?):\/\/)?([^/\s]+)(\/[^\s]*)?$/.exec(input.trim());
  const host = match?.[2];
  if (!match || !host || input.length > 255 || /[;@\p{Cc}]/u.test(input)) {
    throw new DamError(
      'INVALID_NAME',
      `The server '${printable(input)}' is not a registry address.`,
      'Give host[:port], for example registry.example.com or 127.0.0.1:5000.',
    );
  }
  if (!/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)) {
    throw new DamError(
      'INVALID_NAME',
      `The server '${printable(input)}' has an invalid host '${printable(host)}'.`,
      'Give host[:port], for example registry.example.com or 127.0.0.1:5000.',
    );
  }
  const path = (match[3] ?? '').replace(/\/+$/, '');
  return { server: `${host.toLowerCase()}${path}`, plainHttp: match[1] === 'http' };
}

export function findRepo(state: State, idOrName: string): Repo {
  const repo = /^\d+$/.test(idOrName)
    ? state.repos.find((r) => r.id === Number(idOrName))
    : state.repos.find((r) => r.name === idOrName);
  if (!repo) {
    throw new DamError(
      'NOT_FOUND',
      `No repository has the id or name '${printable(idOrName)}'.`,
      "Run 'dam listrepos' to see the configured repositories.",
    );
  }
  return repo;
}

function setDefault(repos: Repo[], id: number): Repo[] {
  return repos.map((r) => ({ ...r, isDefault: r.id === id }));
}

function ensureDefault(repos: Repo[]): Repo[] {
  return repos.some((r) => r.isDefault) ? repos : setDefault(repos, OFFICIAL_REPO_ID);
}

function assertNameFree(state: State, name: string, exceptId?: number): void {
  if (state.repos.some((r) => r.name === name && r.id !== exceptId)) {
    throw new DamError(
      'CONFLICT',
      `A repository named '${name}' already exists.`,
      "Choose another --name, or change the existing one with 'dam modifyrepo'.",
    );
  }
}

export interface AddRepoInput {
  name: string;
  server: string;
  isDefault?: boolean;
  username?: string;
  insecure?: boolean;
  caFile?: string;
}

export function addRepo(state: State, input: AddRepoInput): { state: State; repo: Repo } {
  validateRepoName(input.name);
  assertNameFree(state, input.name);
  const { server, plainHttp } = normalizeServer(input.server);
  if (input.username !== undefined) validateUsername(input.username);
  const repo: Repo = { id: state.nextRepoId, name: input.name, server, isDefault: false };
  if (input.username) repo.username = input.username;
  if (input.insecure || plainHttp) repo.insecure = true;
  if (input.caFile) repo.caFile = input.caFile;
  let repos = [...state.repos, repo];
  if (input.isDefault) repos = setDefault(repos, repo.id);
  const next = { ...state, repos, nextRepoId: state.nextRepoId + 1 };
  return { state: next, repo: next.repos.find((r) => r.id === repo.id) ?? repo };
}

export interface ModifyRepoInput {
  isDefault?: boolean;
  name?: string;
  server?: string;
  username?: string;
  /** Remove the stored user name (and, by the caller, the password). */
  clearCredentials?: boolean;
  insecure?: boolean;
  caFile?: string;
}

export function modifyRepo(state: State, id: number, input: ModifyRepoInput): { state: State; repo: Repo } {
  const current = state.repos.find((r) => r.id === id);
  if (!current) {
    throw new DamError('NOT_FOUND', `No repository has the id ${id}.`, "Run 'dam listrepos' to see the ids.");
  }
  if (id === OFFICIAL_REPO_ID) {
    const given = (['name', 'server'] as const).filter((k) => input[k] !== undefined);
    if (given.length > 0) {
      throw new DamError(
        'REFUSED',
        `The official repository (id 1, Docker Hub) cannot be changed with --${given[0]}.`,
        'Only --default, credentials and --ca-file apply to it. Add another repository instead.',
      );
    }
  }
  const updated: Repo = { ...current };
  if (input.name !== undefined) {
    validateRepoName(input.name);
    assertNameFree(state, input.name, id);
    updated.name = input.name;
  }
  if (input.server !== undefined) {
    const { server, plainHttp } = normalizeServer(input.server);
    updated.server = server;
    if (plainHttp) updated.insecure = true;
  }
  if (input.username !== undefined) updated.username = validateUsername(input.username);
  if (input.clearCredentials) delete updated.username;
  if (input.insecure !== undefined) {
    if (input.insecure) updated.insecure = true;
    else delete updated.insecure;
  }
  if (input.caFile !== undefined) {
    if (input.caFile) updated.caFile = input.caFile;
    else delete updated.caFile;
  }
  let repos = state.repos.map((r) => (r.id === id ? updated : r));
  if (input.isDefault === true) repos = setDefault(repos, id);
  if (input.isDefault === false)
    repos = ensureDefault(repos.map((r) => (r.id === id ? { ...r, isDefault: false } : r)));
  const next = { ...state, repos };
  return { state: next, repo: repos.find((r) => r.id === id) ?? updated };
}

export function removeRepo(
  state: State,
  idOrName: string,
  force: boolean,
): { state: State; repo: Repo; orphanedApps: number } {
  const repo = findRepo(state, idOrName);
  if (repo.id === OFFICIAL_REPO_ID) {
    throw new DamError(
      'REFUSED',
      'The official repository (id 1, Docker Hub) cannot be removed.',
      'It is the base repository. Make another repository the default instead.',
    );
  }
  if (repo.isDefault && !force) {
    throw new DamError(
      'REFUSED',
      `Repository '${repo.name}' (id ${repo.id}) is the default.`,
      'Add --force to remove it anyway; Docker Hub (id 1) then becomes the default.',
    );
  }
  let orphanedApps = 0;
  const apps = state.apps.map((a) => {
    if (a.repoId !== repo.id) return a;
    orphanedApps++;
    return { ...a, repoId: UNKNOWN_REPO_ID };
  });
  const repos = ensureDefault(state.repos.filter((r) => r.id !== repo.id));
  return { state: { ...state, repos, apps }, repo, orphanedApps };
}

export function requireOneOf(values: Record<string, unknown>, what: string): void {
  if (Object.values(values).every((v) => v === undefined)) {
    throw usageError(
      `Nothing to change for ${what}.`,
      `Give at least one of ${Object.keys(values)
        .map((k) => `--${k}`)
        .join(', ')}.`,
    );
  }
}

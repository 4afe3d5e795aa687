// Reads the text database of DAM 1.x (`~/.cache/dam/Repos` and `Apps`, `;`-separated, `*` for true,
// base64 passwords) into our state. Pure: the caller reads the files. Bad rows are reported, not fatal,
// since 1.x itself let invalid names in.
import { normalizeServer } from './repos.js';
import { initialState, OFFICIAL_REPO_ID, type Credentials, type InstalledApp, type Repo, type State, emptyCredentials, repoPrefix } from './state.js';
import { validateRepoName } from './validate.js';

export interface LegacyImport {
  state: State;
  credentials: Credentials;
  warnings: string[];
}

function rows(text: string): string[][] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => l.split(';'));
}

function safeRepoName(name: string, id: number, taken: Set<string>): string {
  let candidate = name;
  try {
    validateRepoName(candidate);
  } catch {
    candidate = `repo${id}`;
  }
  if (taken.has(candidate)) candidate = `${candidate}-${id}`;
  taken.add(candidate);
  return candidate;
}

export function importLegacyDb(reposText: string, appsText: string): LegacyImport {
  const state = initialState();
  const credentials = emptyCredentials();
  const warnings: string[] = [];
  const taken = new Set(state.repos.map((r) => r.name));
  const repos: Repo[] = [...state.repos];
  let maxRepoId = OFFICIAL_REPO_ID;

  for (const row of rows(reposText)) {
    const [idText, def, name = '', server = '', username = '', password = ''] = row;
    const id = Number(idText);
    if (row.length < 4 || !Number.isInteger(id) || id < 0) {
      warnings.push(`skipped repository line '${row.join(';')}': not in the 1.x format`);
      continue;
    }
    maxRepoId = Math.max(maxRepoId, id);
    const isDefault = def === '*';
    if (id === OFFICIAL_REPO_ID) {
      const official = repos[0];
      if (official) official.isDefault = isDefault;
      continue;
    }
    let normalized;
    try {
      normalized = normalizeServer(server);
    } catch {
      warnings.push(`skipped repository '${name}' (id ${id}): its server '${server}' is not a registry address`);
      continue;
    }
    const repoName = safeRepoName(name, id, taken);
    if (repoName !== name) warnings.push(`repository '${name}' (id ${id}) was renamed '${repoName}': names must be valid and unique`);
    const repo: Repo = { id, name: repoName, server: normalized.server, isDefault };
    if (normalized.plainHttp) repo.insecure = true;
    if (username) repo.username = username;
    if (password) credentials.passwords[String(id)] = Buffer.from(password, 'base64').toString('utf8');
    repos.push(repo);
  }
  if (repos.filter((r) => r.isDefault).length !== 1) {
    for (const r of repos) r.isDefault = r.id === OFFICIAL_REPO_ID;
  }

  const apps: InstalledApp[] = [];
  let maxAppId = -1;
  for (const row of rows(appsText)) {
    const [idText, dockerId = '', name = '', version = '', repoIdText = '', multi = '', family = ''] = row;
    const id = Number(idText);
    const repoId = Number(repoIdText);
    if (row.length < 7 || !Number.isInteger(id) || !Number.isInteger(repoId) || !name || !version) {
      warnings.push(`skipped app line '${row.join(';')}': not in the 1.x format`);
      continue;
    }
    maxAppId = Math.max(maxAppId, id);
    const repo = repos.find((r) => r.id === repoId);
    apps.push({
      id,
      name,
      version,
      tag: `${repo ? repoPrefix(repo) : ''}${name}:${version}`,
      imageId: dockerId,
      repoId: repo ? repoId : 0,
      family: family || name,
      multiversion: multi === '*',
      installedAt: '',
    });
  }
  return {
    state: { ...state, repos, apps, nextRepoId: maxRepoId + 1, nextAppId: maxAppId + 1 },
    credentials,
    warnings,
  };
}

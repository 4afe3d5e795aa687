// Reads the text database of DAM 1.x (`~/.cache/dam/Repos` and `Apps`, `;`-separated, `*` for true,
// base64 passwords) into our state. Pure: the caller reads the files. Bad rows are reported, not fatal,
// since 1.x itself let invalid names in.
import { normalizeServer } from './repos.js';
import {
  initialState,
  OFFICIAL_REPO_ID,
  type Credentials,
  type InstalledApp,
  type Repo,
  type State,
  emptyCredentials,
  repoPrefix,
} from './state.js';
import { validateRepoName } from './validate.js';

export interface LegacyImport {
  state: State;
  credentials: Credentials;
  warnings: string[];
}

function rows(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(';'));
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
    if (repoName !== name)
      warnings.push(`repository '${name}' (id ${id}) was renamed '${repoName}': names must be valid and unique`);
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

/** What `dam migrate` leaves in 1.x's `Apps` file once it took the apps over. */
export interface TakenOverMarker {
  /** ISO 8601 time of the migration. */
  at: string;
  /** File name, in the same folder, that 1.x's own `Apps` file was moved to. */
  backup: string;
}

const MARKER_PREFIX = 'TAKEN OVER BY DAM 2 ON ';

/**
 * One line that DAM 1.x refuses to read: its first field is not an app id, so every 1.x command that reads
 * its apps (list, remove, import, export, purge, install) stops with `Cannot parse the app ID in line '...'`,
 * showing this line, which says where the apps went and how to undo. Seven fields, the shape of a 1.x row
 * (1.x panics without a word on a short row whose id parses). No `;` inside a field.
 */
export function formatTakenOverMarker(marker: TakenOverMarker): string {
  return `${MARKER_PREFIX}${marker.at};the apps are now managed by DAM 2 (dam list);the DAM 1.x list is kept in ${marker.backup};to undo: mv ${marker.backup} Apps;-;-;-\n`;
}

export function parseTakenOverMarker(appsText: string): TakenOverMarker | undefined {
  const line = appsText.split(/\r?\n/).find((l) => l.trim() !== '');
  if (!line?.startsWith(MARKER_PREFIX)) return undefined;
  const fields = line.split(';');
  const backup = /^the DAM 1\.x list is kept in (.+)$/.exec(fields[2] ?? '')?.[1];
  return { at: fields[0]!.slice(MARKER_PREFIX.length), backup: backup ?? '' };
}

// The public shape of a repo in --json output and tables: never a password.
import type { Repo } from '../core/state.js';

export interface RepoView {
  id: number;
  name: string;
  server: string;
  default: boolean;
  username: string | null;
  hasPassword: boolean;
  insecure: boolean;
  caFile: string | null;
}

export function repoView(repo: Repo, hasPassword: boolean): RepoView {
  return {
    id: repo.id,
    name: repo.name,
    server: repo.server,
    default: repo.isDefault,
    username: repo.username ?? null,
    hasPassword,
    insecure: repo.insecure === true,
    caFile: repo.caFile ?? null,
  };
}

// The credentials the engine needs to pull from or push to a repo (X-Registry-Auth): the repo's own user
// name and password, else what `docker login` stored for its host.
import type { RegistryAuth } from '../../core/ports/engine.js';
import { OFFICIAL_REPO_ID, type Credentials, type Repo } from '../../core/state.js';
import { dockerConfigCredentials, DOCKER_HUB_CONFIG_KEY } from './docker-config.js';

export async function registryAuthFor(
  repo: Repo,
  credentials: Credentials,
  env: NodeJS.ProcessEnv,
): Promise<RegistryAuth | undefined> {
  const serveraddress = repo.id === OFFICIAL_REPO_ID ? DOCKER_HUB_CONFIG_KEY : repo.server;
  const password = credentials.passwords[String(repo.id)];
  if (repo.username && password !== undefined) return { serveraddress, username: repo.username, password };
  const stored = await dockerConfigCredentials(repo.id === OFFICIAL_REPO_ID ? 'index.docker.io' : repo.server, env);
  return stored ? { serveraddress, username: stored.username, password: stored.password } : undefined;
}

// The composition of the registry adapters: one pair of keep-alive agents per TLS set-up (so connections are reused
// across requests and repos), one session per repo (so tokens are reused), and the right catalog for a
// repo (Docker Hub's API for id 1, the Distribution catalog otherwise).
// Testing hooks: DAM_HUB_URL replaces https://hub.docker.com and DAM_HUB_REGISTRY_URL replaces
// https://registry-1.docker.io (credentials for Docker Hub then go there too).
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { OFFICIAL_REPO_ID, type Repo } from '../../core/state.js';
import type { AppCatalog, Registries, Registry, RegistryAccess } from '../../core/ports/registry.js';
import { isLoopbackHost } from './auth.js';
import { dockerConfigCredentials, type RegistryCredentials } from './docker-config.js';
import { HttpRegistry } from './http-registry.js';
import { HubCatalog } from './hub.js';
import { RegistrySession } from './session.js';
import { tlsSettings } from './tls.js';
import { Transport, type Agents } from './transport.js';
import { proxySettings } from './proxy.js';
import { TunnelAgent } from './tunnel.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
const DOCKER_HUB_REGISTRY = 'https://registry-1.docker.io';

interface RepoAddress {
  host: string;
  hostname: string;
  namespace: string;
  baseUrl?: string;
}

function address(repo: Repo, env: NodeJS.ProcessEnv): RepoAddress {
  if (repo.id === OFFICIAL_REPO_ID) {
    const base = new URL(env.DAM_HUB_REGISTRY_URL || DOCKER_HUB_REGISTRY);
    return { host: base.host, hostname: base.hostname, namespace: '', baseUrl: base.origin };
  }
  const server = repo.server.replace(/^[a-z]+:\/\//i, '');
  const slash = server.indexOf('/');
  const host = slash < 0 ? server : server.slice(0, slash);
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return { host, hostname, namespace: slash < 0 ? '' : server.slice(slash + 1) };
}

export function createRegistries(env: NodeJS.ProcessEnv): Registries {
  const agents = new Map<string, Promise<Agents>>();
  const proxies = proxySettings(env);
  const sessions = new Map<string, RegistrySession>();

  const agentFor = (host: string, repo: Repo): Promise<Agents> => {
    const key = JSON.stringify([host, repo.caFile ?? '', repo.insecure === true]);
    let agent = agents.get(key);
    if (!agent) {
      agent = (async () => {
        const tls = await tlsSettings({ host, caFile: repo.caFile, insecure: repo.insecure === true });
        const tunnel = proxies.https
          ? new TunnelAgent({ keepAlive: true, ...tls, proxy: proxies.https, timeoutMs: DEFAULT_TIMEOUT_MS })
          : undefined;
        return {
          http: new HttpAgent({ keepAlive: true }),
          https: new HttpsAgent({ keepAlive: true, ...tls }),
          ...(tunnel ? { tunnel } : {}),
        };
      })();
      agent.catch(() => agents.delete(key));
      agents.set(key, agent);
    }
    return agent;
  };

  const credentialsHint = (repo: Repo, host: string) =>
    repo.id === OFFICIAL_REPO_ID
      ? `dam modifyrepo ${repo.id} --username NAME --password-stdin (or docker login)`
      : `dam modifyrepo ${repo.id} --username NAME --password-stdin (or docker login ${host})`;

  const credentialsFor =
    (access: RegistryAccess, host: string) => async (): Promise<RegistryCredentials | undefined> => {
      const { repo, password } = access;
      if (repo.username && password !== undefined) return { username: repo.username, password };
      return dockerConfigCredentials(repo.id === OFFICIAL_REPO_ID ? 'index.docker.io' : host, env);
    };

  const label = (repo: Repo, host: string) =>
    `registry '${repo.name}' (${repo.id === OFFICIAL_REPO_ID ? 'Docker Hub' : host})`;

  const transport = (access: RegistryAccess, host: string) => {
    const timeoutMs = access.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Transport({
      label: label(access.repo, host),
      agents: () => agentFor(host, access.repo),
      timeoutMs,
      signal: access.signal,
      proxies,
    });
  };

  const session = (access: RegistryAccess): RegistrySession => {
    const a = address(access.repo, env);
    const key = JSON.stringify([access.repo.id, access.repo.server, access.timeoutMs ?? DEFAULT_TIMEOUT_MS]);
    let s = sessions.get(key);
    if (!s) {
      s = new RegistrySession({
        transport: transport(access, a.host),
        host: a.host,
        baseUrl: a.baseUrl,
        allowHttp: access.repo.insecure === true || isLoopbackHost(a.hostname),
        credentials: credentialsFor(access, a.host),
        credentialsHint: credentialsHint(access.repo, a.host),
      });
      sessions.set(key, s);
    }
    return s;
  };

  const registry = (access: RegistryAccess): Registry => {
    const a = address(access.repo, env);
    return new HttpRegistry({
      session: session(access),
      pageSize: access.pageSize,
      platform: access.platform,
      namespace: a.namespace,
      dockerHub: access.repo.id === OFFICIAL_REPO_ID,
    });
  };

  const catalog = (access: RegistryAccess): AppCatalog => {
    if (access.repo.id !== OFFICIAL_REPO_ID) {
      const r = registry(access);
      return { label: r.label, findApps: () => r.catalog(), listTags: (name) => r.tags(name) };
    }
    const hubApi = new URL(env.DAM_HUB_URL || 'https://hub.docker.com');
    return new HubCatalog({
      transport: transport(access, hubApi.host),
      baseUrl: hubApi.origin,
      credentials: credentialsFor(access, hubApi.host),
      credentialsHint: credentialsHint(access.repo, hubApi.host),
    });
  };

  return {
    registry,
    catalog,
    close: async () => {
      const all = [...agents.values()];
      agents.clear();
      for (const pair of await Promise.all(all.map((a) => a.catch(() => undefined)))) {
        pair?.http.destroy();
        pair?.https.destroy();
        pair?.tunnel?.destroy();
      }
    },
  };
}

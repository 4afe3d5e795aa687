// The DAM_APP_SERVERS label, normalised as DAM 1.x does (dam-1x-spec §3.6): a sorted set of registry
// prefixes joined with `,`; an empty element means Docker Hub and is written as a trailing `,`.
import { DamError } from '../errors.js';
import { printable } from '../validate.js';

export interface Servers {
  official: boolean;
  servers: string[];
}

export function parseServers(label: string): Servers {
  const set = new Set<string>();
  let official = false;
  if (label === '') return { official, servers: [] };
  for (const element of label.split(',')) {
    if (element === '') official = true;
    else set.add(element);
  }
  return { official, servers: [...set].sort() };
}

export function formatServers(servers: Servers): string {
  return servers.servers.join(',') + (servers.official ? ',' : '');
}

/** Adds a server; `''` is Docker Hub. */
export function addServer(servers: Servers, server: string): Servers {
  if (server === '') return { ...servers, official: true };
  return { official: servers.official, servers: [...new Set([...servers.servers, server])].sort() };
}

/** 1.x's rule is 1..120 characters; a `,`, `;`, space or control character would also break the label. */
export function validateServers(servers: Servers, source: string): Servers {
  for (const s of servers.servers) {
    if (s.length > 120 || /[,;\s\p{Cc}]/u.test(s)) {
      throw new DamError(
        'INVALID_NAME',
        `The server '${printable(s)}' in DAM_APP_SERVERS (${source}) is not valid.`,
        'A server is a registry address such as registry.corp:5000: up to 120 characters, no spaces, `;` or control characters.',
      );
    }
  }
  return servers;
}

// Which proxy a registry request goes through, read from HTTPS_PROXY, HTTP_PROXY and NO_PROXY (upper case
// first, then lower case) with the rules of Go's golang.org/x/net/http/httpproxy, which the docker CLI and
// the engine use: https URLs use HTTPS_PROXY, http URLs HTTP_PROXY; a proxy without a scheme is http://;
// localhost and loopback addresses never go through a proxy; NO_PROXY is a comma list of `*`, IPs, CIDRs,
// `IP:port`, and domains (`example.com` matches it and its subdomains, `.example.com` and `*.example.com`
// only subdomains), each with an optional `:port`.
import { BlockList, isIP } from 'node:net';
import { DamError } from '../../core/errors.js';
import { printable } from '../../core/validate.js';

export interface ProxySettings {
  http?: URL;
  https?: URL;
  /** For messages: the variable each proxy came from. */
  httpFrom?: string;
  httpsFrom?: string;
  noProxy: NoProxy;
}

interface NoProxy {
  all: boolean;
  ips: Array<{ ip: string; port: string }>;
  cidrs: BlockList;
  domains: Array<{ suffix: string; port: string; matchHost: boolean }>;
}

function envAny(env: NodeJS.ProcessEnv, names: string[]): { value: string; name: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value) return { value, name };
  }
  return undefined;
}

function parseProxyUrl(value: string, name: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    url = undefined;
  }
  if (!url || url.hostname === '')
    throw new DamError(
      'USAGE',
      `${name} '${printable(value)}' is not a proxy URL.`,
      `Set ${name} to http://HOST:PORT (or unset it).`,
    );
  if (url.protocol !== 'http:')
    throw new DamError(
      'USAGE',
      `${name} '${printable(value)}' uses ${printable(url.protocol)}, a proxy scheme DAM does not support.`,
      `Use an http:// proxy in ${name} (HTTPS is tunnelled through it with CONNECT).`,
    );
  return url;
}

/** `host:port` splitting as Go's net.SplitHostPort does it, or undefined when there is no port. */
function splitHostPort(text: string): { host: string; port: string } | undefined {
  const m = /^\[([^\]]*)\]:(\d*)$/.exec(text) ?? /^([^:]*):(\d*)$/.exec(text);
  return m ? { host: m[1] ?? '', port: m[2] ?? '' } : undefined;
}

function parseNoProxy(value: string): NoProxy {
  const out: NoProxy = { all: false, ips: [], cidrs: new BlockList(), domains: [] };
  for (const raw of value.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return { ...out, all: true };
    const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
    const family = cidr ? isIP(cidr[1] ?? '') : 0;
    if (cidr && family) {
      out.cidrs.addSubnet(cidr[1] ?? '', Number(cidr[2]), family === 6 ? 'ipv6' : 'ipv4');
      continue;
    }
    const split = splitHostPort(entry);
    const host = split ? split.host : entry;
    const port = split ? split.port : '';
    if (host === '') continue;
    if (isIP(host)) {
      out.ips.push({ ip: host, port });
      continue;
    }
    const bare = host.startsWith('*.') ? host.slice(1) : host;
    out.domains.push({ suffix: bare.startsWith('.') ? bare : `.${bare}`, port, matchHost: !bare.startsWith('.') });
  }
  return out;
}

export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  const http = envAny(env, ['HTTP_PROXY', 'http_proxy']);
  const https = envAny(env, ['HTTPS_PROXY', 'https_proxy']);
  const settings: ProxySettings = { noProxy: parseNoProxy(envAny(env, ['NO_PROXY', 'no_proxy'])?.value ?? '') };
  if (http) Object.assign(settings, { http: parseProxyUrl(http.value, http.name), httpFrom: http.name });
  if (https) Object.assign(settings, { https: parseProxyUrl(https.value, https.name), httpsFrom: https.name });
  return settings;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || /^::ffff:127\./.test(host);
}

/** Whether a request to host:port may go through a proxy, by NO_PROXY and the loopback rule. */
export function useProxy(noProxy: NoProxy, hostname: string, port: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (isLoopback(host)) return false;
  if (noProxy.all) return false;
  const family = isIP(host);
  if (family) {
    if (noProxy.cidrs.check(host, family === 6 ? 'ipv6' : 'ipv4')) return false;
    if (noProxy.ips.some((m) => m.ip === host && (m.port === '' || m.port === port))) return false;
  }
  return !noProxy.domains.some(
    (m) =>
      (host.endsWith(m.suffix) || (m.matchHost && host === m.suffix.slice(1))) && (m.port === '' || m.port === port),
  );
}

/** The proxy for this URL, or undefined to connect directly. */
export function proxyFor(settings: ProxySettings, url: URL): { proxy: URL; from: string } | undefined {
  const https = url.protocol === 'https:';
  const proxy = https ? settings.https : settings.http;
  if (!proxy) return undefined;
  const port = url.port || (https ? '443' : '80');
  if (!useProxy(settings.noProxy, url.hostname, port)) return undefined;
  return { proxy, from: (https ? settings.httpsFrom : settings.httpFrom) ?? '' };
}

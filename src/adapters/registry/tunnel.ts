// An HTTPS agent that reaches its servers through an HTTP proxy's CONNECT tunnel, as Go's http.Transport
// does for HTTPS_PROXY: CONNECT host:port to the proxy, then TLS to the registry inside the tunnel (the
// proxy sees only the host and port). Connections are pooled per registry like a direct agent's.
import { Agent as HttpsAgent, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { DamError } from '../../core/errors.js';
import { printable } from '../../core/validate.js';

const MAX_CONNECT_ANSWER = 16 * 1024;

/** What the proxy said when it refused the tunnel: a failure about the proxy, not the registry. */
export class ProxyRefusal extends DamError {}

export function proxyDisplay(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

export function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === '') return undefined;
  return `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
}

/** Opens the tunnel: resolves with the raw socket once the proxy answered 2xx to CONNECT. */
function openTunnel(proxy: URL, target: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(Number(proxy.port || 80), proxy.hostname.replace(/^\[(.*)\]$/, '$1'));
    let answer = Buffer.alloc(0);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(Object.assign(new Error(`the proxy ${proxyDisplay(proxy)} did not answer CONNECT`), { code: 'ETIMEDOUT' })),
    );
    socket.once('error', fail);
    socket.once('connect', () => {
      const auth = proxyAuthorization(proxy);
      socket.write(
        `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}\r\n`,
      );
    });
    const onData = (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      const end = answer.indexOf('\r\n\r\n');
      if (end < 0) {
        if (answer.length > MAX_CONNECT_ANSWER)
          fail(
            new ProxyRefusal(
              'REGISTRY_ERROR',
              `The proxy ${proxyDisplay(proxy)} sent an oversized answer to CONNECT ${target}.`,
            ),
          );
        return;
      }
      socket.off('data', onData);
      const status = /^HTTP\/1\.[01] (\d{3})([^\r]*)/.exec(answer.subarray(0, end).toString('latin1'));
      if (!status || !status[1]?.startsWith('2')) {
        const said = status ? `${status[1]}${status[2] ?? ''}` : 'no HTTP status';
        fail(
          new ProxyRefusal(
            'REGISTRY_ERROR',
            `The proxy ${proxyDisplay(proxy)} refused to open a tunnel to ${target} (${printable(said.trim())}).`,
            'Check HTTPS_PROXY and its credentials, or list the registry in NO_PROXY.',
          ),
        );
        return;
      }
      socket.setTimeout(0);
      socket.off('error', fail);
      // Bytes after the answer would be the server's; a proxy sends none before TLS starts.
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

export class TunnelAgent extends HttpsAgent {
  private readonly proxy: URL;
  private readonly timeoutMs: number;

  constructor(options: AgentOptions & { proxy: URL; timeoutMs: number }) {
    const { proxy, timeoutMs, ...rest } = options;
    super(rest);
    this.proxy = proxy;
    this.timeoutMs = timeoutMs;
  }

  // Node's agents accept a socket handed to the callback later; this is how the tunnel is awaited.
  override createConnection(
    request: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    const options = request as ConnectionOptions & { host?: string; port?: number; servername?: string };
    const host = options.host ?? 'localhost';
    const target = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 443}`;
    openTunnel(this.proxy, target, this.timeoutMs).then(
      (raw) =>
        callback?.(
          null,
          tlsConnect({
            ...options,
            socket: raw,
            servername: options.servername ?? (host.includes(':') || /^[\d.]+$/.test(host) ? undefined : host),
          }),
        ),
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

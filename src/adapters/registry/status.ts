// HTTP statuses of registries and Docker Hub as DamErrors: each names the registry and what was asked,
// and says how to fix it. Only the server's own error code and message are quoted, never a request header.
import { DamError } from '../../core/errors.js';
import { printable } from '../../core/validate.js';
import { headerValue, type HttpResponse } from './transport.js';

export interface StatusContext {
  /** `registry 'corp' (host:port)`. */
  label: string;
  /** What was asked, e.g. `the tags of 'web'`. */
  what: string;
  /** The user name credentials were sent for, if any. */
  username?: string;
  /** How to change the credentials, e.g. `dam modifyrepo 3 --username NAME --password-stdin`. */
  credentialsHint: string;
}

/** The first `errors[]` entry of a Distribution error body, or Docker Hub's `message`/`detail`. */
async function serverDetail(res: HttpResponse): Promise<string> {
  let text: string;
  try {
    text = await res.text(64 * 1024);
  } catch {
    return '';
  }
  try {
    const body = JSON.parse(text) as {
      errors?: { code?: unknown; message?: unknown }[];
      message?: unknown;
      detail?: unknown;
    };
    const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
    const parts = first ? [first.code, first.message] : [body.message ?? body.detail];
    const detail = parts.filter((p): p is string => typeof p === 'string' && p !== '').join(': ');
    return detail ? ` (${printable(detail.slice(0, 200))})` : '';
  } catch {
    return '';
  }
}

export async function statusError(res: HttpResponse, c: StatusContext): Promise<DamError> {
  const detail = await serverDetail(res);
  const who = c.username ? `user '${c.username}'` : 'anonymous access';
  switch (true) {
    case res.status === 401:
      return new DamError(
        'REGISTRY_AUTH',
        `The ${c.label} refused ${c.username ? `the credentials of ${who}` : 'anonymous access'} to ${c.what}${detail}.`,
        c.username
          ? `Check the user name and password: ${c.credentialsHint}`
          : `It needs credentials: ${c.credentialsHint}`,
      );
    case res.status === 403:
      return new DamError(
        'REGISTRY_AUTH',
        `The ${c.label} denied ${c.username ? who : 'anonymous'} access to ${c.what}${detail}.`,
        `The account lacks permission there; ask the registry's administrator, or use another account: ${c.credentialsHint}`,
      );
    case res.status === 404:
      return new DamError(
        'NOT_FOUND',
        `The ${c.label} has no ${c.what.replace(/^the /, '')}${detail}.`,
        "Check the name (dam search lists what the registry has) and the repository's server (dam listrepos).",
      );
    case res.status === 429: {
      const after = headerValue(res, 'retry-after');
      return new DamError(
        'REGISTRY_ERROR',
        `The ${c.label} is rate-limiting requests (HTTP 429) for ${c.what}${detail}.`,
        `Wait${after ? ` ${printable(after)} seconds` : ' a while'} and try again${c.username ? '' : ', or log in for a higher limit'}.`,
      );
    }
    case res.status >= 500:
      return new DamError(
        'REGISTRY_ERROR',
        `The ${c.label} failed with HTTP ${res.status} on ${c.what}${detail}.`,
        "It is a server-side problem: try again later, or check the registry's logs.",
      );
    default:
      return new DamError(
        'REGISTRY_ERROR',
        `The ${c.label} answered HTTP ${res.status} to ${c.what}${detail}.`,
        'Check that the server address points at a Docker registry (dam listrepos).',
      );
  }
}

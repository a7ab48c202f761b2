/**
 * The request that goes upstream: the trial's base URL plus the rest of the client's path and
 * query, the client's headers without hop-by-hop headers and without the client's credentials
 * (the trial token), and the real key in the header the provider expects. Connections are kept
 * alive per proxy in one agent per scheme.
 */
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { credentialHeaders, upstreamRequestPath } from '../domain';
import type { RegisteredTrial } from './trial-registry';

/** Headers that belong to one connection (RFC 9110 §7.6.1) or that the proxy sets itself. */
const DROPPED_REQUEST_HEADERS = new Set([
  'host', 'connection', 'keep-alive', 'proxy-authorization', 'proxy-authenticate', 'proxy-connection', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'content-length', 'authorization', 'x-api-key', 'accept-encoding', 'expect',
]);

export const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'trailer', 'upgrade']);

export { DEFAULT_ANTHROPIC_VERSION } from '../domain/providers';

/**
 * Idle kept-alive sockets are closed after 4 s, before a server's own idle timeout (Node's default
 * is 5 s) can close one just as a request goes out on it: the proxy never retries on its own.
 */
const IDLE_SOCKET_MS = 4000;

export class UpstreamAgents {
  readonly http = new http.Agent({ keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 256, timeout: IDLE_SOCKET_MS });
  readonly https = new https.Agent({ keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 256, timeout: IDLE_SOCKET_MS });

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

export function upstreamHeaders(trial: RegisteredTrial, client: IncomingHttpHeaders, bodyLength: number | null): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const name in client) {
    const value = client[name];
    if (value !== undefined && !DROPPED_REQUEST_HEADERS.has(name)) headers[name] = value;
  }
  // Plain bytes, so the meter can read the response.
  headers['accept-encoding'] = 'identity';
  if (bodyLength !== null) headers['content-length'] = String(bodyLength);
  // anthropic-beta (and any other header) passes through as the client sent it.
  const version = typeof headers['anthropic-version'] === 'string' ? headers['anthropic-version'] : undefined;
  return Object.assign(headers, credentialHeaders(trial.upstream.kind, trial.upstream.apiKey, version));
}

/** Upstream path: the base URL's path + the client's path after `/t/TOKEN` + its query (domain/providers.ts). */
export function upstreamPath(trial: RegisteredTrial, rest: string, query: string): string {
  return upstreamRequestPath(trial.upstreamUrl.pathname, rest, query);
}

export function openUpstream(
  agents: UpstreamAgents,
  trial: RegisteredTrial,
  method: string,
  path: string,
  headers: OutgoingHttpHeaders,
): http.ClientRequest {
  const { secure, hostname, port } = target(trial.upstreamUrl);
  const options: http.RequestOptions = { method, hostname, port, path, headers, agent: secure ? agents.https : agents.http };
  return secure ? https.request(options) : http.request(options);
}

/** Where a base URL points, worked out once per URL (its getters and the bracket regex cost on every call). */
const targets = new WeakMap<URL, { secure: boolean; hostname: string; port: string | number }>();

function target(url: URL): { secure: boolean; hostname: string; port: string | number } {
  let found = targets.get(url);
  if (!found) {
    const secure = url.protocol === 'https:';
    found = { secure, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || (secure ? 443 : 80) };
    targets.set(url, found);
  }
  return found;
}

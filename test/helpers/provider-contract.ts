/**
 * A provider-contract upstream: a real HTTP server on 127.0.0.1 that serves exactly the routes of
 * one real provider and nothing else, with that provider's credential rules and error bodies:
 *
 *   openai      POST /v1/chat/completions, POST /v1/responses, GET /v1/models   Authorization: Bearer KEY
 *   openrouter  POST /api/v1/chat/completions, GET /api/v1/models               Authorization: Bearer KEY
 *   anthropic   POST /v1/messages, GET /v1/models                               x-api-key: KEY + anthropic-version
 *
 * Any other path is a 404 in the provider's shape (OpenAI: "Invalid URL (POST /v1/v1/chat/completions)"),
 * a wrong or missing key a 401. The content of a reply is the simulated provider's (the request is
 * passed to it with the model renamed to a sim model, and the reply carries the requested model
 * name back), so token counts are honest; what the upstream reported (input tokens, cached and
 * cache-written included, and output tokens) is recorded with every request.
 * Reachable at its SDK base URL: `base` (`http://127.0.0.1:PORT/v1`, `…/api/v1`, `http://127.0.0.1:PORT`).
 * KILOBENCH_CONTRACT_LOG=1 prints every request as it is answered.
 */
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimProvider, type SimProvider } from '../../src/core/providers/sim';

export type ContractProvider = 'openai' | 'openrouter' | 'anthropic';

export interface ContractRequest {
  method: string;
  /** Path and query as received. */
  path: string;
  headers: IncomingHttpHeaders;
  status: number;
  /** What the reply reported: every input token (cached included) and output tokens; null without usage. */
  reported: { input: number; output: number } | null;
}

export interface ProviderContract {
  provider: ContractProvider;
  /** The base URL as the provider's SDK takes it. */
  base: string;
  /** Scheme, host and port: what the README's baseUrl has its host part replaced with. */
  origin: string;
  key: string;
  requests: ContractRequest[];
  close(): Promise<void>;
}

const ROUTES: Record<ContractProvider, { prefix: string; post: string[]; get: string[] }> = {
  openai: { prefix: '/v1', post: ['/v1/chat/completions', '/v1/responses'], get: ['/v1/models'] },
  openrouter: { prefix: '/api/v1', post: ['/api/v1/chat/completions'], get: ['/api/v1/models'] },
  anthropic: { prefix: '', post: ['/v1/messages'], get: ['/v1/models'] },
};

function errorBody(provider: ContractProvider, status: number, message: string): unknown {
  if (provider === 'anthropic') {
    const type = status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  }
  if (provider === 'openrouter') return { error: { message, code: status } };
  return { error: { message, type: 'invalid_request_error', param: null, code: status === 401 ? 'invalid_api_key' : null } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Every input token and the output tokens a reply reported (JSON or SSE), by protocol. */
export function reportedUsage(text: string): { input: number; output: number } | null {
  const objects: Record<string, unknown>[] = [];
  const json = text.trimStart().startsWith('{');
  const chunks = json ? [text] : text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).filter((d) => d && d !== '[DONE]');
  for (const chunk of chunks) {
    try {
      objects.push(JSON.parse(chunk) as Record<string, unknown>);
    } catch {
      // not JSON: no usage in it
    }
  }
  let input: number | null = null;
  let output: number | null = null;
  for (const o of objects) {
    const nested = (o.message ?? o.response) as Record<string, unknown> | undefined;
    const u = (o.usage ?? nested?.usage) as Record<string, number> | null | undefined;
    if (!u) continue;
    if (typeof u.prompt_tokens === 'number') input = u.prompt_tokens; // Chat Completions
    else if (typeof u.input_tokens === 'number' && u.input_tokens_details !== undefined) input = u.input_tokens; // Responses
    else if (typeof u.input_tokens === 'number') input = u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0); // Anthropic
    const out = u.completion_tokens ?? u.output_tokens;
    if (typeof out === 'number') output = out;
  }
  return input === null || output === null ? null : { input, output };
}

export async function startProviderContract(provider: ContractProvider, options: { key?: string; simModel?: string } = {}): Promise<ProviderContract> {
  const key = options.key ?? `sk-contract-${provider}-0123456789`;
  const simModel = options.simModel ?? 'sim/direct';
  const sim: SimProvider = await startSimProvider();
  const requests: ContractRequest[] = [];
  const routes = ROUTES[provider];

  const authorised = (headers: IncomingHttpHeaders): boolean =>
    provider === 'anthropic' ? headers['x-api-key'] === key : headers.authorization === `Bearer ${key}`;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const route = path.split('?')[0] as string;
      const record = (status: number, reported: ContractRequest['reported'] = null): void => {
        requests.push({ method, path, headers: req.headers, status, reported });
        if (process.env.KILOBENCH_CONTRACT_LOG) console.log(`      [${provider} upstream] ${method} ${path} → ${status}`);
      };
      const known = method === 'POST' ? routes.post.includes(route) : method === 'GET' && routes.get.includes(route);
      if (!known) {
        record(404);
        return send(res, 404, errorBody(provider, 404, provider === 'openai' ? `Invalid URL (${method} ${route})` : 'Not Found'));
      }
      if (!authorised(req.headers)) {
        record(401);
        return send(res, 401, errorBody(provider, 401, provider === 'anthropic' ? 'invalid x-api-key' : 'Incorrect API key provided.'));
      }
      if (provider === 'anthropic' && !req.headers['anthropic-version']) {
        record(400);
        return send(res, 400, errorBody(provider, 400, 'anthropic-version: header is required'));
      }
      if (method === 'GET') {
        record(200);
        return send(res, 200, provider === 'anthropic' ? { data: [], has_more: false } : { object: 'list', data: [] });
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        record(400);
        return send(res, 400, errorBody(provider, 400, 'Request body is not valid JSON.'));
      }
      const model = String(body.model ?? '');
      const simPath = route.slice(routes.prefix.length).replace(/^\/v1/, '');
      void fetch(`${sim.url}/v1${simPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(provider === 'anthropic' ? { 'anthropic-version': String(req.headers['anthropic-version']) } : {}) },
        body: JSON.stringify({ ...body, model: simModel }),
      }).then(async (r) => {
        // The reply names the model asked for, as the provider's would.
        const text = (await r.text()).split(JSON.stringify(simModel)).join(JSON.stringify(model));
        record(r.status, r.ok ? reportedUsage(text) : null);
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json', 'content-length': String(Buffer.byteLength(text)) });
        res.end(text);
      }, (error: Error) => {
        record(500);
        send(res, 500, errorBody(provider, 500, error.message));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    provider, base: `${origin}${routes.prefix}`, origin, key, requests,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sim.close();
    },
  };
}

/**
 * The simulated provider: a local HTTP server (127.0.0.1) speaking OpenAI Chat Completions, OpenAI
 * Responses and Anthropic Messages, streaming and not, with tool calls in each protocol's real shape and honest
 * token counts. It is a test device backed by the task's answer key, always labelled simulated.
 *
 * Paths: `[/s/SESSION][/v1]/chat/completions`, `…/responses`, `…/messages`, `…/messages/count_tokens`, `…/models`.
 * A session (registered by the run) carries the profile, seed and reference solution of a trial;
 * without one, a chat is answered with a short text reply.
 */
import { randomBytes, createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tryParseJson } from '../../json';
import { FaultQueue, type FaultKind, type RandomFaults, type SimFault } from './faults';
import { chatTurn, nextTurn, type SimSession, type SimTurn } from './policy';
import { SIM_MODELS } from './profiles';
import type { SimReply } from './reply';
import { isProblem, parseSimRequest, type SimRequest, type SimWire } from './request';
import { conversationKey, countOutput, countPrompt, promptSegments, PromptCache } from './tokens';
import { anthropicBody, anthropicError, anthropicStream } from './wire-anthropic';
import { openaiBody, openaiError, openaiStream } from './wire-openai';
import { responsesBody, responsesStream } from './wire-responses';

export interface SimLatency {
  /** Wait before the first byte of every response (a model's time to first token). */
  firstTokenMs?: number;
  /** Wait between stream events. */
  chunkMs?: number;
}

export interface SimProviderOptions {
  host?: string;
  port?: number;
  faults?: SimFault[];
  /** Seeded random faults on a share of the requests that have no queued fault. */
  randomFaults?: RandomFaults;
  latency?: SimLatency;
}

export interface SimProvider {
  readonly url: string;
  /** Returns the session id; the upstream base URL for it is `${url}/s/${id}`. */
  registerSession(session: SimSession): string;
  unregisterSession(id: string): void;
  /** Replaces the fault queue: each later LLM request takes the next fault. */
  setFaults(faults: SimFault[]): void;
  /** Turns seeded random faults on (restarting the sequence from the seed) or off (undefined). */
  setRandomFaults(options: RandomFaults | undefined): void;
  /** Faults injected so far, by kind (queued and random). */
  readonly injectedFaults: Readonly<Record<FaultKind, number>>;
  /** LLM requests received (chat completions and messages), refused ones included. */
  readonly requestCount: number;
  close(): Promise<void>;
}

interface SessionState {
  session: SimSession;
  cache: PromptCache;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const MAX_BODY = 32 * 1024 * 1024;

function thinkingText(tokens: number): string {
  if (tokens <= 0) return '';
  const sentence = 'Let me think about what the task needs and which step comes next. ';
  const perSentence = countOutput(sentence);
  return sentence.repeat(Math.max(1, Math.round(tokens / perSentence))).trimEnd();
}

function stableId(prefix: string, ...parts: (string | number)[]): string {
  return `${prefix}${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24)}`;
}

class Simulator implements SimProvider {
  url = '';
  requestCount = 0;
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private readonly sessions = new Map<string, SessionState>();
  private readonly sharedCache = new PromptCache();
  private readonly faults = new FaultQueue();

  constructor(private readonly options: SimProviderOptions) {
    this.faults.set(options.faults ?? []);
    this.faults.setRandom(options.randomFaults);
    this.server.keepAliveTimeout = 30_000;
  }

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  }

  registerSession(session: SimSession): string {
    const id = randomBytes(12).toString('base64url');
    this.sessions.set(id, { session: { ...session }, cache: new PromptCache(64) });
    return id;
  }

  unregisterSession(id: string): void {
    this.sessions.delete(id);
  }

  setFaults(faults: SimFault[]): void {
    this.faults.set(faults);
  }

  setRandomFaults(options: RandomFaults | undefined): void {
    this.faults.setRandom(options);
  }

  get injectedFaults(): Readonly<Record<FaultKind, number>> {
    return this.faults.injected;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let path = (req.url ?? '/').split('?')[0] ?? '/';
    const anthropicClient = req.headers['anthropic-version'] !== undefined || /\/messages(\/|$)/.test(path);
    let state: SessionState | undefined;
    const scoped = /^\/s\/([^/]+)(\/.*)?$/.exec(path);
    if (scoped) {
      state = this.sessions.get(scoped[1] as string);
      if (!state) return this.error(res, anthropicClient, 404, 'Unknown simulator session.', 'not_found');
      path = scoped[2] ?? '/';
    }
    path = path.replace(/^\/v1(?=\/|$)/, '').replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && path === '/models') return this.models(res, anthropicClient);
    if (req.method === 'POST' && path === '/chat/completions') return this.llm(req, res, 'openai', state);
    if (req.method === 'POST' && path === '/responses') return this.llm(req, res, 'responses', state);
    if (req.method === 'POST' && path === '/messages') return this.llm(req, res, 'anthropic', state);
    if (req.method === 'POST' && path === '/messages/count_tokens') return this.countTokens(req, res, state);
    req.resume();
    this.error(res, anthropicClient, 404, `The simulated provider has no ${req.method} ${path}.`, 'not_found');
  }

  private readJson(req: IncomingMessage, done: (data: unknown, tooLarge: boolean) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => done(size > MAX_BODY ? undefined : tryParseJson(Buffer.concat(chunks).toString('utf8')), size > MAX_BODY));
    req.on('error', () => undefined);
  }

  private error(res: ServerResponse, anthropic: boolean, status: number, message: string, kind: 'invalid_request' | 'not_found' | 'rate_limit' | 'server', code?: string, headers: Record<string, string> = {}): void {
    const anthropicType = { invalid_request: 'invalid_request_error', not_found: 'not_found_error', rate_limit: 'rate_limit_error', server: 'api_error' }[kind];
    const openaiType = { invalid_request: 'invalid_request_error', not_found: 'invalid_request_error', rate_limit: 'rate_limit_exceeded', server: 'server_error' }[kind];
    const body = anthropic ? anthropicError(message, anthropicType) : openaiError(message, openaiType, code ?? null);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  }

  private models(res: ServerResponse, anthropic: boolean): void {
    const body = anthropic
      ? { data: SIM_MODELS.map((id) => ({ type: 'model', id, display_name: `${id} (simulated)`, created_at: '2025-01-01T00:00:00Z' })), has_more: false, first_id: SIM_MODELS[0], last_id: SIM_MODELS[SIM_MODELS.length - 1] }
      : { object: 'list', data: SIM_MODELS.map((id) => ({ id, object: 'model', created: 0, owned_by: 'kilobench-sim' })) };
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  }

  private countTokens(req: IncomingMessage, res: ServerResponse, _state: SessionState | undefined): void {
    this.readJson(req, (data) => {
      const request = parseSimRequest('anthropic', { max_tokens: 1, ...(typeof data === 'object' && data !== null ? data : {}) });
      if (isProblem(request)) return this.error(res, true, request.status, request.message, request.status === 404 ? 'not_found' : 'invalid_request');
      const text = JSON.stringify({ input_tokens: countPrompt(promptSegments('anthropic', request.body), undefined).total });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    });
  }

  private llm(req: IncomingMessage, res: ServerResponse, wire: SimWire, state: SessionState | undefined): void {
    const anthropic = wire === 'anthropic';
    this.readJson(req, (data, tooLarge) => {
      this.requestCount++;
      if (tooLarge) return this.error(res, anthropic, 413, 'Request body too large.', 'invalid_request');
      if (data === undefined) return this.error(res, anthropic, 400, 'Request body is not valid JSON.', 'invalid_request');
      const request = parseSimRequest(wire, data);
      if (isProblem(request)) {
        return this.error(res, anthropic, request.status, request.message, request.status === 404 ? 'not_found' : 'invalid_request', request.code);
      }
      const fault = this.faults.next();
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'rate_limit') {
        const seconds = fault.retryAfterSeconds ?? 1;
        return this.error(res, anthropic, 429, 'Rate limit reached (simulated).', 'rate_limit', 'rate_limit_exceeded', { 'retry-after': String(seconds) });
      }
      if (fault?.kind === 'server_error') return this.error(res, anthropic, 500, 'Internal server error (simulated).', 'server');
      const reply = this.reply(request, state);
      const delay = (fault?.kind === 'slow_first_token' ? fault.delayMs : 0) + (this.options.latency?.firstTokenMs ?? 0);
      const respond = (): void => (request.stream ? this.stream(res, request, reply, fault) : this.whole(res, request, reply, fault));
      if (delay > 0) setTimeout(respond, delay);
      else respond();
    });
  }

  private reply(request: SimRequest, state: SessionState | undefined): SimReply {
    const profile = state?.session.profile ?? request.profile;
    const turn: SimTurn = state && request.tools.length > 0
      ? nextTurn(state.session, profile, request.tools, request.previousToolCalls)
      : chatTurn(profile);
    const segments = promptSegments(request.wire, request.body);
    const cache = state?.cache ?? this.sharedCache;
    const key = conversationKey(request.wire, request.model, segments);
    const prompt = countPrompt(segments, cache.previous(key));
    cache.remember(key, prompt.tokens);
    let cacheRead = prompt.cached;
    let cacheWrite = 0;
    if (request.wire === 'anthropic') {
      // Anthropic caches only up to the request's last cache_control breakpoint, and writes what it did not read.
      cacheRead = Math.min(prompt.cached, prompt.cacheable);
      cacheWrite = prompt.cacheable - cacheRead;
    }
    const seed = state?.session.seed ?? 0;
    const toolCall = turn.toolCall
      ? { id: stableId(request.wire === 'anthropic' ? 'toolu_' : 'call_', seed, request.previousToolCalls, turn.toolCall.name), name: turn.toolCall.name, argumentsJson: JSON.stringify(turn.toolCall.arguments) }
      : null;
    const thinking = request.wire === 'anthropic' && request.thinking ? thinkingText(turn.reasoningTokens) : null;
    // OpenAI-style hidden reasoning is counted, not shown; Anthropic thinking is shown only when asked for.
    const reasoning = request.wire !== 'anthropic' ? turn.reasoningTokens : thinking ? countOutput(thinking) : 0;
    const output = countOutput(turn.text) + (toolCall ? countOutput(`${toolCall.name}${toolCall.argumentsJson}`) : 0) + reasoning;
    return {
      id: { anthropic: 'msg_sim_', responses: 'resp_sim_', openai: 'chatcmpl-sim-' }[request.wire] + randomBytes(9).toString('hex'),
      model: request.model,
      created: Math.floor(Date.now() / 1000),
      text: turn.text,
      toolCall,
      thinking,
      usage: { promptTotal: prompt.total, cacheRead, cacheWrite, output, reasoning },
    };
  }

  private whole(res: ServerResponse, request: SimRequest, reply: SimReply, fault: SimFault | undefined): void {
    let text = JSON.stringify(request.wire === 'anthropic' ? anthropicBody(reply) : request.wire === 'responses' ? responsesBody(reply) : openaiBody(reply));
    if (fault?.kind === 'malformed_json') text = text.slice(0, Math.floor(text.length / 2));
    const bytes = Buffer.from(text, 'utf8');
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length), 'x-kilobench-sim': 'true' });
    if (fault?.kind === 'cut_stream') {
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      setImmediate(() => res.socket?.destroy());
      return;
    }
    res.end(bytes);
  }

  private stream(res: ServerResponse, request: SimRequest, reply: SimReply, fault: SimFault | undefined): void {
    let events = request.wire === 'anthropic' ? anthropicStream(reply) : request.wire === 'responses' ? responsesStream(reply) : openaiStream(reply, request.includeUsage);
    let cutAfter: number | null = null;
    if (fault?.kind === 'malformed_json') events = [...events.slice(0, 2), 'data: {"choices": [ {"delta": broken\n\n'];
    if (fault?.kind === 'cut_stream') cutAfter = Math.max(1, fault.afterEvents ?? 3);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-kilobench-sim': 'true' });
    const chunkMs = this.options.latency?.chunkMs ?? 0;
    let i = 0;
    const cut = (): void => {
      res.socket?.destroy();
    };
    const next = (): void => {
      if (res.destroyed) return;
      if (cutAfter !== null && i >= cutAfter) return cut();
      if (i >= events.length) {
        res.end();
        return;
      }
      res.write(events[i++] as string);
      if (chunkMs > 0) setTimeout(next, chunkMs);
      else next();
    };
    if (chunkMs > 0) {
      next();
      return;
    }
    // No pacing: the first event on its own, the rest together (one write per event, corked).
    res.write(events[i++] as string);
    setImmediate(() => {
      res.cork();
      while (i < events.length && (cutAfter === null || i < cutAfter)) res.write(events[i++] as string);
      res.uncork();
      if (cutAfter !== null && i >= cutAfter) setImmediate(cut);
      else res.end();
    });
  }
}

export async function startSimProvider(options: SimProviderOptions = {}): Promise<SimProvider> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`the simulated provider binds to loopback only (127.0.0.1 or ::1), not ${host}`);
  const sim = new Simulator(options);
  await sim.listen(host, options.port ?? 0);
  return sim;
}


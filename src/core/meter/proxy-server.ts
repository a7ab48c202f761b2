/**
 * The metering proxy: one HTTP server on 127.0.0.1 between every harness and its provider.
 *
 *   client ──/t/TOKEN/…──► proxy ──real key──► upstream
 *                            │ bytes passed on as they arrive; a reader beside them
 *                            ▼ extracts usage, text and tool calls
 *                        MeteredCall ──► 'call' listeners, per-trial and per-run totals, budgets
 *
 * It writes nothing to disk; the store listens to 'call'.
 */
import { EventEmitter } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BudgetLedger } from './budget';
import { buildMeteredCall, type CallFacts } from './call-record';
import { asObject, asString, tryParseJson } from '../json';
import { createReader, detectProtocol, providerError, type ErrorKind } from './wire-protocol';
import { needsRedaction, redact, redactDeep } from './redact';
import { TrialRegistry, type RegisteredTrial, type TrialRegistration } from './trial-registry';
import type { Budget, BudgetExceededEvent, MeteredCall, Protocol, Totals } from './types';
import { upstreamPath, UpstreamAgents } from './upstream';
import { routeFailureMessage } from '../domain';
import { Forwarder } from './forward';
import { withStreamUsage } from './stream-usage';
import { formatCost, formatUsd } from '../format';

export interface MeteringProxyOptions {
  /** Loopback only: `127.0.0.1` (default) or `::1`. */
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  /** One line per call and per proxy-side problem; keys are redacted. */
  log?: (line: string) => void;
  /** Largest request body accepted (default 64 MiB); larger gets 413. */
  maxBodyBytes?: number;
  /** Upstream silent this long (no bytes) ends the call as a timeout (default 10 minutes). */
  upstreamIdleTimeoutMs?: number;
}

export interface TrialHandle {
  token: string;
  /** `http://127.0.0.1:PORT/t/TOKEN`: the harness's provider base URL; its API key is `token`. */
  baseUrl: string;
  unregister(): void;
}

export interface MeteringProxy {
  readonly url: string;
  registerTrial(registration: TrialRegistration): TrialHandle;
  setRunBudget(runId: string, budget: Budget | undefined): void;
  /** What a resumed run spent in earlier processes: counted against its budget from now on. */
  carryOverRunSpend(runId: string, usd: number): void;
  /** Totals of a trial (looked up first) or a run; undefined when nothing is known of it. */
  totals(id: string): Totals | undefined;
  /**
   * Also listen on one more address of this machine (a per-run Docker network's gateway), so trial
   * containers reach the proxy without the host's network. Same handler, same tokens: a request
   * without a registered trial token gets 401 there too. Returns that listener's origin
   * (`http://ADDRESS:PORT`) and how to stop it; `close()` stops it as well.
   */
  listenOn(address: string): Promise<{ url: string; close(): Promise<void> }>;
  on(event: 'call', listener: (call: MeteredCall) => void): this;
  on(event: 'budget_exceeded', listener: (event: BudgetExceededEvent) => void): this;
  off(event: 'call', listener: (call: MeteredCall) => void): this;
  off(event: 'budget_exceeded', listener: (event: BudgetExceededEvent) => void): this;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const TRIAL_PATH = /^\/t\/([A-Za-z0-9_-]+)(\/[^?]*)?(\?.*)?$/;

class Proxy extends EventEmitter implements MeteringProxy {
  url = '';
  private readonly server: http.Server;
  private readonly registry = new TrialRegistry();
  private readonly ledger = new BudgetLedger();
  private readonly agents = new UpstreamAgents();
  private readonly forwarder: Forwarder;
  private readonly maxBodyBytes: number;
  private readonly extraServers = new Set<http.Server>();

  constructor(private readonly options: MeteringProxyOptions) {
    super();
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
    this.forwarder = new Forwarder({
      agents: this.agents,
      secrets: () => this.registry.secrets(),
      log: (line) => this.log(line),
      idleTimeoutMs: options.upstreamIdleTimeoutMs ?? 10 * 60 * 1000,
    });
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
  }

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    // `localhost` is resolved by the system: check what was really bound.
    if (!/^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/.test(address.address)) {
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      throw new Error(`the metering proxy binds to loopback only, but ${host} resolved to ${address.address}`);
    }
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${shown}:${address.port}`;
  }

  registerTrial(registration: TrialRegistration): TrialHandle {
    const trial = this.registry.add(registration);
    this.ledger.setTrialBudget(trial.trialId, registration.budget);
    return {
      token: trial.token,
      baseUrl: `${this.url}/t/${trial.token}`,
      unregister: () => this.registry.remove(trial.token),
    };
  }

  setRunBudget(runId: string, budget: Budget | undefined): void {
    this.ledger.setRunBudget(runId, budget);
  }

  carryOverRunSpend(runId: string, usd: number): void {
    this.ledger.carryOverRunSpend(runId, usd);
  }

  totals(id: string): Totals | undefined {
    return this.ledger.totals(id);
  }

  async listenOn(address: string): Promise<{ url: string; close(): Promise<void> }> {
    if (isIP(address) === 0) throw new Error(`the metering proxy listens on IP addresses only, not "${address}"`);
    const server = http.createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRNOTAVAIL'
        ? new Error(`the metering proxy cannot listen on ${address}: it is not an address of this machine (a remote Docker engine's network?)`)
        : new Error(`the metering proxy cannot listen on ${address}: ${e.message}`)));
      server.listen(0, address, () => resolve());
    });
    this.extraServers.add(server);
    const { port } = server.address() as AddressInfo;
    const close = async () => {
      if (!this.extraServers.delete(server)) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    };
    return { url: `http://${isIP(address) === 6 ? `[${address}]` : address}:${port}`, close };
  }

  async close(): Promise<void> {
    const closed = [this.server, ...this.extraServers].map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const server of [this.server, ...this.extraServers]) server.closeAllConnections();
    this.extraServers.clear();
    this.agents.destroy();
    await Promise.all(closed);
  }

  private log(line: string): void {
    this.options.log?.(redact(line, this.registry.secrets()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const startedAt = new Date();
    const match = TRIAL_PATH.exec(req.url ?? '');
    const rest = match?.[2] ?? '/';
    const trial = match?.[1] ? this.registry.find(match[1]) : undefined;
    const protocol = req.method === 'POST' ? detectProtocol(rest) : null;
    const anthropicShaped = protocol === 'anthropic-messages' || (!protocol && (trial?.upstream.kind === 'anthropic' || /\/messages/.test(rest)));
    if (!trial) {
      // Never forwarded, never read further.
      req.resume();
      this.reply(res, providerError(anthropicShaped, 401, 'authentication', 'Missing or unknown KiloBench trial token in the base URL.'));
      this.log(`refused ${req.method} ${match ? '/t/<unknown>' : (req.url ?? '').split('?')[0]}: unknown trial token`);
      return;
    }
    if (!safeRest(rest)) {
      req.resume();
      this.reply(res, providerError(anthropicShaped, 400, 'invalid_request', 'Path segments "." and "..", encoded slashes and backslashes are not allowed after the trial token.'));
      this.log(`refused ${req.method} for ${trial.trialId}: path tricks after the token`);
      return;
    }
    this.readBody(req, (body, tooLarge) => {
      if (tooLarge) {
        this.reply(res, providerError(anthropicShaped, 413, 'invalid_request', `Request body larger than ${this.maxBodyBytes} bytes.`));
        return;
      }
      const query = match?.[3] ?? '';
      if (protocol) this.metered(trial, protocol, req, res, rest, query, body, started, startedAt);
      else this.forwarder.forward({ trial, req, res, path: upstreamPath(trial, rest, query), body, reader: null, stripInjectedUsage: false }, () => undefined);
    });
  }

  private readBody(req: IncomingMessage, done: (body: Buffer, tooLarge: boolean) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), tooLarge));
    req.on('error', () => undefined);
  }

  private metered(
    trial: RegisteredTrial, protocol: Protocol, req: IncomingMessage, res: ServerResponse,
    rest: string, query: string, raw: Buffer, started: number, startedAt: Date,
  ): void {
    const anthropic = protocol === 'anthropic-messages';
    const seq = ++trial.calls;
    const parsed = asObject(tryParseJson(raw.toString('utf8')));
    const requestedModel = asString(parsed?.model) ?? null;
    const streaming = parsed?.stream === true;
    const facts: CallFacts = {
      trialId: trial.trialId, runId: trial.runId, seq, startedAt, protocol, upstreamKind: trial.upstream.kind,
      requestedModel, upstreamModel: requestedModel, streaming, requestBody: parsed, httpStatus: null,
      latencyMs: 0, ttftMs: null, observation: null, failure: null, prices: trial.prices,
    };
    if (!parsed) return this.refuse(res, facts, anthropic, started, 400, 'invalid_request', 'Request body must be a JSON object.');
    if (typeof parsed.model !== 'string' || !parsed.model) return this.refuse(res, facts, anthropic, started, 400, 'invalid_request', 'Request body needs a "model" string.');
    const verdict = this.ledger.check(trial.trialId, trial.runId);
    if (verdict) {
      const spentUsd = verdict.totals.costUsd;
      const message = `KiloBench ${verdict.scope} budget exceeded (spent ${formatUsd(spentUsd)} of ${describeBudget(verdict.budget)}); request refused.`;
      if (this.ledger.markExceeded(trial.trialId)) {
        const event: BudgetExceededEvent = {
          trialId: trial.trialId, runId: trial.runId, scope: verdict.scope, status: 'budget_exceeded', budget: verdict.budget,
          spentUsd, spentTokens: verdict.totals.usage.input + verdict.totals.usage.cacheRead + verdict.totals.usage.cacheWrite + verdict.totals.usage.output,
        };
        try {
          this.emit('budget_exceeded', event);
        } catch (error) {
          this.log(`a 'budget_exceeded' listener failed: ${(error as Error).message}`);
        }
      }
      return this.refuse(res, facts, anthropic, started, 402, 'budget', message);
    }
    // Rewrite the body only when needed: a mapped model name, or asking an OpenAI-compatible upstream for stream usage.
    let body = raw;
    const mapped = trial.upstream.modelMap?.[requestedModel as string];
    const streamOptions = asObject(parsed.stream_options);
    const askUsage = protocol === 'openai-chat' && streaming && trial.upstream.kind !== 'anthropic' && streamOptions?.include_usage !== true;
    // Asking for usage alone (the usual rewrite) splices the member into the client's bytes: serialising a long chat again cost more than the rest of the call's metering.
    const spliced = askUsage && !mapped && parsed.stream_options === undefined ? withStreamUsage(raw) : null;
    if (spliced) {
      body = spliced;
    } else if (mapped || askUsage) {
      const rewritten: Record<string, unknown> = { ...parsed };
      if (mapped) rewritten.model = mapped;
      if (askUsage) rewritten.stream_options = { ...(streamOptions ?? {}), include_usage: true };
      body = Buffer.from(JSON.stringify(rewritten), 'utf8');
      facts.upstreamModel = mapped ?? requestedModel;
    }
    const reader = createReader(protocol);
    const exchange = { trial, req, res, path: upstreamPath(trial, rest, query), body, reader, stripInjectedUsage: askUsage };
    this.forwarder.forward(exchange, (outcome) => {
      // A wrong route or key says so, with the provider, the path and the fix.
      const routeFailure = outcome.status === null || outcome.status < 400 ? null
        : routeFailureMessage(trial.upstream.kind, trial.upstreamUrl, req.method ?? 'POST', exchange.path, outcome.status, trial.upstream.keyEnv);
      // The facts are this call's own: filled in, not copied.
      facts.httpStatus = outcome.status;
      facts.latencyMs = performance.now() - started;
      facts.ttftMs = outcome.firstByteAt === null ? null : outcome.firstByteAt - started;
      facts.observation = outcome.status === null ? null : reader.result();
      facts.failure = routeFailure ?? outcome.failure;
      this.finish(facts);
    });
  }

  /** Answers a metered request without sending it upstream, and records it as a call. */
  private refuse(res: ServerResponse, facts: CallFacts, anthropic: boolean, started: number, status: number, kind: ErrorKind, message: string): void {
    this.reply(res, providerError(anthropic, status, kind, message));
    this.finish({ ...facts, httpStatus: status, latencyMs: performance.now() - started, failure: message });
  }

  private finish(facts: CallFacts): void {
    // Every field (text, tool-call arguments, usageRaw, model names, error): a key echoed anywhere stays out of records.
    // Checked first, and copied masked only when a key is there: the copy of every call was a large share of the proxy's CPU.
    const built = buildMeteredCall(facts);
    const call = needsRedaction(built, this.registry.secrets()) ? redactDeep(built, this.registry.secrets()) : built;
    this.ledger.record(call);
    if (this.options.log) this.log(`${call.trialId} #${call.seq} ${call.protocol} ${call.requestedModel ?? '-'} ${call.httpStatus ?? 'no-response'} ${call.latencyMs.toFixed(1)}ms ${call.usage.input}+${call.usage.cacheRead}r+${call.usage.cacheWrite}w→${call.usage.output} ${formatCost(call.costUsd)}${call.estimated ? ' estimated' : ''}${call.error ? ` error: ${call.error}` : ''}`);
    try {
      this.emit('call', call);
    } catch (error) {
      // A listener's failure must not take the proxy down with it.
      this.log(`a 'call' listener failed: ${(error as Error).message}`);
    }
  }

  private reply(res: ServerResponse, error: { status: number; headers: Record<string, string>; body: string }): void {
    res.writeHead(error.status, { ...error.headers, 'content-length': String(Buffer.byteLength(error.body)) });
    res.end(error.body);
  }
}

/**
 * The path after `/t/TOKEN` must stay under the trial's base URL: no dot segments (plain or
 * percent-encoded), no encoded slashes and no backslashes, which an upstream could resolve above it.
 */
function safeRest(rest: string): boolean {
  // Without a dot, a percent sign or a backslash there is nothing to check (the usual path).
  if (!/[.%\\]/.test(rest)) return true;
  if (/%2f|%5c|\\/i.test(rest)) return false;
  return rest.split('/').every((segment) => !/^(\.|%2e){1,2}$/i.test(segment));
}

function describeBudget(budget: Budget): string {
  const parts = [];
  if (budget.usd !== undefined) parts.push(formatUsd(budget.usd));
  if (budget.tokens !== undefined) parts.push(`${budget.tokens} tokens`);
  return parts.join(' / ');
}

export async function startMeteringProxy(options: MeteringProxyOptions = {}): Promise<MeteringProxy> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`the metering proxy binds to loopback only (127.0.0.1 or ::1), not ${host}`);
  const proxy = new Proxy(options);
  await proxy.listen(host, options.port ?? 0);
  return proxy;
}

/**
 * KiloBench's built-in reference agent: a plain tool-calling loop that runs beside the container (in
 * the CLI or extension process) and executes its tools inside it. It speaks OpenAI Chat Completions
 * or Anthropic Messages through the metering proxy with the official SDKs, so its container needs no
 * model channel: it gets the task's network only.
 */
import { setMaxListeners } from 'node:events';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { clip, type Harness, type HarnessContext, type HarnessOutcome } from '../harness';
import { classifyShellCommand, toolCategory } from '../../domain';
import { BUILTIN_TOOLS, runTool, type ToolResult } from './tools';

export const BUILTIN_VERSION = '1.0.0';
/** Most model turns in one trial. */
export const MAX_STEPS = 50;

const SYSTEM_PROMPT = [
  'You are an expert software engineer working in a Linux terminal environment to complete a task.',
  'Use the tools to inspect the environment, make the changes the task asks for, and check your work.',
  'When the task is complete, call the finish tool with a short summary.',
].join(' ');

/** One model turn, whatever the protocol: text plus the tool calls to run. */
interface Turn {
  text: string;
  toolCalls: { id: string; name: string; args: Record<string, unknown>; argsError?: string }[];
}

/** A conversation in one protocol; each implementation keeps its own message list. */
interface Conversation {
  next(): Promise<Turn>;
  addResults(results: { id: string; result: ToolResult }[]): void;
}

function parseArgs(raw: string): { args: Record<string, unknown>; error?: string } {
  try {
    const value = JSON.parse(raw || '{}') as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { args: value as Record<string, unknown> };
    return { args: {}, error: 'tool arguments must be a JSON object' };
  } catch {
    return { args: {}, error: `tool arguments are not valid JSON: ${raw.slice(0, 200)}` };
  }
}

function openaiConversation(ctx: HarnessContext, signal: AbortSignal): Conversation {
  const model = ctx.model!;
  const client = new OpenAI({ baseURL: model.baseUrl, apiKey: model.apiKey, maxRetries: 2, timeout: 10 * 60_000 });
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: ctx.task.instruction },
  ];
  const tools: OpenAI.Chat.ChatCompletionTool[] = BUILTIN_TOOLS.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
  return {
    async next() {
      const response = await client.chat.completions.create({ model: model.providerModel, messages, tools }, { signal });
      const message = response.choices[0]?.message;
      if (!message) return { text: '', toolCalls: [] };
      messages.push(message);
      return {
        text: message.content ?? '',
        toolCalls: (message.tool_calls ?? []).filter((c) => c.type === 'function').map((c) => {
          const { args, error } = parseArgs(c.function.arguments);
          return { id: c.id, name: c.function.name, args, ...(error ? { argsError: error } : {}) };
        }),
      };
    },
    addResults(results) {
      for (const { id, result } of results) messages.push({ role: 'tool', tool_call_id: id, content: result.output });
    },
  };
}

function anthropicConversation(ctx: HarnessContext, signal: AbortSignal): Conversation {
  const model = ctx.model!;
  const client = new Anthropic({ baseURL: model.baseUrl, apiKey: model.apiKey, maxRetries: 2, timeout: 10 * 60_000 });
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: ctx.task.instruction }];
  const tools: Anthropic.Tool[] = BUILTIN_TOOLS.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters }));
  return {
    async next() {
      const response = await client.messages.create({ model: model.providerModel, system: SYSTEM_PROMPT, max_tokens: 8192, messages, tools }, { signal });
      messages.push({ role: 'assistant', content: response.content });
      return {
        text: response.content.filter((b): b is Anthropic.TextBlock => b.type === 'text').map((b) => b.text).join(''),
        toolCalls: response.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use').map((b) => {
          const ok = typeof b.input === 'object' && b.input !== null && !Array.isArray(b.input);
          return { id: b.id, name: b.name, args: ok ? (b.input as Record<string, unknown>) : {}, ...(ok ? {} : { argsError: 'tool input must be an object' }) };
        }),
      };
    },
    addResults(results) {
      messages.push({
        role: 'user',
        content: results.map(({ id, result }) => ({ type: 'tool_result' as const, tool_use_id: id, content: result.output, is_error: result.isError })),
      });
    },
  };
}

/** Extra tries of a turn whose response could not be read (the SDKs retry 429s, 5xx and resets, not these). */
export const UNREADABLE_RESPONSE_RETRIES = 2;

/**
 * What went wrong with one model turn, in words. Everything `Conversation.next()` throws comes from
 * the provider's side: an error status or a dropped connection the SDK already retried
 * (`retried`), or a response it could not read — cut off mid-body, not JSON, or JSON without the
 * expected shape — which is worth trying again.
 */
function providerFailure(error: unknown): { message: string; retried: boolean } {
  if (error instanceof OpenAI.APIError || error instanceof Anthropic.APIError) {
    return { message: `${error.status ?? 'connection'}: ${error.message}`.slice(0, 500), retried: true };
  }
  const e = error as Error;
  const cause = (e.cause as Error | undefined)?.message;
  const what = e instanceof SyntaxError ? 'response was not valid JSON' : e.message === 'terminated' ? 'response was cut off before its end' : 'response could not be read';
  return { message: `${what} (${e.message}${cause ? `: ${cause}` : ''})`.slice(0, 500), retried: false };
}

export const builtinHarness: Harness = {
  name: 'builtin',
  modelInContainer: false,
  needsModel: true,
  async run(ctx): Promise<HarnessOutcome> {
    if (!ctx.model) return { status: 'error', error: 'the builtin harness needs a model', version: BUILTIN_VERSION };
    const deadline = Date.now() + ctx.timeoutMs;
    const abort = new AbortController();
    // The SDKs add a listener to the signal for every request; a trial makes up to MAX_STEPS of them.
    setMaxListeners(MAX_STEPS * 3, abort.signal);
    const timer = setTimeout(() => abort.abort(), ctx.timeoutMs);
    const onOuterAbort = () => abort.abort();
    ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
    const conversation = ctx.model.protocol === 'anthropic' ? anthropicConversation(ctx, abort.signal) : openaiConversation(ctx, abort.signal);
    const base = { version: BUILTIN_VERSION };
    try {
      for (let step = 1; step <= MAX_STEPS; step++) {
        let turn: Turn | undefined;
        for (let tries = 1; !turn; tries++) {
          try {
            turn = await conversation.next();
          } catch (e) {
            if (ctx.signal.aborted) return { ...base, status: 'cancelled' };
            if (abort.signal.aborted) return { ...base, status: 'timeout' };
            const failure = providerFailure(e);
            ctx.record({ kind: 'error', payload: { step, message: failure.message } });
            // A provider problem, never the agent's fail: excluded from pass rates by its status.
            if (failure.retried) return { ...base, status: 'provider_error', error: `the model provider failed: ${failure.message}` };
            if (tries > UNREADABLE_RESPONSE_RETRIES) {
              return { ...base, status: 'provider_error', error: `the model provider failed ${tries} times in a row: ${failure.message}` };
            }
            await new Promise((r) => setTimeout(r, 250 * tries));
          }
        }
        if (turn.text) ctx.record({ kind: 'model_message', payload: { step, text: clip(turn.text) } });
        if (turn.toolCalls.length === 0) return { ...base, status: 'completed' };
        const results: { id: string; result: ToolResult }[] = [];
        let finished = false;
        for (const call of turn.toolCalls) {
          const command = call.name === 'bash' && typeof call.args.command === 'string' ? call.args.command : undefined;
          const category = command ? classifyShellCommand(command) : toolCategory(call.name);
          ctx.record({ kind: 'tool_call', toolCategory: category, payload: { step, tool: call.name, input: call.args } });
          const started = Date.now();
          const result: ToolResult = call.argsError
            ? { output: `error: ${call.argsError}`, isError: true }
            : await runTool(ctx.sandbox, call.name, call.args, { timeLeftMs: deadline - Date.now(), signal: abort.signal });
          ctx.record({
            kind: 'tool_result', toolCategory: category,
            payload: { step, tool: call.name, outputBytes: Buffer.byteLength(result.output), output: clip(result.output, 4096), isError: result.isError, ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}), durationMs: Date.now() - started },
          });
          results.push({ id: call.id, result });
          finished ||= Boolean(result.finished);
          if (abort.signal.aborted) return { ...base, status: ctx.signal.aborted ? 'cancelled' : 'timeout' };
        }
        conversation.addResults(results);
        if (finished) return { ...base, status: 'completed' };
      }
      ctx.record({ kind: 'limit', payload: { message: `stopped after ${MAX_STEPS} steps` } });
      return { ...base, status: 'completed' };
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onOuterAbort);
    }
  },
};

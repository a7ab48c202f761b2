/**
 * An incoming chat-completions, responses or messages request, checked and reduced to what the simulator
 * needs. A body that does not pass gets a provider-shaped 400 (or 404 for an unknown model).
 */
import { asArray, asObject, asString } from '../../json';
import { PROFILES, type ProfileName } from './profiles';

/** OpenAI Chat Completions, OpenAI Responses, Anthropic Messages. */
export type SimWire = 'openai' | 'responses' | 'anthropic';

export interface ToolSpec {
  name: string;
  /** JSON schema of the arguments (`{}` when the tool has none). */
  schema: Record<string, unknown>;
}

export interface SimRequest {
  wire: SimWire;
  model: string;
  profile: ProfileName;
  stream: boolean;
  /** OpenAI: `stream_options.include_usage`. Anthropic streams always carry usage. */
  includeUsage: boolean;
  tools: ToolSpec[];
  /** Tool calls the assistant already made in this conversation. */
  previousToolCalls: number;
  /** Anthropic extended thinking was asked for. */
  thinking: boolean;
  body: Record<string, unknown>;
}

export type RequestProblem = { status: 400 | 404; message: string; code?: string };

function toolsOf(wire: SimWire, body: Record<string, unknown>): ToolSpec[] {
  return asArray(body.tools).flatMap((item): ToolSpec[] => {
    const tool = asObject(item);
    if (!tool) return [];
    if (wire === 'responses') {
      // Function tools only: built-in tools (web_search, local_shell…) and freeform custom tools are not the sim's.
      const name = asString(tool.name);
      return asString(tool.type) === 'function' && name ? [{ name, schema: asObject(tool.parameters) ?? {} }] : [];
    }
    if (wire === 'openai') {
      const fn = asObject(tool.function);
      const name = asString(fn?.name);
      return name ? [{ name, schema: asObject(fn?.parameters) ?? {} }] : [];
    }
    const name = asString(tool.name);
    return name ? [{ name, schema: asObject(tool.input_schema) ?? {} }] : [];
  });
}

const RESPONSES_CALL_ITEMS = new Set(['function_call', 'custom_tool_call', 'local_shell_call']);

function countToolCalls(wire: SimWire, messages: unknown[]): number {
  let count = 0;
  for (const item of messages) {
    const message = asObject(item);
    if (wire === 'responses') {
      if (RESPONSES_CALL_ITEMS.has(asString(message?.type) ?? '')) count++;
      continue;
    }
    if (asString(message?.role) !== 'assistant') continue;
    if (wire === 'openai') {
      count += asArray(message?.tool_calls).length + (asObject(message?.function_call) ? 1 : 0);
    } else {
      count += asArray(message?.content).filter((block) => asString(asObject(block)?.type) === 'tool_use').length;
    }
  }
  return count;
}

export function parseSimRequest(wire: SimWire, data: unknown): SimRequest | RequestProblem {
  const body = asObject(data);
  if (!body) return { status: 400, message: 'Request body must be a JSON object.' };
  const model = asString(body.model);
  if (!model) return { status: 400, message: 'Request body needs a "model" string.' };
  const profile = model.startsWith('sim/') ? model.slice(4) : '';
  if (!(profile in PROFILES)) {
    return { status: 404, code: 'model_not_found', message: `The simulated provider has no model "${model}" (known: ${Object.keys(PROFILES).map((p) => `sim/${p}`).join(', ')}).` };
  }
  let messages: unknown[];
  if (wire === 'responses') {
    // `input` is a string (one user message) or a list of items.
    if (typeof body.input === 'string') messages = [{ role: 'user', content: body.input }];
    else if (Array.isArray(body.input) && body.input.length > 0) messages = body.input;
    else return { status: 400, message: '"input" must be a string or a non-empty array.' };
    for (const [i, item] of messages.entries()) {
      if (!asObject(item)) return { status: 400, message: `input[${i}] must be an object.` };
    }
  } else {
    if (!Array.isArray(body.messages) || body.messages.length === 0) return { status: 400, message: '"messages" must be a non-empty array.' };
    messages = body.messages;
    for (const [i, item] of messages.entries()) {
      const role = asString(asObject(item)?.role);
      if (!role) return { status: 400, message: `messages[${i}] needs a "role" string.` };
    }
  }
  if (wire === 'anthropic' && typeof body.max_tokens !== 'number') return { status: 400, message: '"max_tokens" is required (a number).' };
  if (body.tools !== undefined && !Array.isArray(body.tools)) return { status: 400, message: '"tools" must be an array.' };
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return { status: 400, message: '"stream" must be a boolean.' };
  const thinking = asObject(body.thinking);
  return {
    wire,
    model,
    profile: profile as ProfileName,
    stream: body.stream === true,
    // Anthropic and Responses streams always carry usage; Chat Completions only when asked.
    includeUsage: wire !== 'openai' || asObject(body.stream_options)?.include_usage === true,
    tools: toolsOf(wire, body),
    previousToolCalls: countToolCalls(wire, messages),
    thinking: asString(thinking?.type) === 'enabled',
    body,
  };
}

export function isProblem(value: SimRequest | RequestProblem): value is RequestProblem {
  return 'status' in value;
}

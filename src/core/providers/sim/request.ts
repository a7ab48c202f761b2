/**
 * An incoming chat-completions or messages request, checked and reduced to what the simulator
 * needs. A body that does not pass gets a provider-shaped 400 (or 404 for an unknown model).
 */
import { asArray, asObject, asString } from '../../meter/json';
import { PROFILES, type ProfileName } from './profiles';

export type SimWire = 'openai' | 'anthropic';

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
    if (wire === 'openai') {
      const fn = asObject(tool.function);
      const name = asString(fn?.name);
      return name ? [{ name, schema: asObject(fn?.parameters) ?? {} }] : [];
    }
    const name = asString(tool.name);
    return name ? [{ name, schema: asObject(tool.input_schema) ?? {} }] : [];
  });
}

function countToolCalls(wire: SimWire, messages: unknown[]): number {
  let count = 0;
  for (const item of messages) {
    const message = asObject(item);
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
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return { status: 400, message: '"messages" must be a non-empty array.' };
  for (const [i, item] of messages.entries()) {
    const role = asString(asObject(item)?.role);
    if (!role) return { status: 400, message: `messages[${i}] needs a "role" string.` };
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
    includeUsage: wire === 'anthropic' || asObject(body.stream_options)?.include_usage === true,
    tools: toolsOf(wire, body),
    previousToolCalls: countToolCalls(wire, messages),
    thinking: asString(thinking?.type) === 'enabled',
    body,
  };
}

export function isProblem(value: SimRequest | RequestProblem): value is RequestProblem {
  return 'status' in value;
}

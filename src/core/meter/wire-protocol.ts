/**
 * Which wire protocol a request speaks (from its path), the reader for its responses, and the
 * error bodies each protocol's SDKs understand.
 */
import { AnthropicReader, normaliseAnthropicUsage } from './usage/anthropic';
import type { ResponseReader } from './usage/meter';
import { OpenAIChatReader, normaliseOpenAIChatUsage } from './usage/openai';
import { ResponsesReader, normaliseResponsesUsage } from './usage/responses';
import type { Protocol } from './types';
import type { TokenUsage } from '../domain';

/** The metered protocol of a POST path (query string excluded), or null for a path passed through unmetered. */
export function detectProtocol(path: string): Protocol | null {
  if (/\/chat\/completions\/?$/.test(path)) return 'openai-chat';
  if (/\/responses\/?$/.test(path)) return 'openai-responses';
  if (/\/messages\/?$/.test(path)) return 'anthropic-messages';
  return null;
}

export function createReader(protocol: Protocol): ResponseReader {
  switch (protocol) {
    case 'openai-chat':
      return new OpenAIChatReader();
    case 'openai-responses':
      return new ResponsesReader();
    case 'anthropic-messages':
      return new AnthropicReader();
  }
}

export function normaliseUsage(protocol: Protocol, raw: Readonly<Record<string, unknown>>): TokenUsage {
  switch (protocol) {
    case 'openai-chat':
      return normaliseOpenAIChatUsage(raw);
    case 'openai-responses':
      return normaliseResponsesUsage(raw);
    case 'anthropic-messages':
      return normaliseAnthropicUsage(raw);
  }
}

export interface ProviderErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type ErrorKind = 'invalid_request' | 'authentication' | 'budget' | 'not_found' | 'upstream';

const OPENAI_TYPES: Record<ErrorKind, { type: string; code: string | null }> = {
  invalid_request: { type: 'invalid_request_error', code: null },
  authentication: { type: 'invalid_request_error', code: 'invalid_api_key' },
  budget: { type: 'insufficient_quota', code: 'budget_exceeded' },
  not_found: { type: 'invalid_request_error', code: 'not_found' },
  upstream: { type: 'server_error', code: 'upstream_error' },
};

const ANTHROPIC_TYPES: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  budget: 'billing_error',
  not_found: 'not_found_error',
  upstream: 'api_error',
};

/**
 * An error in the shape the client's SDK parses: OpenAI `{error: {message, type, param, code}}`,
 * Anthropic `{type: "error", error: {type, message}}`. `x-should-retry: false` tells both SDKs not
 * to retry (a spent budget or an unknown token will not get better).
 */
export function providerError(anthropic: boolean, status: number, kind: ErrorKind, message: string): ProviderErrorResponse {
  const body = anthropic
    ? { type: 'error', error: { type: ANTHROPIC_TYPES[kind], message } }
    : { error: { message, type: OPENAI_TYPES[kind].type, param: null, code: OPENAI_TYPES[kind].code } };
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-should-retry': 'false' },
    body: JSON.stringify(body),
  };
}

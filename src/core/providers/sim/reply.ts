/** One simulated response, before it is put in a wire format. */
export interface SimReply {
  id: string;
  model: string;
  created: number;
  text: string;
  toolCall: { id: string; name: string; argumentsJson: string } | null;
  /** Anthropic extended thinking: the thinking text shown (its tokens are in `output`). */
  thinking: string | null;
  usage: {
    /** Every prompt token, cached or not. */
    promptTotal: number;
    cacheRead: number;
    cacheWrite: number;
    /** Output tokens, reasoning included. */
    output: number;
    reasoning: number;
  };
}

/** Text in pieces of a few words, as a model streams it. */
export function pieces(text: string, wordsPerPiece = 3): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerPiece) out.push(words.slice(i, i + wordsPerPiece).join(''));
  return out;
}

/** A string in fixed-size fragments (tool-call arguments). */
export function fragments(text: string, size = 48): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

export function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

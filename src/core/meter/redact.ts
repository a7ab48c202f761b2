/** Removes real provider keys from text before it can reach a client, a record or a log line. */
export const REDACTED = '[redacted]';

export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    // Very short "keys" would redact ordinary words; real keys are long.
    if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

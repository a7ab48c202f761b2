/**
 * The Content-Security-Policy of every KiloBench webview: deny by default; scripts only with this
 * page's nonce; styles from the webview's own source (plus nonce); images and fonts only from it.
 * No 'unsafe-inline', no 'unsafe-eval', no remote origin. Pure: unit-tested.
 */
import { randomBytes } from 'node:crypto';

/** 144 random bits from the system's CSPRNG (never Math.random). */
export function nonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonceValue: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonceValue}'`,
    `script-src 'nonce-${nonceValue}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}


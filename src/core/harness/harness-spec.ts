/**
 * Harness names with a version: `kilo@7.7.9`, `command:claude-code@2.1.x`, and lists of them
 * (`kilo@7.7.2,kilo@7.7.9`). A name without `@` is the harness at its default version (`kilo` is the
 * Kilo CLI release KiloBench pins, see README). The version is part of the harness's name, so trials
 * of two versions are two (model, harness) groups everywhere, and the versions comparison
 * (analysis/harness-versions.ts) pairs them up by the base name.
 */
import { InputError } from '../errors';

export class HarnessSpecError extends InputError {
  constructor(message: string) {
    super(message);
  }
}

export interface HarnessSpec {
  /** The whole name as written: `kilo@7.7.9`. */
  name: string;
  /** The harness without its version: `kilo`, `command:claude-code`. */
  base: string;
  /** `7.7.9`, `2.1.x`; undefined for the default version. */
  version?: string;
}

/** `7.7.9`, `7.7.9-beta.1`; with `x` (or `*`) for "any" in the last places when `ranges` is allowed: `2.1.x`, `2.x`. */
const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const RANGE = /^\d+(\.(\d+|x|\*)){1,2}$/;

export function isExactVersion(version: string): boolean {
  return EXACT.test(version);
}

/** `kilo@7.7.9` → { base: 'kilo', version: '7.7.9' }. Only the syntax is checked here. */
export function parseHarnessName(text: string): HarnessSpec {
  const name = text.trim();
  if (!name) throw new HarnessSpecError('empty harness name');
  const at = name.lastIndexOf('@');
  if (at < 0) return { name, base: name };
  const base = name.slice(0, at);
  const version = name.slice(at + 1);
  if (!base) throw new HarnessSpecError(`harness "${name}" has a version but no name (e.g. kilo@${version || '7.7.9'})`);
  if (!EXACT.test(version) && !RANGE.test(version)) {
    throw new HarnessSpecError(`harness "${name}": "${version}" is not a version (write it as 7.7.9, or 2.1.x where a range is allowed)`);
  }
  return { name, base, version };
}

/** `kilo@7.7.2, kilo@7.7.9` → both names, each checked; a name given twice is refused. */
export function parseHarnessList(text: string): HarnessSpec[] {
  const specs = text.split(',').map((part) => part.trim()).filter(Boolean).map(parseHarnessName);
  if (specs.length === 0) throw new HarnessSpecError('no harness named (e.g. --harness kilo or --harness kilo@7.7.2,kilo@7.7.9)');
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) throw new HarnessSpecError(`harness ${spec.name} is named twice`);
    seen.add(spec.name);
  }
  return specs;
}

/** The harness without its version (`kilo@7.7.9` → `kilo`). */
export function harnessBase(name: string): string {
  const at = name.lastIndexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

/** The version written in the name, if any (`kilo@7.7.9` → `7.7.9`). */
export function harnessVersionOf(name: string): string | undefined {
  const at = name.lastIndexOf('@');
  return at > 0 ? name.slice(at + 1) : undefined;
}

/**
 * Whether what a CLI printed for `--version` is the version asked for: the exact version as a whole
 * word (`7.7.9`, `2.1.332 (Claude Code)`), or, for a range, a version in it (`2.1.x` takes 2.1.332).
 */
export function versionMatches(asked: string, printed: string): boolean {
  const found: string[] = printed.match(/\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?/g) ?? [];
  if (EXACT.test(asked)) return found.includes(asked);
  const parts = asked.split('.');
  return found.some((v) => {
    const got = v.split('-')[0]?.split('.') ?? [];
    return parts.every((p, i) => p === 'x' || p === '*' || p === got[i]);
  });
}

/** Versions in release order (numeric parts compared as numbers; a pre-release before its release). */
export function compareVersions(a: string, b: string): number {
  const [ma = '', pa] = a.split('-', 2);
  const [mb = '', pb] = b.split('-', 2);
  const na = ma.split('.').map(Number);
  const nb = mb.split('.').map(Number);
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (Number.isFinite(na[i]) ? (na[i] as number) : 0) - (Number.isFinite(nb[i]) ? (nb[i] as number) : 0);
    if (d !== 0) return d;
  }
  if (pa === pb) return 0;
  if (pa === undefined) return 1;
  if (pb === undefined) return -1;
  return pa < pb ? -1 : 1;
}

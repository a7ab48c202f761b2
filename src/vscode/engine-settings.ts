/**
 * Which Docker engines a run from the editor uses, from its settings: `kilobench.dockerHost` (one),
 * `kilobench.dockerHosts` (a pool, as the CLI's repeated `--docker-host`) or `kilobench.enginesFile`
 * (as `--engines FILE`). The same rules as the CLI's `enginesFromOptions`: one URL is one engine, two or
 * more are a pool; the core checks every URL and file. Every bad value is one message naming the setting,
 * the value and the fix, never skipped. No `vscode` here, so the rules are unit-tested as they are.
 */
import { existsSync } from 'node:fs';
import type { EngineEntry } from '../core/runtime';
import { EngineError, type Fix } from './errors';

/** The settings as read; a value of the wrong type is refused with a message. */
export interface EngineSettings {
  dockerHost: string | undefined;
  dockerHosts: unknown;
  enginesFile: unknown;
  /** Makes a relative path absolute (in the workspace). */
  resolve(path: string): string;
}

/** What BenchmarkSession.open takes: a pool, one engine, or nothing (the core's own choice). */
export type EngineChoice = { engines: EngineEntry[] } | { dockerHost: string } | Record<string, never>;

/** The parts of the core this needs (loaded lazily by the caller). */
export interface EngineCore {
  enginesFromHosts(hosts: readonly string[]): EngineEntry[];
  readEnginesFile(path: string): EngineEntry[];
}

function openSettings(setting: string): Fix {
  return { label: 'Open Settings', command: 'workbench.action.openSettings', args: [`kilobench.${setting}`] };
}

function refuse(setting: string, message: string): never {
  throw new EngineError(`kilobench.${setting}: ${message}`, openSettings(setting));
}

/** The list of `kilobench.dockerHosts`, checked for shape: strings, none blank. */
function hostList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) refuse('dockerHosts', `write a list of engine URLs such as ["unix:///var/run/docker.sock", "ssh://user@host"], not ${JSON.stringify(value)}`);
  return value.map((item, i) => {
    if (typeof item !== 'string' || item.trim() === '') refuse('dockerHosts', `entry ${i + 1} is ${JSON.stringify(item)}; write an engine URL (unix:///path/docker.sock, tcp://host:2376 or ssh://user@host[:port])`);
    return item.trim();
  });
}

/** One URL of the list, checked by the core's own rules; the message names the setting and the entry. */
function checkedHost(core: EngineCore, host: string, index: number): EngineEntry {
  try {
    const [entry] = core.enginesFromHosts([host]);
    return entry as EngineEntry;
  } catch (e) {
    // The core names the CLI option ("--docker-host #1: …"); here the setting's entry is named instead.
    const reason = (e as Error).message.replace(/^--docker-host #1: /, '');
    return refuse('dockerHosts', `entry ${index + 1}: ${reason}`);
  }
}

/** The engines the settings name. Throws an EngineError (with an Open Settings fix) for any bad value. */
export function engineChoice(core: EngineCore, settings: EngineSettings): EngineChoice {
  const hosts = hostList(settings.dockerHosts);
  const fileSetting = settings.enginesFile ?? '';
  if (typeof fileSetting !== 'string') refuse('enginesFile', `write the path of an engines file, not ${JSON.stringify(fileSetting)}`);
  const file = fileSetting.trim() ? settings.resolve(fileSetting.trim()) : undefined;
  const set = [settings.dockerHost ? 'dockerHost' : '', hosts.length ? 'dockerHosts' : '', file ? 'enginesFile' : ''].filter(Boolean);
  if (set.length > 1) {
    refuse(set[1] as string, `${set.map((s) => `kilobench.${s}`).join(' and ')} are ${set.length > 2 ? 'all' : 'both'} set; they name the run's engines in different ways, so keep one and clear the other`);
  }
  if (file) {
    if (!existsSync(file)) refuse('enginesFile', `${file} does not exist; write an engines file there ("engines:" with "- host: unix:///var/run/docker.sock" entries) or clear the setting`);
    try {
      return { engines: core.readEnginesFile(file) };
    } catch (e) {
      return refuse('enginesFile', (e as Error).message);
    }
  }
  if (hosts.length) {
    const entries = hosts.map((host, i) => checkedHost(core, host, i));
    for (const [i, entry] of entries.entries()) {
      const earlier = entries.findIndex((e) => e.name === entry.name);
      if (earlier === i) continue;
      const why = hosts[earlier] === hosts[i] ? `entry ${i + 1} repeats entry ${earlier + 1} (${hosts[i]}); list each engine once`
        : `entries ${earlier + 1} and ${i + 1} (${hosts[earlier]}, ${hosts[i]}) would both be named "${entry.name}"; name them in an engines file (kilobench.enginesFile) instead`;
      refuse('dockerHosts', why);
    }
    return hosts.length === 1 ? { dockerHost: hosts[0] as string } : { engines: entries };
  }
  return settings.dockerHost ? { dockerHost: settings.dockerHost } : {};
}

/** The engines' names for a log line: "local:docker.sock, engine2" (or null for one engine). */
export function describeChoice(choice: EngineChoice): string | null {
  return 'engines' in choice && choice.engines ? choice.engines.map((e) => `${e.name} (${e.host})`).join(', ') : null;
}

/**
 * KiloBench's settings, read in one place with their types and defaults (the schema and the
 * descriptions live in package.json under `contributes.configuration`). Nothing else reads
 * `kilobench.*` settings by name.
 */
import * as vscode from 'vscode';
import { isAbsolute, join } from 'node:path';

export const SECTION = 'kilobench';
/** Workspace state key: task folders the extension added for this workspace. */
const ADDED_FOLDERS_KEY = 'kilobench.addedTaskFolders';

/** A `kilobench.models` entry as written in settings (checked later by the core's model parser). */
export interface ModelSetting {
  id: string;
  provider: string;
  baseUrl?: string;
  model?: string;
  reasoningEffort?: string;
  price?: Record<string, number>;
  protocol?: string;
  /** The secret that holds the key (default: one per provider kind). */
  keyName?: string;
}

function positiveOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * A budget setting: null means no limit. A number is passed on as it is, so that a negative one is
 * refused with a clear message when a run is planned, never read silently as "no limit".
 */
function budget(value: unknown, name: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  void vscode.window.showWarningMessage(`kilobench.${name} must be a number of US dollars or null (no limit), not ${JSON.stringify(value)}; it is ignored until fixed.`);
  return null;
}

export class Config {
  private get raw(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /** The first workspace folder, where relative paths resolve; undefined with no folder open. */
  get workspaceRoot(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  get models(): ModelSetting[] {
    const list = this.raw.get<unknown[]>('models', []);
    return Array.isArray(list) ? (list.filter((m) => typeof m === 'object' && m !== null) as ModelSetting[]) : [];
  }

  get harness(): string {
    return this.raw.get<string>('harness', 'kilo');
  }

  get trialsPerPair(): number {
    return Math.round(positiveOr(this.raw.get('trialsPerPair'), 3));
  }

  get concurrency(): number {
    return Math.round(positiveOr(this.raw.get('concurrency'), 2));
  }

  get budgetUsd(): number | null {
    return budget(this.raw.get('budgetUsd'), 'budgetUsd');
  }

  get trialBudgetUsd(): number | null {
    return budget(this.raw.get('trialBudgetUsd'), 'trialBudgetUsd');
  }

  get agentTimeoutMultiplier(): number {
    return positiveOr(this.raw.get('agentTimeoutMultiplier'), 1);
  }

  get testTimeoutMultiplier(): number {
    return positiveOr(this.raw.get('testTimeoutMultiplier'), 1);
  }

  /** Empty: the core's own choice (DOCKER_HOST, the system socket, KiloBench's private engine). */
  get dockerHost(): string | undefined {
    return this.raw.get<string>('dockerHost', '').trim() || undefined;
  }

  /** `kilobench.dockerHosts` as written (engine-settings.ts checks it and says what is wrong). */
  get dockerHosts(): unknown {
    return this.raw.get<unknown>('dockerHosts', []);
  }

  /** `kilobench.enginesFile` as written (engine-settings.ts checks it and resolves it in the workspace). */
  get enginesFile(): unknown {
    return this.raw.get<unknown>('enginesFile', '');
  }

  /**
   * @param state the workspace's saved state: task folders the extension adds (mined tasks, new
   * tasks) are kept there, so nothing is written into the workspace's `.vscode/settings.json`.
   */
  constructor(private readonly state?: { get<T>(key: string): T | undefined; update(key: string, value: unknown): Thenable<void> }) {}

  /** `task` (each task's own network), `none` (offline) or `host` (opt-in); checked when a run is planned. */
  get network(): string {
    return this.raw.get<string>('network', 'task');
  }

  /** Extra task folders, absolute: those of the settings, then those the extension added. */
  get taskFolders(): string[] {
    const set = this.raw.get<string[]>('taskFolders', []).filter((p) => typeof p === 'string' && p.trim()).map((p) => this.resolve(p));
    return [...new Set([...set, ...this.addedTaskFolders])];
  }

  private get addedTaskFolders(): string[] {
    const added = this.state?.get<unknown>(ADDED_FOLDERS_KEY);
    return Array.isArray(added) ? added.filter((p): p is string => typeof p === 'string' && isAbsolute(p)) : [];
  }

  /**
   * The results database, absolute. By default in the extension's storage for this workspace (outside
   * the repository); a relative setting resolves in the workspace.
   */
  resultsPath(storage: string): string {
    const setting = this.raw.get<string>('resultsPath', '').trim();
    if (!setting) return join(storage, 'results.sqlite');
    if (isAbsolute(setting)) return setting;
    return join(this.workspaceRoot ?? storage, setting);
  }

  resolve(path: string): string {
    return isAbsolute(path) || !this.workspaceRoot ? path : join(this.workspaceRoot, path);
  }

  /**
   * Adds a task folder for this workspace. Kept in the workspace's saved state (no settings file is
   * written); without saved state (tests), in the global settings.
   */
  async addTaskFolder(path: string): Promise<string> {
    const root = this.workspaceRoot;
    const shown = root && (path === root || path.startsWith(root + '/')) ? path.slice(root.length + 1) || '.' : path;
    if (this.state) {
      const added = this.addedTaskFolders;
      if (!added.includes(path)) await this.state.update(ADDED_FOLDERS_KEY, [...added, path]);
    } else {
      const current = this.raw.get<string[]>('taskFolders', []);
      if (!current.includes(path)) await this.raw.update('taskFolders', [...current, path], vscode.ConfigurationTarget.Global);
    }
    return shown;
  }

  static affects(event: vscode.ConfigurationChangeEvent, ...keys: string[]): boolean {
    return keys.some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
  }
}

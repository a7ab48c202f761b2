/**
 * The models a run can use: the built-in simulated ones, a workspace `kilobench.models.json` (keys
 * from environment variables, as for the CLI) and the `kilobench.models` setting (keys from
 * SecretStorage). Later entries replace earlier ones of the same id.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec } from '../core/models';
import type { ModelOption } from '../protocol';
import { Config } from './config';
import { loadCore } from './load-core';
import { modelEntryFromSetting } from './secrets';

export interface CatalogModel {
  spec: ModelSpec;
  /** The SecretStorage key name for models from settings; null for keyless or environment-keyed ones. */
  keyName: string | null;
}

export class ModelCatalog implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly config: Config, secrets: vscode.SecretStorage) {
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => Config.affects(e, 'models') && this.changed.fire()),
      secrets.onDidChange(() => this.changed.fire()),
    ];
  }

  /** Every model, and the problems found in the settings or the models file (each makes its entry unavailable). */
  list(): { models: CatalogModel[]; problems: string[] } {
    const core = loadCore();
    const byId = new Map<string, CatalogModel>(core.builtinModels().map((spec) => [spec.id, { spec, keyName: null }]));
    const problems: string[] = [];
    const root = this.config.workspaceRoot;
    const file = root ? join(root, 'kilobench.models.json') : undefined;
    if (file && existsSync(file)) {
      try {
        for (const spec of core.readModelsFile(file)) byId.set(spec.id, { spec, keyName: null });
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    this.config.models.forEach((setting, i) => {
      try {
        const { entry, keyName } = modelEntryFromSetting(setting);
        const spec = core.parseModelEntry(entry, `kilobench.models[${i}]`);
        byId.set(spec.id, { spec, keyName });
      } catch (e) {
        problems.push((e as Error).message);
      }
    });
    return { models: [...byId.values()], problems };
  }

  async options(hasKey: (keyName: string) => Promise<boolean>): Promise<{ options: ModelOption[]; problems: string[] }> {
    const { models, problems } = this.list();
    const options = await Promise.all(models.map(async ({ spec, keyName }): Promise<ModelOption> => ({
      id: spec.id,
      provider: spec.provider,
      simulated: spec.simulated,
      keyName,
      hasKey: keyName ? await hasKey(keyName) : spec.keyEnv ? Boolean(process.env[spec.keyEnv]) : true,
    })));
    return { options, problems };
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/**
 * The transcript of one trial (a WebviewPanel): header, timeline of LLM and tool calls, cumulative
 * cost, tests, findings and the verifier's output. Follows a running trial live; revived after a
 * reload by its serializer.
 */
import * as vscode from 'vscode';
import type { TranscriptFilters, TranscriptView } from '../protocol';
import type { RpcHost } from './rpc-host';
import type { Ctx } from './context';
import { EngineError } from './errors';
import { newPanel, problemHandler, setupPanel, throttle } from './panel-base';
import { firstMatch, matches, NO_FILTERS, transcriptView } from './transcript-model';

export const TRANSCRIPT_VIEW_TYPE = 'kilobench.transcript';

/**
 * One transcript tab, reused: opening another trial shows it in the same tab, and next/previous walk
 * the trials of the same run that match the filters (task, model, status).
 */
export class TranscriptPanel {
  private static current: TranscriptPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private filters: TranscriptFilters = NO_FILTERS;
  private readonly refresh: { (): void; dispose(): void };
  private readonly rpc: RpcHost<'transcript/data' | 'transcript/show' | 'webview/problem'>;

  static show(ctx: Ctx, trialId: string): TranscriptPanel {
    const existing = TranscriptPanel.current;
    if (existing) {
      existing.switchTo(trialId);
      existing.panel.reveal();
      return existing;
    }
    return new TranscriptPanel(ctx, newPanel(ctx, TRANSCRIPT_VIEW_TYPE, 'Transcript'), trialId);
  }

  static revive(ctx: Ctx, panel: vscode.WebviewPanel, state: unknown): void {
    const trialId = (state as { trialId?: unknown } | undefined)?.trialId;
    if (typeof trialId !== 'string' || TranscriptPanel.current) {
      panel.dispose();
      return;
    }
    new TranscriptPanel(ctx, panel, trialId);
  }

  private constructor(private readonly ctx: Ctx, readonly panel: vscode.WebviewPanel, private trialId: string) {
    TranscriptPanel.current = this;
    this.rpc = setupPanel(ctx, panel, 'transcript', 'transcript', {
      'transcript/data': () => this.view(),
      'transcript/show': async ({ trialId: next, filters }) => {
        if (filters) this.filters = filters;
        if (next) this.trialId = next;
        else if (filters) await this.followFilters();
        this.push();
        return {};
      },
      'webview/problem': problemHandler(ctx, 'transcript'),
    });
    this.refresh = throttle(() => {
      if (this.panel.visible) this.push();
    }, 800);
    this.disposables.push(
      this.rpc,
      this.refresh,
      ctx.engine.onRunEvents((events) => {
        if (events.some((e) => 'trialId' in e && e.trialId === this.trialId)) this.refresh();
      }),
      panel.onDidChangeViewState(() => panel.visible && this.refresh()),
    );
    panel.onDidDispose(() => {
      if (TranscriptPanel.current === this) TranscriptPanel.current = undefined;
      this.disposables.forEach((d) => d.dispose());
    });
  }

  private switchTo(trialId: string): void {
    this.trialId = trialId;
    this.push();
  }

  /** A new filter that the shown trial does not match moves to the first trial that does. */
  private async followFilters(): Promise<void> {
    const next = await this.ctx.engine.read(({ store }) => {
      const trial = store.getTrial(this.trialId);
      if (!trial || matches(trial, this.filters)) return undefined;
      return firstMatch(store.listTrials(trial.runId), this.filters)?.id;
    });
    if (next) this.trialId = next;
  }

  private push(): void {
    this.view().then((view) => this.rpc.emit('transcript/data', view), (e: Error) => this.ctx.log.warn(`transcript refresh: ${e.message}`));
  }

  private view(): Promise<TranscriptView> {
    return this.ctx.engine.read(({ store }) => {
      const trial = store.getTrial(this.trialId);
      if (!trial) throw new EngineError(`there is no trial ${this.trialId} in ${store.path}`);
      const live = trial.status === 'queued' || trial.status === 'running';
      const runTrials = store.listTrials(trial.runId);
      const snapshot = store.getTaskSnapshots(trial.runId).find((t) => t.taskId === trial.taskId);
      const view = transcriptView(trial, store.listLlmCalls(trial.id), store.listTranscript(trial.id), live, {
        instruction: snapshot?.task.instruction ?? null, runTrials, filters: this.filters,
      });
      this.panel.title = `Transcript: ${trial.taskId} · ${trial.modelId} #${trial.trialIndex + 1}`;
      return view;
    });
  }
}

export function activateTranscript(ctx: Ctx): void {
  ctx.extension.subscriptions.push(vscode.window.registerWebviewPanelSerializer(TRANSCRIPT_VIEW_TYPE, {
    async deserializeWebviewPanel(panel, state) {
      TranscriptPanel.revive(ctx, panel, state);
    },
  }));
}

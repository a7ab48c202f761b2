/**
 * The transcript of one trial (a WebviewPanel): header, timeline of LLM and tool calls, cumulative
 * cost, tests, findings and the verifier's output. Follows a running trial live; revived after a
 * reload by its serializer.
 */
import * as vscode from 'vscode';
import type { TranscriptView } from '../protocol';
import type { Ctx } from './context';
import { EngineError } from './errors';
import { newPanel, problemHandler, setupPanel, throttle } from './panel-base';
import { transcriptView } from './transcript-model';

export const TRANSCRIPT_VIEW_TYPE = 'kilobench.transcript';

export class TranscriptPanel {
  private static readonly open = new Map<string, TranscriptPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  static show(ctx: Ctx, trialId: string): TranscriptPanel {
    const existing = TranscriptPanel.open.get(trialId);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    return new TranscriptPanel(ctx, newPanel(ctx, TRANSCRIPT_VIEW_TYPE, `Transcript: ${trialId.split('.').slice(-3).join('.')}`), trialId);
  }

  static revive(ctx: Ctx, panel: vscode.WebviewPanel, state: unknown): void {
    const trialId = (state as { trialId?: unknown } | undefined)?.trialId;
    if (typeof trialId !== 'string') {
      panel.dispose();
      return;
    }
    new TranscriptPanel(ctx, panel, trialId);
  }

  private constructor(private readonly ctx: Ctx, readonly panel: vscode.WebviewPanel, readonly trialId: string) {
    TranscriptPanel.open.set(trialId, this);
    const rpc = setupPanel(ctx, panel, 'transcript', 'transcript', {
      'transcript/data': () => this.view(),
      'webview/problem': problemHandler(ctx, 'transcript'),
    });
    const refresh = throttle(() => {
      if (!this.panel.visible) return;
      this.view().then((view) => rpc.emit('transcript/data', view), (e: Error) => ctx.log.warn(`transcript refresh: ${e.message}`));
    }, 800);
    this.disposables.push(
      rpc,
      refresh,
      ctx.engine.onRunEvents((events) => {
        if (events.some((e) => 'trialId' in e && e.trialId === this.trialId)) refresh();
      }),
      panel.onDidChangeViewState(() => panel.visible && refresh()),
    );
    panel.onDidDispose(() => {
      TranscriptPanel.open.delete(this.trialId);
      this.disposables.forEach((d) => d.dispose());
    });
  }

  private view(): Promise<TranscriptView> {
    return this.ctx.engine.read(({ store }) => {
      const trial = store.getTrial(this.trialId);
      if (!trial) throw new EngineError(`there is no trial ${this.trialId} in ${store.path}`);
      const live = trial.status === 'queued' || trial.status === 'running';
      return transcriptView(trial, store.listLlmCalls(trial.id), store.listTranscript(trial.id), live);
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

/**
 * Per-trial summaries of transcripts (`trial_transcript_summaries`): the tool calls and commands the
 * fingerprint counts (`TranscriptToolSummary`), kept current as events are applied, so a report
 * reads one row per trial instead of every event. An event recorded again under the same (trial,
 * seq) makes the trial's summary be folded again from all its events, so the row always equals
 * what the analysis would compute from the events. A trial without such events has no row.
 */
import {
  addTranscriptEvent, emptyTranscriptSummary, SUMMARISED_TRANSCRIPT_KINDS, summariseTranscript, TRANSCRIPT_SUMMARY_SHAPE,
  type SummarisedTranscriptEvent, type TranscriptToolSummary,
} from '../calls';
import type { ToolCategory } from '../domain';
import type { Db, Row } from './db';
import type { JsonValue } from './records';

const KINDS_SQL = SUMMARISED_TRANSCRIPT_KINDS.map((k) => `'${k}'`).join(', ');

function save(db: Db, trialId: string, runId: string, summary: TranscriptToolSummary): void {
  db.run(
    'INSERT INTO trial_transcript_summaries (trial_id, run_id, summary_json, shape) VALUES ($trial_id, $run_id, $summary, $shape) ' +
    'ON CONFLICT (trial_id) DO UPDATE SET run_id = excluded.run_id, summary_json = excluded.summary_json, shape = excluded.shape',
    { trial_id: trialId, run_id: runId, summary: JSON.stringify(summary), shape: TRANSCRIPT_SUMMARY_SHAPE },
  );
}

function asEvent(row: Row): SummarisedTranscriptEvent {
  return { kind: String(row.kind), toolCategory: (row.tool_category ?? null) as ToolCategory | null, payload: JSON.parse(String(row.payload_json)) as JsonValue };
}

/** Folds the trial's summary again from all its stored events (no row when none counts). */
export function rebuildTranscriptSummary(db: Db, runId: string, trialId: string): void {
  const rows = db.all(`SELECT kind, tool_category, payload_json FROM transcript_events WHERE trial_id = $id AND kind IN (${KINDS_SQL}) ORDER BY seq`, { id: trialId });
  if (rows.length === 0) {
    db.run('DELETE FROM trial_transcript_summaries WHERE trial_id = $id', { id: trialId });
    return;
  }
  save(db, trialId, runId, summariseTranscript(rows.map(asEvent)));
}

/** Some stored summary has another shape than this KiloBench folds (`TRANSCRIPT_SUMMARY_SHAPE`). */
export function transcriptSummariesStale(db: Db): boolean {
  return db.get('SELECT 1 AS stale FROM trial_transcript_summaries WHERE shape <> $shape LIMIT 1', { shape: TRANSCRIPT_SUMMARY_SHAPE }) !== undefined;
}

/** Rebuilds every trial's summary (after an upgrade from a schema without them, or a new summary shape). */
export function rebuildAllTranscriptSummaries(db: Db): void {
  db.run('DELETE FROM trial_transcript_summaries');
  for (const row of db.all(`SELECT DISTINCT run_id, trial_id FROM transcript_events WHERE kind IN (${KINDS_SQL})`)) {
    rebuildTranscriptSummary(db, String(row.run_id), String(row.trial_id));
  }
}

/**
 * Brings the trial's summary up to date after `event` was applied. `replaced` says an event with the
 * same (trial, seq) was already stored (its old kind may have been counted), so the trial is folded again.
 */
export function updateTranscriptSummary(db: Db, runId: string, trialId: string, event: SummarisedTranscriptEvent, replaced: boolean): void {
  if (replaced) {
    rebuildTranscriptSummary(db, runId, trialId);
    return;
  }
  if (!SUMMARISED_TRANSCRIPT_KINDS.includes(event.kind)) return;
  const row = db.get('SELECT summary_json, shape FROM trial_transcript_summaries WHERE trial_id = $id', { id: trialId });
  if (row && row.shape !== TRANSCRIPT_SUMMARY_SHAPE) {
    rebuildTranscriptSummary(db, runId, trialId);
    return;
  }
  const summary = row ? (JSON.parse(String(row.summary_json)) as TranscriptToolSummary) : emptyTranscriptSummary();
  save(db, trialId, runId, addTranscriptEvent(summary, event));
}

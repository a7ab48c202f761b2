/**
 * What the metrics read from a trial's transcript, folded into one small record: its `tool_call`
 * events by the harness's own category (the fingerprint's first source of tool calls) and its
 * `command` events (the last source, each an exec call), with the commands' lengths. The store
 * keeps one per trial, updated as each event is recorded, so a report reads one row per trial
 * instead of every event. All sums of whole numbers: the order events arrive in does not matter.
 */
import type { ToolCategory } from '../domain';
import type { JsonValue } from '../json';
import { commandOf, zeroToolCounts, type ToolCounts } from './tool-counts';

/**
 * The shape of `TranscriptToolSummary` and what `addTranscriptEvent` puts in it. Bump it whenever
 * either changes: the store then folds every stored summary again from the stored events on open.
 */
export const TRANSCRIPT_SUMMARY_SHAPE = 1;

/** The transcript event kinds the summary folds; every other kind leaves it unchanged. */
export const SUMMARISED_TRANSCRIPT_KINDS: readonly string[] = ['tool_call', 'command'];

export interface TranscriptToolSummary {
  /** `tool_call` events by category (none given counts as `other`). */
  toolCalls: ToolCounts;
  /** Exec `tool_call` events whose command text was found, and the commands' total length in characters. */
  toolCommandsMeasured: number;
  toolCommandChars: number;
  /** `command` events (a harness that runs shell commands itself, like the oracle). */
  commands: number;
  /** Those whose command text was found, and the commands' total length in characters. */
  commandsMeasured: number;
  commandChars: number;
}

/** The fields of a transcript event the summary reads. */
export interface SummarisedTranscriptEvent {
  kind: string;
  toolCategory: ToolCategory | null;
  payload: JsonValue;
}

export function emptyTranscriptSummary(): TranscriptToolSummary {
  return { toolCalls: zeroToolCounts(), toolCommandsMeasured: 0, toolCommandChars: 0, commands: 0, commandsMeasured: 0, commandChars: 0 };
}

/** Folds one event into `summary`, which is changed and returned. */
export function addTranscriptEvent(summary: TranscriptToolSummary, event: SummarisedTranscriptEvent): TranscriptToolSummary {
  const s = summary;
  if (event.kind === 'tool_call') {
    const category = event.toolCategory ?? 'other';
    s.toolCalls[category] += 1;
    s.toolCalls.total += 1;
    const command = category === 'exec' ? commandOf(event.payload) : undefined;
    if (command !== undefined) {
      s.toolCommandsMeasured += 1;
      s.toolCommandChars += [...command].length;
    }
  } else if (event.kind === 'command') {
    s.commands += 1;
    const command = commandOf(event.payload);
    if (command !== undefined) {
      s.commandsMeasured += 1;
      s.commandChars += [...command].length;
    }
  }
  return s;
}

export function summariseTranscript(events: readonly SummarisedTranscriptEvent[]): TranscriptToolSummary {
  const summary = emptyTranscriptSummary();
  for (const event of events) addTranscriptEvent(summary, event);
  return summary;
}

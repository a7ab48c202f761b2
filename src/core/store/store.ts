/**
 * The results store: run journals (the source of truth) plus an sql.js database file (a queryable
 * copy, saved atomically and debounced). See README.md in this folder for the durability contract.
 */
import { existsSync, mkdirSync, openSync, closeSync, readSync, readFileSync, readdirSync, renameSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { applyEvent, deleteRunRows, getProgress, referenceProblem, setProgress, type Progress } from './apply';
import { callSummariesStale, rebuildAllCallSummaries } from './call-summaries';
import { rebuildAllTranscriptSummaries, transcriptSummariesStale } from './transcript-summaries';
import { fsyncDirectory, removeStaleTemps, writeFileAtomic } from './atomic-file';
import { RecordError } from './check';
import { Db } from './db';
import { StoreError, type StoreWarning } from './errors';
import { DELETED_EXT, JOURNAL_EXT, JournalWriter, journalPath, journalsDir, readJournal } from './journal';
import { acquireLock, type HeldLock } from './lock';
import * as queries from './queries';
import {
  RUN_ID_PATTERN, isEndingEvent, parseEvent,
  type AnalysedTrial, type LlmCallRecord, type RunRecord, type StoreEvent, type TaskSnapshot, type TranscriptEventRecord, type TrialRecord,
} from './records';
import { CALL_SUMMARIES_VERSION, migrate, TRANSCRIPT_SUMMARIES_VERSION } from './schema';
import { loadSqlJs } from './sqljs';

export interface StoreOptions {
  /** Save the database this long after the last event (default 500 ms). */
  saveDelayMs?: number;
  /** …but under a steady stream of events, never let a change wait longer than this (default 5000 ms). */
  maxSaveDelayMs?: number;
  /** Called for every recovery or problem worth telling the user about (also kept in `warnings`). */
  onWarning?: (warning: StoreWarning) => void;
  /** Called after each save of the database file: its size, and how long export + atomic write took. */
  onSave?: (save: { bytes: number; ms: number }) => void;
}

/**
 * A save exports and writes the whole database, so its cost grows with the data: the next save
 * waits at least this many times as long as the last one took (from its end), which keeps saving
 * under about 5% of the time however big the database gets. Small databases are unaffected (a 5 ms
 * save: 100 ms); a 150 ms save of a 60 MB one: 3 s. Journals carry durability, not saves.
 */
export const SAVE_SPACING = 20;

/** Per run: where its journal stands. */
interface RunJournal {
  writer: JournalWriter | null;
  nextSeq: number;
  lines: number;
}

export class Store {
  private db: Db | null;
  private readonly runs = new Map<string, RunJournal>();
  private readonly warningList: StoreWarning[] = [];
  private readonly saveDelayMs: number;
  private readonly maxSaveDelayMs: number;
  private dirty = false;
  private changeCount = 0;
  private dirtySince = 0;
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<void> | null = null;
  /** The last save: when it ended and how long it took (for SAVE_SPACING). */
  private lastSave = { endedAt: 0, ms: 0 };
  private closing: Promise<void> | null = null;

  private constructor(
    /** Absolute path of the database file. */
    readonly path: string,
    /** Folder of the run journals. */
    readonly journalsDir: string,
    raw: Database,
    private readonly lock: HeldLock,
    private readonly options: StoreOptions,
  ) {
    this.db = new Db(raw);
    this.saveDelayMs = options.saveDelayMs ?? 500;
    this.maxSaveDelayMs = options.maxSaveDelayMs ?? 5000;
  }

  /**
   * Opens (or creates) the store at `path`: takes the lock, loads the database (a file SQLite cannot
   * read is moved aside to `<name>.corrupt-<time>` and rebuilt), migrates it, and replays whatever
   * the journals hold beyond what the file has. What had to be recovered is in `warnings`.
   */
  static async open(path: string, options: StoreOptions = {}): Promise<Store> {
    const dbPath = resolve(path);
    const dir = journalsDir(dbPath);
    if (existsSync(dbPath) && statSync(dbPath).isDirectory()) {
      throw new StoreError(`${dbPath} is a folder, not a database file: choose a file path for the results database`, 'bad_path');
    }
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') throw new StoreError(`${dir} is not a folder: the run journals of ${basename(dbPath)} are kept there; move that file away`, 'bad_path');
      throw error;
    }
    const lock = acquireLock(`${dbPath}.lock`, dbPath);
    const early: StoreWarning[] = [];
    let raw: Database | undefined;
    try {
      if (lock.tookOver) {
        early.push({ code: 'stale_lock', file: lock.path, message: `took over the lock of ${dbPath} left by process ${lock.tookOver.pid ?? '(unknown)'}, which is no longer running` });
      }
      const temps = removeStaleTemps(dbPath);
      if (temps.length > 0) {
        early.push({ code: 'temp_removed', message: `removed ${temps.length} unfinished save file(s) of ${basename(dbPath)} left by a crash (the database itself is intact): ${temps.join(', ')}` });
      }
      const loaded = loadDatabase(await loadSqlJs(), dbPath);
      raw = loaded.raw;
      if (loaded.warning) early.push(loaded.warning);
      const { from, to } = migrate(raw, undefined, dbPath);
      const store = new Store(dbPath, dir, raw, lock, options);
      // Derived data: a database from before summaries, or with summaries of an older shape, gets them folded again.
      const rebuilt = (from > 0 && from < CALL_SUMMARIES_VERSION) || store.callSummariesStale();
      if (rebuilt) store.rebuildCallSummaries();
      const refolded = (from > 0 && from < TRANSCRIPT_SUMMARIES_VERSION) || store.transcriptSummariesStale();
      if (refolded) store.rebuildTranscriptSummaries();
      for (const warning of early) store.warn(warning);
      const replayed = store.recover();
      if (loaded.fresh || from !== to || rebuilt || refolded || replayed.changed) {
        store.markDirty();
        await store.saveNow();
      }
      for (const tombstone of replayed.tombstones) unlinkSync(tombstone);
      return store;
    } catch (error) {
      raw?.close();
      lock.release();
      throw error;
    }
  }

  /**
   * How many changes this store has made to its data since it was opened. Only this instance
   * writes the database (the lock), so an unchanged count means unchanged contents: a cache key.
   */
  get changes(): number {
    return this.changeCount;
  }

  /** Everything recovered or skipped since open, in order. */
  get warnings(): readonly StoreWarning[] {
    return [...this.warningList];
  }

  /**
   * Records one event: validated, written to the run's journal, then applied to the database.
   * Returns the event's sequence number in its run. Events that end a trial or a run are fsynced
   * before this returns and trigger a save at once; others are saved after `saveDelayMs`.
   */
  append(input: StoreEvent): number {
    const db = this.live();
    let event: StoreEvent;
    try {
      event = parseEvent(input);
    } catch (error) {
      if (error instanceof RecordError) throw new StoreError(`invalid ${describeType(input)} event: ${error.message}`, 'invalid_event');
      throw error;
    }
    const problem = referenceProblem(db, event);
    if (problem) throw new StoreError(problem, 'unknown_reference');

    const journal = this.journal(event.runId);
    const writer = this.writer(event.runId, journal);
    const seq = journal.nextSeq;
    writer.append(`${JSON.stringify({ seq, ...event })}\n`);
    journal.nextSeq = seq + 1;
    journal.lines = writer.lines;
    db.transaction(() => {
      applyEvent(db, event);
      setProgress(db, event.runId, seq, writer.lines, writer.bytes);
    });
    this.markDirty();
    if (isEndingEvent(event)) {
      writer.sync();
      this.scheduleSave(0);
    } else {
      this.scheduleSave(this.saveDelayMs);
    }
    return seq;
  }

  /** Makes everything appended so far durable: fsyncs the journals and saves the database now. */
  async flush(): Promise<void> {
    this.live();
    for (const journal of this.runs.values()) journal.writer?.sync();
    await this.saveNow();
  }

  /** Flushes, then releases the journals, the database and the lock. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.clearTimer();
      try {
        await this.saveNow();
      } finally {
        for (const journal of this.runs.values()) journal.writer?.close();
        this.runs.clear();
        this.db?.close();
        this.db = null;
        this.lock.release();
      }
    })();
    return this.closing;
  }

  listRuns(): RunRecord[] {
    return queries.listRuns(this.live());
  }

  getRun(id: string): RunRecord | undefined {
    return queries.getRun(this.live(), id);
  }

  listTrials(runId: string): TrialRecord[] {
    return queries.listTrials(this.live(), runId);
  }

  /** What the analysis reads of each of a run's trials, in `listTrials` order. */
  listAnalysedTrials(runId: string): AnalysedTrial[] {
    return queries.listAnalysedTrials(this.live(), runId);
  }

  getTrial(id: string): TrialRecord | undefined {
    return queries.getTrial(this.live(), id);
  }

  listLlmCalls(trialId: string): LlmCallRecord[] {
    return queries.listLlmCalls(this.live(), trialId);
  }

  listTranscript(trialId: string): TranscriptEventRecord[] {
    return queries.listTranscript(this.live(), trialId);
  }

  /** Every transcript event of a run, by trial then seq; with `kinds`, only those kinds. */
  listRunTranscript(runId: string, kinds?: readonly string[]): TranscriptEventRecord[] {
    return queries.listRunTranscript(this.live(), runId, kinds);
  }

  /** Per-trial summaries of a run's LLM calls (see call-summaries.ts). */
  listCallSummaries(runId: string): queries.StoredCallSummary[] {
    return queries.listCallSummaries(this.live(), runId);
  }

  /** Per-trial summaries of a run's transcripts: tool calls and commands (see transcript-summaries.ts). */
  listTranscriptSummaries(runId: string): queries.StoredTranscriptSummary[] {
    return queries.listTranscriptSummaries(this.live(), runId);
  }

  getTaskSnapshots(runId: string): TaskSnapshot[] {
    return queries.getTaskSnapshots(this.live(), runId);
  }

  /** Trials with no final status (queued, running, interrupted): what a resume runs again. */
  unfinishedTrials(runId: string): TrialRecord[] {
    return queries.unfinishedTrials(this.live(), runId);
  }

  /**
   * Removes a run, its trials, calls, transcripts and snapshots, and its journal. Two-phase so a
   * crash cannot bring it back: the journal is first renamed to `<id>.jsonl.deleted` (which open()
   * treats as "delete this run"), then the rows go and the database is saved, then the file goes.
   * Returns false when there was no such run.
   */
  async deleteRun(runId: string): Promise<boolean> {
    const db = this.live();
    if (!RUN_ID_PATTERN.test(runId)) return false;
    this.runs.get(runId)?.writer?.close();
    this.runs.delete(runId);
    const path = journalPath(this.journalsDir, runId);
    const tombstone = join(this.journalsDir, `${runId}${DELETED_EXT}`);
    const hadJournal = existsSync(path);
    if (hadJournal) {
      renameSync(path, tombstone);
      fsyncDirectory(this.journalsDir);
    }
    const hadRows = db.transaction(() => deleteRunRows(db, runId));
    if (hadRows) this.markDirty();
    await this.saveNow();
    if (existsSync(tombstone)) unlinkSync(tombstone);
    return hadJournal || hadRows;
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────

  /** A database from before call summaries existed gets them from its stored calls. */
  private callSummariesStale(): boolean {
    return callSummariesStale(this.live());
  }

  private rebuildCallSummaries(): void {
    const db = this.live();
    db.transaction(() => rebuildAllCallSummaries(db));
  }

  private transcriptSummariesStale(): boolean {
    return transcriptSummariesStale(this.live());
  }

  private rebuildTranscriptSummaries(): void {
    const db = this.live();
    db.transaction(() => rebuildAllTranscriptSummaries(db));
  }

  private live(): Db {
    if (!this.db || this.closing) throw new StoreError(`the results store ${this.path} is closed`, 'closed');
    return this.db;
  }

  private warn(warning: StoreWarning): void {
    this.warningList.push(warning);
    this.options.onWarning?.(warning);
  }

  private journal(runId: string): RunJournal {
    let journal = this.runs.get(runId);
    if (!journal) {
      journal = { writer: null, nextSeq: 1, lines: 0 };
      this.runs.set(runId, journal);
    }
    return journal;
  }

  private writer(runId: string, journal: RunJournal): JournalWriter {
    journal.writer ??= JournalWriter.open(journalPath(this.journalsDir, runId), journal.lines);
    return journal.writer;
  }

  private markDirty(): void {
    this.changeCount += 1;
    if (!this.dirty) this.dirtySince = Date.now();
    this.dirty = true;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Debounced: each event pushes the save back, but never past `maxSaveDelayMs` after the first
   * unsaved change; and never sooner than SAVE_SPACING times the last save's duration after it.
   */
  private scheduleSave(delayMs: number): void {
    if (this.closing) return;
    const now = Date.now();
    const spaced = this.lastSave.endedAt + SAVE_SPACING * this.lastSave.ms;
    const due = Math.max(spaced, Math.min(now + delayMs, this.dirtySince + this.maxSaveDelayMs));
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.saving) {
        // A save is under way: space the next one from its end.
        const again = () => this.dirty && this.scheduleSave(0);
        this.saving.then(again, again);
        return;
      }
      // A save may have ended since this timer was set (its file write finished just before the
      // timer fired): keep the spacing from that save's end.
      if (Date.now() < this.lastSave.endedAt + SAVE_SPACING * this.lastSave.ms) {
        if (this.dirty) this.scheduleSave(0);
        return;
      }
      this.saveNow().catch((error: unknown) => {
        this.warn({ code: 'save_failed', file: this.path, message: `could not save ${this.path} (every event is still in the journals; the next save retries): ${(error as Error).message}` });
      });
    }, Math.max(0, due - now));
    // A pending save must not keep a finished CLI alive: the journals already hold every event.
    this.timer.unref();
  }

  /** Saves now if anything changed; one save at a time, in order. */
  private async saveNow(): Promise<void> {
    this.clearTimer();
    while (this.saving) await this.saving.catch(() => undefined);
    if (!this.dirty || !this.db) return;
    // The saved file must never be ahead of the journals on disk (after a power cut it could hold
    // events its journal lost, and a later rebuild would lose them): sync the journals first.
    for (const journal of this.runs.values()) journal.writer?.sync();
    // export() is synchronous, so the snapshot holds exactly the events applied so far, together
    // with the journal_progress rows that say so.
    const started = performance.now();
    const snapshot = this.db.export();
    this.dirty = false;
    this.saving = writeFileAtomic(this.path, snapshot);
    try {
      await this.saving;
      const ms = performance.now() - started;
      this.lastSave = { endedAt: Date.now(), ms };
      this.options.onSave?.({ bytes: snapshot.byteLength, ms });
    } catch (error) {
      this.markDirty();
      throw error;
    } finally {
      this.saving = null;
    }
  }

  /** On open: finish interrupted deletes, then replay each journal past what the database has. */
  private recover(): { changed: boolean; tombstones: string[] } {
    const db = this.live();
    let changed = false;
    const names = readdirSync(this.journalsDir).sort();
    const tombstones: string[] = [];
    for (const name of names.filter((n) => n.endsWith(DELETED_EXT))) {
      const runId = name.slice(0, -DELETED_EXT.length);
      if (db.transaction(() => deleteRunRows(db, runId))) changed = true;
      tombstones.push(join(this.journalsDir, name));
    }
    const progress = getProgress(db);
    for (const name of names.filter((n) => n.endsWith(JOURNAL_EXT))) {
      const runId = name.slice(0, -JOURNAL_EXT.length);
      if (!RUN_ID_PATTERN.test(runId)) continue; // not one of ours
      if (this.replay(runId, join(this.journalsDir, name), progress.get(runId))) changed = true;
    }
    for (const [runId, known] of progress) {
      if (this.runs.has(runId)) continue;
      this.warn({
        code: 'journal_missing', file: journalPath(this.journalsDir, runId),
        message: `the journal of run ${runId} is missing; the database keeps the ${known.lastSeq} event(s) it had applied, but they cannot be rebuilt if the database is lost`,
      });
      this.runs.set(runId, { writer: null, nextSeq: known.lastSeq + 1, lines: 0 });
    }
    return { changed, tombstones };
  }

  /** Applies the lines of one journal that the database does not have yet. Returns whether anything changed. */
  private replay(runId: string, path: string, known: Progress = { lastSeq: 0, lines: 0, bytes: 0 }): boolean {
    const db = this.live();
    // Start where the last apply stopped when the file still agrees with it; otherwise read it all
    // (lines already applied are recognised by their seq and skipped).
    const resume = known.bytes > 0 && known.bytes <= statSync(path).size && byteAt(path, known.bytes - 1) === 10;
    const read = readJournal(path, resume ? { offset: known.bytes, line: known.lines } : { offset: 0, line: 0 });
    for (const problem of read.problems) this.warn(problem);
    if (read.tornBytes > 0) truncateSync(path, read.bytes); // else the next append would glue onto it

    let previous = resume ? known.lastSeq : 0;
    let applied = 0;
    db.transaction(() => {
      for (const { line, event } of read.entries) {
        const where = `${path}:${line}`;
        if (event.runId !== runId) {
          this.warn({ code: 'malformed_line', file: path, line, message: `${where}: skipped an event of run ${event.runId} found in the journal of run ${runId}` });
          continue;
        }
        if (event.seq <= previous) {
          this.warn({ code: 'seq_out_of_order', file: path, line, message: `${where}: skipped an event with seq ${event.seq}, not above the previous line's ${previous}` });
          continue;
        }
        previous = event.seq;
        if (event.seq <= known.lastSeq) continue; // already in the database
        const problem = referenceProblem(db, event);
        if (problem) {
          this.warn({ code: 'unknown_reference', file: path, line, message: `${where}: skipped: ${problem}` });
          continue;
        }
        try {
          applyEvent(db, event);
          applied += 1;
        } catch (error) {
          this.warn({ code: 'malformed_line', file: path, line, message: `${where}: could not apply the event: ${(error as Error).message}` });
        }
      }
      if (previous < known.lastSeq) {
        this.warn({
          code: 'journal_shorter', file: path,
          message: `${path} ends at seq ${previous}, but the database had applied up to seq ${known.lastSeq}: the journal lost events; the database keeps them`,
        });
      }
      const lastSeq = Math.max(previous, known.lastSeq);
      if (applied > 0 || lastSeq !== known.lastSeq || read.lines !== known.lines || read.bytes !== known.bytes) {
        setProgress(db, runId, lastSeq, read.lines, read.bytes);
      }
    });
    this.runs.set(runId, { writer: null, nextSeq: Math.max(previous, known.lastSeq) + 1, lines: read.lines });
    return applied > 0 || read.lines !== known.lines || read.bytes !== known.bytes || read.tornBytes > 0;
  }
}

function describeType(input: unknown): string {
  const type = (input as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'store';
}

function byteAt(path: string, offset: number): number | undefined {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1);
    return readSync(fd, buffer, 0, 1, offset) === 1 ? buffer[0] : undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the database file. One SQLite cannot read (garbage, truncated, torn by a foreign tool) is
 * moved aside, never deleted, and a fresh database is started (the caller rebuilds it from journals).
 */
function loadDatabase(SQL: SqlJsStatic, dbPath: string): { raw: Database; fresh: boolean; warning?: StoreWarning } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(dbPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { raw: new SQL.Database(), fresh: true };
    throw error;
  }
  if (bytes.length === 0) {
    // Nothing to keep aside: the file is simply replaced by the database rebuilt from the journals.
    return {
      raw: new SQL.Database(),
      fresh: true,
      warning: { code: 'corrupt_database', file: dbPath, message: `${dbPath} was empty (0 bytes); the database is rebuilt from the run journals` },
    };
  }
  let raw: Database | undefined;
  try {
    raw = new SQL.Database(bytes);
    // sql.js opens lazily: only reading proves the file is a database. quick_check walks every page,
    // so a truncated file is caught here rather than by a later query.
    const result = raw.exec('PRAGMA quick_check')[0]?.values.map((row) => String(row[0])) ?? [];
    if (result.length !== 1 || result[0] !== 'ok') throw new Error(result.slice(0, 3).join('; ') || 'integrity check gave no answer');
    return { raw, fresh: false };
  } catch (error) {
    raw?.close();
    const aside = moveAside(dbPath);
    return {
      raw: new SQL.Database(),
      fresh: true,
      warning: {
        code: 'corrupt_database', file: aside,
        message: `${dbPath} could not be read (${(error as Error).message}); it was moved to ${aside} and the database is rebuilt from the run journals`,
      },
    };
  }
}

function moveAside(dbPath: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let aside = `${dbPath}.corrupt-${stamp}`;
  for (let n = 2; existsSync(aside); n++) aside = `${dbPath}.corrupt-${stamp}-${n}`;
  renameSync(dbPath, aside);
  fsyncDirectory(dirname(dbPath));
  return aside;
}

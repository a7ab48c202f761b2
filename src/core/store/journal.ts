/**
 * One append-only JSONL file per run: `<name>.journals/<runId>.jsonl` beside `<name>.sqlite`. It is the
 * source of truth; the database is a cache of it that can always be rebuilt. Each event is one
 * line written with write(2) on a descriptor kept open (the kernel has it once the call returns, so
 * it survives the process being killed); fsync makes it survive a power cut too, and is done for
 * events that end a trial or a run and on flush.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDirectory } from './atomic-file';
import type { StoreWarning } from './errors';
import { RecordError } from './check';
import { parseJournalLine, type JournalLine } from './records';

export const JOURNAL_EXT = '.jsonl';
/** A journal whose run is being deleted; see Store.deleteRun. */
export const DELETED_EXT = '.jsonl.deleted';

/**
 * The journals of one database: `<name>.journals/` beside `<name>.sqlite`. Each database has its own
 * folder, so two stores in one folder never replay each other's runs.
 */
export function journalsDir(dbPath: string): string {
  return join(dirname(dbPath), `${basename(dbPath).replace(/\.[^.]*$/, '') || basename(dbPath)}.journals`);
}

export function journalPath(dir: string, runId: string): string {
  return join(dir, `${runId}${JOURNAL_EXT}`);
}

export class JournalWriter {
  private fd: number | null;

  private constructor(readonly path: string, fd: number, public bytes: number, public lines: number) {
    this.fd = fd;
  }

  /** Opens for appending; `lines` is how many complete lines the file already holds. */
  static open(path: string, lines: number): JournalWriter {
    const created = !existsSync(path);
    const fd = openSync(path, 'a', 0o644);
    if (created) fsyncDirectory(dirname(path)); // the new name must survive a power cut too
    return new JournalWriter(path, fd, fstatSync(fd).size, created ? 0 : lines);
  }

  /** Writes one line (text must end with a newline). Either the whole line is in the file or none of it. */
  append(text: string): void {
    const fd = this.descriptor();
    const buffer = Buffer.from(text, 'utf8');
    let written = 0;
    try {
      while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
    } catch (error) {
      // A partial line (disk full…) would glue itself to the next one: cut it off again.
      if (written > 0) {
        try {
          ftruncateSync(fd, this.bytes);
        } catch {
          // Left torn: the next open reports and removes it.
        }
      }
      throw error;
    }
    this.bytes += buffer.length;
    this.lines += 1;
  }

  sync(): void {
    fsyncSync(this.descriptor());
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private descriptor(): number {
    if (this.fd === null) throw new Error(`journal ${this.path} is closed`);
    return this.fd;
  }
}

export interface JournalRead {
  /** Lines that parsed and validated, with their 1-based line numbers. */
  entries: { line: number; event: JournalLine }[];
  /** Malformed and torn lines, already phrased for the user. */
  problems: StoreWarning[];
  /** Complete lines in the file (including those before the start offset). */
  lines: number;
  /** Bytes up to the end of the last complete line. */
  bytes: number;
  /** Bytes after the last newline: a line cut short by a crash. */
  tornBytes: number;
}

/**
 * Reads a journal from `start` (a byte offset that is the start of line `start.line + 1`). Bad lines
 * are reported with their line number and left out; they never stop the read.
 */
export function readJournal(path: string, start: { offset: number; line: number } = { offset: 0, line: 0 }): JournalRead {
  const fd = openSync(path, 'r');
  let data: Buffer;
  try {
    const size = fstatSync(fd).size;
    data = Buffer.alloc(Math.max(0, size - start.offset));
    let got = 0;
    while (got < data.length) {
      const n = readSync(fd, data, got, data.length - got, start.offset + got);
      if (n === 0) break;
      got += n;
    }
    data = data.subarray(0, got);
  } finally {
    closeSync(fd);
  }

  const entries: JournalRead['entries'] = [];
  const problems: StoreWarning[] = [];
  let lineNo = start.line;
  let pos = 0;
  for (let end = data.indexOf(10, pos); end !== -1; end = data.indexOf(10, pos)) {
    lineNo += 1;
    const text = data.toString('utf8', pos, end);
    pos = end + 1;
    if (text.trim() === '') continue; // carries nothing
    try {
      entries.push({ line: lineNo, event: parseJournalLine(text) });
    } catch (error) {
      const reason = error instanceof RecordError ? error.message : String(error);
      problems.push({ code: 'malformed_line', file: path, line: lineNo, message: `${path}:${lineNo}: skipped a malformed journal line: ${reason}` });
    }
  }
  const tornBytes = data.length - pos;
  if (tornBytes > 0) {
    problems.push({
      code: 'torn_line', file: path, line: lineNo + 1,
      message: `${path}:${lineNo + 1}: ignored an incomplete last line (${tornBytes} bytes; the writer stopped mid-write, the event was never acknowledged)`,
    });
  }
  return { entries, problems, lines: lineNo, bytes: start.offset + pos, tornBytes };
}

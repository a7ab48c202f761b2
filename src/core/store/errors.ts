/** Errors the store throws and warnings it reports (recoveries the user should hear about). */
import { KiloBenchError, type ErrorKind } from '../errors';

export type StoreErrorCode =
  | 'locked' // another process holds the store
  | 'newer_schema' // the database was written by a newer KiloBench
  | 'not_a_store' // an SQLite file that is not ours
  | 'bad_path' // the database path is a folder, or its journals path is a file
  | 'migration_failed'
  | 'invalid_event' // append() got something that fails validation
  | 'unknown_reference' // append() names a run or trial that does not exist
  | 'closed'
  | 'sqljs_missing';

export class StoreError extends KiloBenchError {
  override readonly kind: ErrorKind = 'store';

  constructor(message: string, readonly code: StoreErrorCode) {
    super(message);
  }
}

export type StoreWarningCode =
  | 'corrupt_database' // the file could not be opened; it was moved aside and rebuilt from journals
  | 'torn_line' // a journal's last line was cut short (the writer died mid-write); ignored and cut off
  | 'malformed_line' // a journal line that is not a valid event; skipped
  | 'unknown_reference' // a journal line names a run or trial that does not exist; skipped
  | 'seq_out_of_order' // a journal line whose seq is not above the previous one; skipped
  | 'journal_missing' // the database has applied events of a run whose journal is gone
  | 'journal_shorter' // a journal holds fewer events than the database applied from it
  | 'stale_lock' // a lock left by a process that no longer runs was taken over
  | 'temp_removed' // unfinished save files from a crash were removed
  | 'save_failed'; // a background save failed (the journal still holds every event)

export interface StoreWarning {
  code: StoreWarningCode;
  message: string;
  /** The file concerned, when there is one. */
  file?: string;
  /** 1-based journal line, for line warnings. */
  line?: number;
}

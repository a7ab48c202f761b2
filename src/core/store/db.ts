/**
 * A thin layer over a sql.js Database: prepared statements cached by their SQL (sql.js 1.16 keeps
 * them valid across `export()`), named parameters written without their `$`, and transactions.
 */
import type { BindParams, Database, SqlValue, Statement } from 'sql.js';

export type Row = Record<string, SqlValue>;
export type Params = Record<string, SqlValue>;

function bind(params: Params | undefined): BindParams {
  if (!params) return null;
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [`$${key}`, value]));
}

export class Db {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly raw: Database) {
    // The in-memory copy needs no rollback journal on its own: durability comes from our journal
    // and the atomic file save. Foreign keys guard against a bug applying an orphan row.
    raw.exec('PRAGMA journal_mode = MEMORY; PRAGMA foreign_keys = ON');
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.raw.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params?: Params): number {
    this.statement(sql).run(bind(params));
    return this.raw.getRowsModified();
  }

  all(sql: string, params?: Params): Row[] {
    const statement = this.statement(sql);
    statement.bind(bind(params));
    try {
      // The column names once per query, not once per row as `getAsObject` reads them: on a
      // 10,000-row read of a wide table that was most of the time spent.
      const rows: Row[] = [];
      let columns: string[] | undefined;
      while (statement.step()) {
        columns ??= statement.getColumnNames();
        const values = statement.get();
        const row: Row = {};
        for (let i = 0; i < columns.length; i++) row[columns[i] as string] = values[i] as Row[string];
        rows.push(row);
      }
      return rows;
    } finally {
      statement.reset();
    }
  }

  /** Rows as arrays of values in the query's column order: no object per row (the report's bulk reads). */
  values(sql: string, params?: Params): SqlValue[][] {
    const statement = this.statement(sql);
    statement.bind(bind(params));
    try {
      const rows: SqlValue[][] = [];
      while (statement.step()) rows.push(statement.get());
      return rows;
    } finally {
      statement.reset();
    }
  }

  /**
   * Each row's values (in the query's column order) passed to `each` as it is stepped: a bulk read
   * that keeps no array per row, so a row's values die young instead of surviving to the end.
   */
  mapValues<T>(sql: string, params: Params | undefined, each: (values: SqlValue[]) => T): T[] {
    const statement = this.statement(sql);
    statement.bind(bind(params));
    try {
      const out: T[] = [];
      while (statement.step()) out.push(each(statement.get()));
      return out;
    } finally {
      statement.reset();
    }
  }

  get(sql: string, params?: Params): Row | undefined {
    return this.all(sql, params)[0];
  }

  transaction<T>(body: () => T): T {
    this.raw.exec('BEGIN');
    try {
      const result = body();
      this.raw.exec('COMMIT');
      return result;
    } catch (error) {
      this.raw.exec('ROLLBACK');
      throw error;
    }
  }

  export(): Uint8Array {
    return this.raw.export();
  }

  close(): void {
    for (const statement of this.statements.values()) statement.free();
    this.statements.clear();
    this.raw.close();
  }
}

// What every adapter implements and the rest of the library talks to: the Db interface, its
// options, and the error that says which part of a transaction failed. The server adapter
// (db.ts) and the embedded one (embedded/adapter.ts) both import this module, which imports
// neither, so opening an engine never loops back to the module that chose it.
import type postgres from 'postgres'

/** A parameterised statement: values travel as parameters, never spliced into the text. */
export interface Statement {
  text: string
  params?: unknown[]
}

/**
 * The one interface the rest of the library talks to. Every call runs on one pinned connection:
 * the advisory lock is a session lock, so the lock and every migration must share the session.
 */
export interface Db {
  readonly engine: 'postgres' | 'pglite'
  /** The server process of this session (pg_backend_pid). */
  readonly pid: number
  /** A parameterised query (extended protocol). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>
  /** A script of any number of statements (simple protocol), as a migration file is sent. */
  exec(text: string): Promise<void>
  /**
   * Run `begin`, `prefix`, each of `script`, `after…`, `commit` as one transaction, in as few
   * round trips as the driver allows. If anything fails the transaction is rolled back and the
   * first error is thrown, marked with the part (and the script statement) that failed.
   */
  transaction(prefix: string, script: string[], after: Statement[]): Promise<void>
  /**
   * Several such transactions, one after another, written in one go. Each one's `prefix` must
   * make it fail when the one before did not commit (the runner checks for its history row), so
   * nothing after a failure takes effect. `onCommitted(at)` is called as each one commits; a
   * failure is thrown as a PartError whose `at` names the transaction.
   */
  transactions(list: Transaction[], onCommitted?: (at: number) => void): Promise<void>
  /**
   * Each text a message and a transaction of its own, as `psql -f` runs a file, pipelined.
   * The first failure is thrown as a PartError('script') with its index; the texts after it
   * may have run. Only on a server, where pipelining makes it faster than one `exec` per text.
   */
  execEach?(texts: string[]): Promise<void>
  /** Cancel whatever is running now (Ctrl-C): the server rolls back the open transaction. */
  cancel(): Promise<void>
  close(): Promise<void>
}

/** Which part of a transaction failed: lets the runner tell "not applied" from "unknown". */
export type FailedPart = 'prefix' | 'script' | 'after' | 'commit'

export class PartError extends Error {
  /** With part `script`: the index of the statement that failed. */
  index = -1
  /** Which transaction of a batch failed. */
  at = 0
  constructor(readonly part: FailedPart, readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause))
  }
}

export interface Transaction {
  prefix: string
  script: string[]
  after: Statement[]
}

export interface Notice {
  severity: string
  message: string
}

export interface OpenOptions {
  url?: string
  /** An existing PGlite instance (embedded engine); left open afterwards. */
  pglite?: unknown
  /** An existing postgres.js instance: one of its connections is reserved for the run. */
  sql?: postgres.Sql
  /** Seconds to keep retrying the first connection while the server is not up yet. */
  wait?: number
  onNotice?: (notice: Notice) => void
  onRetry?: (attempt: number, reason: string, delayMs: number) => void
  signal?: AbortSignal
}

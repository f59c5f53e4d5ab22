// The options every command shares, and their defaults: read by the session that opens a run
// and by the API functions, re-exported from the package's entry point.
import type postgres from 'postgres'
import type { Event } from './events.js'

export const DEFAULT_DIR = 'migrations'
export const DEFAULT_TABLE = 'tinymigrate_history'
/** Seconds a runner waits for another runner's lock before giving up. */
export const DEFAULT_LOCK_TIMEOUT = 300
/**
 * Seconds a migration statement may wait for a table lock (PostgreSQL's lock_timeout). A migration
 * queued behind a long transaction would otherwise stall every query of the application behind it.
 */
export const DEFAULT_DDL_LOCK_TIMEOUT = 10
/** Seconds a lease (lock mode `lease`) lives without a heartbeat; the heartbeat runs every third of it. */
export const LEASE_TTL = 30
/** How often a migration stopped by that timeout is tried again. */
export const DEFAULT_LOCK_RETRIES = 2

export interface Options {
  /** A postgres:// URL. Either this or `sql`. */
  url?: string
  /** An existing postgres.js instance; one of its connections is reserved for the run. */
  sql?: postgres.Sql
  /**
   * An existing PGlite instance (`@electric-sql/pglite`), left open afterwards. A URL
   * `pglite:<directory>` or `pglite:memory` opens one instead.
   */
  pglite?: unknown
  /** Migrations directory (default `migrations`). */
  dir?: string
  /** History table: `name` or `schema.name` (default `tinymigrate_history`). */
  table?: string
  /** Seconds to keep retrying the first connection while the server starts. */
  wait?: number
  /** Seconds to wait for another runner's lock (default 300). */
  lockTimeout?: number
  /**
   * How runners exclude each other: `advisory` (default) is a session advisory lock; `lease` is
   * a row with an expiry and a heartbeat, for transaction-mode poolers such as PgBouncer.
   */
  lockMode?: 'advisory' | 'lease'
  /** Seconds a migration may wait for a table lock before it is rolled back (default 10; 0: no limit). */
  ddlLockTimeout?: number
  /** Times a migration stopped by `ddlLockTimeout` is tried again (default 2). */
  lockRetries?: number
  /** Seconds one statement of a migration may run (default 0: no limit). */
  statementTimeout?: number
  /**
   * Schemas the migration SQL runs with as its search_path (a tenant's schema, then `public`):
   * unqualified names land in the first one. Default: the connection's own.
   */
  searchPath?: string[]
  /** Progress: lock waits, each migration, notices from the server. */
  onEvent?: (event: Event) => void
  /** Abort to stop a run: the current migration is rolled back and the lock released. */
  signal?: AbortSignal
}

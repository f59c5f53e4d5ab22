/**
 * Every failure a user can cause or fix is a TinymigrateError with a stable code.
 * Codes are part of the public contract (`--json`, exit codes): never rename one once released.
 */
export type ErrorCode =
  // usage and configuration
  | 'USAGE'
  | 'NO_DATABASE_URL'
  | 'BAD_URL'
  | 'DIR_NOT_FOUND'
  | 'BAD_FILENAME'
  | 'DUPLICATE_VERSION'
  | 'ORPHAN_DOWN'
  | 'BAD_ENCODING'
  | 'FILE_UNREADABLE'
  | 'UNKNOWN_VERSION'
  | 'FILE_EXISTS'
  | 'HISTORY_NEWER'
  | 'HISTORY_FOREIGN'
  | 'PERMISSION_DENIED'
  | 'PGLITE_MISSING'
  | 'PGLITE_EXTENSION'
  | 'MIXED_FORMATS'
  | 'BAD_SECTIONS'
  // adopting another tool's history
  | 'ADOPT_NOT_FOUND'
  | 'ADOPT_AMBIGUOUS'
  | 'ADOPT_FOREIGN'
  | 'ADOPT_DIRTY'
  | 'ADOPT_MISSING_FILES'
  | 'ADOPT_CONFLICT'
  // taking a baseline of an untracked database
  | 'BASELINE_TRACKED'
  | 'BASELINE_FOREIGN'
  | 'BASELINE_FILES'
  | 'BASELINE_EMPTY'
  // verification
  | 'CHECKSUM_MISMATCH'
  | 'OUT_OF_ORDER'
  | 'MISSING_FILE'
  | 'MISSING_DOWN'
  | 'PARTIAL_MIGRATION'
  | 'NOT_UP_TO_DATE'
  | 'SCHEMA_DIFFERS'
  | 'LINT_FAILED'
  // running
  | 'SQL_FAILED'
  | 'CONNECT_FAILED'
  | 'CONNECTION_LOST'
  | 'DATABASE_ERROR'
  | 'INTERRUPTED'
  | 'DRAFT_UNVERIFIED'
  // locking
  | 'LOCK_TIMEOUT'
  | 'LOCK_LOST'

export interface Location {
  file: string
  line: number
  column: number
  /** The offending line of the file, as written. */
  excerpt?: string
}

/**
 * Why a drafted up/down pair did not pass its check on a scratch database (`diff`): the statement
 * that failed, or, when both ran, what still differs. The same shape in the error's `unverified`
 * and in the result of `diff` with `writeUnverified`.
 */
export interface Unverified {
  /** The direction whose SQL failed; null when both ran but the schema still differs. */
  direction: 'up' | 'down' | null
  /** The drafted file that failed (written only with `writeUnverified`). */
  file: string | null
  /** The failing statement on one line, cut to a readable length. */
  statement: string | null
  /** The statement's first line in that file, as `writeUnverified` writes it. */
  line: number | null
  /** The server's message, and its detail and hint when it sent them. */
  message: string | null
  detail: string | null
  hint: string | null
  sqlState: string | null
  /**
   * What still differs after the up (from the schema file) and after the down (from the
   * migrations' schema, or the live one), one `check` line each: `+ column public.users.nickname`.
   */
  stillDiffers: { afterUp: string[]; afterDown: string[] }
}

export interface ErrorDetails {
  next?: string
  location?: Location
  /** Versions applied (or reverted) by this run before the failure. */
  applied?: string[]
  reverted?: string[]
  /** Server-side detail and hint, when the database sent them. */
  detail?: string
  hint?: string
  /** The server's SQLSTATE, when the error came from PostgreSQL. */
  sqlState?: string
  /** Files or versions the error is about. */
  files?: string[]
  /** `DRAFT_UNVERIFIED` from diff: what failed. */
  unverified?: Unverified
}

export class TinymigrateError extends Error {
  readonly code: ErrorCode
  readonly next: string | undefined
  readonly location: Location | undefined
  readonly applied: string[]
  readonly reverted: string[]
  readonly detail: string | undefined
  readonly hint: string | undefined
  readonly sqlState: string | undefined
  readonly files: string[]
  readonly unverified: Unverified | undefined

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message)
    this.name = 'TinymigrateError'
    this.code = code
    this.next = details.next
    this.location = details.location
    this.applied = details.applied ?? []
    this.reverted = details.reverted ?? []
    this.detail = details.detail
    this.hint = details.hint
    this.sqlState = details.sqlState
    this.files = details.files ?? []
    this.unverified = details.unverified
  }
}

export function isTinymigrateError(error: unknown): error is TinymigrateError {
  return error instanceof TinymigrateError
}

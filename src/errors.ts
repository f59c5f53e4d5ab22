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
  }
}

export function isTinymigrateError(error: unknown): error is TinymigrateError {
  return error instanceof TinymigrateError
}

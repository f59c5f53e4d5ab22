// One place that reads what went wrong in the driver or on the server: the error's code, whether
// the session is gone, where in a file a server position points, and which tinymigrate error a
// failure of tinymigrate's own statements (history, lock, scratch databases) becomes.
import { TinymigrateError, type Location } from './errors.js'
import { locate } from './sqltext.js'

/** What the server sends with an error (postgres.js and PGlite both pass these fields on). */
export interface ServerError {
  code?: string
  message?: string
  severity?: string
  position?: string
  internal_position?: string
  internal_query?: string
  where?: string
  detail?: string
  hint?: string
}

/** The error's code: a SQLSTATE from the server, or the driver's or Node's own (`ECONNRESET`). */
export function errorCode(error: unknown): string {
  const e = error as { code?: unknown } | null
  return typeof e?.code === 'string' ? e.code : ''
}

/** Codes after which the session is gone (and queued queries never settle). */
const CONNECTION_GONE = new Set([
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE',
  '57P01', '57P02', '57P03', // admin shutdown, crash shutdown, cannot connect now
])

export function isConnectionGone(error: unknown): boolean {
  return CONNECTION_GONE.has(errorCode(error))
}

/** An error the server raised (a SQLSTATE and a severity), as opposed to one of the driver's. */
export function isServerError(error: unknown): error is ServerError {
  const e = error as ServerError | null
  return typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && Boolean(e.severity)
}

/** A file that SQL was sent from; a section of a dbmate one-file migration starts at `section.line`. */
export interface SentFile {
  path: string
  text: string
  section?: { line: number }
}

/**
 * A server position (characters from 1 after `base`, the start of the statement sent) as
 * file:line:column. A section's line numbers are shifted to the line it starts on.
 */
export function locateIn(file: SentFile, position: number, base = 0): Location {
  const at = locate(file.text, position, base)
  return { file: file.path, line: at.line + (file.section ? file.section.line - 1 : 0), column: at.column, excerpt: at.excerpt }
}

export interface Doing {
  /** What tinymigrate was doing, for the message: `while reading or writing the history table x`. */
  what: string
  /** What to do when the role lacks a privilege (42501). */
  permission: string
  /** What to do after any other server error; without it, such errors pass through. */
  otherwise?: string
}

/**
 * A failure of one of tinymigrate's own statements as a typed error: a missing privilege is a
 * configuration problem (PERMISSION_DENIED), another server error a DATABASE_ERROR, a lost
 * session CONNECTION_LOST. Anything else, a TinymigrateError included, passes through.
 */
export function classify(error: unknown, doing: Doing): unknown {
  if (error instanceof TinymigrateError) return error
  const e = error as ServerError | null
  if (errorCode(error) === '42501') {
    return new TinymigrateError('PERMISSION_DENIED', `${e?.message} (${doing.what}).`, { sqlState: '42501', next: doing.permission })
  }
  if (doing.otherwise !== undefined && isServerError(error)) {
    return new TinymigrateError('DATABASE_ERROR', `${error.message} (${doing.what}).`, { sqlState: error.code, next: doing.otherwise })
  }
  if (isConnectionGone(error) && !isServerError(error)) {
    return new TinymigrateError('CONNECTION_LOST', `The connection to the database was lost: ${e?.message}.`, {
      next: 'Check the server, then run the command again (tinymigrate status tells what is applied).',
    })
  }
  return error
}

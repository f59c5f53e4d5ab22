// A run's session: the connection, the migration files, the history table, and the lock or lease,
// opened together and always closed together; failures of tinymigrate's own statements pass
// through the one classifier. Every API function that touches a database runs inside one; a
// fleet is many of them.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { BlockerWatcher } from './blockers.js'
import { classify } from './classify.js'
import { openDb, type Db } from './db.js'
import { isPgliteUrl } from './embedded/adapter.js'
import { extensionsIn } from './embedded/engine.js'
import { TinymigrateError } from './errors.js'
import type { Event } from './events.js'
import { loadMigrations, type MigrationFile } from './files.js'
import { locateHistory, readHistory, type History } from './history.js'
import { parseQualifiedName, quoteIdent } from './ident.js'
import { acquireLease, acquireLock, lockKey, type Lock, type LockHolder } from './lock.js'
import {
  DEFAULT_DDL_LOCK_TIMEOUT, DEFAULT_DIR, DEFAULT_LOCK_RETRIES, DEFAULT_LOCK_TIMEOUT, DEFAULT_TABLE, LEASE_TTL, type Options,
} from './options.js'
import { inspect, type Entry } from './plan.js'
import type { RunContext } from './runner.js'

export interface Session {
  db: Db
  watcher: BlockerWatcher | undefined
  history: History
  files: MigrationFile[]
  entries: Entry[]
  lock: Lock | undefined
  emit: (event: Event) => void
  /** Take the migration lock, then read history again: it may have changed meanwhile. */
  takeLock(): Promise<void>
}

/** `optionalDir`: a missing migrations directory reads as an empty one (baseline creates it). */
export async function withSession<T>(options: Options, mode: { lock: boolean; optionalDir?: boolean }, fn: (s: Session) => Promise<T>): Promise<T> {
  const dir = options.dir ?? DEFAULT_DIR
  const readFiles = () => (mode.optionalDir && !existsSync(dir) ? [] : loadMigrations(dir))
  const emit = options.onEvent ?? (() => {})
  const tableName = parseQualifiedName(options.table ?? DEFAULT_TABLE)
  const embedded = options.pglite !== undefined || isPgliteUrl(options.url)
  const open = (files: MigrationFile[] | undefined) => openDb({
    url: options.url,
    sql: options.sql,
    pglite: options.pglite,
    extensions: files ? extensionsIn(files.map((f) => f.up.text)) : undefined,
    exclusiveTimeout: options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT,
    onWait: (owner: number | undefined) => emit({ type: 'lock-wait', holder: owner ? { pid: owner, application: 'tinymigrate (embedded database)', user: '', client: null, since: null } : undefined }),
    wait: options.wait,
    signal: options.signal,
    onNotice: (n) => emit({ type: 'notice', severity: n.severity, message: n.message }),
    onRetry: (attempt, reason, delayMs) => emit({ type: 'connect-retry', attempt, reason, delayMs }),
    onCreate: (path: string) => emit({ type: 'embedded-create', path }),
  })
  let files: MigrationFile[]
  let db: Db
  if (embedded) {
    // The embedded engine is started with the extensions the files ask for.
    files = readFiles()
    db = await open(files)
  } else {
    // The connection is made while the files are read; a file error still comes first.
    const opening = open(undefined)
    try {
      files = readFiles()
    } catch (error) {
      opening.then((d) => d.close(), () => {}).catch(() => {})
      throw error
    }
    db = await opening
  }
  const url = options.url
  // A second session to watch lock waits exists only on a server.
  const watcher = url && db.engine === 'postgres' ? new BlockerWatcher(() => openDb({ url }), db.pid) : undefined
  let session: Session | undefined
  let lost = false
  try {
    const history = await locateHistory(db, tableName)
    const rows = await readHistory(db, history)
    const s: Session = {
      db, watcher, history, files, entries: inspect(files, rows), lock: undefined, emit,
      takeLock: async () => {
        const started = Date.now()
        let waited = false
        const waiting = {
          timeout: options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT,
          signal: options.signal,
          onWait: (holder: LockHolder | undefined) => {
            waited = true
            emit({ type: 'lock-wait', holder })
          },
        }
        s.lock = options.lockMode === 'lease' && db.engine === 'postgres'
          ? await acquireLease(db, history.table.schema, history.table.name, {
            ...waiting,
            ttl: LEASE_TTL,
            openSide: () => openDb({ url: options.url, sql: options.sql }),
          })
          : await acquireLock(db, lockKey(history.table.schema, history.table.name), waiting)
        emit({ type: 'lock-acquired', waitedMs: Date.now() - started, waited })
        // What was read before the lock may have changed while another runner held it.
        if (!history.exists) Object.assign(history, await locateHistory(db, tableName))
        s.entries = inspect(files, await readHistory(db, history))
      },
    }
    session = s
    if (mode.lock) await s.takeLock()
    return await fn(s)
  } catch (error) {
    const failure = typed(error, tableName)
    lost = failure instanceof TinymigrateError && failure.code === 'CONNECTION_LOST'
    throw failure
  } finally {
    await watcher?.close()
    // After a lost connection nothing more is sent on it: a query there may never be answered
    // (the run then ended without a result, one time in four).
    if (session?.lock) await session.lock.release({ sessionGone: lost }).catch(() => {})
    await db.close().catch(() => {})
  }
}

/**
 * Errors from tinymigrate's own statements (history, lock) become typed errors: a role without
 * the privileges it needs is a configuration problem, not a bug.
 */
function typed(error: unknown, table: { schema: string | undefined; name: string }): unknown {
  const where = `${table.schema ? table.schema + '.' : ''}${table.name}`
  return classify(error, {
    what: `while reading or writing the history table ${where}`,
    permission: `Run as the role that owns ${where}, or grant this role select, insert, update and delete on it (and create on its schema for the first run).`,
    otherwise: 'Check the database and the --table option, then run the command again.',
  })
}

export function runContext(s: Session, options: Options): RunContext {
  return {
    db: s.db,
    history: s.history,
    lock: s.lock,
    onEvent: s.emit,
    signal: options.signal,
    applied: [],
    reverted: [],
    timeouts: {
      lock: Math.round((options.ddlLockTimeout ?? DEFAULT_DDL_LOCK_TIMEOUT) * 1000),
      statement: Math.round((options.statementTimeout ?? 0) * 1000),
    },
    retries: options.lockRetries ?? DEFAULT_LOCK_RETRIES,
    watcher: s.watcher,
    pooled: options.lockMode === 'lease',
    searchPath: options.searchPath?.length ? options.searchPath.map(quoteIdent).join(', ') : undefined,
    chain: { token: randomBytes(6).toString('hex'), at: undefined },
  }
}

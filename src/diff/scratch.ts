// Scratch databases for replaying migrations and loading schema.sql: temporary databases on a
// server (dropped afterwards, also after an error or Ctrl-C), or in-memory PGlite when no server
// is configured. Both sides of one comparison always use the same engine.
import { classify, locateIn } from '../classify.js'
import { randomBytes } from 'node:crypto'
import { openDb, PartError, validateUrl, type Db } from '../db.js'
import { TinymigrateError } from '../errors.js'
import { quoteIdent } from '../ident.js'
import { openScratchPglite } from '../embedded/snapshot.js'
import { redactUrl } from '../redact.js'
import { shapeOf } from '../shape.js'
import { hasNoTransactionMarker, splitStatements } from '../sqltext.js'

export interface ScratchHost {
  /** `server` or `embedded`: said in the output, so a user knows where the replay ran. */
  engine: 'server' | 'embedded'
  /** Two of its databases can be used at once: on a server each has its own backend. */
  concurrent: boolean
  /**
   * A new empty database. `alone`: one that runs whatever it is sent as a fresh database of its
   * own would, transaction control included (lint sends its own BEGIN, SAVEPOINT and COMMIT).
   */
  create(options?: { alone?: boolean }): Promise<ScratchDb>
  /** Drops every database this host created. */
  close(): Promise<void>
}

/** A scratch database: `url` is set on a server, and `helper` there is a second session on it. */
export type ScratchDb = Db & { url?: string; helper?: Db }

export interface ScratchOptions {
  /** Server URL whose server hosts the scratch databases (`--shadow-url`, else `--url`). */
  url?: string
  /** Extensions the SQL creates: loaded into PGlite when it ships them. */
  extensions?: string[]
  signal?: AbortSignal
}

export async function scratchHost(options: ScratchOptions): Promise<ScratchHost> {
  if (!options.url || options.url.startsWith('pglite:')) return embeddedHost(options.extensions ?? [])
  return serverHost(options.url)
}

/**
 * No server: in-memory PGlite. One engine serves every scratch database of a run: each lives in
 * a transaction of its own on it, rolled back when another one needs the engine and replayed from
 * its journal when it is needed again, so starting PGlite (the slow part) happens once. SQL that
 * cannot run inside that transaction (CREATE INDEX CONCURRENTLY, its own BEGIN … COMMIT, SET
 * LOCAL) and SQL that fails there move that database to an engine of its own, where its journal
 * is replayed and the SQL runs as it would on a fresh database: the same result, the same error.
 */
function embeddedHost(extensions: string[]): ScratchHost {
  // The shared engine leaves out the template databases' files: only CREATE DATABASE reads them,
  // and that never runs there (PostgreSQL refuses it in a transaction block).
  let closing: Promise<void> | undefined
  const open = async (lean = false) => {
    if (closing) throw new TinymigrateError('INTERRUPTED', 'Interrupted.', { next: 'Run the command again.' })
    return openScratchPglite({ extensions, lean })
  }
  let shared: Promise<Db> | undefined
  let active: Scratch | undefined
  const scratches: Scratch[] = []
  interface Scratch {
    /** The scripts it ran, in order: what is replayed to bring it back. */
    journal: string[]
    /** Its own engine, once it left the shared one. */
    own?: Db
    closed: boolean
  }

  const engine = () => (shared ??= open(true))
  const leave = async () => {
    const db = await engine()
    active = undefined
    await db.exec('rollback')
  }
  const enter = async (s: Scratch): Promise<Db> => {
    const db = await engine()
    if (active === s) return db
    if (active) await leave()
    await db.exec('begin')
    active = s
    for (const text of s.journal) {
      for (const part of inTransaction(text)!) await db.exec(part)
    }
    return db
  }
  const isolate = async (s: Scratch): Promise<Db> => {
    if (s.own) return s.own
    if (active === s) await leave()
    const db = await open()
    s.own = db
    for (const text of s.journal) await db.exec(text)
    return db
  }

  return {
    engine: 'embedded',
    concurrent: false,
    async create(options) {
      const s: Scratch = { journal: [], closed: false }
      // Alone from the start: an engine of its own, never the shared one's transaction.
      if (options?.alone) s.own = await open()
      scratches.push(s)
      const { pid } = s.own ?? await engine()
      const scratch: Db = {
        engine: 'pglite',
        pid,
        // Read-only use (introspection): not journaled.
        async query<T>(text: string, params?: unknown[]) {
          if (s.own) return s.own.query<T>(text, params)
          const db = await enter(s)
          try {
            return await db.query<T>(text, params)
          } catch (error) {
            // An error aborts the transaction: start it again from the journal next time.
            await leave().catch(() => {})
            throw error
          }
        },
        async exec(text: string) {
          const parts = s.own ? undefined : inTransaction(text)
          if (parts) {
            try {
              const db = await enter(s)
              for (const part of parts) await db.exec(part)
              s.journal.push(text)
              return
            } catch (error) {
              // A cancelled statement (Ctrl-C) stops here; anything else runs again where it runs
              // as on a fresh database: success, or the same error.
              if ((error as { code?: string }).code === '57014') {
                await leave().catch(() => {})
                throw error
              }
            }
          }
          await (await isolate(s)).exec(text)
          s.journal.push(text)
        },
        async transaction(prefix, script, after) {
          await (await isolate(s)).transaction(prefix, script, after)
        },
        async transactions(list, onCommitted) {
          await (await isolate(s)).transactions(list, onCommitted)
        },
        async cancel() {
          await (s.own ?? (await engine())).cancel()
        },
        async close() {
          if (s.closed) return
          s.closed = true
          if (active === s) await leave().catch(() => {})
          await s.own?.close()
        },
      }
      return scratch
    },
    close() {
      closing ??= (async () => {
        const engines = [...scratches.splice(0).flatMap((s) => (s.own ? [s.own] : [])), ...(shared ? [shared] : [])]
        active = undefined
        await Promise.allSettled(engines.map(async (db) => (await db).close()))
      })()
      return closing
    },
  }
}

/**
 * The statements that run `text` inside the shared engine's transaction, or undefined when it
 * cannot run there exactly as on a fresh database: statements PostgreSQL refuses in a transaction
 * block, transaction control of its own (a file wrapped in BEGIN … COMMIT runs without the two),
 * and settings that last until the end of the transaction.
 */
function inTransaction(text: string): string[] | undefined {
  const shape = shapeOf(text)
  if (shape.mode !== 'transaction') return undefined
  if (/\bset\s+local\b|\bset_config\s*\(/i.test(text)) return undefined
  return shape.unwrapped ? shape.statements.map((s) => s.text) : [text]
}

async function serverHost(url: string): Promise<ScratchHost> {
  const admin = await openDb({ url })
  const created: { name: string; sessions: Db[] }[] = []
  const base = validateUrl(url)
  // Ctrl-C may close the host while a database is being created: close waits for it.
  let creating: Promise<unknown> = Promise.resolve()
  let closing: Promise<void> | undefined
  const make = async () => {
    const name = `tinymigrate_scratch_${process.pid}_${randomBytes(4).toString('hex')}`
    try {
      await admin.exec(`CREATE DATABASE ${quoteIdent(name)}`)
    } catch (error) {
      throw classify(error, {
        what: `the role of ${redactUrl(url)} may not create databases, and tinymigrate needs temporary ones to replay the migrations`,
        permission: 'Point --shadow-url at a server where the role may create databases (a local or CI PostgreSQL), or grant CREATEDB to the role.',
      })
    }
    const target = new URL(base.href)
    target.pathname = `/${encodeURIComponent(name)}`
    // The second session lets a catalog be read by two backends at once; it is optional.
    const [main, second] = await Promise.allSettled([openDb({ url: target.href }), openDb({ url: target.href })])
    const sessions = [main, second].flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    if (main.status === 'rejected') {
      await Promise.allSettled(sessions.map((s) => s.close()))
      await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).catch(() => {})
      throw main.reason
    }
    created.push({ name, sessions })
    return Object.assign(main.value, { url: target.href, helper: second.status === 'fulfilled' ? second.value : undefined })
  }
  return {
    engine: 'server',
    concurrent: true,
    async create() {
      if (closing) throw new TinymigrateError('INTERRUPTED', 'Interrupted.', { next: 'Run the command again.' })
      const made = make()
      creating = Promise.all([creating, made.catch(() => {})])
      return made
    },
    close() {
      closing ??= (async () => {
        await creating
        const list = created.splice(0)
        await Promise.allSettled(list.flatMap(({ sessions }) => sessions.map((db) => db.close())))
        // All at once, the first on the admin connection and each other one on a connection of
        // its own: removing a database's files is the server's work, and a big one takes a while.
        await Promise.allSettled(list.map(async ({ name }, i) => {
          const conn = i === 0 ? admin : await openDb({ url }).catch(() => admin)
          try {
            // WITH (FORCE) (PostgreSQL 13+) ends a session left behind by an interrupted run.
            await conn.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)
          } finally {
            if (conn !== admin) await conn.close().catch(() => {})
          }
        }))
        await admin.close().catch(() => {})
      })()
      return closing
    },
  }
}

/** A SQL script to run on a scratch database, with the path its errors name. */
export interface Script {
  path: string
  text: string
  /** A section of a dbmate one-file migration: its lines are counted from this line of the file. */
  section?: { line: number }
  /** Run it as `psql -f` would, each statement in a transaction of its own (a schema file). */
  autocommit?: boolean
}

/**
 * Runs a whole file. A file that PostgreSQL refuses in a transaction block (CREATE INDEX
 * CONCURRENTLY) runs statement by statement, as the runner would run it.
 */
export async function runScript(db: Db, script: Script, hint?: string): Promise<void> {
  if (script.autocommit) return runAutocommit(db, script, hint)
  const shape = shapeOf(script.text)
  const outside = shape.mode === 'statements' || hasNoTransactionMarker(script.text)
  const parts = outside
    ? splitStatements(script.text).statements.map((s) => ({ text: s.text, base: s.start }))
    : [{ text: script.text, base: 0 }]
  for (const part of parts) {
    try {
      await db.exec(part.text)
    } catch (error) {
      let pg = error as PgError
      if (!pg.code || pg.code.length !== 5) throw error
      let base = part.base
      if (pg.position === undefined && !outside) {
        // No position (most DDL errors): find the statement by running them one by one, then roll back.
        const found = await findFailing(db, script.text)
        if (found) ({ error: pg, base } = found)
      }
      throw scriptError(script, pg, base, hint)
    }
  }
}

type PgError = { message?: string; position?: string; detail?: string; hint?: string; code?: string }

/**
 * A schema file as `psql -f` runs it: each statement a transaction of its own, so it may use an
 * enum value it added, and it loads faster than in one transaction (1,000 tables on a server:
 * 2.7 s against 4.6 s). Each statement is a message of its own, so a failure names its statement;
 * on a server they are pipelined.
 */
async function runAutocommit(db: Db, script: Script, hint: string | undefined): Promise<void> {
  const { statements } = splitStatements(script.text)
  // A server error names the statement it came from; anything else (a lost connection) as it is.
  const failed = (error: unknown, index: number) => {
    const pg = error as PgError
    return pg.code?.length === 5 ? scriptError(script, pg, statements[index]!.start, hint) : error
  }
  if (db.execEach) {
    try {
      await db.execEach(statements.map((s) => s.text))
    } catch (error) {
      throw error instanceof PartError ? failed(error.cause, error.index) : error
    }
    return
  }
  for (const [index, s] of statements.entries()) {
    try {
      await db.exec(s.text)
    } catch (error) {
      throw failed(error, index)
    }
  }
}

function scriptError(script: Script, pg: PgError, base: number, hint: string | undefined): TinymigrateError {
  return new TinymigrateError('SQL_FAILED', `${script.path} failed on a scratch database: ${pg.message}`, {
    files: [script.path],
    location: locateIn(script, pg.position !== undefined ? Number(pg.position) : 1, base),
    detail: pg.detail,
    hint: pg.hint,
    sqlState: pg.code,
    next: hint ?? `Fix ${script.path}, then run the command again.`,
  })
}

async function findFailing(db: Db, text: string): Promise<{ error: any; base: number } | undefined> {
  const { statements } = splitStatements(text)
  await db.exec('BEGIN')
  try {
    for (const s of statements) {
      try {
        await db.exec(s.text)
      } catch (error) {
        return { error, base: s.start }
      }
    }
    return undefined
  } finally {
    await db.exec('ROLLBACK').catch(() => {})
  }
}

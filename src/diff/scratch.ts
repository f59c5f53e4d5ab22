// Scratch databases for replaying migrations and loading schema.sql: temporary databases on a
// server (dropped afterwards, also after an error or Ctrl-C), or in-memory PGlite when no server
// is configured. Both sides of one comparison always use the same engine.
import { randomBytes } from 'node:crypto'
import { openDb, validateUrl, type Db } from '../db.js'
import { TinymigrateError } from '../errors.js'
import { quoteIdent } from '../ident.js'
import { redactUrl } from '../redact.js'
import { shapeOf } from '../shape.js'
import { hasNoTransactionMarker, locate, splitStatements } from '../sqltext.js'

export interface ScratchHost {
  /** `server` or `embedded`: said in the output, so a user knows where the replay ran. */
  engine: 'server' | 'embedded'
  /** A new empty database; `url` is set on a server. */
  create(): Promise<Db & { url?: string }>
  /** Drops every database this host created. */
  close(): Promise<void>
}

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

function embeddedHost(extensions: string[]): ScratchHost {
  const open: Db[] = []
  return {
    engine: 'embedded',
    async create() {
      const db = await openDb({ url: 'pglite:memory', extensions })
      open.push(db)
      return db
    },
    async close() {
      await Promise.allSettled(open.splice(0).map((db) => db.close()))
    },
  }
}

async function serverHost(url: string): Promise<ScratchHost> {
  const admin = await openDb({ url })
  const created: { name: string; db: Db }[] = []
  const base = validateUrl(url)
  // Ctrl-C may close the host while a database is being created: close waits for it.
  let creating: Promise<unknown> = Promise.resolve()
  let closing: Promise<void> | undefined
  const make = async () => {
    const name = `tinymigrate_scratch_${process.pid}_${randomBytes(4).toString('hex')}`
    try {
      await admin.exec(`CREATE DATABASE ${quoteIdent(name)}`)
    } catch (error) {
      const e = error as { code?: string; message?: string }
      if (e.code === '42501') {
        throw new TinymigrateError('PERMISSION_DENIED', `The role of ${redactUrl(url)} may not create databases, and tinymigrate needs temporary ones to replay the migrations: ${e.message}`, {
          next: 'Point --shadow-url at a server where the role may create databases (a local or CI PostgreSQL), or grant CREATEDB to the role.',
        })
      }
      throw error
    }
    const target = new URL(base.href)
    target.pathname = `/${encodeURIComponent(name)}`
    try {
      const db = await openDb({ url: target.href })
      created.push({ name, db })
      return Object.assign(db, { url: target.href })
    } catch (error) {
      await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).catch(() => {})
      throw error
    }
  }
  return {
    engine: 'server',
    async create() {
      if (closing) throw new TinymigrateError('INTERRUPTED', 'Interrupted.', { next: 'Run the command again.' })
      const made = make()
      creating = made.catch(() => {})
      return made
    },
    close() {
      closing ??= (async () => {
        await creating
        for (const { name, db } of created.splice(0)) {
          await db.close().catch(() => {})
          // WITH (FORCE) (PostgreSQL 13+) ends a session left behind by an interrupted run.
          await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).catch(() => {})
        }
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
}

/**
 * Runs a whole file. A file that PostgreSQL refuses in a transaction block (CREATE INDEX
 * CONCURRENTLY) runs statement by statement, as the runner would run it.
 */
export async function runScript(db: Db, script: Script, hint?: string): Promise<void> {
  const shape = shapeOf(script.text)
  const outside = shape.mode === 'statements' || hasNoTransactionMarker(script.text)
  const parts = outside
    ? splitStatements(script.text).statements.map((s) => ({ text: s.text, base: s.start }))
    : [{ text: script.text, base: 0 }]
  for (const part of parts) {
    try {
      await db.exec(part.text)
    } catch (error) {
      let pg = error as { message?: string; position?: string; detail?: string; hint?: string; code?: string }
      if (!pg.code || pg.code.length !== 5) throw error
      let base = part.base
      if (pg.position === undefined && !outside) {
        // No position (most DDL errors): find the statement by running them one by one, then roll back.
        const found = await findFailing(db, script.text)
        if (found) ({ error: pg, base } = found)
      }
      const at = locate(script.text, pg.position !== undefined ? Number(pg.position) : 1, base)
      throw new TinymigrateError('SQL_FAILED', `${script.path} failed on a scratch database: ${pg.message}`, {
        files: [script.path],
        location: { file: script.path, line: at.line + (script.section ? script.section.line - 1 : 0), column: at.column, excerpt: at.excerpt },
        detail: pg.detail,
        hint: pg.hint,
        sqlState: pg.code,
        next: hint ?? `Fix ${script.path}, then run the command again.`,
      })
    }
  }
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

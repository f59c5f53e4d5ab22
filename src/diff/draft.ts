// Drafting: replay the migrations into one scratch database, load schema.sql into another,
// introspect both with the same queries, compare, render the up and the down, and prove the pair
// on the scratch databases before anything is written.
import type { Db } from '../db.js'
import { TinymigrateError } from '../errors.js'
import type { MigrationFile } from '../files.js'
import { introspect } from '../catalog/introspect.js'
import type { Catalog } from '../catalog/model.js'
import { lineOf, oneLine, splitStatements } from '../sqltext.js'
import { compare, type Change } from './compare.js'
import { render, type Rendered } from './render.js'
import { runScript, type ScratchDb, type ScratchHost, type Script } from './scratch.js'

export interface Side {
  db: ScratchDb
  catalog: Catalog
}

/** Reads a scratch database's catalog, with its second session where it has one. */
export function readScratch(db: ScratchDb): Promise<Catalog> {
  return introspect(db, { helper: db.helper })
}

/** A fresh scratch database: its catalog before anything runs is what "empty" means on this engine. */
export async function emptySide(host: ScratchHost, prelude?: Script): Promise<Side> {
  const { db } = await freshDb(host, prelude)
  return { db, catalog: await readScratch(db) }
}

/** A fresh scratch database with the prelude run, for a side whose empty catalog is not needed. */
export async function freshDb(host: ScratchHost, prelude?: Script, options?: { alone?: boolean }): Promise<{ db: ScratchDb }> {
  const db = await host.create(options)
  if (prelude) await runScript(db, prelude, `Fix ${prelude.path} (the prelude), then run the command again.`)
  return { db }
}

/** Runs every migration's up file in order on `side.db`, then reads the result. */
export async function replay(side: { db: ScratchDb }, files: MigrationFile[], prelude?: string): Promise<Side> {
  await runMigrations(side.db, files, prelude)
  return { db: side.db, catalog: await readScratch(side.db) }
}

/**
 * Runs every migration's up file in order on `db`. A file that names something missing may need
 * what the real database had before the first migration: the error says where the prelude goes
 * (`prelude`: the path of the one given, if any).
 */
export async function runMigrations(db: Db, files: MigrationFile[], prelude?: string): Promise<void> {
  for (const f of files) {
    try {
      await runScript(db, f.up)
    } catch (error) {
      if (!(error instanceof TinymigrateError) || error.code !== 'SQL_FAILED') throw error
      throw new TinymigrateError(error.code, error.message, { ...error, next: replayHint(f.up.path, error.sqlState ?? '', prelude) })
    }
  }
}

/** SQLSTATEs of a name that does not exist (relation, role, schema, function, column, type or object). */
const UNDEFINED = new Set(['42P01', '42704', '3F000', '42883', '42703'])

export function replayHint(path: string, sqlState: string, prelude: string | undefined): string {
  if (!UNDEFINED.has(sqlState)) return `Fix ${path}, then run the command again.`
  const where = prelude
    ? `add it to ${prelude} (the prelude)`
    : 'put the SQL that creates it in a file and pass it with --prelude FILE'
  return `If ${path} needs something the real database had before the first migration (a role, an extension, a table), ${where}; the prelude runs on every scratch database first. Otherwise fix ${path}. Then run the command again.`
}

/** Loads a schema file (schema.sql, a copy of a live schema) as psql -f would, and reads it. */
export async function load(side: { db: ScratchDb }, schema: Script): Promise<Side> {
  await runScript(side.db, { ...schema, autocommit: true })
  return { db: side.db, catalog: await readScratch(side.db) }
}

export interface Pair {
  changes: Change[]
  up: Rendered
  down: Rendered
  notCompared: Map<string, number>
}

/** Pure: the changes from `from` to `to`, and the SQL of both directions. */
export function draftPair(from: Catalog, to: Catalog): Pair {
  const forward = compare(from, to)
  const backward = compare(to, from)
  return {
    changes: forward.changes,
    up: render(forward, from, to),
    down: render(backward, to, from),
    notCompared: forward.notCompared,
  }
}

export interface Verification {
  ok: boolean
  /** What still differs after the up (from schema.sql), or after the down (from the replayed state). */
  afterUp: Change[]
  afterDown: Change[]
  /** An error while running the drafted SQL, with the direction it happened in. */
  failed?: DraftFailure
}

/** A drafted statement the scratch database refused, in plain words. */
export interface DraftFailure {
  direction: 'up' | 'down'
  /** One line: the server's message, the line and the statement. */
  message: string
  /** The server's message alone. */
  reason: string
  /** The failing statement on one line, cut to a readable length; null when it cannot be told. */
  statement: string | null
  /** The statement's first line in the SQL that ran (counted from 1); null when it cannot be told. */
  line: number | null
  detail: string | null
  hint: string | null
  sqlState: string | null
}

const DRAFTED = { up: 'the drafted up migration', down: 'the drafted down migration' }

/**
 * Applies the up to the replayed database and checks it now equals schema.sql's; then applies
 * the down and checks it is back to the replayed state. Only a SQL error counts as the draft's
 * failure: anything else (a lost connection, Ctrl-C) is thrown as it is.
 */
export async function verify(current: Side, wanted: Catalog, pair: Pair): Promise<Verification> {
  const result: Verification = { ok: false, afterUp: [], afterDown: [] }
  try {
    await runScript(current.db, { path: DRAFTED.up, text: pair.up.sql })
  } catch (error) {
    result.failed = describe('up', pair.up.sql, error)
    return result
  }
  result.afterUp = compare(await readScratch(current.db), wanted).changes
  try {
    await runScript(current.db, { path: DRAFTED.down, text: pair.down.sql })
  } catch (error) {
    result.failed = describe('down', pair.down.sql, error)
    return result
  }
  result.afterDown = compare(await readScratch(current.db), current.catalog).changes
  result.ok = !result.afterUp.length && !result.afterDown.length
  return result
}

/**
 * The failing statement of `sql`, found from the line the server's position points at: the last
 * statement that starts on or before it (a statement's leading comments are not part of it).
 */
function describe(direction: 'up' | 'down', sql: string, error: unknown): DraftFailure {
  if (!(error instanceof TinymigrateError) || error.code !== 'SQL_FAILED') throw error
  const prefix = `${DRAFTED[direction]} failed on a scratch database: `
  const reason = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message
  let statement: string | null = null
  let line: number | null = null
  if (error.location) {
    const at = error.location.line
    const found = splitStatements(sql).statements.filter((s) => lineOf(sql, s.start) <= at).pop()
    if (found) {
      line = lineOf(sql, found.start)
      statement = oneLine(found.text)
    } else {
      line = at
      statement = error.location.excerpt?.trim() || null
    }
  }
  return {
    direction,
    message: line === null ? reason : `${reason} (line ${line}: ${statement ?? ''})`,
    reason,
    statement,
    line,
    detail: error.detail ?? null,
    hint: error.hint ?? null,
    sqlState: error.sqlState ?? null,
  }
}

/** `+ table public.orders`, `~ column public.orders.status: type`, `- index public.orders_idx`. */
export function describeChange(c: Change): string {
  const sign = c.action === 'create' ? '+' : c.action === 'drop' ? '-' : '~'
  const what = c.kind === 'comment' || c.kind === 'privileges' ? c.detail : c.kind
  const detail = c.action === 'alter' && c.kind !== 'comment' && c.kind !== 'privileges' ? `: ${c.detail}`
    : c.action === 'recreate' ? `: recreated (${c.detail})` : c.kind === 'enum value' ? ` value ${c.detail}` : ''
  return `${sign} ${what} ${c.name}${detail}`
}

/** `3 event triggers, 1 rule`: what the comparison could not see. */
export function describeNotCompared(counts: Map<string, number>): string {
  return [...counts].map(([kind, n]) => `${n} ${n === 1 ? kind : plural(kind)}`).join(', ')
}

function plural(kind: string): string {
  if (kind.endsWith('privileges')) return kind
  if (kind.endsWith('y') && !kind.endsWith('ay')) return `${kind.slice(0, -1)}ies`
  return `${kind}s`
}

// Drafting: replay the migrations into one scratch database, load schema.sql into another,
// introspect both with the same queries, compare, render the up and the down, and prove the pair
// on the scratch databases before anything is written.
import type { Db } from '../db.js'
import { TinymigrateError } from '../errors.js'
import type { MigrationFile } from '../files.js'
import { introspect } from '../catalog/introspect.js'
import type { Catalog } from '../catalog/model.js'
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
export async function freshDb(host: ScratchHost, prelude?: Script): Promise<{ db: ScratchDb }> {
  const db = await host.create()
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
  failed?: { direction: 'up' | 'down'; message: string }
}

/**
 * Applies the up to the replayed database and checks it now equals schema.sql's; then applies
 * the down and checks it is back to the replayed state.
 */
export async function verify(current: Side, wanted: Catalog, pair: Pair): Promise<Verification> {
  const result: Verification = { ok: false, afterUp: [], afterDown: [] }
  try {
    await runScript(current.db, { path: 'the drafted up migration', text: pair.up.sql })
  } catch (error) {
    result.failed = { direction: 'up', message: describe(error) }
    return result
  }
  result.afterUp = compare(await readScratch(current.db), wanted).changes
  try {
    await runScript(current.db, { path: 'the drafted down migration', text: pair.down.sql })
  } catch (error) {
    result.failed = { direction: 'down', message: describe(error) }
    return result
  }
  result.afterDown = compare(await readScratch(current.db), current.catalog).changes
  result.ok = !result.afterUp.length && !result.afterDown.length
  return result
}

function describe(error: unknown): string {
  const e = error as { message?: string; location?: { line: number; column: number; excerpt?: string } }
  return e.location ? `${e.message} (line ${e.location.line}: ${e.location.excerpt?.trim() ?? ''})` : String(e.message ?? error)
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

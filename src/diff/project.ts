// The draft commands on a project's files: `diff` writes the next up/down pair, `check` says
// whether the migrations (or a live database) give exactly schema.sql, `pull` writes schema.sql.
// Scratch databases are always dropped, also after an error.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from '../db.js'
import { TinymigrateError } from '../errors.js'
import { decodeSql, nextVersion, slug, type MigrationFile } from '../files.js'
import { introspect } from '../catalog/introspect.js'
import type { Catalog } from '../catalog/model.js'
import { extensionsIn } from '../pglite.js'
import { compare, type Change } from './compare.js'
import { describeChange, describeNotCompared, draftPair, emptySide, freshDb, load, readScratch, replay, runMigrations, verify, type Side } from './draft.js'
import { render } from './render.js'
import { scratchHost, type ScratchHost, type Script } from './scratch.js'

export interface ProjectContext {
  dir: string
  files: MigrationFile[]
  /** schema.sql's path. */
  schema: string
  /** Server for scratch databases; none: the embedded engine. */
  scratchUrl: string | undefined
  prelude: string | undefined
  /** Compare this live database instead of the replayed migrations (`--from-db`). */
  live?: { db: Db; exclude: string[]; label: string }
  signal?: AbortSignal
  now?: Date
}

export interface DraftResult {
  changed: boolean
  version: string | null
  up: string | null
  down: string | null
  changes: string[]
  warnings: string[]
  notCompared: Record<string, number>
  engine: 'server' | 'embedded'
  /** The drafted SQL (also when nothing is written, with dryRun). */
  sql: { up: string; down: string } | null
}

export interface CheckResult {
  ok: boolean
  differences: string[]
  notCompared: Record<string, number>
  engine: 'server' | 'embedded'
  source: 'migrations' | 'database'
}

export interface PullResult {
  path: string
  statements: number
  notCompared: Record<string, number>
  engine: 'server' | 'embedded'
}

function readScript(path: string, what: string, next: string): Script {
  if (!existsSync(path)) throw new TinymigrateError('FILE_UNREADABLE', `${what} ${path} does not exist.`, { files: [path], next })
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    throw new TinymigrateError('FILE_UNREADABLE', `Cannot read ${path}: ${(error as Error).message}`, { files: [path], next: 'Check the file permissions.' })
  }
  return { path, text: decodeSql(path, bytes) }
}

function schemaScript(ctx: ProjectContext): Script {
  return readScript(ctx.schema, 'The schema file', `Write the schema you want there, or create it from the migrations with: tinymigrate pull${ctx.schema === join(ctx.dir, 'schema.sql') ? '' : ` --schema ${ctx.schema}`}`)
}

/** Opens the scratch host for one command (reading the prelude first) and always closes it. */
export async function withHost<T>(ctx: ProjectContext, texts: string[], fn: (host: ScratchHost, prelude: Script | undefined) => Promise<T>): Promise<T> {
  const prelude = ctx.prelude ? readScript(ctx.prelude, 'The prelude file', 'Check the --prelude path.') : undefined
  const host = await scratchHost({ url: ctx.scratchUrl, extensions: extensionsIn([...texts, prelude?.text ?? '']), signal: ctx.signal })
  // Ctrl-C drops the scratch databases at once (ending their sessions), instead of after the work.
  const abort = () => { host.close().catch(() => {}) }
  if (ctx.signal?.aborted) abort()
  ctx.signal?.addEventListener('abort', abort)
  try {
    return await fn(host, prelude)
  } catch (error) {
    if (ctx.signal?.aborted) throw new TinymigrateError('INTERRUPTED', 'Interrupted; the scratch databases were dropped.', { next: 'Run the command again.' })
    throw error
  } finally {
    ctx.signal?.removeEventListener('abort', abort)
    await host.close()
  }
}

/** The current schema: the migrations replayed on a scratch database, or the live database. */
async function currentSide(ctx: ProjectContext, host: ScratchHost, prelude: Script | undefined): Promise<{ side: Side; empty: Catalog; copy: boolean }> {
  const empty = await emptySide(host, prelude)
  if (!ctx.live) return { side: await replay(empty, ctx.files, prelude?.path), empty: empty.catalog, copy: false }
  // A live database is never changed: verification runs on a scratch copy of its schema.
  const catalog = await introspect(ctx.live.db, { exclude: ctx.live.exclude })
  const script = render(compare(empty.catalog, catalog), empty.catalog, catalog).sql
  await load(empty, { path: `the schema of ${ctx.live.label}`, text: script })
  const copy = await readScratch(empty.db)
  const left = compare(copy, catalog).changes
  if (left.length) {
    throw new TinymigrateError('DRAFT_UNVERIFIED', `The schema of ${ctx.live.label} could not be copied to a scratch database exactly.`, {
      detail: left.map(describeChange).join('\n'),
      next: 'Compare against the replayed migrations instead (without --from-db), and report this case.',
    })
  }
  return { side: { db: empty.db, catalog }, empty: empty.catalog, copy: true }
}

const record = (m: Map<string, number>) => Object.fromEntries(m)

/**
 * The replayed migrations and `schema.sql`, each read into a catalog. On a server the reading of
 * the first overlaps the loading of the second (each has its own backend, and reading a catalog is
 * the server's work); the SQL itself still runs one side after the other, so a role that a
 * migration creates is there for `schema.sql`, as before. The first error wins, as in that order.
 */
async function replayAndLoad(ctx: ProjectContext, host: ScratchHost, prelude: Script | undefined, schema: Script): Promise<[Side, Side]> {
  if (!host.concurrent) return [await replay(await freshDb(host, prelude), ctx.files, prelude?.path), await load(await freshDb(host, prelude), schema)]
  const { db } = await freshDb(host, prelude)
  await runMigrations(db, ctx.files, prelude?.path)
  const reading = readScratch(db)
  const [current, wanted] = await Promise.allSettled([reading, (async () => load(await freshDb(host, prelude), schema))()])
  if (current.status === 'rejected') throw current.reason
  if (wanted.status === 'rejected') throw wanted.reason
  return [{ db, catalog: current.value }, wanted.value]
}

export async function draftMigration(ctx: ProjectContext, name: string, dryRun: boolean): Promise<DraftResult> {
  const label = slug(name)
  if (!label) throw new TinymigrateError('USAGE', `"${name}" has no letters or digits to name a migration with.`, { next: 'Example: tinymigrate diff add_orders' })
  const schema = schemaScript(ctx)
  return withHost(ctx, [schema.text, ...ctx.files.map((f) => f.up.text)], async (host, prelude) => {
    const [current, wanted] = ctx.live
      ? [(await currentSide(ctx, host, prelude)).side, await load(await freshDb(host, prelude), schema)]
      : await replayAndLoad(ctx, host, prelude, schema)
    const pair = draftPair(current.catalog, wanted.catalog)
    const result: DraftResult = {
      changed: pair.changes.length > 0, version: null, up: null, down: null,
      changes: pair.changes.map(describeChange), warnings: pair.up.warnings, notCompared: record(pair.notCompared),
      engine: host.engine, sql: null,
    }
    if (!result.changed) return result
    const check = await verify(current, wanted.catalog, pair)
    if (!check.ok) {
      const lines = check.failed
        ? [`the drafted ${check.failed.direction} fails: ${check.failed.message}`]
        : [...check.afterUp.map((c) => `after the up: ${describeChange(c)}`), ...check.afterDown.map((c) => `after the down: ${describeChange(c)}`)]
      throw new TinymigrateError('DRAFT_UNVERIFIED', 'The drafted migration did not pass its check on the scratch database, so nothing was written.', {
        detail: `${lines.join('\n')}\n--- drafted up\n${pair.up.sql}\n--- drafted down\n${pair.down.sql}`,
        next: 'Write this migration by hand (tinymigrate new), and report the case: the draft should have handled it.',
      })
    }
    const version = nextVersion(ctx.files.map((f) => f.version), ctx.now ?? new Date())
    const base = `${version}_${label}`
    const source = ctx.live ? ctx.live.label : `the migrations in ${ctx.dir}`
    const notCompared = pair.notCompared.size ? [`-- Not compared: ${describeNotCompared(pair.notCompared)}.`] : []
    const header = (direction: string) => [
      `-- ${base}: drafted by tinymigrate diff, ${direction}.`,
      '-- Checked on a scratch database: the up gives the schema of the schema file, the down gives back the current one.',
      ...notCompared,
      '-- Review it (the WARNING and NOTE comments above statements first), then run: tinymigrate up',
      '',
    ].join('\n')
    // The no-transaction marker must stay the first line.
    const file = (direction: string, sql: string, outside: boolean) => outside
      ? `-- tinymigrate:no-transaction\n${header(direction)}\n${sql.replace(/^-- tinymigrate:no-transaction\n/, '')}\n`
      : `${header(direction)}\n${sql}\n`
    const up = file(`from ${source} to ${ctx.schema}`, pair.up.sql, pair.up.noTransaction)
    const down = file(`from ${ctx.schema} back to ${source}`, pair.down.sql, pair.down.noTransaction)
    result.sql = { up, down }
    result.version = version
    if (dryRun) return result
    const upPath = join(ctx.dir, `${base}.up.sql`)
    const downPath = join(ctx.dir, `${base}.down.sql`)
    for (const path of [upPath, downPath]) {
      if (existsSync(path)) throw new TinymigrateError('FILE_EXISTS', `${path} already exists.`, { next: 'Pick another name.' })
    }
    writeFileSync(upPath, up, { flag: 'wx' })
    writeFileSync(downPath, down, { flag: 'wx' })
    result.up = upPath
    result.down = downPath
    return result
  })
}

export async function checkSchema(ctx: ProjectContext): Promise<CheckResult> {
  const schema = schemaScript(ctx)
  return withHost(ctx, [schema.text, ...ctx.files.map((f) => f.up.text)], async (host, prelude) => {
    const [current, wanted] = ctx.live
      ? [{ catalog: await introspect(ctx.live.db, { exclude: ctx.live.exclude }) }, await load(await freshDb(host, prelude), schema)]
      : await replayAndLoad(ctx, host, prelude, schema)
    // Both catalogs are read: the scratch databases are dropped while they are compared.
    void host.close().catch(() => {})
    const comparison = compare(current.catalog, wanted.catalog)
    return {
      ok: comparison.changes.length === 0,
      differences: comparison.changes.map(describeChange),
      notCompared: record(comparison.notCompared),
      engine: host.engine,
      source: ctx.live ? 'database' : 'migrations',
    }
  })
}

export async function pullSchema(ctx: ProjectContext): Promise<PullResult> {
  return withHost(ctx, ctx.files.map((f) => f.up.text), async (host, prelude) => {
    const { side, empty } = await currentSide(ctx, host, prelude)
    const rendered = render(compare(empty, side.catalog), empty, side.catalog)
    const source = ctx.live ? ctx.live.label : `the migrations in ${ctx.dir}`
    const text = [
      `-- The schema that ${source} give, written by tinymigrate pull.`,
      '-- Edit it to the schema you want, then draft the migration with: tinymigrate diff <name>',
      '',
      rendered.sql,
      '',
    ].join('\n')
    // What is written must load back to the same schema: checked before the file is replaced.
    const loaded = await load(await freshDb(host, prelude), { path: ctx.schema, text })
    const left = compare(loaded.catalog, side.catalog).changes
    if (left.length) {
      throw new TinymigrateError('DRAFT_UNVERIFIED', `The schema written from ${source} does not load back to the same schema, so ${ctx.schema} was left as it is.`, {
        detail: left.map(describeChange).join('\n'),
        next: 'Report the case; meanwhile keep schema.sql by hand.',
      })
    }
    writeFileSync(ctx.schema, text)
    const notCompared = compare(empty, side.catalog).notCompared
    return { path: ctx.schema, statements: rendered.statements.length, notCompared: record(notCompared), engine: host.engine }
  })
}

export type { Change }

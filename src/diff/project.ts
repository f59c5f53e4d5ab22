// The draft commands on a project's files: `diff` writes the next up/down pair, `check` says
// whether the migrations (or a live database) give exactly schema.sql, `pull` writes schema.sql.
// Scratch databases are always dropped, also after an error.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { writeNewFiles } from '../writer.js'
import { join } from 'node:path'
import type { Db } from '../db.js'
import { TinymigrateError, type Unverified } from '../errors.js'
import { decodeSql, nextVersion, slug, type MigrationFile } from '../files.js'
import { introspect } from '../catalog/introspect.js'
import type { Catalog } from '../catalog/model.js'
import { extensionsIn } from '../embedded/engine.js'
import { compare, type Change } from './compare.js'
import { describeChange, describeNotCompared, draftPair, emptySide, freshDb, load, readScratch, replay, runMigrations, verify, type Side, type Verification } from './draft.js'
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
  /** False when the pair did not pass its check and was written anyway (`writeUnverified`). */
  verified: boolean
  /** Why it did not pass; null when it did. */
  unverified: Unverified | null
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
export async function withHost<T>(ctx: Pick<ProjectContext, 'prelude' | 'scratchUrl' | 'signal'>, texts: string[], fn: (host: ScratchHost, prelude: Script | undefined) => Promise<T>): Promise<T> {
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
 * The replayed migrations and `schema.sql`, each read into a catalog. On a server both scratch
 * databases are made at once, and the two sides load at the same time (each has its own
 * backend: on two cores that halves the wait), unless the migrations or the prelude create or
 * change what the whole server shares (roles, tablespaces): then `schema.sql` may need it, and
 * its SQL runs after the migrations', as before, while the first catalog is read. Either way
 * the first error is the one the sequential order would meet first.
 */
async function replayAndLoad(ctx: ProjectContext, host: ScratchHost, prelude: Script | undefined, schema: Script): Promise<[Side, Side]> {
  if (!host.concurrent) return [await replay(await freshDb(host, prelude), ctx.files, prelude?.path), await load(await freshDb(host, prelude), schema)]
  const together = !touchesServer([...(prelude ? [prelude.text] : []), ...ctx.files.map((f) => f.up.text)])
  const making = [freshDb(host, prelude), ...(together ? [freshDb(host, prelude)] : [])]
  making.forEach((m) => m.catch(() => {}))
  const { db } = await making[0]!
  const ran = runMigrations(db, ctx.files, prelude?.path)
  const migrated = ran.then(() => readScratch(db))
  migrated.catch(() => {})
  // Sequential: schema.sql's SQL starts once the migrations' has run (failed or not: their error wins).
  if (!together) await ran.catch(() => {})
  const declared = (async () => load(await (making[1] ?? freshDb(host, prelude)), schema))()
  const [current, wanted] = await Promise.allSettled([migrated, declared])
  if (current.status === 'rejected') throw current.reason
  if (wanted.status === 'rejected') throw wanted.reason
  return [{ db, catalog: current.value }, wanted.value]
}

/** SQL that creates or changes objects of the whole server, which the other side may need. */
function touchesServer(texts: string[]): boolean {
  return texts.some((t) => /\b(create|alter|drop)\s+(role|user|group|tablespace)\b/i.test(t))
}

export interface DraftOptions {
  /** Draft and check, but write nothing (the SQL is in the result). */
  dryRun?: boolean
  /** Write a pair that failed its check, each file headed NOT VERIFIED with the reason. */
  writeUnverified?: boolean
}

export async function draftMigration(ctx: ProjectContext, name: string, options: DraftOptions = {}): Promise<DraftResult> {
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
      engine: host.engine, sql: null, verified: true, unverified: null,
    }
    if (!result.changed) return result
    const check = await verify(current, wanted.catalog, pair)
    const version = nextVersion(ctx.files.map((f) => f.version), ctx.now ?? new Date())
    const base = `${version}_${label}`
    const upPath = join(ctx.dir, `${base}.up.sql`)
    const downPath = join(ctx.dir, `${base}.down.sql`)
    const source = ctx.live ? ctx.live.label : `the migrations in ${ctx.dir}`
    const notCompared = pair.notCompared.size ? [`-- Not compared: ${describeNotCompared(pair.notCompared)}.`] : []
    const header = (direction: string, banner: string[]) => [
      `-- ${base}: drafted by tinymigrate diff, ${direction}.`,
      ...(banner.length ? banner : ['-- Checked on a scratch database: the up gives the schema of the schema file, the down gives back the current one.']),
      ...notCompared,
      ...(banner.length ? [] : ['-- Review it (the WARNING and NOTE comments above statements first), then run: tinymigrate up']),
    ]
    const files = (banner: string[]) => ({
      up: draftFile(header(`from ${source} to ${ctx.schema}`, banner), pair.up.sql, pair.up.noTransaction),
      down: draftFile(header(`from ${ctx.schema} back to ${source}`, banner), pair.down.sql, pair.down.noTransaction),
    })
    let written = files([])
    if (!check.ok) {
      const paths = { up: upPath, down: downPath }
      const against = { up: ctx.schema, down: source }
      // The banner names a line of the file it heads; how many lines the banner takes does not
      // depend on that number, so the offset is measured on a first layout.
      const probe = files(banner(explain(unverifiedOf(check, paths, 0), against, true)))
      const unverified = unverifiedOf(check, paths, check.failed ? probe[check.failed.direction].offset : 0)
      if (ctx.signal?.aborted) throw new TinymigrateError('INTERRUPTED', 'Interrupted; the scratch databases were dropped.', { next: 'Run the command again.' })
      if (!options.writeUnverified) {
        throw new TinymigrateError('DRAFT_UNVERIFIED', ['The drafted migration did not pass its check on the scratch database, so nothing was written.', ...explain(unverified, against, false)].join('\n'), {
          detail: unverified.detail ?? undefined,
          hint: unverified.hint ?? undefined,
          sqlState: unverified.sqlState ?? undefined,
          unverified,
          next: 'Run the same command with --write-unverified to write the pair anyway, headed NOT VERIFIED, and fix it by hand (with --dry-run too, it is printed instead). Or write the migration yourself (tinymigrate new), and report the case: the draft should have handled it.',
        })
      }
      written = files(banner(explain(unverified, against, true)))
      result.verified = false
      result.unverified = unverified
    }
    result.sql = { up: written.up.text, down: written.down.text }
    result.version = version
    if (options.dryRun) return result
    writeNewFiles([{ path: upPath, text: written.up.text }, { path: downPath, text: written.down.text }])
    result.up = upPath
    result.down = downPath
    return result
  })
}

/**
 * A drafted file as written: the no-transaction marker first (it must stay the first line), the
 * header, a blank line, the SQL. `offset` turns a line of the SQL into a line of the file.
 */
function draftFile(header: string[], sql: string, outside: boolean): { text: string; offset: number } {
  const body = outside ? sql.replace(/^-- tinymigrate:no-transaction\n/, '') : sql
  const head = [...(outside ? ['-- tinymigrate:no-transaction'] : []), ...header, '']
  return { text: `${head.join('\n')}\n${body}\n`, offset: head.length - (body === sql ? 0 : 1) }
}

/** The header lines of a pair written with --write-unverified: what failed, as comments. */
function banner(reason: string[]): string[] {
  return [
    '-- NOT VERIFIED: this pair did not pass its check on a scratch database and was written only',
    '-- because of --write-unverified. Fix it by hand before running it:',
    ...reason.flatMap((line) => line.split(/\r\n|\r|\n/)).map((line) => `--   ${line}`.trimEnd()),
    '-- Then delete these NOT VERIFIED lines; tinymigrate check says whether the up gives the schema file.',
  ]
}

/** Why a pair did not pass, as data. `offset` maps a line of the drafted SQL to its line in the written file. */
function unverifiedOf(check: Verification, paths: { up: string; down: string }, offset: number): Unverified {
  const stillDiffers = { afterUp: check.afterUp.map(describeChange), afterDown: check.afterDown.map(describeChange) }
  const f = check.failed
  if (!f) return { direction: null, file: null, statement: null, line: null, message: null, detail: null, hint: null, sqlState: null, stillDiffers }
  return {
    direction: f.direction, file: paths[f.direction], statement: f.statement, line: f.line === null ? null : f.line + offset,
    message: f.reason, detail: f.detail, hint: f.hint, sqlState: f.sqlState, stillDiffers,
  }
}

/**
 * Why a pair did not pass, in plain words: the failing statement, or what still differs after
 * each direction (`against`: what the up and the down should have given). `notes` adds the
 * server's detail and hint, which an error shows on lines of its own.
 */
export function explain(u: Unverified, against: { up: string; down: string }, notes: boolean): string[] {
  const failed = u.direction
    ? [
        `The ${u.direction} fails${u.line === null ? '' : ` at line ${u.line} of ${u.file}`}: ${u.message}`,
        ...(u.statement ? [`  ${u.statement}`] : []),
        ...(notes && u.detail ? [`detail: ${u.detail}`] : []),
        ...(notes && u.hint ? [`hint: ${u.hint}`] : []),
      ]
    : []
  // A down that fails ran after an up that may already have left differences.
  const list = (title: string, changes: string[]) => (changes.length ? [title, ...changes.map((c) => `  ${c}`)] : [])
  return [
    ...failed,
    ...list(`After the up, the schema still differs from ${against.up}:`, u.stillDiffers.afterUp),
    ...list(`After the down, the schema still differs from ${against.down}:`, u.stillDiffers.afterDown),
  ]
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
      // schema.sql loads statement by statement (as psql -f): a SET LOCAL would end with its statement.
      rendered.sql.replace(/^SET LOCAL check_function_bodies = off;/, 'SET check_function_bodies = off;'),
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

export type { Change, Unverified }

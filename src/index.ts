/**
 * tinymigrate's library API. The CLI is a thin layer over these functions, so a program (a test
 * suite, an app that migrates at start-up) gets exactly the behaviour of the command line.
 *
 * ```ts
 * import { migrate, status } from 'tinymigrate'
 * const result = await migrate({ url: process.env.DATABASE_URL, dir: 'migrations' })
 * ```
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { TinymigrateError, type ErrorCode } from './errors.js'
import { canonicalVersion, checksum, label, loadMigrations, nextVersion, slug, type MigrationFile } from './files.js'
import { ensureHistory, markFinished, readStoredDown, recordApplied, removeRecord, updateChecksum } from './history.js'
import { parseQualifiedName, qualified } from './ident.js'
import type { FleetControl, Outcome } from './fleet/fleet.js'
import type { Target, TargetSource } from './fleet/targets.js'
import type { Event } from './events.js'
import { DEFAULT_FOREIGN_TABLE, TOOLS, readForeign } from './adopt.js'
import {
  currentVersion, listLabels, planAdopt, planDown, planStamp, planUp, type Entry, type State, type Tool,
} from './plan.js'
import { DEFAULT_DDL_LOCK_TIMEOUT, DEFAULT_DIR, DEFAULT_TABLE, type Options } from './options.js'
import { isPgliteUrl } from './embedded/adapter.js'
import { hasNoTransactionMarker } from './sqltext.js'
import {
  applyAll, describeApply, describeRevert, display, revertAll, type RevertSource, type StepResult,
} from './runner.js'
import { runContext, withSession, type Session } from './session.js'
import { writeNewFiles } from './writer.js'

export { TinymigrateError, isTinymigrateError } from './errors.js'
export type { ErrorCode, Location, Unverified } from './errors.js'
export type { Event } from './events.js'
export type { State, Tool } from './plan.js'
export type { StepResult } from './runner.js'
export { redact, redactUrl } from './redact.js'
export * from './options.js'

export interface RunOptions extends Options {
  /** Print what would run (returned in `statements`) and change nothing. */
  dryRun?: boolean
}

export interface MigrateOptions extends RunOptions {
  /** Apply only the next `count` pending migrations. */
  count?: number
  /** Apply up to and including this version. */
  to?: string
  /** Allow pending migrations older than the newest applied one. */
  allowOutOfOrder?: boolean
}

export interface RollbackOptions extends RunOptions {
  /** Revert the last `count` migrations (default 1). */
  count?: number
  /** Revert every migration after this version. */
  to?: string
  /** Revert everything. */
  all?: boolean
}

export interface RunResult {
  applied: StepResult[]
  reverted: StepResult[]
  /** The newest applied version after the run, or null. */
  current: string | null
  dryRun: boolean
  /** With `dryRun`: every statement that would run, history writes included. */
  statements: string[]
}

export interface MigrationInfo {
  version: string
  name: string
  state: State
  /** The up file, or null when it is gone. */
  file: string | null
  appliedAt: string | null
  durationMs: number | null
  appliedBy: string | null
  note: string | null
}

export interface StatusResult {
  table: string
  current: string | null
  migrations: MigrationInfo[]
}

function warnMissing(s: Session): void {
  const missing = s.entries.filter((e) => e.state === 'missing')
  if (missing.length > 0) {
    s.emit({ type: 'warning', message: `Applied migration${missing.length > 1 ? 's have' : ' has'} no file in this directory (an older release?):\n${listLabels(missing)}` })
  }
}

/** Apply pending migrations (all, the next `count`, or up to `to`). Alembic: `upgrade head`. */
export async function migrate(options: MigrateOptions = {}): Promise<RunResult> {
  return withSession(options, { lock: false }, async (s) => {
    // A clean "nothing pending" read without the lock is final whatever other runners do (they
    // can only add rows): only a run with work, or with a history that looks wrong, takes the
    // lock and reads again. Ten containers starting at once against an up-to-date database then
    // do not even queue. What another runner is half-way through (a no-transaction migration
    // shows as failed until it ends) is judged only under the lock.
    const quick = options.dryRun ? planUp(s.entries, options) : attempt(() => planUp(s.entries, options))
    let todo: MigrationFile[]
    if (quick !== undefined && (quick.length === 0 || options.dryRun)) {
      todo = quick
    } else {
      await s.takeLock()
      todo = planUp(s.entries, options)
    }
    warnMissing(s)
    // Read every down file now: a bad one must stop the run before anything is applied.
    for (const m of todo) void m.down?.text
    if (options.dryRun) return dryRunUp(s, options, todo)
    if (todo.length > 0) await ensureHistory(s.db, s.history)
    const applied = await applyAll(runContext(s, options), todo)
    return { applied, reverted: [], current: currentAfter(s, applied, []), dryRun: false, statements: [] }
  })
}

/** Revert applied migrations (the last one by default). Alembic: `downgrade -1`. */
export async function rollback(options: RollbackOptions = {}): Promise<RunResult> {
  return withSession(options, { lock: !options.dryRun }, async (s) => {
    const todo = planDown(s.entries, options)
    const sources = await downSources(s, todo)
    if (options.dryRun) return dryRunDown(s, options, todo, sources)
    const reverted = await revertAll(runContext(s, options), todo, sources)
    return { applied: [], reverted, current: currentAfter(s, [], reverted), dryRun: false, statements: [] }
  })
}

/** Revert the newest migration and apply it again, under one lock. */
export async function redo(options: RunOptions = {}): Promise<RunResult> {
  return withSession(options, { lock: !options.dryRun }, async (s) => {
    const [last] = planDown(s.entries, { count: 1 })
    if (!last) throw new TinymigrateError('UNKNOWN_VERSION', 'Nothing is applied, so there is nothing to redo.', { next: 'Run tinymigrate up.' })
    if (!last.file) {
      throw new TinymigrateError('MISSING_FILE', `${label(last)} has no up file in this directory, so it cannot be applied again.`, {
        next: 'Restore the file, or use tinymigrate down 1 on its own.',
      })
    }
    const [source] = await downSources(s, [last])
    if (options.dryRun) {
      const down = dryRunDown(s, options, [last], [source!])
      const up = dryRunUp(s, options, [last.file])
      return { ...down, statements: [...down.statements, ...up.statements] }
    }
    const ctx = runContext(s, options)
    const reverted = await revertAll(ctx, [last], [source!])
    const applied = await applyAll(ctx, [last.file])
    return { applied, reverted, current: currentAfter(s, applied, []), dryRun: false, statements: [] }
  })
}

/** `fn()`, or undefined when it throws: for a first look whose errors are judged again later. */
function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn()
  } catch {
    return undefined
  }
}

/** The newest applied version once a run is done, from what was known plus what it did. */
function currentAfter(s: Session, applied: StepResult[], reverted: StepResult[]): string | null {
  const gone = new Set(reverted.map((r) => BigInt(r.version)))
  const added = new Set(applied.map((r) => BigInt(r.version)))
  let current: Entry | undefined
  for (const e of s.entries) {
    const id = BigInt(e.id)
    const isApplied = added.has(id) || (e.row?.state === 'applied' && !gone.has(id))
    if (isApplied) current = e
  }
  return current?.version ?? null
}

/** Where each rollback's SQL comes from: the down file on disk, else the copy stored at apply time. */
async function downSources(s: Session, todo: Entry[]): Promise<RevertSource[]> {
  const sources: (RevertSource | undefined)[] = []
  for (const e of todo) {
    if (e.file?.down) {
      sources.push({ file: e.file.down, source: 'file' })
      continue
    }
    const stored = await readStoredDown(s.db, s.history, e.version)
    if (stored === null) { sources.push(undefined); continue }
    sources.push({
      file: { path: `${s.history.table.schema}.${s.history.table.name} (stored down of ${label(e)})`, text: stored, noTransaction: hasNoTransactionMarker(stored) },
      source: 'history',
    })
  }
  const missing = todo.filter((_, i) => sources[i] === undefined)
  if (missing.length > 0) {
    // The file to write (or, for a dbmate file, the file to add the section to), as other errors
    // name files: the migrations directory joined with the name. An applied migration whose files
    // are gone has no path; it is named by its label.
    const where = missing.map((e) => (!e.file ? label(e) : e.file.up.section ? e.file.up.path : e.file.up.path.replace(/\.up\.sql$/, '.down.sql')))
    const expected = missing.map((e, i) => `  ${where[i]}${e.file?.up.section ? ' (a -- migrate:down section)' : ''}`).join('\n')
    const oneFile = missing.some((e) => e.file?.up.section)
    throw new TinymigrateError('MISSING_DOWN', `No down migration for:\n${expected}\nNeither that ${oneFile ? 'section' : '.down.sql file'} nor a copy stored in history exists. Nothing was reverted.`, {
      files: where,
      next: oneFile
        ? 'Add a -- migrate:down line and the SQL that undoes the migration at the end of its file, then run the command again.'
        : `Write the missing .down.sql file${missing.length > 1 ? 's' : ''} next to the up file, then run the command again.`,
    })
  }
  return sources as RevertSource[]
}

function dryRunUp(s: Session, options: Options, todo: MigrationFile[]): RunResult {
  const ctx = runContext(s, options)
  const statements: string[] = []
  if (!s.history.exists && todo.length > 0) statements.push(`-- create history table ${s.history.sqlName}`)
  const applied = todo.map((m) => {
    const d = describeApply(ctx, m)
    statements.push(...d.lines)
    return { version: m.version, name: m.name, durationMs: 0, noTransaction: d.outside }
  })
  const last = todo.at(-1)
  return { applied, reverted: [], current: last?.version ?? currentVersion(s.entries)?.version ?? null, dryRun: true, statements }
}

function dryRunDown(s: Session, options: Options, todo: Entry[], sources: RevertSource[]): RunResult {
  const ctx = runContext(s, options)
  const statements: string[] = []
  const reverted = todo.map((e, i) => {
    const d = describeRevert(ctx, e, sources[i]!)
    statements.push(...d.lines)
    return { version: e.version, name: e.name, durationMs: 0, noTransaction: d.outside }
  })
  const gone = new Set(todo.map((e) => e.id))
  const remaining = s.entries.filter((e) => e.row && !gone.has(e.id)).at(-1)
  return { applied: [], reverted, current: remaining?.version ?? null, dryRun: true, statements }
}

function info(e: Entry): MigrationInfo {
  return {
    version: e.version,
    name: e.name,
    state: e.state,
    file: e.file?.up.path ?? null,
    appliedAt: e.row?.appliedAt.toISOString() ?? null,
    durationMs: e.row?.durationMs ?? null,
    appliedBy: e.row?.appliedBy ?? null,
    note: e.row?.note ?? null,
  }
}

/** Every migration, file or history row, with its state. Changes nothing. */
export async function status(options: Options = {}): Promise<StatusResult> {
  return withSession(options, { lock: false }, async (s) => ({
    table: `${s.history.table.schema}.${s.history.table.name}`,
    current: currentVersion(s.entries)?.version ?? null,
    migrations: s.entries.map(info),
  }))
}

/** The newest applied migration, or null. Alembic: `current`. */
export async function current(options: Options = {}): Promise<{ version: string; name: string } | null> {
  return withSession(options, { lock: false }, async (s) => {
    const e = currentVersion(s.entries)
    return e ? { version: e.version, name: e.name } : null
  })
}

/** Applied migrations in version order, with when, how long and by whom. Alembic: `history`. */
export async function history(options: Options = {}): Promise<MigrationInfo[]> {
  return withSession(options, { lock: false }, async (s) => s.entries.filter((e) => e.row).map(info))
}

export interface Problem {
  code: ErrorCode
  version: string
  name: string
  message: string
}

export interface VerifyResult {
  ok: boolean
  problems: Problem[]
  migrations: MigrationInfo[]
}

const PROBLEMS: Partial<Record<State, [ErrorCode, string]>> = {
  changed: ['CHECKSUM_MISMATCH', 'the up file was edited after it was applied'],
  missing: ['MISSING_FILE', 'applied, but its up file is not in the directory'],
  'out-of-order': ['OUT_OF_ORDER', 'pending, but older than the newest applied migration'],
  failed: ['PARTIAL_MIGRATION', 'stopped part-way outside a transaction'],
}

/** Check files and checksums against history; change nothing. `ok` is false on any problem. */
export async function verify(options: Options = {}): Promise<VerifyResult> {
  return withSession(options, { lock: false }, async (s) => {
    const problems: Problem[] = []
    for (const e of s.entries) {
      const p = PROBLEMS[e.state]
      if (p) problems.push({ code: p[0], version: e.version, name: e.name, message: `${label(e)}: ${p[1]}` })
    }
    return { ok: problems.length === 0, problems, migrations: s.entries.map(info) }
  })
}

export interface StampOptions extends RunOptions {
  /** A version, `head` (everything) or `base` (nothing). */
  target: string
}

export interface StampResult {
  recorded: { version: string; name: string }[]
  forgotten: { version: string; name: string }[]
  current: string | null
  dryRun: boolean
  statements: string[]
}

/** Record migrations as applied (or not) without running them, for adopting a database. Alembic: `stamp`. */
export async function stamp(options: StampOptions): Promise<StampResult> {
  return withSession(options, { lock: !options.dryRun }, async (s) => {
    const { record, forget } = planStamp(s.entries, options.target)
    const statements = [
      ...record.map((m) => {
        const failed = s.entries.find((e) => e.id === m.id)?.row
        return failed ? markFinished(s.history, m.version, 0) : recordApplied(s.history, { version: m.version, name: m.name, checksum: m.checksum, downSql: m.down?.text ?? null })
      }),
      ...forget.map((e) => removeRecord(s.history, e.version)),
    ]
    const newest = [...s.entries].reverse().find((e) => (e.row && !forget.includes(e)) || record.some((m) => m.id === e.id))
    const result = {
      recorded: record.map((m) => ({ version: m.version, name: m.name })),
      forgotten: forget.map((e) => ({ version: e.version, name: e.name })),
      current: newest?.version ?? null,
      dryRun: !!options.dryRun,
      statements: options.dryRun ? statements.map((st) => display(st) + ';') : [],
    }
    if (options.dryRun || statements.length === 0) return result
    await ensureHistory(s.db, s.history)
    await s.db.transaction('', [], statements)
    return result
  })
}

export interface AdoptOptions extends RunOptions {
  /** Which tool wrote the other table; detected from its columns when not given. */
  from?: Tool
  /**
   * The other tool's history table, `name` or `schema.name` (default `schema_migrations`, found
   * through the search_path as both tools do): golang-migrate's `x-migrations-table`, dbmate's
   * `--migrations-table`.
   */
  fromTable?: string
}

export interface AdoptResult {
  from: Tool
  /** The other tool's table, `schema.name`. */
  fromTable: string
  /** Migrations recorded as applied now (not run). */
  recorded: { version: string; name: string }[]
  /** Migrations tinymigrate's history had already: left as they are. */
  alreadyRecorded: { version: string; name: string }[]
  current: string | null
  dryRun: boolean
  /** With `dryRun`: the history writes that would run. */
  statements: string[]
  /** The statement that removes the other tool's table once nothing runs that tool any more. */
  drop: string
}

/**
 * Switch a database from golang-migrate or dbmate: read the other tool's history table and
 * record the same migrations as applied in tinymigrate's history (checksums of today's files,
 * down text stored as `stamp` stores it), running none of them. Under the migration lock; the
 * other table is left in place (`drop` says how to remove it). Running it again changes nothing.
 */
export async function adopt(options: AdoptOptions = {}): Promise<AdoptResult> {
  if (options.from !== undefined && !TOOLS.includes(options.from)) {
    throw new TinymigrateError('USAGE', `from is golang-migrate or dbmate, not ${JSON.stringify(options.from)}.`)
  }
  const name = parseQualifiedName(options.fromTable ?? DEFAULT_FOREIGN_TABLE)
  return withSession(options, { lock: !options.dryRun }, async (s) => {
    const foreign = await readForeign(s.db, name, options.from)
    const ours = s.history.table
    if (foreign.table.schema === ours.schema && foreign.table.name === ours.name) {
      throw new TinymigrateError('ADOPT_FOREIGN', `${ours.schema}.${ours.name} is tinymigrate's own history table.`, {
        next: 'Name the other tool\'s history table with --from-table NAME (golang-migrate: its x-migrations-table; dbmate: its --migrations-table).',
      })
    }
    const { record, already } = planAdopt(s.entries, foreign, `${ours.schema}.${ours.name}`)
    const statements = record.map((m) => recordApplied(s.history, { version: m.version, name: m.name, checksum: m.checksum, downSql: m.down?.text ?? null }))
    const recordedIds = new Set(record.map((m) => m.id))
    const newest = [...s.entries].reverse().find((e) => (e.row?.state === 'applied') || recordedIds.has(e.id))
    // dbmate applies every pending file whatever its version; tinymigrate's up does not.
    const early = s.entries.filter((e) => !e.row && !recordedIds.has(e.id) && newest && BigInt(e.id) < BigInt(newest.id))
    if (early.length > 0) {
      s.emit({ type: 'warning', message: `Not applied, yet older than the newest adopted migration (${label(newest!)}): tinymigrate up refuses ${early.length > 1 ? 'them' : 'it'} unless --allow-out-of-order:\n${listLabels(early)}` })
    }
    const result: AdoptResult = {
      from: foreign.tool,
      fromTable: `${foreign.table.schema}.${foreign.table.name}`,
      recorded: record.map((m) => ({ version: m.version, name: m.name })),
      alreadyRecorded: already.map((e) => ({ version: e.version, name: e.name })),
      current: newest?.version ?? null,
      dryRun: !!options.dryRun,
      statements: options.dryRun ? statements.map((st) => display(st) + ';') : [],
      drop: `drop table ${qualified(foreign.table)};`,
    }
    if (options.dryRun || statements.length === 0) return result
    await ensureHistory(s.db, s.history)
    await s.db.transaction('', [], statements)
    return result
  })
}

export interface BaselineOptions extends RunOptions {
  /** The migration's name: `initial` → `<version>_initial.up.sql` and `.down.sql`. */
  name: string
  /**
   * SQL run on every scratch database first. What it creates is left out of the baseline: it is
   * what exists before the first migration (roles, extensions the platform installs, tables
   * another application owns).
   */
  prelude?: string
  /**
   * Server for the scratch databases (`--shadow-url`). Default: the server of `url`; with no
   * server at all, in-memory PGlite.
   */
  shadowUrl?: string
  /** The clock for the version (tests). */
  now?: Date
}

export interface LeftOutTable {
  /** `schema.name` */
  table: string
  tool: 'alembic' | 'flyway'
  /** The statement that removes it once nothing runs that tool any more. */
  drop: string
}

export interface BaselineResult {
  version: string
  name: string
  /** The files written; null with `dryRun`. */
  up: string | null
  down: string | null
  /** Other migrators' history tables, left out of the baseline. */
  leftOut: LeftOutTable[]
  /** What the comparison does not cover (`rule` → 1): in the database, not in the files. */
  notCompared: Record<string, number>
  /** Where the files were checked: scratch databases on the server, or the embedded engine. */
  engine: 'server' | 'embedded'
  /** The version applied after the run (the baseline's), or null with `dryRun`. */
  current: string | null
  dryRun: boolean
  /** With `dryRun`: the history writes that would run. */
  statements: string[]
  /** The text of both files, as written (or as they would be). */
  sql: { up: string; down: string }
}

/**
 * Take over a database that no migrator tracked, or that Alembic or Flyway did: write
 * `<next version>_<name>.up.sql` from the live schema and a `.down.sql` that drops it all again,
 * both checked on a scratch database first, and record the pair as applied without running it
 * (the checksum of the written up file, the down text stored, as `stamp` records). Under the
 * migration lock of `up`. Alembic's and Flyway's history tables are left out (`leftOut` says how
 * to drop them); a database whose history tinymigrate, golang-migrate or dbmate keeps, or a
 * folder that already holds migrations, is refused with nothing written. Alembic: `stamp` after
 * writing the first revision by hand; Flyway: `baseline`.
 */
export async function baseline(options: BaselineOptions): Promise<BaselineResult> {
  const name = slug(options.name ?? '')
  if (!name) throw new TinymigrateError('USAGE', `"${options.name ?? ''}" has no letters or digits to name a migration with.`, { next: 'Example: tinymigrate baseline initial' })
  const dir = options.dir ?? DEFAULT_DIR
  const { draftBaseline } = await import('./diff/baseline.js')
  const { MIGRATOR_NAMES, dropStatement, findMigratorTables } = await import('./migrators.js')
  return withSession(options, { lock: !options.dryRun, optionalDir: true }, async (s) => {
    const own = `${s.history.table.schema}.${s.history.table.name}`
    const recorded = s.entries.filter((e) => e.row)
    if (recorded.length > 0) {
      throw new TinymigrateError('BASELINE_TRACKED', `tinymigrate's history in ${own} already records ${recorded.length} migration${recorded.length > 1 ? 's' : ''} (${recorded.slice(0, 3).map((e) => label(e)).join(', ')}${recorded.length > 3 ? ', …' : ''}): this database is tracked already. Nothing was written or recorded.`, {
        next: 'A baseline is for a database that tinymigrate does not track yet. Write the next change as a migration instead (tinymigrate new <name>, or tinymigrate diff <name>), then run tinymigrate up.',
      })
    }
    const others = await findMigratorTables(s.db, own)
    const adoptable = others.find((o) => o.tool === 'golang-migrate' || o.tool === 'dbmate')
    if (adoptable) {
      const where = `${adoptable.table.schema}.${adoptable.table.name}`
      throw new TinymigrateError('BASELINE_FOREIGN', `${where} is ${MIGRATOR_NAMES[adoptable.tool]}'s history: that tool migrated this database, so its migration files are the history, not a baseline. Nothing was written or recorded.`, {
        files: [where],
        next: `Put its migration files in ${dir} (they run as they are) and run tinymigrate adopt: it records what ${MIGRATOR_NAMES[adoptable.tool]} applied. If those files are lost for good, drop ${where} first (${dropStatement(adoptable)}) and take the baseline then.`,
      })
    }
    if (s.files.length > 0) {
      throw new TinymigrateError('BASELINE_FILES', `${dir} already holds ${s.files.length} migration${s.files.length > 1 ? 's' : ''} (${s.files.slice(0, 3).map((f) => label(f)).join(', ')}${s.files.length > 3 ? ', …' : ''}), none recorded in this database: a baseline must be the first migration. Nothing was written or recorded.`, {
        files: s.files.map((f) => f.up.path),
        next: `If they came from a baseline of another database of this project (production, staging), record them here instead: tinymigrate stamp ${s.files.at(-1)!.version} (or the version this database has reached), then tinymigrate check --from-db. Otherwise point --dir at an empty folder.`,
      })
    }
    const leftOut: LeftOutTable[] = others.map((o) => ({
      table: `${o.table.schema}.${o.table.name}`, tool: o.tool as LeftOutTable['tool'], drop: dropStatement(o),
    }))
    const version = nextVersion([], options.now ?? new Date())
    const base = `${version}_${name}`
    const drafted = await draftBaseline({
      dir, files: [], schema: '', prelude: options.prelude, signal: options.signal,
      scratchUrl: scratchServer(options),
      live: { db: s.db, exclude: [own, `${own}_lock`, ...leftOut.map((t) => t.table)], label: 'the database' },
    }, {
      base,
      leftOut: leftOut.map((t) => `${t.table} (${MIGRATOR_NAMES[t.tool]}'s history)`),
      historySchema: s.history.table.schema,
    })
    const write = recordApplied(s.history, { version, name, checksum: checksum(drafted.up), downSql: drafted.down })
    const result: BaselineResult = {
      version, name, up: null, down: null, leftOut, notCompared: drafted.notCompared, engine: drafted.engine,
      current: null, dryRun: !!options.dryRun, statements: [], sql: { up: drafted.up, down: drafted.down },
    }
    if (options.dryRun) {
      result.statements = [...(s.history.exists ? [] : [`-- create history table ${s.history.sqlName}`]), display(write) + ';']
      return result
    }
    const upPath = join(dir, `${base}.up.sql`)
    const downPath = join(dir, `${base}.down.sql`)
    const written = writeNewFiles([{ path: upPath, text: drafted.up }, { path: downPath, text: drafted.down }], 'Move it away, or pick another name.')
    try {
      await ensureHistory(s.db, s.history)
      await s.db.transaction('', [], [write])
    } catch (error) {
      // Not recorded: files that were never applied anywhere must not look like a baseline.
      written.undo()
      throw error
    }
    return { ...result, up: upPath, down: downPath, current: version }
  })
}

export interface RepairOptions extends Options {
  /** The failed no-transaction migration to settle. */
  version?: string
  /** How it ended: finished by hand (`applied`) or undone (`rolled-back`). */
  as?: 'applied' | 'rolled-back'
  /** Accept edited applied files: store today's checksums. */
  checksums?: boolean
}

export interface RepairResult {
  settled: { version: string; name: string; as: 'applied' | 'rolled-back' } | null
  checksums: { version: string; name: string }[]
}

/** Settle what `up` refuses to pass: a failed no-transaction migration, or intended edits to applied files. */
export async function repair(options: RepairOptions): Promise<RepairResult> {
  return withSession(options, { lock: true }, async (s) => {
    const result: RepairResult = { settled: null, checksums: [] }
    const statements = []
    if (options.version !== undefined) {
      const id = /^\d+$/.test(options.version) ? BigInt(options.version).toString() : ''
      const e = s.entries.find((x) => x.id === id)
      if (!e || e.state !== 'failed') {
        throw new TinymigrateError('UNKNOWN_VERSION', `No failed migration has version ${options.version}.`, {
          next: 'Run tinymigrate status: a failed migration shows as "failed".',
        })
      }
      if (!options.as) throw new TinymigrateError('USAGE', 'Say how the migration ended: --applied or --rolled-back.')
      statements.push(options.as === 'applied' ? markFinished(s.history, e.version, e.row!.durationMs) : removeRecord(s.history, e.version))
      result.settled = { version: e.version, name: e.name, as: options.as }
    }
    if (options.checksums) {
      for (const e of s.entries.filter((x) => x.state === 'changed')) {
        statements.push(updateChecksum(s.history, e.version, e.file!.checksum, e.file!.down?.text ?? null))
        result.checksums.push({ version: e.version, name: e.name })
      }
    }
    if (statements.length > 0) await s.db.transaction('', [], statements)
    return result
  })
}

export interface CreateOptions {
  dir?: string
  name: string
  /** For tests: the clock. */
  now?: Date
}

/**
 * Create an empty up/down pair with the next version. Alembic: `revision -m`. In a folder of
 * dbmate one-file migrations it writes one such file instead (then `up` and `down` are its path):
 * a second format would make the folder mixed.
 */
export function create(options: CreateOptions): { version: string; up: string; down: string } {
  const dir = options.dir ?? DEFAULT_DIR
  const name = slug(options.name)
  if (!name) throw new TinymigrateError('USAGE', `"${options.name}" has no letters or digits to name a migration with.`, { next: 'Example: tinymigrate new add_users' })
  const existing = existsSync(dir) ? loadMigrations(dir) : []
  const version = nextVersion(existing.map((m) => m.version), options.now ?? new Date())
  if (existing.length > 0 && existing.every((m) => m.up.section)) {
    const file = join(dir, `${version}_${name}.sql`)
    writeNewFiles([{ path: file, text: `-- migrate:up\n-- ${name}: write the change here.\n\n-- migrate:down\n-- ${name}: undo it here.\n` }])
    return { version, up: file, down: file }
  }
  const up = join(dir, `${version}_${name}.up.sql`)
  const down = join(dir, `${version}_${name}.down.sql`)
  writeNewFiles([
    { path: up, text: `-- ${name}: write the change here.\n` },
    { path: down, text: `-- ${name}: undo the change of ${version}_${name}.up.sql here.\n` },
  ])
  return { version, up, down }
}

// --- drafting from schema.sql ------------------------------------------------------------------

export interface SchemaOptions extends Options {
  /** The declarative schema (default `<dir>/schema.sql`). */
  schema?: string
  /**
   * Server for the scratch databases (`--shadow-url`). Default: the server of `url`; with no
   * server at all, in-memory PGlite.
   */
  shadowUrl?: string
  /** SQL run on every scratch database first: roles, extensions, tables the real server had before the first migration. */
  prelude?: string
  /** Compare the live database (`url`) instead of the replayed migrations. */
  fromDb?: boolean
}

export interface DiffOptions extends SchemaOptions {
  /** The migration's name: `add_orders` → `<next version>_add_orders.up.sql`. */
  name: string
  /** Draft and check, but write nothing (the SQL is in the result). */
  dryRun?: boolean
  /**
   * Write the pair even when it does not pass its check, each file headed by NOT VERIFIED
   * comments that say what failed; the result then has `verified: false` and `unverified`.
   * Without it such a pair throws `DRAFT_UNVERIFIED` (with the same `unverified`) and nothing is written.
   */
  writeUnverified?: boolean
  /** The clock for the next version (tests). */
  now?: Date
}

export type { CheckResult, DraftResult, PullResult } from './diff/project.js'
export type { LintFinding, LintResult, LintedMigration, LintedStatement } from './lint/lint.js'
export { RULES as LINT_RULES, type RuleId as LintRule } from './lint/rules.js'

/**
 * Draft the next migration: replay the migrations into a scratch database (never the target),
 * load schema.sql into another, compare, check the drafted pair on the scratch database, and
 * write `<version>_<name>.up.sql` / `.down.sql`. Alembic: `revision --autogenerate`.
 */
export async function diff(options: DiffOptions): Promise<import('./diff/project.js').DraftResult> {
  const { draftMigration } = await import('./diff/project.js')
  return withProject(options, (ctx) => draftMigration(ctx, options.name, { dryRun: options.dryRun === true, writeUnverified: options.writeUnverified === true }))
}

/** Whether the migrations (or, with `fromDb`, the live database) give exactly schema.sql. Alembic: `check`. */
export async function check(options: SchemaOptions = {}): Promise<import('./diff/project.js').CheckResult> {
  const { checkSchema } = await import('./diff/project.js')
  return withProject(options, checkSchema)
}

/** Write schema.sql from the replayed migrations (or, with `fromDb`, the live database). */
export async function pull(options: SchemaOptions = {}): Promise<import('./diff/project.js').PullResult> {
  const { pullSchema } = await import('./diff/project.js')
  return withProject(options, pullSchema)
}

export interface LintOptions extends Options {
  /** Server for the scratch database (default: the server of `url`; none: the embedded engine). */
  shadowUrl?: string
  /** SQL run on the scratch database first: roles, extensions, what existed before the first migration. */
  prelude?: string
  /**
   * The migrations to judge, as file paths or versions. Default: every pending one (with a
   * database), or every one (without).
   */
  files?: string[]
  /** Warnings count as errors: `ok` is false when there is one. */
  strict?: boolean
  /** Check that each down file undoes its up (default true). */
  downs?: boolean
}

/**
 * Run each pending migration on a scratch copy of the schema, as `up` would, and report what it
 * locks, rewrites, scans, writes and destroys; check that its down file undoes it. With a
 * database, weigh each finding by the size of its table there (read from the catalog, never
 * written). Nothing runs on the database itself.
 */
export async function lint(options: LintOptions = {}): Promise<import('./lint/lint.js').LintResult> {
  const { lintMigrations } = await import('./lint/lint.js')
  const base = {
    scratchUrl: scratchServer(options),
    prelude: options.prelude,
    signal: options.signal,
    strict: options.strict,
    downs: options.downs,
    timeouts: {
      lock: Math.round((options.ddlLockTimeout ?? DEFAULT_DDL_LOCK_TIMEOUT) * 1000),
      statement: Math.round((options.statementTimeout ?? 0) * 1000),
    },
  }
  const live = options.url !== undefined || options.sql !== undefined || options.pglite !== undefined
  if (!live) {
    const files = loadMigrations(options.dir ?? DEFAULT_DIR)
    const chosen = chosenFiles(files, options.files)
    return lintMigrations({ ...base, sequence: files.map((file) => ({ file, measure: chosen ? chosen.has(file) : true })) })
  }
  return withSession(options, { lock: false }, async (s) => {
    const pending = planUp(s.entries, { allowOutOfOrder: true })
    const applied = s.entries.filter((e) => e.state === 'applied').map((e) => e.file!)
    const gone = s.entries.filter((e) => e.state === 'missing')
    if (gone.length) s.emit({ type: 'warning', message: `applied migration${gone.length > 1 ? 's' : ''} with no file (${gone.slice(0, 3).map(label).join(', ')}${gone.length > 3 ? ', …' : ''}): the scratch copy lacks what ${gone.length > 1 ? 'they' : 'it'} made` })
    const chosen = chosenFiles(s.files, options.files)
    const sequence = [...applied, ...pending].map((file) => ({ file, measure: chosen ? chosen.has(file) : pending.includes(file) }))
    return lintMigrations({ ...base, sequence, live: s.db })
  })
}

/** The migrations named by path or version; undefined when none are named. */
function chosenFiles(files: MigrationFile[], names: string[] | undefined): Set<MigrationFile> | undefined {
  if (!names || names.length === 0) return undefined
  return new Set(names.map((name) => {
    const found = /^\d+$/.test(name)
      ? files.find((f) => f.id === canonicalVersion(name))
      : files.find((f) => [f.up.path, f.down?.path].some((p) => p !== undefined && resolve(p) === resolve(name)))
    if (!found) {
      throw new TinymigrateError('UNKNOWN_VERSION', `${name} is not a migration of the migrations directory.`, {
        files: [name],
        next: 'Name migration files of --dir (or their versions), or leave them out to lint every pending migration.',
      })
    }
    return found
  }))
}

export type FleetCommand = 'up' | 'down' | 'status' | 'current' | 'verify' | 'check'

export interface FleetOptions extends Omit<MigrateOptions, 'url' | 'sql' | 'pglite' | 'searchPath'>, Pick<RollbackOptions, 'all'>,
  Pick<SchemaOptions, 'schema' | 'shadowUrl' | 'prelude'>, TargetSource, Omit<FleetControl, 'onTarget'> {
  command: FleetCommand
  /** Each target's progress (its migrations, warnings, lock waits). */
  onTargetEvent?: (target: Target, event: Event) => void
  /** Called as each target finishes, or is left out because the fleet stopped. */
  onTarget?: (result: FleetTargetResult) => void
}

export interface FleetTargetResult {
  /** `host:5432/db`, or `host:5432/db schema tenant_a`: never the URL, which may hold a password. */
  target: string
  schema: string | null
  ok: boolean
  /** False when the fleet stopped (a failure, Ctrl-C) before this target started. */
  started: boolean
  /** Versions applied (or reverted) on this target by this run, also when it then failed. */
  applied: string[]
  reverted: string[]
  current: string | null
  /** What the single run threw (a TinymigrateError, as a single run prints it), or null. */
  error: unknown
  durationMs: number
  /** The single command's result: RunResult, StatusResult, VerifyResult, CheckResult, or the current migration. */
  result: unknown
}

export interface FleetResult {
  ok: boolean
  targets: FleetTargetResult[]
  summary: { targets: number; migrated: number; reverted: number; unchanged: number; failed: number; notStarted: number }
}

/**
 * Run `command` on many databases, or on many tenant schemas of one database (each with its own
 * history table in that schema, its own lock, and its SQL run with search_path set to the
 * schema, then public). Each target is an ordinary run; `parallel` run at a time. Resuming is
 * running it again: targets that are current do nothing.
 */
const versionOf = (label: string) => label.replace(/_.*$/, '')

export async function fleet(options: FleetOptions): Promise<FleetResult> {
  const { resolveTargets } = await import('./fleet/targets.js')
  const { runFleet } = await import('./fleet/fleet.js')
  const targets = await resolveTargets(options)
  if (options.command === 'check' && targets.some((t) => t.schema !== undefined)) {
    throw new TinymigrateError('USAGE', 'check compares a whole database with schema.sql; it does not take tenant schemas.', {
      next: 'Run check --from-db on the databases (--targets or --targets-query), or on one tenant\'s database.',
    })
  }
  const historyName = parseQualifiedName(options.table ?? DEFAULT_TABLE).name
  const runOne = (t: Target, signal: AbortSignal | undefined): Promise<unknown> => {
    const single = {
      ...options,
      url: t.url,
      signal,
      onEvent: (e: Event) => options.onTargetEvent?.(t, e),
      ...(t.schema === undefined ? {} : { table: qualified({ schema: t.schema, name: historyName }), searchPath: [t.schema, 'public'] }),
    }
    switch (options.command) {
      case 'up': return migrate(single)
      case 'down': return rollback(single)
      case 'status': return status(single)
      case 'current': return current(single)
      case 'verify': return verify(single)
      case 'check': return check({ ...single, fromDb: true })
    }
  }
  const judged = (r: unknown) => typeof r === 'object' && r !== null && 'ok' in r && (r as { ok: unknown }).ok === false
  const shaped = (o: Outcome<unknown>): FleetTargetResult => {
    const run = (o.result ?? {}) as Partial<RunResult>
    const thrown = o.error instanceof TinymigrateError ? o.error : undefined
    return {
      target: o.target.name,
      schema: o.target.schema ?? null,
      ok: o.ok,
      started: o.started,
      // a failed run's error lists what it did first as labels (`001_accounts`)
      applied: thrown ? thrown.applied.map(versionOf) : (run.applied ?? []).map((a) => a.version),
      reverted: thrown ? thrown.reverted.map(versionOf) : (run.reverted ?? []).map((a) => a.version),
      current: options.command === 'current' ? ((o.result as { version: string } | null)?.version ?? null) : (run as { current?: string | null }).current ?? null,
      error: o.error ?? null,
      durationMs: o.durationMs,
      result: o.result ?? null,
    }
  }
  const outcomes = await runFleet(targets, { ...options, onTarget: (o) => options.onTarget?.(shaped(o)) }, runOne, judged)
  const results = outcomes.map(shaped)
  const failed = results.filter((r) => r.started && !r.ok).length
  const notStarted = results.filter((r) => !r.started).length
  return {
    ok: failed === 0 && notStarted === 0,
    targets: results,
    summary: {
      targets: results.length,
      migrated: results.filter((r) => r.ok && r.applied.length > 0).length,
      reverted: results.filter((r) => r.ok && r.reverted.length > 0).length,
      unchanged: results.filter((r) => r.ok && r.applied.length === 0 && r.reverted.length === 0).length,
      failed,
      notStarted,
    },
  }
}

/** The server that hosts scratch databases: `--shadow-url`, else `--url`; none (embedded) for PGlite. */
function scratchServer(options: { shadowUrl?: string; url?: string }): string | undefined {
  const server = (url: string | undefined) => (url && !isPgliteUrl(url) ? url : undefined)
  return server(options.shadowUrl) ?? server(options.url)
}

async function withProject<T>(options: SchemaOptions, fn: (ctx: import('./diff/project.js').ProjectContext) => Promise<T>): Promise<T> {
  const dir = options.dir ?? DEFAULT_DIR
  const base = {
    dir,
    schema: options.schema ?? join(dir, 'schema.sql'),
    scratchUrl: scratchServer(options),
    prelude: options.prelude,
    signal: options.signal,
    now: (options as DiffOptions).now,
  }
  if (!options.fromDb) return fn({ ...base, files: loadMigrations(dir) })
  return withSession(options, { lock: false }, async (s) => {
    const pending = s.entries.filter((e) => e.state !== 'applied')
    if (pending.length) {
      throw new TinymigrateError('NOT_UP_TO_DATE', `Target database is not up to date: ${pending.length} migration(s) not applied (${pending.slice(0, 3).map((e) => `${e.version} ${e.state}`).join(', ')}${pending.length > 3 ? ', …' : ''}).`, {
        next: 'Run tinymigrate up first (or tinymigrate status to see why), then compare again.',
      })
    }
    const table = `${s.history.table.schema}.${s.history.table.name}`
    const label = options.url && !isPgliteUrl(options.url) ? 'the database' : `the embedded database ${options.url ?? ''}`.trim()
    // Another migrator's history table (kept until the switch is done) is not part of the schema.
    const { findMigratorTables } = await import('./migrators.js')
    const others = (await findMigratorTables(s.db, table)).map((o) => `${o.table.schema}.${o.table.name}`)
    return fn({ ...base, files: s.files, live: { db: s.db, exclude: [table, `${table}_lock`, ...others], label } })
  })
}

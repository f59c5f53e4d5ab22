// lint: replay the migrations before the ones to judge on a scratch database, run each of those
// as `up` would while reading what PostgreSQL does (measure.ts), check that its down file gives
// back the schema before it, and weigh what was found by the live database's table sizes (read
// from its catalog only, never written).
import { isServerError, locateIn } from '../classify.js'
import type { Db } from '../driver.js'
import { TinymigrateError } from '../errors.js'
import { label, type MigrationFile, type SqlFile } from '../files.js'
import { shapeOfFile } from '../shape.js'
import { oneLine, splitStatements } from '../sqltext.js'
import { compare } from '../diff/compare.js'
import { describeChange, freshDb, readScratch, replayHint, runMigrations } from '../diff/draft.js'
import { introspect } from '../catalog/introspect.js'
import type { Catalog } from '../catalog/model.js'
import { withHost } from '../diff/project.js'
import { runScript, type ScratchDb } from '../diff/scratch.js'
import { accepts, namesRule, readAllowances, type Allowances } from './allow.js'
import { findingsOf, type Draft } from './findings.js'
import { measureMigration, type MeasuredMigration, type Timeouts } from './measure.js'
import { isRule, modeName, RULES, type RuleId, type Severity } from './rules.js'
import { qualifiedName } from './snapshot.js'
import { liveSizes, sizeNote, type Size } from './sizes.js'

export interface LintFinding {
  severity: Severity
  rule: RuleId
  /** The migration it is in. */
  version: string
  file: string
  line: number
  column: number
  /** The statement on one line, cut to a readable length; null for a finding about a whole file. */
  statement: string | null
  /** `schema.name`; null when the finding is not about one relation. */
  relation: string | null
  /** The lock held on the relation, as PostgreSQL names it (`ACCESS EXCLUSIVE`); null when none matters. */
  lock: string | null
  rewrites: boolean
  message: string
  fix: string
  /** Accepted in the file with `-- tinymigrate:allow <rule>`: reported, never counted. */
  accepted: boolean
  /** The relation in the live database (with a URL): pages and row estimate from its catalog. */
  size: Size | null
}

export interface LintedStatement {
  line: number
  column: number
  statement: string
  /** On the scratch database, where tables hold few rows or none. */
  ms: number
  /** False for a statement that runs outside any transaction (CONCURRENTLY): its locks are not read. */
  observed: boolean
  /** Locks it took on relations that existed before it. */
  locks: { relation: string; mode: string }[]
  rewrites: string[]
  scans: string[]
  rows: { inserted: number; updated: number; deleted: number }
}

export interface LintedMigration {
  version: string
  name: string
  file: string
  /** False when an earlier migration failed, so this one could not be run. */
  linted: boolean
  transaction: boolean
  statements: LintedStatement[]
  /** The check of the down file: null without one. */
  down: { ok: boolean; differences: string[]; error: string | null } | null
}

export interface LintResult {
  ok: boolean
  findings: LintFinding[]
  migrations: LintedMigration[]
  engine: 'server' | 'embedded'
  /** True when sizes were read from a live database. */
  weighed: boolean
  summary: { errors: number; warnings: number; accepted: number }
}

export interface LintContext {
  /** Every migration to run, in order; `measure` marks the ones to judge. */
  sequence: { file: MigrationFile; measure: boolean }[]
  scratchUrl: string | undefined
  prelude: string | undefined
  timeouts: Timeouts
  /** The live database, for sizes. */
  live?: Db
  /** Warnings count as errors. */
  strict?: boolean
  /** Check each down file (default true): two catalog reads per migration that has one. */
  downs?: boolean
  signal?: AbortSignal
}

export async function lintMigrations(ctx: LintContext): Promise<LintResult> {
  const measured = ctx.sequence.filter((s) => s.measure)
  const findings: LintFinding[] = []
  const migrations: LintedMigration[] = []
  if (measured.length === 0) return result(ctx, findings, migrations, 'embedded', false)
  const last = ctx.sequence.lastIndexOf(measured.at(-1)!)
  const texts = ctx.sequence.slice(0, last + 1).flatMap((s) => [s.file.up.text, s.file.down?.text ?? ''])
  return withHost(ctx, texts, async (host, prelude) => {
    const { db } = await freshDb(host, prelude, { alone: true })
    let stopped: string | undefined
    for (const { file, measure } of ctx.sequence.slice(0, last + 1)) {
      if (stopped) {
        if (measure) migrations.push({ ...about(file), linted: false, transaction: true, statements: [], down: null })
        continue
      }
      if (!measure) {
        await runMigrations(db, [file], prelude?.path)
        continue
      }
      const one = await lintOne(db, file, { timeouts: ctx.timeouts, prelude: prelude?.path, downs: ctx.downs !== false })
      findings.push(...one.findings)
      migrations.push(one.migration)
      if (one.stop) stopped = one.stop
    }
    const weighed = ctx.live ? await weigh(ctx.live, findings) : false
    return result(ctx, findings, migrations, host.engine, weighed)
  })
}

function about(file: MigrationFile): Pick<LintedMigration, 'version' | 'name' | 'file'> {
  return { version: file.version, name: file.name, file: file.up.path }
}

function result(ctx: LintContext, findings: LintFinding[], migrations: LintedMigration[], engine: 'server' | 'embedded', weighed: boolean): LintResult {
  const counted = findings.filter((f) => !f.accepted)
  const summary = {
    errors: counted.filter((f) => f.severity === 'error').length,
    warnings: counted.filter((f) => f.severity === 'warning').length,
    accepted: findings.length - counted.length,
  }
  const ok = summary.errors === 0 && (!ctx.strict || summary.warnings === 0)
  return { ok, findings, migrations, engine, weighed, summary }
}

async function lintOne(db: ScratchDb, file: MigrationFile, { timeouts, prelude, downs }: { timeouts: Timeouts; prelude: string | undefined; downs: boolean }): Promise<{ findings: LintFinding[]; migration: LintedMigration; stop?: string }> {
  const up = file.up
  const allow = readAllowances(up.text, splitStatements(up.text).statements)
  const findings = unknownAllowances(file, up, allow)
  const before = file.down && downs ? await readScratch(db) : undefined
  const m = await measureMigration(db, up, timeouts)
  const migration: LintedMigration = { ...about(file), linted: true, transaction: m.mode === 'transaction', statements: m.statements.map((s) => statementReport(up, s)), down: null }
  for (const d of findingsOf(m)) findings.push(place(file, up, allow, d))
  if (m.failure) {
    findings.push(failed(file, up, allow, m, prelude))
    return { findings, migration, stop: `${label(file)} fails` }
  }
  if (!file.down || !before) return { findings, migration }
  const down = await checkDown(db, file, file.down, before)
  migration.down = down.report
  if (!down.report.ok) {
    // about the pair of files: accepted by a comment anywhere in either
    const allowed = namesRule(allow, 'down-not-inverse') || namesRule(readAllowances(file.down.text, splitStatements(file.down.text).statements), 'down-not-inverse')
    const message = down.report.error
      ? `the down file fails after the up: ${down.report.error}`
      : `up then down does not give back the schema before the up:\n${down.report.differences.map((d) => `  ${d}`).join('\n')}`
    findings.push({ ...base('down-not-inverse', file), file: file.down.path, line: down.line ?? 1, column: down.column ?? 1, message, accepted: allowed })
  }
  return { findings, migration, stop: down.restored ? undefined : `the down file of ${label(file)} failed part-way outside a transaction` }
}

function base(rule: RuleId, file: MigrationFile): Omit<LintFinding, 'file' | 'line' | 'column' | 'message' | 'accepted'> {
  return { severity: RULES[rule].severity, rule, version: file.version, statement: null, relation: null, lock: null, rewrites: false, fix: RULES[rule].fix, size: null }
}

/** Rules whose cost grows with the size of the finding's own relation. */
const GROWS = new Set<RuleId>(['rewrite-table', 'rebuild-index', 'index-not-concurrent', 'constraint-scan', 'set-not-null-scan', 'attach-partition-scan', 'scan-under-lock', 'update-all-rows'])

/** The relations each finding is about, with their partitions: what `weigh` looks up. */
const targets = new WeakMap<LintFinding, { schema: string; name: string }[]>()

function place(file: MigrationFile, up: SqlFile, allow: Allowances, d: Draft): LintFinding {
  const at = locateIn(up, 1, d.statement.start)
  const finding: LintFinding = {
    ...base(d.rule, file),
    file: up.path,
    line: at.line,
    column: at.column,
    statement: oneLine(d.statement.text),
    relation: d.relation ? qualifiedName(d.relation) : null,
    lock: d.lock ? modeName(d.lock) : null,
    rewrites: d.rewrites,
    message: d.message,
    fix: d.fix ?? RULES[d.rule].fix,
    accepted: accepts(allow, d.statement, d.rule),
  }
  targets.set(finding, d.relation ? [d.relation, ...d.partitions] : [])
  return finding
}

function unknownAllowances(file: MigrationFile, up: SqlFile, allow: Allowances): LintFinding[] {
  return allow.named.filter((n) => !isRule(n.rule)).map((n) => {
    const at = locateIn(up, 1, n.offset)
    return { ...base('unknown-allow', file), file: up.path, line: at.line, column: at.column, message: `-- tinymigrate:allow names "${n.rule}", which is no rule: nothing is accepted by it`, accepted: false }
  })
}

/** The statement that failed, where the server says, as `up` would report it. */
function failed(file: MigrationFile, up: SqlFile, allow: Allowances, m: MeasuredMigration, prelude: string | undefined): LintFinding {
  const { error, statement } = m.failure!
  if (!(error instanceof TinymigrateError) && !isServerError(error)) throw error
  const e = error as { message: string; position?: string; detail?: string; code?: string }
  const start = statement?.start ?? 0
  const at = locateIn(up, e.position !== undefined ? Number(e.position) : 1, start)
  const where = statement ? 'fails' : 'fails when it commits'
  return {
    ...base('migration-fails', file),
    file: up.path,
    line: at.line,
    column: at.column,
    statement: statement ? oneLine(statement.text) : null,
    message: `${where}: ${e.message}${e.detail ? ` (${e.detail})` : ''}`,
    fix: replayHint(up.path, e.code ?? '', prelude),
    accepted: accepts(allow, statement, 'migration-fails'),
  }
}

interface DownCheck {
  report: NonNullable<LintedMigration['down']>
  line?: number
  column?: number
  /** False when the scratch database may no longer be as the up left it. */
  restored: boolean
}

/**
 * Runs the down after the up and compares the schema with the one before the up. A down that
 * runs in a transaction (most) is rolled back afterwards, so the next migration starts where
 * `up` would leave it; one that cannot (CONCURRENTLY) runs for real, and the up runs again after
 * it when it gave back the schema exactly.
 */
async function checkDown(db: ScratchDb, file: MigrationFile, down: SqlFile, before: Catalog): Promise<DownCheck> {
  const shape = shapeOfFile(down)
  if (shape.mode === 'unbalanced') return { report: { ok: false, differences: [], error: 'it opens a transaction that it never commits' }, restored: true }
  const inTransaction = shape.mode === 'transaction'
  if (inTransaction) await db.exec('BEGIN')
  try {
    for (const statement of shape.statements) {
      try {
        await db.exec(statement.text)
      } catch (error) {
        if (!isServerError(error)) throw error
        const at = locateIn(down, error.position !== undefined ? Number(error.position) : 1, statement.start)
        return { report: { ok: false, differences: [], error: `${error.message} (line ${at.line}: ${oneLine(statement.text)})` }, line: at.line, column: at.column, restored: inTransaction }
      }
    }
    // in the transaction: read by this session alone
    const differences = compare(before, await introspect(db)).changes.map(describeChange)
    if (!inTransaction && differences.length === 0) await runScript(db, file.up)
    return { report: { ok: differences.length === 0, differences, error: null }, restored: inTransaction || differences.length === 0 }
  } finally {
    if (inTransaction) await db.exec('ROLLBACK').catch(() => {})
  }
}

function statementReport(file: SqlFile, s: MeasuredMigration['statements'][number]): LintedStatement {
  const at = locateIn(file, 1, s.statement.start)
  const name = (oid: number) => {
    const r = s.before.rels.get(oid) ?? s.after.rels.get(oid)
    return r ? qualifiedName(r) : String(oid)
  }
  const locks: LintedStatement['locks'] = []
  for (const [oid, modes] of s.after.locks) {
    if (!s.before.rels.has(oid)) continue
    for (const mode of modes) if (!s.before.locks.get(oid)?.has(mode)) locks.push({ relation: name(oid), mode: modeName(mode) })
  }
  const rewrites: string[] = []
  const scans: string[] = []
  const rows = { inserted: 0, updated: 0, deleted: 0 }
  for (const [oid, b] of s.before.rels) {
    const a = s.after.rels.get(oid)
    if (!a) continue
    if (a.node !== b.node && ['r', 'm', 'i'].includes(b.kind)) rewrites.push(name(oid))
    if (!s.observed) continue
    if (a.scans > b.scans && ['r', 'm'].includes(b.kind)) scans.push(name(oid))
    rows.inserted += a.inserted - b.inserted
    rows.updated += a.updated - b.updated
    rows.deleted += a.deleted - b.deleted
  }
  return { line: at.line, column: at.column, statement: oneLine(s.statement.text), ms: Math.round(s.ms * 10) / 10, observed: s.observed, locks, rewrites, scans, rows }
}

/**
 * Sizes from the live database's catalog, added to each finding about a relation there. A
 * relation it does not have yet was made by a migration that runs in the same deploy, before
 * this one: it holds no rows then, so what grows with the table is a warning there.
 */
async function weigh(live: Db, findings: LintFinding[]): Promise<boolean> {
  const sizes = await liveSizes(live, findings.flatMap((f) => targets.get(f) ?? []))
  for (const f of findings) {
    const list = targets.get(f) ?? []
    if (list.length === 0) continue
    const found = list.map((r) => sizes.get(qualifiedName(r))).filter((s): s is Size => s !== undefined)
    if (found.length === 0) {
      f.message += `; ${f.relation} is not in the live database yet: a migration before this one creates it, empty`
      if (f.rule !== 'not-null-no-default') f.severity = 'warning'
      continue
    }
    const size: Size = { bytes: found.reduce((n, s) => n + s.bytes, 0), rows: found.some((s) => s.rows === null) ? null : found.reduce((n, s) => n + s.rows!, 0) }
    f.size = size
    f.message += `; in the live database ${f.relation}${list.length > 1 ? ' with its partitions' : ''} ${sizeNote(size)}`
    if (size.rows === 0 && GROWS.has(f.rule) && f.severity === 'error') {
      // what grows with the table takes no time on an empty one
      f.severity = 'warning'
      f.message += ': nothing waits for long there'
    }
    if (f.rule === 'not-null-no-default' && (size.rows === null || size.rows > 0)) {
      f.severity = 'error'
      f.message += size.rows === null ? ', possibly with rows: the migration may fail there' : ': the migration will fail there'
    }
  }
  return true
}

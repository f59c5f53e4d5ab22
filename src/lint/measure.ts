// Runs one migration on a scratch database the way `up` would (one transaction, or statement by
// statement for a no-transaction file; the same lock and statement timeouts), reading a snapshot
// after each statement: the locks it took, the relations it rewrote, scanned, created or dropped,
// the rows it wrote. A data statement is explained first, to tell "every row" from "some rows"
// on tables that are empty here. What ran stays: the next migration starts from it.
import type { Db } from '../driver.js'
import { TinymigrateError } from '../errors.js'
import { describeFile, type SqlFile } from '../files.js'
import { migrationSettings, resetMigrationSettings, type Timeouts } from '../runner.js'
import { keywords, refusedInTransaction, shapeOfFile } from '../shape.js'
import type { Statement } from '../sqltext.js'
import { takeSnapshot, type Snapshot } from './snapshot.js'

export type { Timeouts }

/** What EXPLAIN says a data statement writes: `everyRow` when it reads its table with no condition. */
export interface DmlPlan {
  operation: 'insert' | 'update' | 'delete' | 'merge'
  schema: string
  name: string
  everyRow: boolean
}

export interface Measured {
  statement: Statement
  /** Lower-case keywords of the statement, comments left out. */
  keywords: string
  before: Snapshot
  after: Snapshot
  plans: DmlPlan[]
  ms: number
  /**
   * False for a statement PostgreSQL refuses in a transaction block (CREATE INDEX CONCURRENTLY):
   * it runs on its own, its locks are gone before they can be read, and its counters are not read.
   */
  observed: boolean
}

export interface MeasuredMigration {
  file: SqlFile
  mode: 'transaction' | 'statements'
  /** The statements that ran, in order (up to the failing one, which is not included). */
  statements: Measured[]
  /** The database before the migration: what "existing" means for its findings. */
  existing: Snapshot
  /** The statement that failed (its index), or the commit (index = statements count). */
  failure?: { index: number; statement: Statement | undefined; error: unknown }
}

const SAVEPOINT = 'tinymigrate_lint_explain'

export async function measureMigration(db: Db, file: SqlFile, timeouts: Timeouts): Promise<MeasuredMigration> {
  const shape = shapeOfFile(file)
  if (shape.mode === 'unbalanced') {
    const error = new TinymigrateError('SQL_FAILED', `${describeFile(file)} opens a transaction that it never commits.`)
    return { file, mode: 'transaction', statements: [], existing: await takeSnapshot(db), failure: { index: 0, statement: undefined, error } }
  }
  return shape.mode === 'transaction'
    ? inTransaction(db, file, shape.statements, timeouts)
    : oneByOne(db, file, shape.statements, timeouts)
}

async function inTransaction(db: Db, file: SqlFile, statements: Statement[], timeouts: Timeouts): Promise<MeasuredMigration> {
  await db.exec('BEGIN')
  await db.exec(migrationSettings(timeouts, 'local'))
  const existing = await takeSnapshot(db)
  const result: MeasuredMigration = { file, mode: 'transaction', statements: [], existing }
  let before = existing
  for (const [index, statement] of statements.entries()) {
    const kw = keywords(statement)
    const plans = isData(kw) ? await explain(db, statement.text) : []
    const started = performance.now()
    try {
      await db.exec(statement.text)
    } catch (error) {
      await db.exec('ROLLBACK').catch(() => {})
      return { ...result, failure: { index, statement, error } }
    }
    const ms = performance.now() - started
    const after = await takeSnapshot(db)
    result.statements.push({ statement, keywords: kw, before, after, plans, ms, observed: true })
    before = after
  }
  try {
    await db.exec('COMMIT')
  } catch (error) {
    // A deferred constraint fails at commit.
    await db.exec('ROLLBACK').catch(() => {})
    return { ...result, failure: { index: statements.length, statement: undefined, error } }
  }
  return result
}

/**
 * A no-transaction file: each statement commits on its own. One PostgreSQL accepts in a
 * transaction block is measured in one of its own (the same locks as on its own); one it refuses
 * runs bare, between two snapshots.
 */
async function oneByOne(db: Db, file: SqlFile, statements: Statement[], timeouts: Timeouts): Promise<MeasuredMigration> {
  await db.exec(migrationSettings(timeouts, 'session'))
  try {
    const existing = await takeSnapshot(db)
    const result: MeasuredMigration = { file, mode: 'statements', statements: [], existing }
    for (const [index, statement] of statements.entries()) {
      const kw = keywords(statement)
      const observed = refusedInTransaction(statement) === undefined
      if (observed) await db.exec('BEGIN')
      const before = await takeSnapshot(db)
      const plans = observed && isData(kw) ? await explain(db, statement.text) : []
      const started = performance.now()
      try {
        await db.exec(statement.text)
      } catch (error) {
        if (observed) await db.exec('ROLLBACK').catch(() => {})
        return { ...result, failure: { index, statement, error } }
      }
      const ms = performance.now() - started
      const after = await takeSnapshot(db)
      if (observed) {
        try {
          await db.exec('COMMIT')
        } catch (error) {
          await db.exec('ROLLBACK').catch(() => {})
          return { ...result, failure: { index, statement, error } }
        }
      }
      result.statements.push({ statement, keywords: kw, before, after, plans, ms, observed })
    }
    return result
  } finally {
    await db.exec(resetMigrationSettings()).catch(() => {})
  }
}

/** INSERT, UPDATE, DELETE, MERGE, or a WITH that holds one of them. */
function isData(kw: string): boolean {
  return /^(insert|update|delete|merge)\b/.test(kw) || (/^with\b/.test(kw) && /\b(insert|update|delete|merge)\b/.test(kw))
}

/** EXPLAIN without running it, in a savepoint: a statement EXPLAIN cannot take just goes unexplained. */
async function explain(db: Db, text: string): Promise<DmlPlan[]> {
  await db.exec(`SAVEPOINT ${SAVEPOINT}`)
  try {
    const rows = await db.query<Record<string, unknown>>(`EXPLAIN (VERBOSE, FORMAT JSON) ${text}`)
    await db.exec(`RELEASE SAVEPOINT ${SAVEPOINT}`)
    const value = Object.values(rows[0] ?? {})[0]
    const doc = (typeof value === 'string' ? JSON.parse(value) : value) as { Plan: PlanNode }[]
    return modifications(doc[0]!.Plan)
  } catch {
    await db.exec(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`)
    return []
  }
}

interface PlanNode {
  'Node Type': string
  Operation?: string
  'Relation Name'?: string
  Schema?: string
  Filter?: string
  'One-Time Filter'?: string
  Plans?: PlanNode[]
}

function modifications(node: PlanNode): DmlPlan[] {
  const found: DmlPlan[] = []
  if (node['Node Type'] === 'ModifyTable' && node.Operation && node['Relation Name']) {
    const operation = node.Operation.toLowerCase() as DmlPlan['operation']
    const source = node.Plans?.[0]
    found.push({ operation, schema: node.Schema ?? '', name: node['Relation Name'], everyRow: operation !== 'insert' && source !== undefined && readsAll(source) })
  }
  for (const child of node.Plans ?? []) found.push(...modifications(child))
  return found
}

/** A plan that returns every row of its table: a scan with no condition, over one table or its partitions. */
function readsAll(node: PlanNode): boolean {
  switch (node['Node Type']) {
    case 'Seq Scan': return node.Filter === undefined
    case 'Append': case 'Merge Append': return (node.Plans ?? []).length > 0 && node.Plans!.every(readsAll)
    case 'Result': return node['One-Time Filter'] === undefined && node.Plans?.length === 1 && readsAll(node.Plans[0]!)
    default: return false
  }
}

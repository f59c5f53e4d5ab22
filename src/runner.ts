import { PartError, type Db, type Statement as DbStatement } from './db.js'
import { errorCode, isConnectionGone, locateIn } from './classify.js'
import { TinymigrateError, type Location } from './errors.js'
import { describeFile, label, type MigrationFile, type SqlFile } from './files.js'
import {
  markFailed, markFinished, recordApplied, recordStarted, removeRecord, type History, type RecordInput,
} from './history.js'
import { isLockLost, type Lock } from './lock.js'
import { describeActivity, describeBlocked, type Activity, type BlockerWatcher, type Blocked } from './blockers.js'
import { shapeOf, shapeOfFile } from './shape.js'
import { sleep } from './sleep.js'
import { splitStatements, type Statement } from './sqltext.js'
import { inline } from './ident.js'
import type { Event } from './events.js'

export interface RunContext {
  db: Db
  history: History
  lock: Lock | undefined
  onEvent: (event: Event) => void
  signal: AbortSignal | undefined
  /** Labels of migrations applied and reverted so far in this run, for error messages. */
  applied: string[]
  reverted: string[]
  /** PostgreSQL lock_timeout and statement_timeout for migration SQL, in milliseconds (0: none). */
  timeouts: { lock: number; statement: number }
  /** How often a transactional migration stopped by lock_timeout is tried again. */
  retries: number
  /** Samples what a long-running migration waits for, to name it if lock_timeout fires. */
  watcher: BlockerWatcher | undefined
  /** Set after SQL ran outside a transaction: the next migration checks the lock thoroughly. */
  verifyNext?: boolean
  /**
   * Behind a transaction-mode pooler (lease mode) a session setting would land on whichever
   * server connection ran it and stay there for other clients: no-transaction migrations then
   * run without tinymigrate's timeouts.
   */
  pooled?: boolean
  /**
   * The search_path migration SQL runs with (a tenant's schema, then public), as SQL: quoted
   * identifiers joined by commas. Set per transaction, like the timeouts.
   */
  searchPath?: string
  /**
   * The chain that links this run's transactions on its session (see `opening`): a random
   * token, and the number of the last transaction that set it (undefined: not set yet, or
   * something outside a transaction may have reset it).
   */
  chain: { token: string; at: number | undefined }
}

export interface StepResult {
  version: string
  name: string
  durationMs: number
  noTransaction: boolean
}

export interface RevertSource {
  file: SqlFile
  /** Where the down text came from: the file on disk, or the copy stored at apply time. */
  source: 'file' | 'history'
}

/** Apply one migration: the file and its history row commit together, or neither does. */
export async function applyMigration(ctx: RunContext, m: MigrationFile, triedAlready = 0): Promise<StepResult> {
  const input = recordInput(m)
  ctx.onEvent({ type: 'apply-start', version: m.version, name: m.name, noTransaction: m.up.noTransaction })
  const started = performance.now()
  const { outside, statements } = decide(ctx, m.up)
  if (outside) {
    await runOutside(ctx, m, m.up, statements, 'apply', recordStarted(ctx.history, input, 'started, not finished'), markFinished(ctx.history, m.version, 0))
  } else {
    await retrying(ctx, m, () => runInside(ctx, m, m.up, statements, 'apply', [recordApplied(ctx.history, input)]), triedAlready)
  }
  const durationMs = Math.round(performance.now() - started)
  ctx.onEvent({ type: 'apply-done', version: m.version, name: m.name, durationMs })
  return { version: m.version, name: m.name, durationMs, noTransaction: outside }
}

/** What history records of an applied migration. */
function recordInput(m: MigrationFile): RecordInput {
  return { version: m.version, name: m.name, checksum: m.checksum, downSql: m.down?.text ?? null }
}

/** A migration that unlocks advisory locks itself gets the thorough lock check before the next. */
function unlocksAdvisory(text: string): boolean {
  return /advisory_unlock/i.test(text)
}

/** The lock check a transaction starts with: the thorough one when something may have released it. */
function lockCheck(ctx: RunContext, thorough: boolean): string {
  return ctx.lock ? (thorough ? ctx.lock.verify : ctx.lock.guard) : ''
}

/** Whether this run links its transactions with a session setting (see `opening`). */
function chained(ctx: RunContext): boolean {
  return !ctx.pooled && (ctx.lock?.session ?? true)
}

const CHAIN = 'tinymigrate.chain'
const CHAIN_BROKEN = 'tinymigrate: the chain of this run was broken'

/**
 * What a migration's transaction starts with: its settings, then the proof that it may run.
 * `step` counts the transactions written before this one in the same round trip; `previous`
 * is the migration just before it there.
 *
 * On a session of its own, the proof is a chain: each transaction checks a session setting that
 * the one before it set, and sets the next value. A setting made in a transaction that aborts
 * reverts with it, so after a failure every later transaction of a pipelined batch fails at its
 * first statement; a replaced session (a reconnect, a transaction pooler) has no such setting,
 * which is what the per-migration lock guard checks; and it is one trivial SELECT, where the
 * settings, the guard's PL/pgSQL block and a look at history's row of the predecessor cost
 * about 0.2 ms of server time per migration. The first transaction of a run (and the first
 * after SQL that ran outside a transaction) sets the chain after the lock check instead.
 * Behind a transaction pooler (lease mode) session settings do not last: there the lease guard
 * and the predecessor's history row do it.
 */
function opening(ctx: RunContext, step: number, thorough: boolean, previous: MigrationFile | undefined): string {
  if (!chained(ctx)) return settings(ctx, 'local') + lockCheck(ctx, thorough) + (previous ? committed(ctx, previous) : '')
  const base = ctx.chain.at
  const values = [`${ctx.chain.token}:${(base ?? 0) + step}`, `${ctx.chain.token}:${(base ?? 0) + step + 1}`].map((v) => inline('$1', [v]))
  const set = migrationValues(ctx.timeouts, ctx.searchPath).map(([name, value]) => `pg_catalog.set_config('${name}', ${inline('$1', [value])}, true)`)
  // The first of a batch with nothing before it in this run: nothing to check yet.
  const link = base === undefined && step === 0
    ? `pg_catalog.set_config('${CHAIN}', ${values[1]}, false)`
    : `(case when pg_catalog.current_setting('${CHAIN}', true) = ${values[0]}
   then pg_catalog.length(pg_catalog.set_config('${CHAIN}', ${values[1]}, false))::text
   else '${CHAIN_BROKEN}' end)::int`
  return (thorough || base === undefined ? lockCheck(ctx, thorough) : '') + `\nselect ${[...set, link].join(', ')};`
}

/** A chain check that failed first: the transactions before it committed, but the session lost its setting. */
function chainBroken(error: unknown): boolean {
  return String((error as { message?: unknown })?.message ?? '').includes(CHAIN_BROKEN)
}

/** After `count` transactions of the chain committed. */
function advance(ctx: RunContext, count: number): void {
  if (count > 0 && chained(ctx)) ctx.chain.at = (ctx.chain.at ?? 0) + count
}

/** Where a failed statement was sent from, for the error's file:line:column. */
function sentOf(statement: Statement | undefined): { base: number; text: string } | undefined {
  return statement ? { base: statement.start, text: statement.text } : undefined
}

/** How many migrations, and how much SQL, one batch may carry. */
const BATCH = { migrations: 50, chars: 1_000_000 }

/**
 * The next migrations that can travel together: consecutive, each running in a transaction of
 * its own, up to a bound. Pure look at the files; warnings come when a file actually runs.
 */
export function nextBatch(todo: MigrationFile[], from: number): Planned[] {
  const batch: Planned[] = []
  let chars = 0
  for (let i = from; i < todo.length && batch.length < BATCH.migrations; i++) {
    const m = todo[i]!
    if (m.up.noTransaction) break
    const shape = shapeOf(m.up.text)
    if (shape.mode !== 'transaction') break
    chars += m.up.text.length
    if (batch.length > 0 && chars > BATCH.chars) break
    batch.push({ m, statements: shape.statements })
  }
  return batch
}

/** A migration with the statements it sends, split once. */
export interface Planned {
  m: MigrationFile
  statements: Statement[]
}

/**
 * Apply several transactional migrations in one round trip: each still commits on its own with
 * its history row, and each one's prefix checks that the one before it committed, so after a
 * failure nothing further takes effect. Returns the results of those that committed; a failure
 * is thrown as applyMigration would throw it, except a lock timeout, which ends the batch early
 * (`retry`: the caller retries that migration on its own), and a broken chain, which ends it
 * early too (the caller goes on from there).
 */
export async function applyBatch(ctx: RunContext, plans: Planned[]): Promise<{ done: StepResult[]; retry: boolean }> {
  const batch = plans.map((p) => p.m)
  const list = plans.map(({ m, statements }, i) => {
    const previous = batch[i - 1]
    const thorough = previous ? unlocksAdvisory(previous.up.text) : !!ctx.verifyNext
    return {
      prefix: opening(ctx, i, thorough, previous),
      script: statements.map((st) => st.text),
      after: [recordApplied(ctx.history, recordInput(m))],
    }
  })
  const start = (m: MigrationFile) => ctx.onEvent({ type: 'apply-start', version: m.version, name: m.name, noTransaction: false })
  const stop = cancelOnAbort(ctx)
  let running = batch[0]!
  const watching = watch(ctx, () => running)
  const results: StepResult[] = []
  let last = performance.now()
  // Progress as it happens: each COMMIT's answer ends one migration and starts the next.
  const committedAt = (at: number) => {
    const m = batch[at]!
    const now = performance.now()
    const durationMs = Math.round(now - last)
    last = now
    ctx.onEvent({ type: 'apply-done', version: m.version, name: m.name, durationMs })
    ctx.applied.push(label(m))
    results.push({ version: m.version, name: m.name, durationMs, noTransaction: false })
    if (batch[at + 1]) {
      running = batch[at + 1]!
      start(running)
    }
  }
  start(batch[0]!)
  try {
    await ctx.db.transactions(list, committedAt)
    ctx.verifyNext = unlocksAdvisory(batch[batch.length - 1]!.up.text)
    advance(ctx, results.length)
    return { done: results, retry: false }
  } catch (error) {
    advance(ctx, results.length)
    if (!(error instanceof PartError)) throw error
    if (error.part === 'prefix' && chainBroken(error.cause)) {
      // Those before it committed, then the session lost the setting (a RESET ALL in a
      // migration, or another session): the rest go on after the thorough lock check.
      ctx.chain.at = undefined
      ctx.verifyNext = true
      return { done: results, retry: false }
    }
    const m = batch[error.at]!
    const failedStatement = error.part === 'script' ? plans[error.at]!.statements[error.index] : undefined
    const failed = failure(ctx, m, m.up, 'apply', error.cause, sentOf(failedStatement), error.part === 'commit' ? 'unknown' : 'rolled-back', undefined, undefined, watching?.stop())
    if (failed.sqlState === LOCK_NOT_AVAILABLE && ctx.retries > 0 && !ctx.signal?.aborted) return { done: results, retry: true }
    throw failed
  } finally {
    watching?.stop()
    stop()
  }
}

/** A prefix that fails its transaction unless `previous` committed: the chain of a batch. */
function committed(ctx: RunContext, previous: MigrationFile): string {
  // The version is digits (checked when the file was read), and goes in as a quoted literal.
  return `\nselect (case when exists (select from ${ctx.history.sqlName} where version::numeric = ${inline('$1', [previous.version])}::numeric and state = 'applied')
  then null else 'tinymigrate: an earlier migration of this batch did not commit' end)::int;`
}

/**
 * Whether a file runs inside the runner's transaction or statement by statement, and the
 * statements to send. Besides the explicit marker, a file that PostgreSQL could not run in one
 * transaction block is detected before anything is sent (and said so).
 */
function decide(ctx: RunContext, file: SqlFile): { outside: boolean; statements: Statement[] } {
  const shape = shapeOfFile(file)
  if (shape.mode === 'unbalanced') {
    throw new TinymigrateError('SQL_FAILED', `${describeFile(file)} opens a transaction that it never commits; nothing was run.`, {
      files: [file.path],
      location: locateIn(file, [...file.text.slice(0, shape.at)].length + 1),
      applied: ctx.applied,
      reverted: ctx.reverted,
      next: 'End the block with COMMIT, or remove the BEGIN: tinymigrate runs each migration in a transaction of its own.',
    })
  }
  if (shape.mode === 'statements') {
    if (file.noTransaction) return { outside: true, statements: shape.statements }
    const say = file.section ? `Add transaction:false to its -- migrate:${file.section.name} line` : 'Add -- tinymigrate:no-transaction as its first line'
    ctx.onEvent({ type: 'warning', message: `${describeFile(file)} runs outside a transaction, statement by statement: ${shape.reason}. ${say} to say so explicitly.` })
    return { outside: true, statements: shape.statements }
  }
  return { outside: false, statements: shape.statements }
}

/** Revert one migration with its down text; the history row goes in the same transaction. */
export async function revertMigration(ctx: RunContext, m: { version: string; name: string }, down: RevertSource): Promise<StepResult> {
  ctx.onEvent({ type: 'revert-start', version: m.version, name: m.name, source: down.source, path: down.file.path })
  const started = performance.now()
  const { outside, statements } = decide(ctx, down.file)
  if (statements.length === 0) ctx.onEvent({ type: 'warning', message: `${describeFile(down.file)} has no statements: reverting ${label(m)} changes nothing in the database.` })
  if (outside) {
    await runOutside(ctx, m, down.file, statements, 'revert', markFailed(ctx.history, m.version, 'rollback started, not finished'), removeRecord(ctx.history, m.version))
  } else {
    await retrying(ctx, m, () => runInside(ctx, m, down.file, statements, 'revert', [removeRecord(ctx.history, m.version)]))
  }
  const durationMs = Math.round(performance.now() - started)
  ctx.onEvent({ type: 'revert-done', version: m.version, name: m.name, durationMs })
  return { version: m.version, name: m.name, durationMs, noTransaction: outside }
}

/**
 * A transactional migration stopped by lock_timeout changed nothing, so it can simply be tried
 * again: the application's queries behind it got through in the meantime.
 */
async function retrying(ctx: RunContext, m: { version: string; name: string }, attempt: () => Promise<void>, triedAlready = 0): Promise<void> {
  if (triedAlready > 0) {
    // Its first try was in a batch, stopped by lock_timeout and rolled back.
    ctx.onEvent({ type: 'warning', message: `${label(m)} gave up waiting for a lock after ${ctx.timeouts.lock / 1000}s and was rolled back.\nTrying again in 1s (retry 1 of ${ctx.retries}).` })
    await sleep(1000, ctx.signal)
  }
  for (let i = 1 + triedAlready; ; i++) {
    try {
      return await attempt()
    } catch (error) {
      if (!(error instanceof TinymigrateError) || error.sqlState !== LOCK_NOT_AVAILABLE || i > ctx.retries || ctx.signal?.aborted) throw error
      const delay = Math.min(1000 * 2 ** (i - 1), 10_000)
      ctx.onEvent({ type: 'warning', message: `${label(m)} gave up waiting for a lock after ${ctx.timeouts.lock / 1000}s and was rolled back. ${error.detail ?? ''}\nTrying again in ${delay / 1000}s (retry ${i} of ${ctx.retries}).` })
      await sleep(delay, ctx.signal)
    }
  }
}

const LOCK_NOT_AVAILABLE = '55P03'

function settings(ctx: RunContext, scope: 'local' | 'session'): string {
  return migrationSettings(ctx.timeouts, scope, ctx.searchPath)
}

/** lock_timeout and statement_timeout for migration SQL, in milliseconds (0: none). */
export type Timeouts = RunContext['timeouts']

/**
 * The settings migration SQL runs with, as names and values: numbers we computed ourselves, not
 * user text, and the search path as quoted identifiers.
 */
function migrationValues(timeouts: Timeouts, searchPath?: string): [string, string][] {
  return [
    ['lock_timeout', String(Math.round(timeouts.lock))],
    ['statement_timeout', String(Math.round(timeouts.statement))],
    ...(searchPath ? [['search_path', searchPath] as [string, string]] : []),
  ]
}

/** The settings migration SQL runs with, for its transaction (`local`) or the session. */
export function migrationSettings(timeouts: Timeouts, scope: 'local' | 'session', searchPath?: string): string {
  const set = scope === 'local' ? 'set local' : 'set'
  return migrationValues(timeouts, searchPath).map(([name, value]) => `${set} ${name} = ${value};`).join(' ')
}

/** Undoes the session settings of `migrationSettings`. */
export function resetMigrationSettings(searchPath?: string): string {
  return `reset lock_timeout; reset statement_timeout;${searchPath ? ' reset search_path;' : ''}`
}

async function runInside(ctx: RunContext, m: { version: string; name: string }, file: SqlFile, statements: Statement[], direction: Direction, after: DbStatement[]): Promise<void> {
  const stop = cancelOnAbort(ctx)
  const watching = watch(ctx, () => m)
  try {
    await ctx.db.transaction(opening(ctx, 0, !!ctx.verifyNext, undefined), statements.map((s) => s.text), after)
    ctx.verifyNext = statements.some((st) => unlocksAdvisory(st.text))
    advance(ctx, 1)
  } catch (error) {
    if (error instanceof PartError && error.part === 'prefix' && chainBroken(error.cause) && ctx.chain.at !== undefined) {
      // The session lost the setting since the last transaction: check the lock thoroughly, again.
      ctx.chain.at = undefined
      ctx.verifyNext = true
      return runInside(ctx, m, file, statements, direction, after)
    }
    const part = error instanceof PartError ? error.part : 'script'
    const cause = error instanceof PartError ? error.cause : error
    const failed = error instanceof PartError && part === 'script' ? statements[error.index] : undefined
    throw failure(ctx, m, file, direction, cause, sentOf(failed), part === 'commit' ? 'unknown' : 'rolled-back', undefined, undefined, watching?.stop())
  } finally {
    watching?.stop()
    stop()
  }
}

/**
 * A `-- tinymigrate:no-transaction` file runs statement by statement (CREATE INDEX CONCURRENTLY
 * cannot run in a transaction block). History is marked before and after, so a failure or a
 * crash part-way leaves a "failed" row that stops later runs until a person decides.
 */
async function runOutside(ctx: RunContext, m: { version: string; name: string }, file: SqlFile, statements: Statement[], direction: Direction, before: DbStatement, finish: DbStatement): Promise<void> {
  const { unterminated } = splitStatements(file.text)
  if (unterminated) {
    throw new TinymigrateError('SQL_FAILED', `Unterminated ${unterminated.kind} in ${describeFile(file)}; nothing was run.`, {
      location: locateIn(file, [...file.text.slice(0, unterminated.start)].length + 1),
      next: `Close the ${unterminated.kind}, then run the command again.`,
      applied: ctx.applied,
      reverted: ctx.reverted,
    })
  }
  if (ctx.pooled && ctx.searchPath) {
    // Behind a transaction pooler a session's search_path would not reach the next statement.
    throw new TinymigrateError('USAGE', `${describeFile(file)} runs outside a transaction, and behind a pooler (lock mode lease) its statements cannot be given the tenant's search_path; nothing was run.`, {
      files: [file.path],
      applied: ctx.applied,
      reverted: ctx.reverted,
      next: 'Run the tenant schemas with a direct connection (lock mode advisory), or schema-qualify the names in that file and run it in a transaction.',
    })
  }
  if (ctx.lock) await guarded(ctx, m, file, direction)
  // Whatever happens below ran outside our transaction and could release the lock, or reset
  // the session's settings.
  ctx.verifyNext = true
  ctx.chain.at = undefined
  await ctx.db.query(before.text, before.params)
  const started = performance.now()
  const stop = cancelOnAbort(ctx)
  // Statement by statement: the locks are only each statement's, so only its progress is watched.
  const watching = watch(ctx, () => m)
  if (ctx.pooled) ctx.onEvent({ type: 'warning', message: `${file.path} runs outside a transaction behind a pooler (lock mode lease): tinymigrate's lock and statement timeouts do not apply to it, since a session setting would stay on the pooler's connection for other clients.` })
  else await ctx.db.exec(settings(ctx, 'session'))
  try {
    for (const [i, statement] of statements.entries()) {
      ctx.onEvent({ type: 'statement', version: m.version, name: m.name, index: i + 1, total: statements.length })
      try {
        await ctx.db.exec(statement.text)
      } catch (error) {
        const note = `${direction === 'apply' ? '' : 'rollback '}failed at statement ${i + 1} of ${statements.length}: ${error instanceof Error ? error.message : String(error)}`
        await ctx.db.query(markFailed(ctx.history, m.version, note).text, markFailed(ctx.history, m.version, note).params).catch(() => {})
        throw failure(ctx, m, file, direction, error, { base: statement.start, text: statement.text }, 'partial', i + 1, statements.length)
      }
    }
  } finally {
    watching?.stop()
    stop()
    if (!ctx.pooled) await ctx.db.exec(resetMigrationSettings(ctx.searchPath)).catch(() => {})
  }
  const params = [...(finish.params ?? [])]
  if (direction === 'apply') params[1] = Math.round(performance.now() - started)
  await ctx.db.query(finish.text, params)
}

async function guarded(ctx: RunContext, m: { version: string; name: string }, file: SqlFile, direction: Direction): Promise<void> {
  try {
    await ctx.db.exec(ctx.lock!.verify)
  } catch (error) {
    throw failure(ctx, m, file, direction, error, undefined, 'rolled-back')
  }
}

/** Starts watching the migration's session: lock waits for the error, activity as progress events. */
function watch(ctx: RunContext, running: () => { version: string; name: string }) {
  return ctx.watcher?.start(ctx.timeouts.lock, (a: Activity) => {
    const m = running()
    ctx.onEvent({
      type: 'progress', version: m.version, name: m.name, elapsedMs: a.elapsedMs, phase: a.phase, relation: a.relation,
      done: a.done, total: a.total, unit: a.unit, waiting: a.blocked !== undefined, activity: describeActivity(a),
    })
  })
}

function cancelOnAbort(ctx: RunContext): () => void {
  const signal = ctx.signal
  if (!signal) return () => {}
  const onAbort = () => { void ctx.db.cancel() }
  if (signal.aborted) onAbort()
  signal.addEventListener('abort', onAbort)
  return () => signal.removeEventListener('abort', onAbort)
}

type Direction = 'apply' | 'revert'
type Outcome = 'rolled-back' | 'unknown' | 'partial'

/** Turn whatever went wrong into an error that names the file, the place, and what state things are in. */
function failure(
  ctx: RunContext, m: { version: string; name: string }, file: SqlFile, direction: Direction, error: unknown,
  sent: { base: number; text: string } | undefined, outcome: Outcome, statement?: number, total?: number,
  blocked?: Blocked,
): TinymigrateError {
  const name = label(m)
  const code = errorCode(error)
  const progress = { applied: ctx.applied, reverted: ctx.reverted }
  const verb = direction === 'apply' ? 'applied' : 'reverted'
  const state = statusLine(ctx)
  if (isLockLost(error)) {
    return new TinymigrateError('LOCK_LOST', `The session no longer holds the migration lock, so ${name} was not ${verb}: the connection was replaced after a disconnect, something released the lock, or a transaction-mode pooler moved the session.`, {
      ...progress, files: [file.path],
      next: `${state}\nRun the command again. Behind a transaction-mode pooler such as PgBouncer, use --lock-mode lease.`,
    })
  }
  if (code === '57014' && ctx.signal?.aborted) {
    return new TinymigrateError('INTERRUPTED', `Interrupted while running ${file.path}.`, {
      ...progress, files: [file.path],
      next: outcome === 'partial'
        ? `${name} stopped part-way outside a transaction. Check what it changed, then run tinymigrate repair ${m.version} --applied or --rolled-back.`
        : `${name} was rolled back and is not ${verb}. ${state}\nRun the command again to continue.`,
    })
  }
  if (isConnectionGone(error)) {
    const what = outcome === 'unknown'
      ? `The connection was lost while committing ${name}: it may or may not be ${verb}. Run tinymigrate status to see.`
      : outcome === 'partial'
        ? `The connection was lost part-way through ${name}, which runs outside a transaction.`
        : `The connection was lost while running ${name}; the server rolled it back, so it is not ${verb}.`
    return new TinymigrateError('CONNECTION_LOST', what, {
      ...progress, files: [file.path], next: `${state}\nCheck the server, then run the command again.`,
    })
  }
  const pg = error as { message?: string; position?: string; internal_position?: string; internal_query?: string; where?: string; detail?: string; hint?: string }
  let location: Location | undefined
  if (sent !== undefined) {
    // "syntax error at end of input" points one past the end, often onto a blank last line:
    // show the end of the last line that has text instead.
    const length = [...sent.text.trimEnd()].length
    const position = pg.position !== undefined ? Number(pg.position) : 1
    location = position > length ? locateIn(file, Math.max(length, 1), sent.base) : locateIn(file, position, sent.base)
    if (position > length && length > 0) location.column += 1
  }
  const waited = code === LOCK_NOT_AVAILABLE
    ? (blocked ? describeBlocked(blocked) : `It waited longer than lock_timeout (${ctx.timeouts.lock / 1000}s) for a lock held by another session.`)
    : ''
  const context = [waited, pg.where ? `where: ${pg.where}` : '', pg.internal_query ? `internal query: ${pg.internal_query}` : ''].filter(Boolean).join('\n')
  const outcomeLine = outcome === 'partial'
    ? `${name} ran outside a transaction and stopped at statement ${statement} of ${total}: the statements before it took effect. tinymigrate status shows it as failed.`
    : outcome === 'unknown'
      ? `${name} failed at COMMIT, so it is not ${verb}.`
      : `${name} was rolled back and is not ${verb}.`
  const fix = code === LOCK_NOT_AVAILABLE
    ? 'Run the command again once that transaction has finished, or raise --ddl-lock-timeout.'
    : `Fix the file, then run: tinymigrate ${direction === 'apply' ? 'up' : 'down'}`
  const next = outcome === 'partial'
    ? `${outcomeLine}\n${state}\nFix the problem, then finish or undo it by hand and run: tinymigrate repair ${m.version} --applied (or --rolled-back to run it again)`
    : `${outcomeLine} ${state}\n${fix}`
  return new TinymigrateError('SQL_FAILED', pg.message ?? String(error), {
    ...progress,
    files: [file.path],
    location: location ?? { file: file.path, line: 0, column: 0 },
    detail: [pg.detail, context].filter(Boolean).join('\n') || undefined,
    hint: pg.hint,
    sqlState: code || undefined,
    next,
  })
}

function statusLine(ctx: RunContext): string {
  const parts = []
  if (ctx.reverted.length > 0) parts.push(`Reverted in this run: ${span(ctx.reverted)}.`)
  if (ctx.applied.length > 0) parts.push(`Applied in this run: ${span(ctx.applied)}.`)
  return parts.join(' ') || 'Nothing else was changed in this run.'
}

function span(labels: string[]): string {
  return labels.length <= 3 ? labels.join(', ') : `${labels[0]} … ${labels[labels.length - 1]} (${labels.length})`
}

/** What applyMigration would send, for --dry-run: the same decisions, nothing executed. */
export function describeApply(ctx: RunContext, m: MigrationFile): { lines: string[]; outside: boolean } {
  const input = recordInput(m)
  const { outside, statements } = decide(ctx, m.up)
  const head = `-- ${label(m)} (${m.up.path})${outside ? ': outside a transaction, statement by statement' : ''}`
  const body = statements.map((st) => st.text + ';')
  return {
    outside,
    lines: outside
      ? [head, display(recordStarted(ctx.history, input, 'started, not finished')) + ';', ...body, display(markFinished(ctx.history, m.version, 0)) + ';']
      : [head, 'begin;', ...body, display(recordApplied(ctx.history, input)) + ';', 'commit;'],
  }
}

/** What revertMigration would send, for --dry-run. */
export function describeRevert(ctx: RunContext, m: { version: string; name: string }, down: RevertSource): { lines: string[]; outside: boolean } {
  const { outside, statements } = decide(ctx, down.file)
  const head = `-- revert ${label(m)} (${down.file.path})${outside ? ': outside a transaction, statement by statement' : ''}`
  const body = statements.map((st) => st.text + ';')
  const forget = display(removeRecord(ctx.history, m.version)) + ';'
  return {
    outside,
    lines: outside
      ? [head, display(markFailed(ctx.history, m.version, 'rollback started, not finished')) + ';', ...body, forget]
      : [head, 'begin;', ...body, forget, 'commit;'],
  }
}

/** Show a parameterised statement with its values inlined, as the transaction sends it. */
export function display(statement: DbStatement): string {
  return inline(statement.text, statement.params)
}

// --- the entry points: a run's steps, in order ----------------------------------------------

/**
 * Applies `todo` in order, each migration in a transaction of its own with its history row:
 * consecutive transactional migrations travel in batches (one round trip each), a migration
 * that a lock timeout stopped is tried again on its own, a stop request is honoured between
 * migrations.
 */
export async function applyAll(ctx: RunContext, todo: MigrationFile[]): Promise<StepResult[]> {
  const applied: StepResult[] = []
  let upcoming: Planned[] | undefined
  for (let i = 0; i < todo.length;) {
    stopIfAborted(ctx)
    const batch = upcoming ?? nextBatch(todo, i)
    upcoming = undefined
    if (batch.length > 1) {
      // The next batch is split into statements while the server runs this one (once this one
      // is written: the driver sends from a later turn of the event loop).
      const running = applyBatch(ctx, batch)
      running.catch(() => {})
      await new Promise((resolve) => setImmediate(resolve))
      const next = nextBatch(todo, i + batch.length)
      const { done, retry } = await running
      applied.push(...done)
      i += done.length
      if (done.length === batch.length) upcoming = next
      // A lock timeout ended the batch early: that migration goes on its own, with retries.
      if (retry) {
        stopIfAborted(ctx)
        applied.push(await applyMigration(ctx, todo[i]!, 1))
        ctx.applied.push(label(todo[i]!))
        i++
      }
      continue
    }
    applied.push(await applyMigration(ctx, todo[i]!))
    ctx.applied.push(label(todo[i]!))
    i++
  }
  return applied
}

/** Reverts `todo` in order with each one's down SQL, honouring a stop request between them. */
export async function revertAll(ctx: RunContext, todo: { version: string; name: string }[], sources: RevertSource[]): Promise<StepResult[]> {
  const reverted: StepResult[] = []
  for (const [i, e] of todo.entries()) {
    stopIfAborted(ctx)
    reverted.push(await revertMigration(ctx, e, sources[i]!))
    ctx.reverted.push(label(e))
  }
  return reverted
}

/** Between migrations: a run that was asked to stop stops here, saying what it did. */
export function stopIfAborted(ctx: RunContext): void {
  if (!ctx.signal?.aborted) return
  const done = [
    ctx.reverted.length > 0 ? `Reverted before the interruption: ${ctx.reverted.join(', ')}.` : '',
    ctx.applied.length > 0 ? `Applied before the interruption: ${ctx.applied.join(', ')}.` : '',
  ].filter(Boolean).join(' ')
  throw new TinymigrateError('INTERRUPTED', 'Interrupted between migrations.', {
    applied: ctx.applied,
    reverted: ctx.reverted,
    next: `${done || 'Nothing was changed.'} Run the command again to continue.`,
  })
}

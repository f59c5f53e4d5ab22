// Faults: a runner SIGKILLed at random moments, a server that is not there yet, and a migration
// outside a transaction that stops part-way. After each, the history tells the truth and the next
// run finishes the job (or refuses, and says how to settle it).
//
// The kill test is seeded: the seed is printed, and TINYMIGRATE_FUZZ_SEED=<seed> replays the same
// kill points, each a fraction of the estimated length of a run. Which migration a kill interrupts
// still depends on the machine's speed at that moment, so every trial also prints its delay and
// how many migrations had been applied.
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { test } from 'node:test'
import postgres from 'postgres'
import { appliedLines, expectExit, generator, start, stderrShows, until, freshDatabase, migrationsDir, runCli, type CliResult, type FreshDatabase, type HookScope } from './helpers.js'
import { freePort, startPgbouncer } from './pgbouncer.js'

// --- helpers ------------------------------------------------------------------------------------







/** Wait until no tinymigrate session is left in the database: a killed client's server process may still commit what it was sent. */
async function sessionsGone(db: FreshDatabase, ms = 10_000): Promise<void> {
  await until(`tinymigrate sessions in ${db.name} to end`, ms, async () => {
    const [row] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from pg_catalog.pg_stat_activity
      where datname = ${db.name} and application_name = 'tinymigrate'`
    return row!.n === 0 ? true : undefined
  })
}


function versions(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i + 1).padStart(3, '0'))
}

/** 200 migrations; each creates `<prefix><version>` and puts one row in it. */
function tablesWithRow(prefix: string, n: number): Record<string, string> {
  const files: Record<string, string> = {}
  for (const v of versions(n)) files[`${v}_t${v}.up.sql`] = `create table ${prefix}${v} (id int);\ninsert into ${prefix}${v} values (1);\n`
  return files
}

interface Truth {
  history: string[]
  failed: string[]
  tables: string[]
  /** Tables of the prefix that do not hold exactly one row. */
  badRows: string[]
}

/** History, the tables, and their row counts, read in one statement (one snapshot). */
async function truth(sql: postgres.Sql, table: string, prefix: string): Promise<Truth> {
  const [exists] = await sql<{ found: string | null }[]>`select to_regclass(${table})::text as found`
  const history = exists!.found
    ? `(select coalesce(array_agg(version order by version::numeric) filter (where state = 'applied'), '{}') from ${table}) as history,
       (select coalesce(array_agg(version order by version::numeric) filter (where state = 'failed'), '{}') from ${table}) as failed,`
    : `'{}'::text[] as history, '{}'::text[] as failed,`
  const [row] = await sql.unsafe(`
    with mine as (
      select c.relname
      from pg_catalog.pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and starts_with(c.relname, $1)
    )
    select ${history}
      (select coalesce(array_agg(substr(relname, ${prefix.length + 1}) order by relname), '{}') from mine) as tables,
      (select coalesce(array_agg(relname order by relname), '{}') from mine
       where (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I', relname), false, true, '')))[1]::text::int <> 1) as bad`, [prefix])
  return { history: row!.history, failed: row!.failed, tables: row!.tables, badRows: row!.bad }
}

// --- SIGKILL at random moments ------------------------------------------------------------------

const TRIALS = 30
const MIGRATIONS = 200
const TRIALS_PER_DATABASE = 10

test(`SIGKILL at random moments during a ${MIGRATIONS}-migration up, ${TRIALS} trials: history equals what exists, and the next up finishes`, { timeout: 170_000 }, async (t) => {
  const seed = process.env.TINYMIGRATE_FUZZ_SEED ? Number(process.env.TINYMIGRATE_FUZZ_SEED) : randomInt(2 ** 31)
  assert.ok(Number.isInteger(seed), `TINYMIGRATE_FUZZ_SEED must be an integer, not ${process.env.TINYMIGRATE_FUZZ_SEED}`)
  t.diagnostic(`seed ${seed} (replay with TINYMIGRATE_FUZZ_SEED=${seed})`)
  const random = generator(seed)
  const replay = `(seed ${seed}; replay with TINYMIGRATE_FUZZ_SEED=${seed})`

  // Calibrate: how long one full run takes here, and how long a run that has nothing to do.
  const calibration = await freshDatabase(t)
  const calDir = await migrationsDir(t, tablesWithRow('cal_', MIGRATIONS))
  let began = Date.now()
  const full = await runCli(['up', '--url', calibration.url, '--dir', calDir], { timeoutMs: 60_000 })
  const fullMs = Date.now() - began
  expectExit(full, 0, 'calibration run')
  began = Date.now()
  expectExit(await runCli(['up', '--url', calibration.url, '--dir', calDir], { timeoutMs: 60_000 }), 0, 'idle run')
  const idleMs = Date.now() - began
  t.diagnostic(`one full up of ${MIGRATIONS}: ${fullMs} ms; an up with nothing to do: ${idleMs} ms`)
  // The cost of one migration, kept up to date from where each kill landed: the other test file
  // shares the cores, so the speed of the calibration run does not last.
  let perMigration = Math.max(1, (fullMs - idleMs) / MIGRATIONS)

  const outcomes = { before: 0, during: 0, after: 0 }
  const marks: string[] = []
  let db: FreshDatabase | undefined
  for (let trial = 1; trial <= TRIALS; trial++) {
    // a few trials per database, each with its own history table and table names
    if ((trial - 1) % TRIALS_PER_DATABASE === 0) db = await freshDatabase(t)
    const table = `hist_${trial}`
    const prefix = `k${trial}_t`
    const dir = await migrationsDir(t, tablesWithRow(prefix, MIGRATIONS))
    const args = ['up', '--url', db!.url, '--dir', dir, '--table', table]
    // Kills spread from before the connection to a little past the end of a full run.
    const earliest = idleMs * 0.5
    const latest = (idleMs + perMigration * MIGRATIONS) * 1.1
    const delay = Math.round(earliest + random() * (latest - earliest))

    const victim = start(t, args)
    await new Promise((r) => setTimeout(r, delay))
    victim.child.kill('SIGKILL')
    const killed = await victim.result
    await sessionsGone(db!)
    const what = `trial ${trial}, killed after ${delay} ms ${replay}`
    const after = await truth(db!.sql, table, prefix)
    assert.deepEqual(after.history, after.tables, `${what}: history rows are exactly the tables that exist`)
    assert.deepEqual(after.failed, [], what)
    assert.deepEqual(after.badRows, [], `${what}: every table holds its one row`)
    assert.deepEqual(after.history, versions(after.history.length), `${what}: applied in order, without gaps`)
    // what the killed run printed before it died was applied
    for (const v of appliedLines(killed)) assert.ok(after.history.includes(v), `${what}: printed "applied ${v}" but history lacks it`)
    const n = after.history.length
    marks.push(`${delay}:${n}`)
    if (n === 0) outcomes.before++
    else if (n < MIGRATIONS) outcomes.during++
    else outcomes.after++

    // where this kill landed tells the speed of the runs now
    if (n >= MIGRATIONS / 10 && n < MIGRATIONS) perMigration = (perMigration + Math.max(0.5, (delay - idleMs) / n)) / 2
    else if (n === MIGRATIONS) perMigration *= 0.8

    const next = await runCli(args, { timeoutMs: 60_000 })
    expectExit(next, 0, `${what}: the next up`)
    assert.deepEqual(appliedLines(next), versions(MIGRATIONS).slice(n), `${what}: the next up applies exactly the rest`)
    const done = await truth(db!.sql, table, prefix)
    assert.deepEqual([done.history, done.tables, done.badRows], [versions(MIGRATIONS), versions(MIGRATIONS), []], what)
  }
  t.diagnostic(`kill delay ms:migrations applied: ${marks.join(' ')}`)
  t.diagnostic(`${TRIALS} kills: ${outcomes.before} before the first migration, ${outcomes.during} part-way, ${outcomes.after} after the last; ${perMigration.toFixed(1)} ms per migration at the end`)
  assert.ok(outcomes.during >= TRIALS / 4, `at least a quarter of the kills landed part-way (${outcomes.during}) ${replay}`)
})

test('SIGKILL during a no-transaction migration leaves it "failed" in history; up refuses until it is settled', { timeout: 60_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_split.up.sql': '-- tinymigrate:no-transaction\ncreate table k1 (id int);\nselect pg_sleep(30);\ncreate table k2 (id int);\n',
  })
  const victim = start(t, ['up', '--url', db.url, '--dir', dir])
  await until('the migration to reach pg_sleep', 10_000, async () => {
    const [row] = await db.sql`select 1 as one from pg_catalog.pg_stat_activity where datname = ${db.name} and query like 'select pg_sleep(30)%'`
    return row ? true : undefined
  })
  victim.child.kill('SIGKILL')
  await victim.result
  // the server finds the client gone only after the statement: end it as an operator would
  await db.sql`select pg_terminate_backend(pid) from pg_catalog.pg_stat_activity where datname = ${db.name} and application_name = 'tinymigrate'`
  await sessionsGone(db)
  const status = await runCli(['status', '--json', '--url', db.url, '--dir', dir])
  expectExit(status, 0, 'status')
  const doc = JSON.parse(status.stdout) as { migrations: { version: string; state: string; note: string | null }[] }
  assert.deepEqual(doc.migrations.map((m) => [m.version, m.state, m.note]), [['001', 'failed', 'started, not finished']])
  const up = await runCli(['up', '--url', db.url, '--dir', dir, '--lock-timeout', '2'])
  expectExit(up, 3, 'up after the crash')
  assert.match(up.stderr, /^error PARTIAL_MIGRATION/m)
})

// --- --wait: the server is not there yet --------------------------------------------------------

test('--wait retries until a server appears on the port; without it, exit 5 at once; --wait 1 gives up after about a second', { timeout: 60_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_a.up.sql': 'create table a (id int);\n' })
  const port = await freePort()
  const url = `postgres://postgres@127.0.0.1:${port}/${db.name}`

  // nothing listens: without --wait, CONNECT_FAILED (exit 5) at once
  let began = Date.now()
  const fast = await runCli(['up', '--url', url, '--dir', dir], { timeoutMs: 15_000 })
  let took = Date.now() - began
  expectExit(fast, 5, 'no server, no --wait')
  assert.ok(took < 3000, `failed after ${took} ms`)
  assert.match(fast.stderr, /^error CONNECT_FAILED/m)
  assert.match(fast.stderr, /connection refused/)
  assert.match(fast.stderr, /add --wait 30/)
  assert.doesNotMatch(fast.stderr, /waiting for the database/)

  // --wait 1: retries for about a second, then exit 5
  began = Date.now()
  const short = await runCli(['up', '--url', url, '--dir', dir, '--wait', '1'], { timeoutMs: 15_000 })
  took = Date.now() - began
  expectExit(short, 5, '--wait 1, no server')
  assert.match(short.stderr, /waiting for the database \(attempt 1: connection refused/)
  assert.match(short.stderr, /did not accept connections within --wait 1s/)
  assert.ok(took >= 700 && took < 4000, `gave up after ${took} ms`)

  // --wait 10: a server (a PgBouncer in front of the cluster) appears on the port 1.5 s later
  began = Date.now()
  const run = start(t, ['up', '--url', url, '--dir', dir, '--wait', '10'], 30_000)
  await stderrShows(run, 'waiting for the database (attempt 1: connection refused')
  await new Promise((r) => setTimeout(r, Math.max(0, 1500 - (Date.now() - began))))
  await startPgbouncer(t, { targetUrl: db.url, poolMode: 'session', listenPort: port })
  const r = await run.result
  took = Date.now() - began
  expectExit(r, 0, '--wait 10 with a late server')
  assert.deepEqual(appliedLines(r), ['001'])
  assert.ok(took < 10_000, `done after ${took} ms`)
  const [row] = await db.sql`select count(*)::int as n from tinymigrate_history`
  assert.equal(row!.n, 1)
})

// --- a no-transaction migration that stops part-way ---------------------------------------------

/** 002 runs outside a transaction; its second statement hits the check on `gate`. */
const SPLIT = {
  '001_gate.up.sql': 'create table gate (ok boolean check (ok));\n',
  '002_split.up.sql': '-- tinymigrate:no-transaction\ncreate table part_one (id int);\ninsert into gate values (false);\ncreate table part_three (id int);\n',
  '003_after.up.sql': 'create table after_split (id int);\n',
}

async function failPartWay(t: HookScope): Promise<{ db: FreshDatabase; dir: string; cli: (...args: string[]) => Promise<CliResult> }> {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, SPLIT)
  const cli = (...args: string[]) => runCli([...args, '--url', db.url, '--dir', dir], { timeoutMs: 30_000 })
  const up = await cli('up')
  expectExit(up, 1, 'the failing no-transaction migration')
  assert.deepEqual(appliedLines(up), ['001'])
  assert.match(up.stderr, /^error SQL_FAILED {2}.*002_split\.up\.sql:3:1$/m)
  assert.match(up.stderr, /002_split ran outside a transaction and stopped at statement 2 of 3: the statements before it took effect\./)
  assert.match(up.stderr, /tinymigrate repair 002 --applied \(or --rolled-back to run it again\)/)

  const status = await cli('status', '--json')
  expectExit(status, 0, 'status')
  const doc = JSON.parse(status.stdout) as { migrations: { version: string; state: string; note: string | null }[] }
  assert.deepEqual(doc.migrations.map((m) => [m.version, m.state]), [['001', 'applied'], ['002', 'failed'], ['003', 'pending']])
  assert.match(doc.migrations[1]!.note ?? '', /^failed at statement 2 of 3: new row for relation "gate" violates check constraint "gate_ok_check"$/)

  for (const command of [['up'], ['down']]) {
    const refused = await cli(...command, '--lock-timeout', '2')
    expectExit(refused, 3, `${command[0]} with a failed migration`)
    assert.match(refused.stderr, /^error PARTIAL_MIGRATION/m)
    assert.match(refused.stderr, /002_split did not finish: it ran outside a transaction and stopped part-way \(failed at statement 2 of 3/)
    assert.match(refused.stderr, /tinymigrate repair 002 --applied/)
    assert.match(refused.stderr, /tinymigrate repair 002 --rolled-back/)
  }
  const [tables] = await db.sql`select to_regclass('part_one')::text as one, to_regclass('part_three')::text as three, to_regclass('after_split')::text as after`
  assert.deepEqual([tables!.one, tables!.three, tables!.after], ['part_one', null, null], 'statement 1 took effect, nothing after it ran')
  return { db, dir, cli }
}

test('a no-transaction migration failing at statement 2 of 3: undone by hand, repair --rolled-back, then up runs it again', { timeout: 60_000 }, async (t) => {
  const { db, cli } = await failPartWay(t)
  // undo statement 1, and remove the cause
  await db.sql`drop table part_one`
  await db.sql`alter table gate drop constraint gate_ok_check`
  const repair = await cli('repair', '002', '--rolled-back')
  expectExit(repair, 0, 'repair --rolled-back')
  assert.equal(repair.stdout, 'forgot 002_split: up will run it again\n')
  const up = await cli('up')
  expectExit(up, 0, 'up after repair')
  assert.deepEqual(appliedLines(up), ['002', '003'])
  const [tables] = await db.sql`select to_regclass('part_one')::text as one, to_regclass('part_three')::text as three, to_regclass('after_split')::text as after`
  assert.deepEqual([tables!.one, tables!.three, tables!.after], ['part_one', 'part_three', 'after_split'])
  const rows = await db.sql`select version, state, note from tinymigrate_history order by version`
  assert.deepEqual(rows.map((r) => [r.version, r.state, r.note]), [['001', 'applied', null], ['002', 'applied', null], ['003', 'applied', null]])
  expectExit(await cli('verify'), 0, 'verify')
})

test('a no-transaction migration failing at statement 2 of 3: finished by hand, repair --applied, then up goes on', { timeout: 60_000 }, async (t) => {
  const { db, cli } = await failPartWay(t)
  // finish statements 2 and 3 by hand
  await db.sql`alter table gate drop constraint gate_ok_check`
  await db.sql`insert into gate values (false)`
  await db.sql`create table part_three (id int)`
  const repair = await cli('repair', '002', '--applied')
  expectExit(repair, 0, 'repair --applied')
  assert.equal(repair.stdout, 'recorded 002_split as applied\n')
  const up = await cli('up')
  expectExit(up, 0, 'up after repair')
  assert.deepEqual(appliedLines(up), ['003'])
  const rows = await db.sql`select version, state, note from tinymigrate_history order by version`
  assert.deepEqual(rows.map((r) => [r.version, r.state, r.note]), [['001', 'applied', null], ['002', 'applied', null], ['003', 'applied', null]])
  const [gate] = await db.sql`select count(*)::int as n from gate`
  assert.equal(gate!.n, 1, 'statement 2 ran once: by hand')
  expectExit(await cli('verify'), 0, 'verify')
})

// The promise, under pressure: every migration is applied exactly once, entirely or not at all,
// and the history always tells the truth. Real processes race each other on one database, lose
// their lock or their connection, wait behind a CREATE INDEX CONCURRENTLY, and go through a real
// PgBouncer in transaction pooling; table locks and timeouts stop a migration before it can hurt.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import postgres from 'postgres'
import { appliedLines, expectExit, show, start, stderrShows, until, freshDatabase, migrationsDir, rewrite, runCli, type CliResult, type FreshDatabase, type HookScope } from './helpers.js'
import { startPgbouncer } from './pgbouncer.js'

// --- helpers ------------------------------------------------------------------------------------





function revertedLines(r: CliResult): string[] {
  return [...r.stdout.matchAll(/^reverted +(\d+)_/gm)].map((m) => m[1]!)
}



/** The server pid of the tinymigrate session running a query that contains `text`. */
function backendRunning(db: FreshDatabase, text: string, ms = 10_000): Promise<number> {
  return until(`a tinymigrate session running ${text}`, ms, async () => {
    const [row] = await db.sql<{ pid: number }[]>`
      select pid from pg_catalog.pg_stat_activity
      where datname = ${db.name} and application_name = 'tinymigrate' and state = 'active'
        and query like ${'%' + text + '%'}`
    return row?.pid
  })
}

/** A session of the test's own with an open transaction; ended (rolled back) in t.after. */
async function openTransaction(t: HookScope, db: FreshDatabase, statement: string): Promise<{ pid: number; end(): Promise<void> }> {
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  let ended = false
  const end = async () => {
    if (ended) return
    ended = true
    await sql.unsafe('rollback').catch(() => {})
    await sql.end({ timeout: 2 })
  }
  t.after(end)
  const [row] = await sql.unsafe('select pg_catalog.pg_backend_pid() as pid')
  await sql.unsafe(`begin; ${statement}`)
  return { pid: Number(row!.pid), end }
}

interface Truth {
  /** Versions in history with state 'applied'. */
  history: string[]
  /** Versions in history with state 'failed'. */
  failed: string[]
  /** Versions whose table `<prefix><version>` exists. */
  tables: string[]
}

/** History and the tables the migrations create, read in one statement (one snapshot). */
async function truth(db: FreshDatabase | postgres.Sql, prefix = 'm_', table = 'tinymigrate_history'): Promise<Truth> {
  const sql = 'sql' in db ? db.sql : db
  const [exists] = await sql<{ found: string | null }[]>`select to_regclass(${table})::text as found`
  const history = exists!.found
    ? `(select coalesce(array_agg(version order by version::numeric) filter (where state = 'applied'), '{}') from ${table}) as history,
       (select coalesce(array_agg(version order by version::numeric) filter (where state = 'failed'), '{}') from ${table}) as failed,`
    : `'{}'::text[] as history, '{}'::text[] as failed,`
  const [row] = await sql.unsafe(`
    select ${history}
      (select coalesce(array_agg(substr(c.relname, ${prefix.length + 1}) order by c.relname), '{}')
       from pg_catalog.pg_class c
       where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
         and starts_with(c.relname, $1)
         -- tinymigrate's own tables and the test's logs are not migrations' tables
         and not starts_with(c.relname, 'tinymigrate_')
         and c.relname not in ('applied_log', 'reverted_log')) as tables`, [prefix])
  return { history: row!.history, failed: row!.failed, tables: row!.tables }
}

function versions(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i + 1).padStart(3, '0'))
}

/**
 * `n` migrations; each creates `m_<version>` and logs itself in `applied_log` (created by the
 * test), so a migration run twice would show twice. Down files drop the table and log that too.
 */
function loggedMigrations(n: number, extra = ''): Record<string, string> {
  const files: Record<string, string> = {}
  for (const v of versions(n)) {
    files[`${v}_m${v}.up.sql`] = `create table m_${v} (id int);\ninsert into applied_log values ('${v}');\n${extra}`
    files[`${v}_m${v}.down.sql`] = `drop table m_${v};\ninsert into reverted_log values ('${v}');\n`
  }
  return files
}

async function createLogs(sql: postgres.Sql): Promise<void> {
  await sql`create table applied_log (version text not null)`
  await sql`create table reverted_log (version text not null)`
}

async function logRows(sql: postgres.Sql, table: 'applied_log' | 'reverted_log'): Promise<string[]> {
  const rows = await sql.unsafe(`select version from ${table} order by version`)
  return rows.map((r) => r.version as string)
}

function duplicates(list: string[]): string[] {
  return [...new Set(list.filter((v, i) => list.indexOf(v) !== i))]
}

async function advisoryLocks(db: FreshDatabase): Promise<number> {
  const [row] = await db.sql<{ n: number }[]>`
    select count(*)::int as n from pg_catalog.pg_locks
    where locktype = 'advisory' and database = (select oid from pg_catalog.pg_database where datname = ${db.name})`
  return row!.n
}

// --- many runners at once -----------------------------------------------------------------------

test('8 processes run up at the same moment: each of 50 migrations is applied once, by one of them', { timeout: 90_000 }, async (t) => {
  const db = await freshDatabase(t)
  await createLogs(db.sql)
  // 10 ms each, so the winner still holds the lock while the last processes start
  const dir = await migrationsDir(t, loggedMigrations(50, 'select pg_sleep(0.01);\n'))
  const started = Date.now()
  const runs = Array.from({ length: 8 }, () => start(t, ['up', '--url', db.url, '--dir', dir]))
  const results = await Promise.all(runs.map((r) => r.result))
  t.diagnostic(`8 runners, 50 migrations: ${Date.now() - started} ms`)

  results.forEach((r, i) => expectExit(r, 0, `runner ${i + 1}`))
  const applied = results.map(appliedLines)
  assert.equal(applied.filter((a) => a.length > 0).length, 1, 'one runner applied everything: the lock holder plans after it has the lock')
  assert.deepEqual(applied.flat().sort(), versions(50))
  assert.ok(results.some((r) => r.stderr.includes('waiting for the migration lock')), 'at least one runner waited and said so')
  for (const r of results.filter((x) => appliedLines(x).length === 0)) assert.match(r.stdout, /^nothing to do; current: 050$/m)

  const now = await truth(db)
  assert.deepEqual(now.history, versions(50))
  assert.deepEqual(now.tables, versions(50))
  const log = await logRows(db.sql, 'applied_log')
  assert.deepEqual(duplicates(log), [], 'no migration ran twice')
  assert.deepEqual(log, versions(50))
  assert.equal(await advisoryLocks(db), 0, 'no lock left behind')
})

test('up racing down: 3 ups and 3 "down 5" together, 3 rounds: history always equals the tables', { timeout: 90_000 }, async (t) => {
  const db = await freshDatabase(t)
  await createLogs(db.sql)
  const dir = await migrationsDir(t, loggedMigrations(20))
  let appliedTotal = 0
  let revertedTotal = 0
  for (let round = 1; round <= 3; round++) {
    const runs = [0, 1, 2].flatMap(() => [
      start(t, ['up', '--url', db.url, '--dir', dir]),
      start(t, ['down', '5', '--url', db.url, '--dir', dir]),
    ])
    const results = await Promise.all(runs.map((r) => r.result))
    results.forEach((r, i) => expectExit(r, 0, `round ${round}, ${i % 2 === 0 ? 'up' : 'down'} ${i}`))
    appliedTotal += results.flatMap(appliedLines).length
    revertedTotal += results.flatMap(revertedLines).length

    const now = await truth(db)
    assert.deepEqual(now.history, now.tables, `round ${round}: history rows are exactly the tables that exist`)
    assert.deepEqual(now.failed, [])
    // history is a prefix of the versions: down only takes the newest away, up only adds after it
    assert.deepEqual(now.history, versions(now.history.length))
    // each version ran up once more than down if it is applied, as often otherwise
    const ups = await logRows(db.sql, 'applied_log')
    const downs = await logRows(db.sql, 'reverted_log')
    for (const v of versions(20)) {
      const net = ups.filter((x) => x === v).length - downs.filter((x) => x === v).length
      assert.equal(net, now.history.includes(v) ? 1 : 0, `round ${round}: version ${v} ran up ${ups.filter((x) => x === v).length}×, down ${downs.filter((x) => x === v).length}×`)
    }
    // and every run that ran something said so, once per migration
    assert.equal(ups.length, appliedTotal)
    assert.equal(downs.length, revertedTotal)
    t.diagnostic(`round ${round}: ${now.history.length} applied at the end; ${appliedTotal} ups and ${revertedTotal} downs so far`)
  }
  assert.ok(appliedTotal > 0 && revertedTotal > 0, 'both directions ran')
  assert.equal(await advisoryLocks(db), 0)
})

// --- the lock belongs to the connection ---------------------------------------------------------

test('a migration that releases the lock makes the next one fail with LOCK_LOST (exit 4), unapplied', { timeout: 60_000 }, async (t) => {
  for (const noTransaction of [true, false]) {
    const db = await freshDatabase(t)
    const dir = await migrationsDir(t, {
      '001_a.up.sql': 'create table a (id int);\n',
      '002_unlock.up.sql': `${noTransaction ? '-- tinymigrate:no-transaction\n' : ''}select pg_advisory_unlock_all();\n`,
      '003_c.up.sql': 'create table c (id int);\n',
    })
    const r = await runCli(['up', '--url', db.url, '--dir', dir])
    expectExit(r, 4, `unlock in a ${noTransaction ? 'no-transaction' : 'transactional'} migration`)
    assert.match(r.stderr, /^error LOCK_LOST/m)
    assert.match(r.stderr, /The session no longer holds the migration lock, so 003_c was not applied: /)
    assert.match(r.stderr, /Applied in this run: 001_a, 002_unlock\./)
    assert.deepEqual(appliedLines(r), ['001', '002'])
    const [c] = await db.sql`select to_regclass('c')::text as c`
    assert.equal(c!.c, null, '003 did not run unlocked')
    const now = await truth(db, '')
    assert.deepEqual([now.history, now.failed], [['001', '002'], []])

    const again = await runCli(['up', '--url', db.url, '--dir', dir, '--lock-timeout', '2'])
    expectExit(again, 0, 'the rerun')
    assert.deepEqual(appliedLines(again), ['003'])
  }
})

test('the runner\'s connection terminated mid-migration: CONNECTION_LOST (exit 1), not applied, rerun succeeds', { timeout: 60_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_a.up.sql': 'create table a (id int);\n',
    '002_b.up.sql': 'create table b (id int);\nselect pg_sleep(5);\n',
    '003_c.up.sql': 'create table c (id int);\n',
  })
  const run = start(t, ['up', '--url', db.url, '--dir', dir])
  const pid = await backendRunning(db, 'pg_sleep')
  const started = Date.now()
  await db.sql`select pg_terminate_backend(${pid})`
  const r = await run.result
  const took = Date.now() - started
  expectExit(r, 1, 'terminated')
  assert.ok(took < 3000, `stopped ${took} ms after the termination`)
  assert.match(r.stderr, /^error CONNECTION_LOST/m)
  assert.match(r.stderr, /The connection was lost while running 002_b; the server rolled it back, so it is not applied\./)
  assert.match(r.stderr, /Applied in this run: 001_a\./)
  assert.doesNotMatch(r.stderr, /^ {4}at /m, 'no stack trace')
  const now = await truth(db, '')
  assert.deepEqual([now.history, now.failed], [['001'], []])
  const [b] = await db.sql`select to_regclass('b')::text as b`
  assert.equal(b!.b, null)

  // not applied, so the file may change; the rerun applies the rest
  await rewrite(dir, '002_b.up.sql', (text) => text.replace('pg_sleep(5)', 'pg_sleep(0.05)'))
  const again = await runCli(['up', '--url', db.url, '--dir', dir, '--lock-timeout', '5'])
  expectExit(again, 0, 'rerun')
  assert.deepEqual(appliedLines(again), ['002', '003'])
})

test('a reconnect while a migration waits to be retried: the guard stops it with LOCK_LOST, unapplied', { timeout: 60_000 }, async (t) => {
  // The only pause between a runner's statements is the sleep before a lock_timeout retry: a
  // connection lost there comes back as a new session that does not hold the lock.
  const db = await freshDatabase(t)
  await db.sql`create table t (id int)`
  const dir = await migrationsDir(t, { '001_alter.up.sql': 'alter table t add column c int;\n' })
  const blocker = await openTransaction(t, db, 'lock table t in access exclusive mode')
  const run = start(t, ['up', '--url', db.url, '--dir', dir, '--ddl-lock-timeout', '1', '--lock-retries', '2'])
  await stderrShows(run, 'Trying again in 1s')
  const holder = await until('the session holding the migration lock', 5000, async () => {
    const [row] = await db.sql<{ pid: number }[]>`
      select pid from pg_catalog.pg_locks
      where locktype = 'advisory' and granted and database = (select oid from pg_catalog.pg_database where datname = ${db.name})`
    return row?.pid
  })
  await db.sql`select pg_terminate_backend(${holder})`
  await blocker.end()
  const r = await run.result
  expectExit(r, 4, 'lost lock on retry')
  assert.match(r.stderr, /^error LOCK_LOST/m)
  assert.match(r.stderr, /001_alter was not applied/)
  const [col] = await db.sql`select count(*)::int as n from information_schema.columns where table_name = 't' and column_name = 'c'`
  assert.equal(col!.n, 0)
  assert.deepEqual((await truth(db, '')).history, [])
  const again = await runCli(['up', '--url', db.url, '--dir', dir])
  expectExit(again, 0, 'rerun')
  assert.deepEqual(appliedLines(again), ['001'])
})

test('a migration that drops the session\'s prepared statements is applied with its history row, or not at all', { timeout: 60_000 }, async (t) => {
  // DEALLOCATE ALL is legal in a transaction. What a transaction pooler does to named prepared
  // statements (they exist on another server connection, or on none) is the same thing.
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_a.up.sql': 'create table a (id int);\n',
    '002_b.up.sql': 'create table b (id int);\ndeallocate all;\n',
    '003_c.up.sql': 'create table c (id int);\n',
  })
  const r = await runCli(['up', '--url', db.url, '--dir', dir])
  const now = await truth(db, '')
  t.diagnostic(`exit ${r.code}; history ${now.history.join(',')}; tables ${now.tables.join(',')}`)
  assert.deepEqual(now.history, appliedLines(r), `what the run said it applied is what history says: ${show(r)}`)
  assert.deepEqual(now.tables, ['a', 'b', 'c'].slice(0, now.history.length), `history says ${now.history.join(', ')} are applied, but the tables are ${now.tables.join(', ')}`)
})

// --- waiting behind CREATE INDEX CONCURRENTLY ---------------------------------------------------

test('three runners wait while a fourth builds an index concurrently: all exit 0, the index is valid', { timeout: 60_000 }, async (t) => {
  const db = await freshDatabase(t)
  await db.sql`create table items (id int, label text)`
  await db.sql`insert into items select g, md5(g::text) from generate_series(1, 200000) g`
  const dir = await migrationsDir(t, {
    '001_index.up.sql': '-- tinymigrate:no-transaction\ncreate index concurrently items_label on items (label);\n',
  })
  // A snapshot older than the build: CREATE INDEX CONCURRENTLY waits for it to end, so the build
  // takes as long as the test says. A waiter that held a statement open would make it wait forever.
  const old = await openTransaction(t, db, 'set transaction isolation level repeatable read; select 1;')
  const started = Date.now()
  const runs = Array.from({ length: 4 }, () => start(t, ['up', '--url', db.url, '--dir', dir, '--lock-timeout', '30'], 30_000))
  let waiting = 0
  for (const r of runs) void stderrShows(r, 'waiting for the migration lock', 15_000).then(() => { waiting++ }, () => {})
  await backendRunning(db, 'create index concurrently', 15_000)
  // the three others are polling for the lock while the build waits for the old snapshot
  await until('three runners waiting', 15_000, async () => (waiting === 3 ? true : undefined))
  await new Promise((r) => setTimeout(r, 300))
  await old.end()
  const results = await Promise.all(runs.map((r) => r.result))
  const took = Date.now() - started
  t.diagnostic(`4 runners, index on 200k rows behind an old snapshot: ${took} ms`)
  results.forEach((r, i) => expectExit(r, 0, `runner ${i + 1}`))
  assert.equal(results.filter((r) => appliedLines(r).length === 1).length, 1)
  assert.equal(results.filter((r) => r.stderr.includes('waiting for the migration lock')).length, 3)
  assert.ok(took < 20_000, `all four done in ${took} ms`)
  const [index] = await db.sql`select i.indisvalid as valid, i.indisready as ready from pg_index i where i.indexrelid = 'items_label'::regclass`
  assert.deepEqual([index!.valid, index!.ready], [true, true])
  assert.deepEqual(await truth(db, ''), { history: ['001'], failed: [], tables: ['items'] })
})

// --- through PgBouncer in transaction pooling ---------------------------------------------------

test('lease mode through PgBouncer (transaction pooling): 8 processes, 30 migrations, each applied once', { timeout: 90_000 }, async (t) => {
  const db = await freshDatabase(t)
  await createLogs(db.sql)
  const bouncer = await startPgbouncer(t, { targetUrl: db.url, poolMode: 'transaction' })
  const dir = await migrationsDir(t, loggedMigrations(30, 'select pg_sleep(0.01);\n'))
  // The first migration waits on a table lock held here until another runner is seen waiting
  // for the lease: on a loaded machine the first runner could otherwise finish before the last
  // one starts, and nobody would wait.
  const gate = await openTransaction(t, db, 'lock table applied_log in share mode')
  const started = Date.now()
  const runs = Array.from({ length: 8 }, () => start(t, ['up', '--url', bouncer.url, '--dir', dir, '--lock-mode', 'lease', '--lock-timeout', '30']))
  await Promise.any(runs.map((r) => stderrShows(r, 'waiting for the migration lock', 20_000)))
  await gate.end()
  const results = await Promise.all(runs.map((r) => r.result))
  t.diagnostic(`8 runners through PgBouncer, lease mode, 30 migrations: ${Date.now() - started} ms`)
  results.forEach((r, i) => expectExit(r, 0, `runner ${i + 1}`))
  assert.deepEqual(results.flatMap(appliedLines).sort(), versions(30))
  assert.ok(results.some((r) => r.stderr.includes('waiting for the migration lock')), 'someone waited')
  const now = await truth(db)
  assert.deepEqual([now.history, now.tables, now.failed], [versions(30), versions(30), []])
  const log = await logRows(db.sql, 'applied_log')
  assert.deepEqual(log, versions(30), `no migration ran twice (duplicates: ${duplicates(log).join(', ')})`)
  const [lease] = await db.sql`select count(*)::int as n from tinymigrate_history_lock`
  assert.equal(lease!.n, 0, 'the last runner gave the lease back')
})

test('advisory mode through PgBouncer (transaction pooling) is not a lock: what happens, and history stays true', { timeout: 90_000 }, async (t) => {
  // Not a promise tinymigrate makes (the README says: use --lock-mode lease behind a transaction
  // pooler). The advisory lock lives on whichever server connection ran pg_try_advisory_lock; the
  // next transaction may run on another. What must hold anyway: history equals the tables. Which
  // server connection serves which transaction is up to the pooler: a few rounds, each on a fresh
  // database, stopping at the first round where history is wrong.
  const dir = await migrationsDir(t, loggedMigrations(30, 'select pg_sleep(0.01);\n'))
  for (let round = 1; round <= 3; round++) {
    const db = await freshDatabase(t)
    await createLogs(db.sql)
    const bouncer = await startPgbouncer(t, { targetUrl: db.url, poolMode: 'transaction' })
    const runs = Array.from({ length: 8 }, () => start(t, ['up', '--url', bouncer.url, '--dir', dir, '--lock-timeout', '3']))
    const results = await Promise.all(runs.map((r) => r.result))
    const errors = results.map((r) => /^error ([A-Z_]+)/m.exec(r.stderr)?.[1] ?? 'ok')
    t.diagnostic(`round ${round}, advisory behind PgBouncer: exit codes ${results.map((r) => r.code).join(' ')}; ${errors.join(' ')}; ${await advisoryLocks(db)} advisory lock(s) left on pooled server connections`)
    for (const r of results) assert.ok([0, 1, 4].includes(r.code ?? -1), `a documented exit code: ${show(r)}`)
    const now = await truth(db)
    assert.deepEqual(now.history, now.tables, `round ${round}: history rows are exactly the tables that exist`)
    const log = await logRows(db.sql, 'applied_log')
    assert.deepEqual(log, now.history, `round ${round}: every applied migration ran once; a failed attempt left nothing`)
    await bouncer.stop()
  }
})

test('lease mode: an expired lease is taken over at once; a live one makes others wait, then time out (exit 4)', { timeout: 60_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_a.up.sql': 'create table a (id int);\n',
    '002_b.up.sql': 'select pg_sleep(30);\ncreate table b (id int);\n',
    '003_c.up.sql': 'create table c (id int);\n',
  })
  const lease = ['--lock-mode', 'lease']
  const first = await runCli(['up', '1', '--url', db.url, '--dir', dir, ...lease])
  expectExit(first, 0, 'first run creates the lease table')

  // a lease left behind by a runner that died: expired, so the next runner takes it at once
  await db.sql`insert into tinymigrate_history_lock values (1, 'dead-runner', 4242, now() - interval '1 minute', now() - interval '1 second')`
  await rewrite(dir, '002_b.up.sql', (text) => text.replace('pg_sleep(30)', 'pg_sleep(0)'))
  const startedAt = Date.now()
  const taken = await runCli(['up', '--to', '002', '--url', db.url, '--dir', dir, ...lease, '--lock-timeout', '5'])
  expectExit(taken, 0, 'expired lease')
  assert.ok(Date.now() - startedAt < 4000, 'did not wait for the expired lease')
  assert.doesNotMatch(taken.stderr, /waiting for the migration lock/)
  assert.deepEqual(appliedLines(taken), ['002'])
  const [gone] = await db.sql`select count(*)::int as n from tinymigrate_history_lock`
  assert.equal(gone!.n, 0)

  // a live lease (another runner's, not expired): wait, then LOCK_TIMEOUT
  await db.sql`insert into tinymigrate_history_lock values (1, 'live-runner', 4343, now(), now() + interval '1 minute')`
  const blocked = await runCli(['up', '--url', db.url, '--dir', dir, ...lease, '--lock-timeout', '1'])
  expectExit(blocked, 4, 'live lease')
  assert.match(blocked.stderr, /waiting for the migration lock/)
  assert.match(blocked.stderr, /^error LOCK_TIMEOUT/m)
  assert.match(blocked.stderr, /Another runner still holds the migration lease after 1s/)
  const [still] = await db.sql`select holder from tinymigrate_history_lock`
  assert.equal(still!.holder, 'live-runner', 'the waiter did not touch the holder\'s lease')
  assert.deepEqual((await truth(db, '')).history, ['001', '002'])
  await db.sql`delete from tinymigrate_history_lock`
})

test('lease mode: a runner SIGKILLed while holding the lease blocks others until the lease expires, then it is taken over', { timeout: 60_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_slow.up.sql': 'create table slow (id int);\nselect pg_sleep(30);\n',
    '002_b.up.sql': 'create table b (id int);\n',
  })
  const lease = ['--lock-mode', 'lease']
  const victim = start(t, ['up', '--url', db.url, '--dir', dir, ...lease])
  await backendRunning(db, 'pg_sleep')
  victim.child.kill('SIGKILL')
  await victim.result
  // The server notices a dead client only when the running statement ends: end the orphaned
  // session as an operator would, which rolls 001 back. The lease row stays, unexpired.
  await db.sql`select pg_terminate_backend(pid) from pg_catalog.pg_stat_activity where datname = ${db.name} and application_name = 'tinymigrate'`
  await until('the killed runner\'s session to end', 10_000, async () => {
    const [row] = await db.sql`select count(*)::int as n from pg_catalog.pg_stat_activity where datname = ${db.name} and application_name = 'tinymigrate'`
    return row!.n === 0 ? true : undefined
  })
  const [left] = await db.sql`select expires_at > now() as live from tinymigrate_history_lock`
  assert.equal(left!.live, true, 'the dead runner\'s lease is still live')
  const blocked = await runCli(['up', '--url', db.url, '--dir', dir, ...lease, '--lock-timeout', '1'])
  expectExit(blocked, 4, 'while the dead lease lives')

  // LEASE_TTL (30 s) passing, without the wait
  await db.sql`update tinymigrate_history_lock set expires_at = now() - interval '1 second'`
  await rewrite(dir, '001_slow.up.sql', (text) => text.replace('pg_sleep(30)', 'pg_sleep(0)'))
  const after = await runCli(['up', '--url', db.url, '--dir', dir, ...lease, '--lock-timeout', '2'])
  expectExit(after, 0, 'after expiry')
  assert.deepEqual(appliedLines(after), ['001', '002'])
  assert.deepEqual(await truth(db, ''), { history: ['001', '002'], failed: [], tables: ['b', 'slow'] })
})

test('lease mode: a lease taken over mid-run makes the next migration fail with LOCK_LOST; the new holder keeps it', { timeout: 60_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_a.up.sql': 'create table a (id int);\nselect pg_sleep(1);\n',
    '002_b.up.sql': 'create table b (id int);\n',
  })
  const run = start(t, ['up', '--url', db.url, '--dir', dir, '--lock-mode', 'lease'])
  await backendRunning(db, 'pg_sleep')
  // as if the lease had expired and another runner had taken it
  await db.sql`update tinymigrate_history_lock set holder = 'usurper', expires_at = now() + interval '1 minute'`
  const r = await run.result
  expectExit(r, 4, 'lease taken over')
  assert.match(r.stderr, /^error LOCK_LOST/m)
  assert.match(r.stderr, /002_b was not applied/)
  assert.deepEqual(appliedLines(r), ['001'])
  assert.deepEqual(await truth(db, ''), { history: ['001'], failed: [], tables: ['a'] })
  const [row] = await db.sql`select holder from tinymigrate_history_lock`
  assert.equal(row?.holder, 'usurper', 'the runner did not delete a lease that is not its own')
})

test('lease mode through PgBouncer: a no-transaction migration\'s timeouts do not leak to other clients', { timeout: 60_000 }, async (t) => {
  // Behind a transaction pooler, a session-level SET lands on whichever server connection ran it,
  // and that connection then serves other clients. One server connection makes it certain.
  const db = await freshDatabase(t)
  const bouncer = await startPgbouncer(t, { targetUrl: db.url, poolMode: 'transaction', poolSize: 1 })
  const dir = await migrationsDir(t, {
    '001_slow.up.sql': '-- tinymigrate:no-transaction\nselect pg_sleep(0.4);\nselect pg_sleep(0.4);\nselect pg_sleep(0.4);\n',
  })
  const app = postgres(bouncer.url, { max: 1, prepare: false, onnotice: () => {} })
  t.after(() => app.end({ timeout: 2 }))
  const [before] = await app`select current_setting('statement_timeout') as st, current_setting('lock_timeout') as lt`
  const run = start(t, ['up', '--url', bouncer.url, '--dir', dir, '--lock-mode', 'lease', '--statement-timeout', '7', '--ddl-lock-timeout', '3'])
  const seen = new Set<string>()
  while (run.child.exitCode === null && run.child.signalCode === null) {
    const [row] = await app`select current_setting('statement_timeout') as st, current_setting('lock_timeout') as lt`
    seen.add(`statement_timeout=${row!.st} lock_timeout=${row!.lt}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  expectExit(await run.result, 0, 'up through PgBouncer')
  const [after] = await app`select current_setting('statement_timeout') as st, current_setting('lock_timeout') as lt`
  seen.add(`statement_timeout=${after!.st} lock_timeout=${after!.lt}`)
  assert.deepEqual([...seen], [`statement_timeout=${before!.st} lock_timeout=${before!.lt}`],
    'another client of the pooler saw the migration\'s session settings')
})

// --- table locks and timeouts -------------------------------------------------------------------

test('--ddl-lock-timeout: a migration behind a table lock fails fast, naming the table and the blocker', { timeout: 60_000 }, async (t) => {
  const db = await freshDatabase(t)
  await db.sql`create table t (id int)`
  const dir = await migrationsDir(t, { '001_alter.up.sql': 'alter table t add column c int;\n' })
  const blocker = await openTransaction(t, db, 'lock table t in access exclusive mode')
  const started = Date.now()
  const r = await runCli(['up', '--url', db.url, '--dir', dir, '--ddl-lock-timeout', '1', '--lock-retries', '0'], { timeoutMs: 15_000 })
  const took = Date.now() - started
  expectExit(r, 1, 'lock_timeout')
  // Without the timeout it would wait for the blocker (held for the whole test); the margin is
  // for the CLI's start on a loaded machine.
  assert.ok(took < 10_000, `failed after ${took} ms`)
  assert.match(r.stderr, /^error SQL_FAILED/m)
  assert.match(r.stderr, /canceling statement due to lock timeout/)
  assert.match(r.stderr, new RegExp(`It waited for AccessExclusiveLock on t, held by process ${blocker.pid}\\b`))
  assert.match(r.stderr, /001_alter was rolled back and is not applied/)
  assert.deepEqual((await truth(db, '')).history, [])
  await blocker.end()
})

test('--lock-retries: a migration stopped by --ddl-lock-timeout is retried and goes through once the blocker leaves', { timeout: 60_000 }, async (t) => {
  const db = await freshDatabase(t)
  await db.sql`create table t (id int)`
  const dir = await migrationsDir(t, { '001_alter.up.sql': 'alter table t add column c int;\n' })
  const blocker = await openTransaction(t, db, 'lock table t in access exclusive mode')
  const run = start(t, ['up', '--url', db.url, '--dir', dir, '--ddl-lock-timeout', '1', '--lock-retries', '2'], 20_000)
  // the blocker lets go 1.5 s after the migration starts waiting: after the first timeout
  await until('the migration waiting for t', 10_000, async () => {
    const [row] = await db.sql`select 1 as one from pg_catalog.pg_locks where relation = 't'::regclass and not granted`
    return row ? true : undefined
  })
  await new Promise((r) => setTimeout(r, 1500))
  await blocker.end()
  const r = await run.result
  expectExit(r, 0, 'retried')
  assert.match(r.stderr, /warning 001_alter gave up waiting for a lock after 1s and was rolled back\./)
  assert.match(r.stderr, /Trying again in 1s \(retry 1 of 2\)/)
  assert.deepEqual(appliedLines(r), ['001'])
  const [col] = await db.sql`select count(*)::int as n from information_schema.columns where table_name = 't' and column_name = 'c'`
  assert.equal(col!.n, 1)
})

test('--statement-timeout stops a long statement: exit 1, not applied', { timeout: 60_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_slow.up.sql': 'create table slow (id int);\nselect pg_sleep(30);\n' })
  const started = Date.now()
  const r = await runCli(['up', '--url', db.url, '--dir', dir, '--statement-timeout', '1'], { timeoutMs: 45_000 })
  const took = Date.now() - started
  expectExit(r, 1, 'statement timeout')
  // The statement would sleep 30 s; the margin is for the CLI's start on a loaded machine.
  assert.ok(took < 15_000, `stopped after ${took} ms`)
  assert.match(r.stderr, /canceling statement due to statement timeout/)
  assert.match(r.stderr, /001_slow was rolled back and is not applied/)
  assert.deepEqual(await truth(db, ''), { history: [], failed: [], tables: [] })
})

// The migration lock against a real PostgreSQL: concurrent runners, timeouts, release on every
// way out of a run, and interruption.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import postgres from 'postgres'
import { migrate, rollback, type Event } from '../src/index.js'
import { lockKey } from '../src/lock.js'
import { rejection } from './assertions.js'
import { events, freshDatabase, migrationsDir, rewrite, type FreshDatabase } from './helpers.js'

const DEFAULT_KEY = lockKey('public', 'tinymigrate_history').toString()

/** Hold the migration lock from a session of our own, as another runner would. */
async function holdLock(t: { after(fn: () => unknown): unknown }, db: FreshDatabase, key = DEFAULT_KEY): Promise<{ pid: number; release(): Promise<void> }> {
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  let ended = false
  const release = async () => {
    if (ended) return
    ended = true
    await sql`select pg_advisory_unlock(${key}::bigint)`
    await sql.end({ timeout: 5 })
  }
  // after-hooks run in order, so the database may be gone already: ending the session is enough
  t.after(async () => {
    if (ended) return
    ended = true
    await sql.end({ timeout: 1 })
  })
  const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid, pg_advisory_lock(${key}::bigint)`
  return { pid: row!.pid, release }
}

/** Whether a session of our own can take the lock right now (and gives it back at once). */
async function lockIsFree(db: FreshDatabase, key = DEFAULT_KEY): Promise<boolean> {
  // one connection for both: a session lock belongs to the session that took it
  const conn = await db.sql.reserve()
  try {
    const [row] = await conn<{ ok: boolean }[]>`select pg_try_advisory_lock(${key}::bigint) as ok`
    if (row!.ok) await conn`select pg_advisory_unlock(${key}::bigint)`
    return row!.ok
  } finally {
    conn.release()
  }
}

/** Fail instead of hanging when a call never returns. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not return within ${ms}ms`)), ms)
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

async function versions(db: FreshDatabase): Promise<string[]> {
  const rows = await db.sql<{ version: string }[]>`select version from tinymigrate_history order by version::numeric`
  return rows.map((r) => r.version)
}

function twenty(): Record<string, string> {
  const files: Record<string, string> = {
    // the winner tells its session's pid, so the loser's lock-wait can be checked against it
    '001_pid.up.sql': "create table runs (pid int);\ninsert into runs values (pg_backend_pid());\ndo $$ begin raise notice 'pid=%', pg_backend_pid(); end $$;\n",
  }
  for (let i = 2; i <= 20; i++) {
    const v = String(i).padStart(3, '0')
    files[`${v}_t${i}.up.sql`] = `create table t${i} (id int);\ninsert into runs values (pg_backend_pid());\n` +
      (i === 5 ? 'select pg_sleep(0.3);\n' : '')
  }
  return files
}

test('two concurrent runs apply each migration exactly once; the second names the holder', { timeout: 30_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, twenty())
  const a = events()
  const b = events()
  const [ra, rb] = await Promise.all([
    migrate({ url: db.url, dir, onEvent: a.onEvent }),
    migrate({ url: db.url, dir, onEvent: b.onEvent }),
  ])

  const applied = [...ra.applied, ...rb.applied].map((s) => s.version).sort()
  assert.equal(applied.length, 20)
  assert.equal(new Set(applied).size, 20, 'no migration applied twice')
  assert.deepEqual(await versions(db), Object.keys(twenty()).map((f) => f.slice(0, 3)))
  const [runs] = await db.sql`select count(*)::int as n, count(distinct pid)::int as pids from runs`
  assert.deepEqual([runs!.n, runs!.pids], [20, 1], 'one session ran all twenty, once each')
  assert.equal(ra.current, '020')
  assert.equal(rb.current, '020')

  const [winner, loser] = ra.applied.length === 20 ? [a, b] : [b, a]
  assert.equal((ra.applied.length === 20 ? rb : ra).applied.length, 0)
  const notice = winner.list.find((e) => e.type === 'notice')
  assert.ok(notice && notice.type === 'notice')
  const pid = Number(/pid=(\d+)/.exec(notice.message)?.[1])
  const wait = loser.list.find((e) => e.type === 'lock-wait')
  assert.ok(wait && wait.type === 'lock-wait', 'the second run reports that it waits')
  assert.equal(wait.holder?.pid, pid, 'and names the session that holds the lock')
  assert.equal(wait.holder?.application, 'tinymigrate')
  assert.equal(winner.list.some((e) => e.type === 'lock-wait'), false)
  const acquired = loser.list.find((e) => e.type === 'lock-acquired')
  assert.ok(acquired && acquired.type === 'lock-acquired' && acquired.waitedMs >= 250, 'it waited for the sleeping migration')
  assert.equal(await lockIsFree(db), true)
})

test('lockTimeout: LOCK_TIMEOUT while another session holds the lock, naming it; nothing runs', { timeout: 30_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_users.up.sql': 'create table users (id int);\n' })
  const holder = await holdLock(t, db)
  const seen = events()
  const started = Date.now()
  const error = await rejection(migrate({ url: db.url, dir, lockTimeout: 1, onEvent: seen.onEvent }))
  const elapsed = Date.now() - started
  assert.equal(error.code, 'LOCK_TIMEOUT')
  assert.match(error.message, new RegExp(`process ${holder.pid}\\b`))
  assert.match(error.next ?? '', new RegExp(`pg_terminate_backend\\(${holder.pid}\\)`))
  assert.ok(elapsed >= 900 && elapsed < 5000, `gave up after ${elapsed}ms`)
  const wait = seen.list.find((e) => e.type === 'lock-wait')
  assert.ok(wait && wait.type === 'lock-wait')
  assert.equal(wait.holder?.pid, holder.pid)
  const [found] = await db.sql`select to_regclass('users')::text as users, to_regclass('tinymigrate_history')::text as hist`
  assert.deepEqual([found!.users, found!.hist], [null, null])

  // once the holder lets go, the same run goes through
  await holder.release()
  const result = await migrate({ url: db.url, dir, lockTimeout: 1 })
  assert.deepEqual(result.applied.map((s) => s.version), ['001'])
})

test('rollback waits for the same lock as migrate', { timeout: 30_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (id int);\n',
    '001_users.down.sql': 'drop table users;\n',
  })
  await migrate({ url: db.url, dir })
  await holdLock(t, db)
  await assert.rejects(rollback({ url: db.url, dir, lockTimeout: 1 }), { code: 'LOCK_TIMEOUT' })
  assert.deepEqual(await versions(db), ['001'])
})

test('different history tables do not block each other', { timeout: 30_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_users.up.sql': 'create table users (id int);\n' })
  await holdLock(t, db)
  const seen = events()
  const result = await migrate({ url: db.url, dir, table: 'other_history', lockTimeout: 1, onEvent: seen.onEvent })
  assert.deepEqual(result.applied.map((s) => s.version), ['001'])
  assert.equal(seen.list.some((e) => e.type === 'lock-wait'), false)
  // the same name in another schema is another table, and another lock
  const other = await migrationsDir(t, { '001_side.up.sql': 'create table side (id int);\n' })
  await migrate({ url: db.url, dir: other, table: 'elsewhere.tinymigrate_history', lockTimeout: 1 })
  const [row] = await db.sql`select to_regclass('side')::text as side`
  assert.equal(row!.side, 'side')
})

test('two runs on different history tables proceed at the same time', { timeout: 30_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dirA = await migrationsDir(t, { '001_a.up.sql': 'select pg_sleep(0.6);\ncreate table a (id int);\n' })
  const dirB = await migrationsDir(t, { '001_b.up.sql': 'select pg_sleep(0.6);\ncreate table b (id int);\n' })
  const a = events()
  const b = events()
  const started = Date.now()
  await Promise.all([
    migrate({ url: db.url, dir: dirA, table: 'hist_a', onEvent: a.onEvent }),
    migrate({ url: db.url, dir: dirB, table: 'hist_b', onEvent: b.onEvent }),
  ])
  const elapsed = Date.now() - started
  assert.equal([...a.list, ...b.list].some((e) => e.type === 'lock-wait'), false)
  assert.ok(elapsed < 1150, `ran side by side in ${elapsed}ms`)
})

test('the lock is released after a failing migration: the next run does not wait', { timeout: 30_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (id int);\n',
    '002_bad.up.sql': 'create table bad (id int);\nselect nosuch from bad;\n',
  })
  await assert.rejects(migrate({ url: db.url, dir }), { code: 'SQL_FAILED' })
  assert.equal(await lockIsFree(db), true)

  await rewrite(dir, '002_bad.up.sql', (text) => text.replace('nosuch', 'id'))
  const seen = events()
  const result = await migrate({ url: db.url, dir, lockTimeout: 1, onEvent: seen.onEvent })
  assert.deepEqual(result.applied.map((s) => s.version), ['002'])
  assert.equal(seen.list.some((e) => e.type === 'lock-wait'), false)
})

test('the lock is released after a failing no-transaction migration and a refused run', { timeout: 30_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (id int);\n',
    '002_index.up.sql': '-- tinymigrate:no-transaction\ncreate index concurrently users_id on users (id);\ncreate index concurrently users_x on users (x);\n',
  })
  await assert.rejects(migrate({ url: db.url, dir }), { code: 'SQL_FAILED' })
  assert.equal(await lockIsFree(db), true)
  await assert.rejects(migrate({ url: db.url, dir, lockTimeout: 1 }), { code: 'PARTIAL_MIGRATION' })
  assert.equal(await lockIsFree(db), true)
})

test('with a caller\'s postgres.js pool, the lock does not stay behind on a pooled connection', { timeout: 30_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (id int);\n',
    '002_bad.up.sql': 'select nosuch;\n',
  })
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  t.after(() => sql.end({ timeout: 5 }))
  await assert.rejects(migrate({ sql, dir }), { code: 'SQL_FAILED' })
  const [held] = await sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`
  assert.equal(held!.n, 0)
  assert.equal(await lockIsFree(db), true)
})

test('an abort during a long migration stops it at once: not applied, lock released', { timeout: 30_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (id int);\n',
    '002_slow.up.sql': 'create table slow (id int);\nselect pg_sleep(5);\n',
    '003_after.up.sql': 'create table after_slow (id int);\n',
  })
  const controller = new AbortController()
  const onEvent = (e: Event) => {
    if (e.type === 'apply-start' && e.version === '002') setTimeout(() => controller.abort(), 300)
  }
  const started = Date.now()
  const error = await rejection(migrate({ url: db.url, dir, signal: controller.signal, onEvent }))
  const elapsed = Date.now() - started
  assert.equal(error.code, 'INTERRUPTED')
  assert.deepEqual(error.applied, ['001_users'])
  assert.ok(elapsed < 2500, `stopped after ${elapsed}ms`)
  assert.deepEqual(await versions(db), ['001'])
  const [found] = await db.sql`select to_regclass('slow')::text as slow, to_regclass('after_slow')::text as after`
  assert.deepEqual([found!.slow, found!.after], [null, null])
  assert.equal(await lockIsFree(db), true)
  // the server is not still sleeping on our behalf
  const [busy] = await db.sql`select count(*)::int as n from pg_stat_activity where query like '%pg_sleep(5)%' and pid <> pg_backend_pid()`
  assert.equal(busy!.n, 0)
})

test('an abort with a caller\'s pool leaves no lock on the pooled connection', { timeout: 30_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_slow.up.sql': 'select pg_sleep(5);\n' })
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  t.after(() => sql.end({ timeout: 5 }))
  // a late cancel request must not hit the unlock: try a few times
  for (let i = 1; i <= 3; i++) {
    const controller = new AbortController()
    const onEvent = (e: Event) => { if (e.type === 'apply-start') setTimeout(() => controller.abort(), 100) }
    const started = Date.now()
    const error = await rejection(within(migrate({ sql, dir, signal: controller.signal, onEvent }), 3000, `migrate() with a pool, aborted (attempt ${i})`))
    assert.equal(error.code, 'INTERRUPTED', error.message)
    assert.ok(Date.now() - started < 2000)
    // the connection went back to the pool outside a transaction, without the lock
    const [state] = await db.sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`
    assert.equal(state!.n, 0, `attempt ${i}: a connection is left in a transaction`)
    const [held] = await within(sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`, 2000, 'a query on the pool')
    assert.equal(held!.n, 0, `attempt ${i}`)
    // and the pooled connection is not left with a cancel on its way
    const [ok] = await within(sql`select pg_sleep(0.1), 1 as one`, 2000, 'a query on the pool')
    assert.equal(ok!.one, 1)
  }
})

test('an abort while waiting for the lock stops the wait', { timeout: 30_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_users.up.sql': 'create table users (id int);\n' })
  await holdLock(t, db)
  const controller = new AbortController()
  const onEvent = (e: Event) => { if (e.type === 'lock-wait') setTimeout(() => controller.abort(), 200) }
  const started = Date.now()
  const error = await rejection(migrate({ url: db.url, dir, lockTimeout: 4, signal: controller.signal, onEvent }))
  const elapsed = Date.now() - started
  assert.equal(error.code, 'INTERRUPTED')
  assert.ok(elapsed < 1500, `stopped waiting after ${elapsed}ms`)
  const [found] = await db.sql`select to_regclass('users')::text as users`
  assert.equal(found!.users, null)
})

test('a runner waiting for the lock does not hold up a CREATE INDEX CONCURRENTLY in the holder', { timeout: 30_000 }, async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_items.up.sql': 'create table items (id int, label text);\ninsert into items select g, md5(g::text) from generate_series(1, 50000) g;\n',
    '002_index.up.sql': '-- tinymigrate:no-transaction\nselect pg_sleep(0.3);\ncreate index concurrently items_label on items (label);\n',
  })
  const a = events()
  const b = events()
  const started = Date.now()
  const [ra, rb] = await Promise.all([
    migrate({ url: db.url, dir, lockTimeout: 20, onEvent: a.onEvent }),
    migrate({ url: db.url, dir, lockTimeout: 20, onEvent: b.onEvent }),
  ])
  const elapsed = Date.now() - started
  assert.equal(ra.applied.length + rb.applied.length, 2)
  assert.equal([...a.list, ...b.list].filter((e) => e.type === 'lock-wait').length, 1)
  assert.ok(elapsed < 8000, `finished in ${elapsed}ms`)
  const [index] = await db.sql`select i.indisvalid as valid from pg_index i where i.indexrelid = 'items_label'::regclass`
  assert.equal(index!.valid, true)
})

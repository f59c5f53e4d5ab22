// Behaviour of the library API against a real PostgreSQL: what each call does to the database
// and to the history table, checked by asking the database, not the library.
import assert from 'node:assert/strict'
import { readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import postgres from 'postgres'
import {
  current, history, migrate, redo, repair, rollback, stamp, status, verify,
} from '../src/index.js'
import type { TinymigrateError } from '../src/errors.js'
import type { Event } from '../src/events.js'
import { rejection } from './assertions.js'
import { events, freshDatabase, migrationsDir, rewrite, sha256 } from './helpers.js'

type Sql = postgres.Sql

interface HistoryTableRow {
  version: string
  name: string
  checksum: string
  down_sql: string | null
  state: string
  applied_at: Date
  duration_ms: number
  applied_by: string
  note: string | null
}

const THREE = {
  '001_users.up.sql': 'create table users (id int primary key, email text);\n',
  '001_users.down.sql': 'drop table users;\n',
  '002_posts.up.sql': 'create table posts (id int primary key, user_id int references users);\n',
  '002_posts.down.sql': 'drop table posts;\n',
  '003_tags.up.sql': 'create table tags (name text primary key);\n',
  '003_tags.down.sql': 'drop table tags;\n',
}

async function rows(sql: Sql, table = 'tinymigrate_history'): Promise<HistoryTableRow[]> {
  return sql.unsafe<HistoryTableRow[]>(`select * from ${table} order by version::numeric`)
}

async function versions(sql: Sql, table = 'tinymigrate_history'): Promise<string[]> {
  return (await rows(sql, table)).map((r) => r.version)
}

async function exists(sql: Sql, relation: string): Promise<boolean> {
  const [row] = await sql<{ oid: string | null }[]>`select pg_catalog.to_regclass(${relation})::text as oid`
  return row!.oid !== null
}

/** Tables of the public schema, history table left out. */
async function tables(sql: Sql): Promise<string[]> {
  const found = await sql<{ name: string }[]>`
    select c.relname as name
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public'
      and c.relkind = 'r'
      and c.relname <> 'tinymigrate_history'
    order by 1`
  return found.map((r) => r.name)
}

/** Everything a migration could have touched, minus what differs between two runs (times). */
async function snapshot(sql: Sql): Promise<unknown> {
  // Relations and columns of user schemas, with their kinds and types.
  const columns = await sql`
    select n.nspname as schema, c.relname as relation, c.relkind as kind,
           a.attname as column, pg_catalog.format_type(a.atttypid, a.atttypmod) as type
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
    order by 1, 2, 4`
  const hist = await sql`
    select version, name, checksum, down_sql, state, applied_by, note
    from tinymigrate_history
    order by version::numeric`
  return { columns: [...columns], history: [...hist] }
}

// --- migrate ---------------------------------------------------------------

test('migrate applies every file in version order, each in its own transaction with its history row', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    // txid_current() % 2^32 is the xid, which the history row's xmin must equal: same transaction.
    '001_log.up.sql': 'create table log (n serial, version text, xid bigint);\ninsert into log (version, xid) values (\'001\', txid_current() % 4294967296);\n',
    '002_users.up.sql': 'create table users (id int);\ninsert into log (version, xid) values (\'002\', txid_current() % 4294967296);\n',
    '10_posts.up.sql': 'create table posts (id int);\ninsert into log (version, xid) values (\'10\', txid_current() % 4294967296);\n',
    '9_tags.up.sql': 'create table tags (id int);\ninsert into log (version, xid) values (\'9\', txid_current() % 4294967296);\n',
  })
  const seen = events()
  const result = await migrate({ url: db.url, dir, onEvent: seen.onEvent })

  // 9 before 10: versions compare as numbers, not text
  assert.deepEqual(result.applied.map((s) => s.version), ['001', '002', '9', '10'])
  assert.equal(result.current, '10')
  assert.equal(result.dryRun, false)
  assert.deepEqual(result.reverted, [])
  const log = await db.sql<{ version: string; xid: string }[]>`select version, xid::text from log order by n`
  assert.deepEqual(log.map((r) => r.version), ['001', '002', '9', '10'])
  assert.equal(new Set(log.map((r) => r.xid)).size, 4, 'each migration runs in a transaction of its own')
  const xmins = await db.sql<{ version: string; xmin: string }[]>`select version, xmin::text from tinymigrate_history order by version::numeric`
  assert.deepEqual(xmins.map((r) => [r.version, r.xmin]), log.map((r) => [r.version, r.xid]), 'history row commits with its migration')
  assert.deepEqual(await tables(db.sql), ['log', 'posts', 'tags', 'users'])

  const progress = seen.list.filter((e) => e.type === 'apply-start' || e.type === 'apply-done').map((e) => `${e.type} ${'version' in e ? e.version : ''}`)
  assert.deepEqual(progress, [
    'apply-start 001', 'apply-done 001', 'apply-start 002', 'apply-done 002',
    'apply-start 9', 'apply-done 9', 'apply-start 10', 'apply-done 10',
  ])
  assert.equal(seen.list.filter((e) => e.type === 'lock-acquired').length, 1)
})

test('history rows: name, checksum, stored down, applied_by = current_user, measured duration', async (t) => {
  const db = await freshDatabase(t)
  const up = 'create table slow (id int);\nselect pg_sleep(0.25);\n'
  const dir = await migrationsDir(t, {
    '001_slow.up.sql': up,
    '001_slow.down.sql': 'drop table slow;\n',
    '002_quick.up.sql': 'create table quick (id int);\n',
  })
  const before = new Date()
  const result = await migrate({ url: db.url, dir })
  const after = new Date()

  const [user] = await db.sql<{ u: string }[]>`select current_user as u`
  const [slow, quick] = await rows(db.sql)
  assert.equal(slow!.version, '001')
  assert.equal(slow!.name, 'slow')
  assert.equal(slow!.checksum, sha256(up))
  assert.equal(slow!.down_sql, 'drop table slow;\n')
  assert.equal(slow!.state, 'applied')
  assert.equal(slow!.note, null)
  assert.equal(slow!.applied_by, user!.u)
  assert.ok(slow!.duration_ms >= 250 && slow!.duration_ms < 5000, `duration_ms ${slow!.duration_ms}`)
  assert.ok(slow!.applied_at.getTime() >= before.getTime() - 1000 && slow!.applied_at.getTime() <= after.getTime() + 1000)
  assert.equal(quick!.down_sql, null)
  assert.ok(quick!.duration_ms < 250)
  assert.ok(result.applied[0]!.durationMs >= 250, 'the result measures the slow one too')
  assert.equal(result.applied[0]!.noTransaction, false)

  const list = await history({ url: db.url, dir })
  assert.deepEqual(list.map((m) => [m.version, m.name, m.state, m.appliedBy]), [
    ['001', 'slow', 'applied', user!.u],
    ['002', 'quick', 'applied', user!.u],
  ])
  assert.equal(list[0]!.durationMs, slow!.duration_ms)
  assert.equal(list[0]!.appliedAt, slow!.applied_at.toISOString())
  assert.equal(list[0]!.file, path.join(dir, '001_slow.up.sql'))
})

test('migrate count applies only the next n pending migrations', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  const first = await migrate({ url: db.url, dir, count: 1 })
  assert.deepEqual(first.applied.map((s) => s.version), ['001'])
  assert.equal(first.current, '001')
  assert.deepEqual(await versions(db.sql), ['001'])
  assert.deepEqual(await tables(db.sql), ['users'])

  const next = await migrate({ url: db.url, dir, count: 1 })
  assert.deepEqual(next.applied.map((s) => s.version), ['002'])
  const rest = await migrate({ url: db.url, dir, count: 10 })
  assert.deepEqual(rest.applied.map((s) => s.version), ['003'])
  assert.deepEqual(await versions(db.sql), ['001', '002', '003'])
})

test('migrate to applies up to and including that version; 2 and 002 are one version', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  const result = await migrate({ url: db.url, dir, to: '2' })
  assert.deepEqual(result.applied.map((s) => s.version), ['001', '002'])
  assert.equal(result.current, '002')
  assert.deepEqual(await tables(db.sql), ['posts', 'users'])

  // a target that is already applied changes nothing
  assert.deepEqual((await migrate({ url: db.url, dir, to: '001' })).applied, [])
  await assert.rejects(migrate({ url: db.url, dir, to: '004' }), { code: 'UNKNOWN_VERSION' })
  await assert.rejects(migrate({ url: db.url, dir, to: 'head' }), { code: 'USAGE' })
  assert.deepEqual(await versions(db.sql), ['001', '002'])

  await migrate({ url: db.url, dir, to: '003' })
  assert.deepEqual(await versions(db.sql), ['001', '002', '003'])
})

test('a second migrate is a no-op that leaves history untouched', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  await migrate({ url: db.url, dir })
  const before = await rows(db.sql)
  const seen = events()
  const again = await migrate({ url: db.url, dir, onEvent: seen.onEvent })
  assert.deepEqual(again.applied, [])
  assert.equal(again.current, '003')
  assert.deepEqual(await rows(db.sql), before)
  assert.deepEqual(seen.list.filter((e) => e.type === 'apply-start'), [])
})

test('migrate with no migrations to run on a fresh database creates nothing', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {})
  const result = await migrate({ url: db.url, dir })
  assert.deepEqual(result.applied, [])
  assert.equal(result.current, null)
  assert.equal(await current({ url: db.url, dir }), null)
  assert.deepEqual((await status({ url: db.url, dir })).migrations, [])
})

test('status names each state: applied, changed, missing, pending, out-of-order', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '10_a.up.sql': 'create table a (id int);\n',
    '20_b.up.sql': 'create table b (id int);\n',
    '30_c.up.sql': 'create table c (id int);\n',
  })
  const fresh = await status({ url: db.url, dir })
  assert.equal(fresh.table, 'public.tinymigrate_history')
  assert.equal(fresh.current, null)
  assert.deepEqual(fresh.migrations.map((m) => m.state), ['pending', 'pending', 'pending'])
  assert.equal(await exists(db.sql, 'tinymigrate_history'), false, 'status never creates the history table')

  await migrate({ url: db.url, dir, count: 2 })
  await rewrite(dir, '10_a.up.sql', (text) => text + 'create table a2 (id int);\n')
  await rm(path.join(dir, '20_b.up.sql'))
  await rewrite(dir, '30_c.up.sql', (text) => text)
  await writeFile(path.join(dir, '15_late.up.sql'), 'create table late (id int);\n')

  const s = await status({ url: db.url, dir })
  assert.equal(s.current, '20')
  assert.deepEqual(s.migrations.map((m) => [m.version, m.name, m.state]), [
    ['10', 'a', 'changed'],
    ['15', 'late', 'out-of-order'],
    ['20', 'b', 'missing'],
    ['30', 'c', 'pending'],
  ])
  const missing = s.migrations[2]!
  assert.equal(missing.file, null)
  assert.ok(missing.appliedAt !== null)
  const pending = s.migrations[3]!
  assert.equal(pending.appliedAt, null)
  assert.equal(pending.appliedBy, null)
  assert.equal(pending.file, path.join(dir, '30_c.up.sql'))

  const v = await verify({ url: db.url, dir })
  assert.equal(v.ok, false)
  assert.deepEqual(v.problems.map((p) => [p.code, p.version]), [
    ['CHECKSUM_MISMATCH', '10'], ['OUT_OF_ORDER', '15'], ['MISSING_FILE', '20'],
  ])
})

test('current is the newest applied migration', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  assert.equal(await current({ url: db.url, dir }), null)
  await migrate({ url: db.url, dir, to: '002' })
  assert.deepEqual(await current({ url: db.url, dir }), { version: '002', name: 'posts' })
})

test('notices raised by a migration arrive as events', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_hello.up.sql': "do $$ begin raise notice 'hello from %', 'the migration'; end $$;\n",
  })
  const seen = events()
  await migrate({ url: db.url, dir, onEvent: seen.onEvent })
  assert.deepEqual(seen.list.filter((e) => e.type === 'notice').map((e) => 'message' in e && e.message), ['hello from the migration'])
})

// --- checksums ---------------------------------------------------------------

test('a CRLF copy of an applied file is not "changed"', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': '-- users\ncreate table users (id int);\ncreate table more (id int);\n',
  })
  await migrate({ url: db.url, dir })
  await rewrite(dir, '001_users.up.sql', (text) => text.replaceAll('\n', '\r\n'))
  assert.deepEqual((await status({ url: db.url, dir })).migrations.map((m) => m.state), ['applied'])
  assert.equal((await verify({ url: db.url, dir })).ok, true)
  assert.deepEqual((await migrate({ url: db.url, dir })).applied, [])
})

test('a BOM-prefixed copy of an applied file is not "changed", and neither is the reverse', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (id int);\n',
    '002_posts.up.sql': Buffer.from('\ufeffcreate table posts (id int);\r\n', 'utf8'),
  })
  await migrate({ url: db.url, dir })
  assert.deepEqual(await tables(db.sql), ['posts', 'users'])
  await rewrite(dir, '001_users.up.sql', (text) => '\ufeff' + text)
  await rewrite(dir, '002_posts.up.sql', (text) => text.replace(/^\ufeff/, '').replaceAll('\r\n', '\n'))
  assert.deepEqual((await status({ url: db.url, dir })).migrations.map((m) => m.state), ['applied', 'applied'])
  assert.deepEqual((await migrate({ url: db.url, dir })).applied, [])
})

test('an edited applied file is CHECKSUM_MISMATCH before anything runs; repair --checksums accepts it', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_users.up.sql': 'create table users (id int);\n' })
  await migrate({ url: db.url, dir })
  await writeFile(path.join(dir, '002_posts.up.sql'), 'create table posts (id int);\n')
  const edited = 'create table users (id bigint);\n'
  await rewrite(dir, '001_users.up.sql', () => edited)

  const error = await rejection(migrate({ url: db.url, dir }))
  assert.equal(error.code, 'CHECKSUM_MISMATCH')
  assert.deepEqual(error.files, [path.join(dir, '001_users.up.sql')])
  assert.match(error.message, /001_users/)
  assert.match(error.next ?? '', /repair --checksums/)
  assert.equal(await exists(db.sql, 'posts'), false, 'the pending migration did not run')
  assert.deepEqual(await versions(db.sql), ['001'])
  assert.deepEqual((await status({ url: db.url, dir })).migrations.map((m) => m.state), ['changed', 'pending'])
  await assert.rejects(rollback({ url: db.url, dir }), { code: 'CHECKSUM_MISMATCH' })

  const fixed = await repair({ url: db.url, dir, checksums: true })
  assert.deepEqual(fixed, { settled: null, checksums: [{ version: '001', name: 'users' }] })
  assert.equal((await rows(db.sql))[0]!.checksum, sha256(edited))
  // the edit is accepted, not run: users still has an int column
  const [col] = await db.sql`select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'users'::regclass and attname = 'id'`
  assert.equal(col!.type, 'integer')

  const result = await migrate({ url: db.url, dir })
  assert.deepEqual(result.applied.map((s) => s.version), ['002'])
  assert.deepEqual((await status({ url: db.url, dir })).migrations.map((m) => m.state), ['applied', 'applied'])
})

// --- failures ----------------------------------------------------------------

const FAILING = {
  '001_users.up.sql': 'create table users (id int);\n',
  '002_widgets.up.sql':
    'create table widgets (id int primary key);\n' +
    'insert into widgets values (1);\n' +
    'update widgets set nmae = 2 where id = 1;\n' +
    'create table after_error (id int);\n',
  '003_later.up.sql': 'create table later (id int);\n',
}

test('a failing migration leaves database and history as they were before it; earlier ones in the run stay', async (t) => {
  const db = await freshDatabase(t)
  const reference = await freshDatabase(t)
  const dir = await migrationsDir(t, FAILING)
  await migrate({ url: reference.url, dir, to: '001' })

  const seen = events()
  const error = await rejection(migrate({ url: db.url, dir, onEvent: seen.onEvent }))
  assert.equal(error.code, 'SQL_FAILED')
  assert.equal(error.sqlState, '42703')
  assert.match(error.message, /column "nmae" of relation "widgets" does not exist/)
  assert.deepEqual(error.location, {
    file: path.join(dir, '002_widgets.up.sql'),
    line: 3,
    column: 20,
    excerpt: 'update widgets set nmae = 2 where id = 1;',
  })
  assert.deepEqual(error.applied, ['001_users'])
  assert.deepEqual(error.files, [path.join(dir, '002_widgets.up.sql')])
  assert.match(error.next ?? '', /002_widgets was rolled back and is not applied/)

  // exactly the state of a database migrated to 001 only: widgets, its row and after_error are gone
  assert.deepEqual(await snapshot(db.sql), await snapshot(reference.sql))
  assert.deepEqual(await tables(db.sql), ['users'])
  assert.deepEqual(await versions(db.sql), ['001'])
  assert.deepEqual(seen.list.filter((e) => e.type === 'apply-start').map((e) => 'version' in e && e.version), ['001', '002'])
  assert.deepEqual((await status({ url: db.url, dir })).migrations.map((m) => m.state), ['applied', 'pending', 'pending'])

  // fixed, the next run picks up where this one stopped
  await rewrite(dir, '002_widgets.up.sql', (text) => text.replace('nmae', 'id'))
  const result = await migrate({ url: db.url, dir })
  assert.deepEqual(result.applied.map((s) => s.version), ['002', '003'])
  assert.deepEqual(await tables(db.sql), ['after_error', 'later', 'users', 'widgets'])
})

test('the error location counts a CRLF as one line break and ignores a BOM', async (t) => {
  const db = await freshDatabase(t)
  const text = '\ufeff' + FAILING['002_widgets.up.sql'].replaceAll('\n', '\r\n')
  const dir = await migrationsDir(t, { '002_widgets.up.sql': Buffer.from(text, 'utf8') })
  const error = await rejection(migrate({ url: db.url, dir }))
  assert.equal(error.code, 'SQL_FAILED')
  assert.equal(error.location?.line, 3)
  assert.equal(error.location?.column, 20)
  assert.equal(error.location?.excerpt, 'update widgets set nmae = 2 where id = 1;')
  assert.deepEqual(error.applied, [])
  assert.equal(await exists(db.sql, 'widgets'), false)
})

test('a statement that fails after successful ones in the same file leaves none of them applied', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_many.up.sql':
      'create table one (id int);\n' +
      'insert into one values (1), (2);\n' +
      'create index one_id on one (id);\n' +
      'create schema side;\n' +
      'create table side.two (id int);\n' +
      'select missing_column from one;\n',
  })
  const error = await rejection(migrate({ url: db.url, dir }))
  assert.equal(error.code, 'SQL_FAILED')
  assert.equal(error.sqlState, '42703')
  assert.deepEqual([error.location?.line, error.location?.column], [6, 8])
  assert.deepEqual(error.applied, [])
  assert.deepEqual(await tables(db.sql), [])
  assert.equal(await exists(db.sql, 'one_id'), false)
  const [schema] = await db.sql`select count(*)::int as n from pg_namespace where nspname = 'side'`
  assert.equal(schema!.n, 0)
  // the history table itself may exist, but holds nothing
  if (await exists(db.sql, 'tinymigrate_history')) assert.deepEqual(await versions(db.sql), [])
})

// --- rollback ----------------------------------------------------------------

test('rollback reverts the last migration by default, newest first with count, down to a version, or all', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    ...THREE,
    '004_likes.up.sql': 'create table likes (id int);\n',
    '004_likes.down.sql': 'drop table likes;\n',
    '005_views.up.sql': 'create table views (id int);\n',
    '005_views.down.sql': 'drop table views;\n',
  })
  await migrate({ url: db.url, dir })

  const one = await rollback({ url: db.url, dir })
  assert.deepEqual(one.reverted.map((s) => s.version), ['005'])
  assert.deepEqual(one.applied, [])
  assert.equal(one.current, '004')
  assert.deepEqual(await versions(db.sql), ['001', '002', '003', '004'])
  assert.deepEqual(await tables(db.sql), ['likes', 'posts', 'tags', 'users'])

  const seen = events()
  const two = await rollback({ url: db.url, dir, count: 2, onEvent: seen.onEvent })
  assert.deepEqual(two.reverted.map((s) => s.version), ['004', '003'])
  assert.deepEqual(seen.list.filter((e) => e.type === 'revert-start').map((e) => 'source' in e && e.source), ['file', 'file'])
  assert.deepEqual(await versions(db.sql), ['001', '002'])
  assert.deepEqual(await tables(db.sql), ['posts', 'users'])

  await migrate({ url: db.url, dir })
  const to = await rollback({ url: db.url, dir, to: '002' })
  assert.deepEqual(to.reverted.map((s) => s.version), ['005', '004', '003'])
  assert.equal(to.current, '002')
  assert.deepEqual(await versions(db.sql), ['001', '002'])
  assert.deepEqual((await rollback({ url: db.url, dir, to: '002' })).reverted, [])

  const all = await rollback({ url: db.url, dir, all: true })
  assert.deepEqual(all.reverted.map((s) => s.version), ['002', '001'])
  assert.equal(all.current, null)
  assert.deepEqual(await versions(db.sql), [])
  assert.deepEqual(await tables(db.sql), [])
  assert.deepEqual((await rollback({ url: db.url, dir })).reverted, [], 'nothing left to revert')
})

test('a deleted down file still rolls back from the copy stored in history', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  await migrate({ url: db.url, dir })
  await rm(path.join(dir, '003_tags.down.sql'))
  const seen = events()
  const result = await rollback({ url: db.url, dir, onEvent: seen.onEvent })
  assert.deepEqual(result.reverted.map((s) => s.version), ['003'])
  const start = seen.list.find((e) => e.type === 'revert-start')
  assert.ok(start && start.type === 'revert-start')
  assert.equal(start.source, 'history')
  assert.match(start.path, /tinymigrate_history/)
  assert.equal(await exists(db.sql, 'tags'), false)
  assert.deepEqual(await versions(db.sql), ['001', '002'])
})

test('a migration whose up and down files are both gone rolls back from history', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  await migrate({ url: db.url, dir })
  await rm(path.join(dir, '003_tags.up.sql'))
  await rm(path.join(dir, '003_tags.down.sql'))
  assert.equal((await status({ url: db.url, dir })).migrations[2]!.state, 'missing')
  const result = await rollback({ url: db.url, dir })
  assert.deepEqual(result.reverted.map((s) => s.version), ['003'])
  assert.equal(await exists(db.sql, 'tags'), false)
})

test('MISSING_DOWN when neither a down file nor a stored copy exists, before anything is reverted', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (id int);\n',
    '001_users.down.sql': 'drop table users;\n',
    '002_posts.up.sql': 'create table posts (id int);\n',
    '003_tags.up.sql': 'create table tags (id int);\n',
    '003_tags.down.sql': 'drop table tags;\n',
  })
  await migrate({ url: db.url, dir })
  const before = await rows(db.sql)

  const error = await rejection(rollback({ url: db.url, dir, count: 2 }))
  assert.equal(error.code, 'MISSING_DOWN')
  assert.deepEqual(error.files, [path.join(dir, '002_posts.down.sql')], 'a path, as every error names files')
  assert.deepEqual(error.reverted, [])
  assert.match(error.message, /Nothing was reverted/)
  // 003 has a down file and comes first, yet it was not reverted either
  assert.deepEqual(await tables(db.sql), ['posts', 'tags', 'users'])
  assert.deepEqual(await rows(db.sql), before)

  // one at a time still works up to the gap
  assert.deepEqual((await rollback({ url: db.url, dir })).reverted.map((s) => s.version), ['003'])
  await assert.rejects(rollback({ url: db.url, dir }), { code: 'MISSING_DOWN' })
})

test('redo reverts the newest migration and applies it again', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (id int);\n',
    '001_users.down.sql': 'drop table users;\n',
    '002_posts.up.sql': 'create table posts (id int);\n',
    '002_posts.down.sql': 'drop table posts;\n',
  })
  await migrate({ url: db.url, dir })
  await db.sql`insert into posts values (1)`
  await db.sql`insert into users values (1)`
  const [before] = await db.sql<{ xmin: string }[]>`select xmin::text from tinymigrate_history where version = '002'`

  const result = await redo({ url: db.url, dir })
  assert.deepEqual(result.reverted.map((s) => s.version), ['002'])
  assert.deepEqual(result.applied.map((s) => s.version), ['002'])
  assert.equal(result.current, '002')
  const [posts] = await db.sql`select count(*)::int as n from posts`
  assert.equal(posts!.n, 0, 'the table was dropped and created again')
  const [users] = await db.sql`select count(*)::int as n from users`
  assert.equal(users!.n, 1, '001 was left alone')
  const [after] = await db.sql<{ xmin: string }[]>`select xmin::text from tinymigrate_history where version = '002'`
  assert.notEqual(after!.xmin, before!.xmin, 'a new history row')
  assert.deepEqual(await versions(db.sql), ['001', '002'])
})

test('redo with nothing applied is UNKNOWN_VERSION', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  await assert.rejects(redo({ url: db.url, dir }), { code: 'UNKNOWN_VERSION' })
})

// --- stamp -------------------------------------------------------------------

test('stamp head records every migration without running any SQL', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  const result = await stamp({ url: db.url, dir, target: 'head' })
  assert.deepEqual(result.recorded.map((m) => m.version), ['001', '002', '003'])
  assert.deepEqual(result.forgotten, [])
  assert.equal(result.current, '003')
  assert.deepEqual(await tables(db.sql), [], 'no migration SQL ran')
  const hist = await rows(db.sql)
  assert.deepEqual(hist.map((r) => [r.version, r.name, r.state, r.checksum]), [
    ['001', 'users', 'applied', sha256(THREE['001_users.up.sql'])],
    ['002', 'posts', 'applied', sha256(THREE['002_posts.up.sql'])],
    ['003', 'tags', 'applied', sha256(THREE['003_tags.up.sql'])],
  ])
  assert.equal(hist[0]!.down_sql, 'drop table users;\n', 'the down text is stored for later rollbacks')
  assert.deepEqual((await status({ url: db.url, dir })).migrations.map((m) => m.state), ['applied', 'applied', 'applied'])
  assert.deepEqual((await migrate({ url: db.url, dir })).applied, [])
})

test('stamp base forgets every migration without running any SQL', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  await migrate({ url: db.url, dir })
  const result = await stamp({ url: db.url, dir, target: 'base' })
  assert.deepEqual(result.recorded, [])
  assert.deepEqual(result.forgotten.map((m) => m.version), ['001', '002', '003'])
  assert.equal(result.current, null)
  assert.deepEqual(await versions(db.sql), [])
  assert.deepEqual(await tables(db.sql), ['posts', 'tags', 'users'], 'no down SQL ran')
})

test('stamp a version, then migrate applies only the later ones', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  const result = await stamp({ url: db.url, dir, target: '002' })
  assert.deepEqual(result.recorded.map((m) => m.version), ['001', '002'])
  assert.equal(result.current, '002')
  assert.deepEqual(await tables(db.sql), [])
  assert.deepEqual(await versions(db.sql), ['001', '002'])

  const up = await migrate({ url: db.url, dir })
  assert.deepEqual(up.applied.map((s) => s.version), ['003'])
  assert.deepEqual(await tables(db.sql), ['tags'])

  // stamping back forgets 003 only, and still runs nothing
  const back = await stamp({ url: db.url, dir, target: '001' })
  assert.deepEqual(back.forgotten.map((m) => m.version), ['002', '003'])
  assert.deepEqual(back.recorded, [])
  assert.deepEqual(await versions(db.sql), ['001'])
  assert.deepEqual(await tables(db.sql), ['tags'])
  await assert.rejects(stamp({ url: db.url, dir, target: '009' }), { code: 'UNKNOWN_VERSION' })
})

// --- dry runs ----------------------------------------------------------------

test('migrate dryRun on a fresh database changes nothing, not even the history table', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  const result = await migrate({ url: db.url, dir, dryRun: true })
  assert.equal(result.dryRun, true)
  assert.deepEqual(result.applied.map((s) => s.version), ['001', '002', '003'])
  assert.equal(result.current, '003')
  assert.equal(await exists(db.sql, 'tinymigrate_history'), false)
  assert.deepEqual(await tables(db.sql), [])

  const text = result.statements.join('\n')
  for (const file of ['001_users.up.sql', '002_posts.up.sql', '003_tags.up.sql']) {
    assert.ok(result.statements.includes(THREE[file as keyof typeof THREE].trim()), `${file} is listed`)
  }
  assert.match(text, /create history table/)
  const inserts = result.statements.filter((s) => s.startsWith('insert into "public"."tinymigrate_history"'))
  assert.equal(inserts.length, 3)
  assert.ok(inserts[0]!.includes(`'001', 'users', '${sha256(THREE['001_users.up.sql'])}', 'drop table users;\n'`), inserts[0])
  assert.deepEqual(result.statements.filter((s) => s === 'begin;').length, 3)
  assert.deepEqual(result.statements.filter((s) => s === 'commit;').length, 3)

  // a count limits the plan too
  const one = await migrate({ url: db.url, dir, dryRun: true, count: 1 })
  assert.deepEqual(one.applied.map((s) => s.version), ['001'])
  assert.equal(one.current, '001')
})

test('rollback dryRun lists the down SQL and history delete and changes nothing', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  await migrate({ url: db.url, dir })
  const before = await rows(db.sql)
  const result = await rollback({ url: db.url, dir, dryRun: true, count: 2 })
  assert.equal(result.dryRun, true)
  assert.deepEqual(result.reverted.map((s) => s.version), ['003', '002'])
  assert.equal(result.current, '001')
  assert.ok(result.statements.includes('drop table tags;'))
  assert.ok(result.statements.includes('drop table posts;'))
  assert.ok(result.statements.some((s) => s.startsWith('delete from "public"."tinymigrate_history"') && s.includes("'003'")))
  assert.deepEqual(await rows(db.sql), before)
  assert.deepEqual(await tables(db.sql), ['posts', 'tags', 'users'])
})

test('stamp dryRun changes nothing, not even the history table', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  const result = await stamp({ url: db.url, dir, target: 'head', dryRun: true })
  assert.equal(result.dryRun, true)
  assert.deepEqual(result.recorded.map((m) => m.version), ['001', '002', '003'])
  assert.equal(result.statements.length, 3)
  assert.ok(result.statements.every((s) => s.startsWith('insert into "public"."tinymigrate_history"')))
  assert.equal(await exists(db.sql, 'tinymigrate_history'), false)
})

test('redo dryRun changes nothing', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  await migrate({ url: db.url, dir })
  await db.sql`insert into tags values ('x')`
  const before = await rows(db.sql)
  const result = await redo({ url: db.url, dir, dryRun: true })
  assert.ok(result.statements.includes('drop table tags;'))
  assert.ok(result.statements.includes('create table tags (name text primary key);'))
  assert.deepEqual(await rows(db.sql), before)
  const [n] = await db.sql`select count(*)::int as n from tags`
  assert.equal(n!.n, 1)
})

// --- no-transaction migrations -----------------------------------------------

const NO_TX = '-- tinymigrate:no-transaction\n'

test('a no-transaction migration can create an index concurrently', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (id int, email text);\ninsert into users select g, g::text from generate_series(1, 100) g;\n',
    '002_email.up.sql': NO_TX + 'create index concurrently users_email on users (email);\ncreate index concurrently users_id on users (id);\n',
    '002_email.down.sql': NO_TX + 'drop index concurrently users_email;\ndrop index concurrently users_id;\n',
  })
  const seen = events()
  const result = await migrate({ url: db.url, dir, onEvent: seen.onEvent })
  assert.deepEqual(result.applied.map((s) => [s.version, s.noTransaction]), [['001', false], ['002', true]])
  const valid = await db.sql`
    select c.relname as name, i.indisvalid as valid
    from pg_catalog.pg_index i join pg_catalog.pg_class c on c.oid = i.indexrelid
    where i.indrelid = 'users'::regclass order by 1`
  assert.deepEqual(valid.map((r) => [r.name, r.valid]), [['users_email', true], ['users_id', true]])
  const [row] = (await rows(db.sql)).slice(1)
  assert.equal(row!.state, 'applied')
  assert.equal(row!.note, null)
  assert.deepEqual(seen.list.filter((e) => e.type === 'statement').map((e) => 'index' in e && `${e.index}/${e.total}`), ['1/2', '2/2'])

  // its down runs outside a transaction too
  const back = await rollback({ url: db.url, dir })
  assert.deepEqual(back.reverted.map((s) => [s.version, s.noTransaction]), [['002', true]])
  assert.equal(await exists(db.sql, 'users_email'), false)
  assert.deepEqual(await versions(db.sql), ['001'])
})

test('a no-transaction migration failing at statement 2 of 3 is "failed" until repaired as rolled back', async (t) => {
  const db = await freshDatabase(t)
  const up = NO_TX +
    'create index concurrently users_a on users (a);\n' +
    'create index concurrently users_b on users ((bb + 1));\n' +
    'create index concurrently users_c on users (c);\n'
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (a int, b int, c int);\n',
    '002_indexes.up.sql': up,
    '003_later.up.sql': 'create table later (id int);\n',
  })
  const error = await rejection(migrate({ url: db.url, dir }))
  assert.equal(error.code, 'SQL_FAILED')
  assert.deepEqual(error.applied, ['001_users'])
  assert.deepEqual(error.location, {
    file: path.join(dir, '002_indexes.up.sql'),
    line: 3,
    column: 46,
    excerpt: 'create index concurrently users_b on users ((bb + 1));',
  })
  assert.match(error.next ?? '', /statement 2 of 3/)
  assert.equal(await exists(db.sql, 'users_a'), true, 'statement 1 took effect')
  assert.equal(await exists(db.sql, 'users_c'), false, 'statement 3 never ran')
  assert.equal(await exists(db.sql, 'later'), false)

  const s = await status({ url: db.url, dir })
  assert.deepEqual(s.migrations.map((m) => m.state), ['applied', 'failed', 'pending'])
  assert.match(s.migrations[1]!.note ?? '', /^failed at statement 2 of 3: column "bb" does not exist/)
  assert.equal(s.current, '001', 'a failed migration is not the current one')
  assert.equal((await verify({ url: db.url, dir })).problems[0]!.code, 'PARTIAL_MIGRATION')

  const refused = await rejection(migrate({ url: db.url, dir }))
  assert.equal(refused.code, 'PARTIAL_MIGRATION')
  assert.match(refused.message, /002_indexes/)
  assert.equal(await exists(db.sql, 'later'), false)
  await assert.rejects(rollback({ url: db.url, dir }), { code: 'PARTIAL_MIGRATION' })
  await assert.rejects(repair({ url: db.url, dir, version: '001', as: 'rolled-back' }), { code: 'UNKNOWN_VERSION' })
  await assert.rejects(repair({ url: db.url, dir, version: '002' }), { code: 'USAGE' })

  // undo by hand, fix the file, settle it, run again
  await db.sql`drop index users_a`
  await rewrite(dir, '002_indexes.up.sql', (text) => text.replace('(bb + 1)', '(b + 1)'))
  const settled = await repair({ url: db.url, dir, version: '2', as: 'rolled-back' })
  assert.deepEqual(settled.settled, { version: '002', name: 'indexes', as: 'rolled-back' })
  assert.deepEqual(await versions(db.sql), ['001'])

  const result = await migrate({ url: db.url, dir })
  assert.deepEqual(result.applied.map((s) => s.version), ['002', '003'])
  for (const index of ['users_a', 'users_b', 'users_c']) assert.equal(await exists(db.sql, index), true, index)
  assert.deepEqual((await rows(db.sql)).map((r) => [r.version, r.state, r.note]), [
    ['001', 'applied', null], ['002', 'applied', null], ['003', 'applied', null],
  ])
})

test('a failed no-transaction migration finished by hand is repaired as applied', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (a int, b int, c int);\n',
    '002_indexes.up.sql': NO_TX +
      'create index concurrently users_a on users (a);\n' +
      'create index concurrently users_b on users (b);\n' +
      'create index concurrently users_c on users (c);\n',
  })
  // something in the way of statement 2
  await db.sql`create table users_b (id int)`
  await assert.rejects(migrate({ url: db.url, dir }), { code: 'SQL_FAILED' })
  assert.equal((await status({ url: db.url, dir })).migrations[1]!.state, 'failed')

  await db.sql`drop table users_b`
  await db.sql`create index users_b on users (b)`
  await db.sql`create index users_c on users (c)`
  const settled = await repair({ url: db.url, dir, version: '002', as: 'applied' })
  assert.deepEqual(settled.settled, { version: '002', name: 'indexes', as: 'applied' })
  const [row] = (await rows(db.sql)).slice(1)
  assert.deepEqual([row!.state, row!.note], ['applied', null])
  assert.deepEqual((await status({ url: db.url, dir })).migrations.map((m) => m.state), ['applied', 'applied'])
  assert.deepEqual((await migrate({ url: db.url, dir })).applied, [])
  assert.equal((await current({ url: db.url, dir }))?.version, '002')
})

// --- order ---------------------------------------------------------------------

test('a pending migration older than the newest applied one is refused unless allowOutOfOrder', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (id int);\n',
    '003_tags.up.sql': 'create table tags (id int);\n',
  })
  await migrate({ url: db.url, dir })
  await writeFile(path.join(dir, '002_posts.up.sql'), 'create table posts (id int);\n')
  await writeFile(path.join(dir, '004_likes.up.sql'), 'create table likes (id int);\n')

  const error = await rejection(migrate({ url: db.url, dir }))
  assert.equal(error.code, 'OUT_OF_ORDER')
  assert.deepEqual(error.files, [path.join(dir, '002_posts.up.sql')])
  assert.match(error.message, /003_tags/)
  assert.deepEqual(await tables(db.sql), ['tags', 'users'], 'nothing ran, not even the in-order 004')
  assert.deepEqual((await status({ url: db.url, dir })).migrations.map((m) => m.state), ['applied', 'out-of-order', 'applied', 'pending'])

  const result = await migrate({ url: db.url, dir, allowOutOfOrder: true })
  assert.deepEqual(result.applied.map((s) => s.version), ['002', '004'])
  assert.equal(result.current, '004')
  assert.deepEqual(await versions(db.sql), ['001', '002', '003', '004'])
  assert.deepEqual((await status({ url: db.url, dir })).migrations.map((m) => m.state), ['applied', 'applied', 'applied', 'applied'])
})

// --- connections ------------------------------------------------------------

test('an existing postgres.js instance works in place of a url and stays usable', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  const sql = postgres(db.url, { max: 3, onnotice: () => {} })
  t.after(() => sql.end({ timeout: 5 }))

  const result = await migrate({ sql, dir })
  assert.deepEqual(result.applied.map((s) => s.version), ['001', '002', '003'])
  assert.deepEqual((await status({ sql, dir })).migrations.map((m) => m.state), ['applied', 'applied', 'applied'])
  assert.deepEqual((await rollback({ sql, dir })).reverted.map((s) => s.version), ['003'])

  const [n] = await sql`select count(*)::int as n from users`
  assert.equal(n!.n, 0)
  await sql`insert into users (id) values (1)`
  const several = await Promise.all([1, 2, 3, 4].map(() => sql`select pg_backend_pid() as pid`))
  assert.equal(several.length, 4)
  assert.deepEqual(await versions(db.sql), ['001', '002'])
  // the pool's connections do not keep the migration lock
  const [locks] = await db.sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`
  assert.equal(locks!.n, 0)
})

// --- the history table ---------------------------------------------------------

test('table: schema.name creates the schema and the table there', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  await migrate({ url: db.url, dir, table: 'myschema.hist' })
  assert.equal(await exists(db.sql, 'myschema.hist'), true)
  assert.equal(await exists(db.sql, 'public.tinymigrate_history'), false)
  assert.deepEqual(await versions(db.sql, 'myschema.hist'), ['001', '002', '003'])
  assert.equal((await status({ url: db.url, dir, table: 'myschema.hist' })).table, 'myschema.hist')
  // the default table knows nothing of it
  assert.deepEqual((await status({ url: db.url, dir })).migrations.map((m) => m.state), ['pending', 'pending', 'pending'])
  assert.deepEqual((await rollback({ url: db.url, dir, table: 'MySchema.Hist' })).reverted.map((s) => s.version), ['003'], 'unquoted names fold to lower case')
})

test('an injection attempt in the table name is only an odd table name', async (t) => {
  const db = await freshDatabase(t)
  await migrate({ url: db.url, dir: await migrationsDir(t, { '001_users.up.sql': 'create table users (id int);\n' }) })
  const dir = await migrationsDir(t, { '001_nothing.up.sql': 'select 1;\n' })

  // unquoted: folded to lower case and quoted whole
  const odd = 'x; drop table users; --'
  await migrate({ url: db.url, dir, table: odd })
  const found = await db.sql`select relname from pg_class where relname = ${odd}`
  assert.equal(found.length, 1)
  // quoted, with an embedded double quote
  await migrate({ url: db.url, dir, table: '"x""; drop table users; --"' })
  const quoted = await db.sql`select relname from pg_class where relname = ${'x"; drop table users; --'}`
  assert.equal(quoted.length, 1)
  // a bare double quote cannot be an unquoted name: refused before anything runs
  await assert.rejects(migrate({ url: db.url, dir, table: 'x"; drop table users; --' }), { code: 'USAGE' })
  assert.equal(await exists(db.sql, 'users'), true)
})

test('a history table of a newer layout is HISTORY_NEWER, and nothing runs', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  await db.sql`create table tinymigrate_history (version text not null, name text not null, checksum text not null)`
  await db.sql`comment on table tinymigrate_history is 'tinymigrate history, layout 99'`
  await assert.rejects(migrate({ url: db.url, dir }), { code: 'HISTORY_NEWER' })
  await assert.rejects(status({ url: db.url, dir }), { code: 'HISTORY_NEWER' })
  await assert.rejects(stamp({ url: db.url, dir, target: 'head' }), { code: 'HISTORY_NEWER' })
  assert.deepEqual(await tables(db.sql), [])
})

test('a foreign table of the same name is HISTORY_FOREIGN, and is left alone', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  await db.sql`create table tinymigrate_history (id int)`
  await db.sql`insert into tinymigrate_history values (42)`
  await assert.rejects(migrate({ url: db.url, dir }), { code: 'HISTORY_FOREIGN' })
  await assert.rejects(rollback({ url: db.url, dir }), { code: 'HISTORY_FOREIGN' })
  assert.deepEqual(await tables(db.sql), [])
  const [row] = await db.sql`select id from tinymigrate_history`
  assert.equal(row!.id, 42)
})

test('the down file stored in history is the one present at apply time', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, THREE)
  await migrate({ url: db.url, dir })
  const stored = (await rows(db.sql)).map((r) => r.down_sql)
  assert.deepEqual(stored, [THREE['001_users.down.sql'], THREE['002_posts.down.sql'], THREE['003_tags.down.sql']])
  assert.equal(await readFile(path.join(dir, '003_tags.down.sql'), 'utf8'), stored[2])
})

// --- files that manage transactions themselves -----------------------------------

test('a file wrapped in its own BEGIN/COMMIT commits together with its history row', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_wrapped.up.sql': 'begin;\ncreate table log (xid bigint);\ninsert into log values (txid_current() % 4294967296);\ncommit;\n',
    '002_wrapped_bad.up.sql': 'BEGIN;\ncreate table bad (id int);\nselect nosuch from bad;\nCOMMIT;\n',
  })
  const error = await rejection(migrate({ url: db.url, dir }))
  assert.equal(error.code, 'SQL_FAILED')
  assert.deepEqual([error.location?.line, error.location?.column], [3, 8])
  assert.deepEqual(error.applied, ['001_wrapped'])
  const [log] = await db.sql<{ xid: string }[]>`select xid::text from log`
  const [row] = await db.sql<{ xmin: string }[]>`select xmin::text from tinymigrate_history where version = '001'`
  assert.equal(row!.xmin, log!.xid, 'the history row is written in the file\'s transaction')
  assert.equal(await exists(db.sql, 'bad'), false, 'the inner COMMIT did not commit half of 002')
  assert.deepEqual(await versions(db.sql), ['001'])
})

test('a file with CREATE INDEX CONCURRENTLY but no marker runs outside a transaction, with a warning', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (id int);\n',
    '002_index.up.sql': 'create index concurrently users_id on users (id);\n',
  })
  const seen = events()
  const result = await migrate({ url: db.url, dir, onEvent: seen.onEvent })
  assert.deepEqual(result.applied.map((s) => [s.version, s.noTransaction]), [['001', false], ['002', true]])
  assert.equal(await exists(db.sql, 'users_id'), true)
  assert.ok(seen.list.some((e) => e.type === 'warning' && /002_index\.up\.sql runs outside a transaction/.test(e.message)))
})

test('dryRun describes files that run outside a transaction the way the real run executes them', async (t) => {
  const db = await freshDatabase(t)
  const files = {
    '001_users.up.sql': 'create table users (id int);\n',
    // no marker: detected, and run statement by statement
    '002_index.up.sql': 'create index concurrently users_id on users (id);\n',
    // its own BEGIN/COMMIT: run as one transaction without them
    '003_wrapped.up.sql': 'begin;\ncreate table wrapped (id int);\ncommit;\n',
  }
  const dir = await migrationsDir(t, files)
  const dry = await migrate({ url: db.url, dir, dryRun: true })
  const real = await migrate({ url: (await freshDatabase(t)).url, dir })
  assert.deepEqual(
    dry.applied.map((s) => [s.version, s.noTransaction]),
    real.applied.map((s) => [s.version, s.noTransaction]),
    'the dry run says which files run outside a transaction',
  )
  const index = dry.statements.indexOf('create index concurrently users_id on users (id);')
  assert.ok(index > 0)
  assert.notEqual(dry.statements[index - 1], 'begin;', 'CREATE INDEX CONCURRENTLY is not shown inside BEGIN … COMMIT')
  // BEGIN; begin; … commit; insert …; COMMIT would commit before the history write
  const wrapped = dry.statements.findIndex((s) => s.includes('create table wrapped'))
  assert.ok(!(dry.statements[wrapped - 1] === 'begin;' && /^begin;/i.test(dry.statements[wrapped]!)), 'no nested BEGIN shown')
})

test('rollback dryRun reports a no-transaction down file as such', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_users.up.sql': 'create table users (id int);\n',
    '002_index.up.sql': NO_TX + 'create index concurrently users_id on users (id);\n',
    '002_index.down.sql': NO_TX + 'drop index concurrently users_id;\n',
  })
  await migrate({ url: db.url, dir })
  const dry = await rollback({ url: db.url, dir, dryRun: true })
  assert.deepEqual(dry.statements.filter((s) => s === 'begin;'), [], 'not shown inside a transaction')
  const real = await rollback({ url: db.url, dir })
  assert.deepEqual(dry.reverted.map((s) => s.noTransaction), real.reverted.map((s) => s.noTransaction))
})

test('an up file with only comments is recorded as applied', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_nothing.up.sql': '-- nothing to do yet\n/* really */\n' })
  const result = await migrate({ url: db.url, dir })
  assert.deepEqual(result.applied.map((s) => s.version), ['001'])
  assert.deepEqual(await versions(db.sql), ['001'])
})

test('a lock timeout inside a batch: the migrations before it stay, it is retried on its own, the rest follow', async (t) => {
  const db = await freshDatabase(t)
  await db.sql`create table t (id int)`
  const dir = await migrationsDir(t, {
    '001_a.up.sql': 'create table a (id int);\n',
    '002_b.up.sql': 'create table b (id int);\n',
    '003_t.up.sql': 'alter table t add column c int;\n',
    '004_d.up.sql': 'create table d (id int);\n',
    '005_e.up.sql': 'create table e (id int);\n',
  })
  // Another session holds t for a while: 003 waits, gives up after 0.5 s, and is tried again.
  const blocker = await db.sql.reserve()
  await blocker`begin`
  await blocker`lock table t in access exclusive mode`
  const release = setTimeout(() => { void blocker`commit`.then(() => blocker.release()) }, 1500)
  t.after(() => clearTimeout(release))
  const seen = events()
  const result = await migrate({ url: db.url, dir, ddlLockTimeout: 0.5, lockRetries: 5, onEvent: seen.onEvent })
  assert.deepEqual(result.applied.map((s) => s.version), ['001', '002', '003', '004', '005'])
  assert.deepEqual(await versions(db.sql), ['001', '002', '003', '004', '005'])
  const warnings = seen.list.filter((e) => e.type === 'warning').map((e) => 'message' in e ? e.message : '')
  assert.ok(warnings.some((w) => w.startsWith('003_t gave up waiting for a lock')), warnings.join('\n'))
  // Every migration started once more than it failed, and finished exactly once.
  const done = seen.list.filter((e) => e.type === 'apply-done').map((e) => 'version' in e && e.version)
  assert.deepEqual(done, ['001', '002', '003', '004', '005'])
})

test('a migration that fails at COMMIT (a deferred constraint) stops its batch: nothing after it takes effect', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_parent.up.sql': 'create table parent (id int primary key);\n',
    '002_child.up.sql': 'create table child (parent int references parent deferrable initially deferred);\ninsert into child values (42);\n',
    '003_c.up.sql': 'create table c (id int);\n',
    '004_d.up.sql': 'create table d (id int);\n',
  })
  await assert.rejects(migrate({ url: db.url, dir }), (error: TinymigrateError) => {
    assert.equal(error.code, 'SQL_FAILED')
    assert.equal(error.sqlState, '23503')
    assert.deepEqual(error.applied, ['001_parent'])
    return true
  })
  assert.deepEqual(await versions(db.sql), ['001'])
  const [row] = await db.sql`select to_regclass('child')::text as child, to_regclass('c')::text as c, to_regclass('d')::text as d`
  assert.deepEqual(row, { child: null, c: null, d: null })
})

test('a migration that runs RESET ALL does not stop the ones after it in its batch', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_a.up.sql': 'create table a (id int);\n',
    '002_reset.up.sql': 'reset all;\ncreate table b (id int);\n',
    '003_c.up.sql': 'create table c (id int);\n',
    '004_d.up.sql': 'create table d (id int);\n',
  })
  const seen = events()
  const result = await migrate({ url: db.url, dir, onEvent: seen.onEvent })
  assert.deepEqual(result.applied.map((s) => s.version), ['001', '002', '003', '004'])
  assert.deepEqual(await versions(db.sql), ['001', '002', '003', '004'])
  assert.deepEqual(seen.list.filter((e) => e.type === 'warning'), [])
  const done = seen.list.filter((e) => e.type === 'apply-done').map((e) => 'version' in e && e.version)
  assert.deepEqual(done, ['001', '002', '003', '004'], 'each finished once')
})

test('a long statement reports what it does: a progress view\'s phase, and whom it waits for', { timeout: 60_000 }, async (t) => {
  const db = await freshDatabase(t)
  await db.sql`create table t (id int)`
  await db.sql`insert into t select generate_series(1, 1000)`
  const dir = await migrationsDir(t, {
    '001_index.up.sql': '-- tinymigrate:no-transaction\ncreate index concurrently t_id on t (id);\n',
    '002_alter.up.sql': 'alter table t add column c int;\n',
  })
  // A transaction with a snapshot: CREATE INDEX CONCURRENTLY waits for it to end ("waiting for
  // old snapshots"). Another one holds a lock on t (which the index build does not wait for, having
  // no snapshot): ALTER TABLE waits for it.
  const others = postgres(db.url, { max: 3, onnotice: () => {} })
  t.after(() => others.end({ timeout: 5 }))
  const snapshot = await others.reserve()
  const locker = await others.reserve()
  t.after(() => { snapshot.release(); locker.release() })
  await snapshot`begin isolation level repeatable read`
  await snapshot`select count(*) from t`
  await locker`begin`
  await locker`lock table t in access share mode`
  const seen = events()
  let judged: { phase: string } | undefined
  const onEvent = (e: Event) => {
    seen.onEvent(e)
    if (e.type === 'progress' && e.version === '001' && !judged) {
      judged = { phase: '' }
      // The second judge: the progress view, read by the test itself while the build waits.
      void others<{ phase: string }[]>`select phase from pg_stat_progress_create_index where command = 'CREATE INDEX CONCURRENTLY'`
        .then(([row]) => { judged = row; return snapshot`commit` })
    }
    if (e.type === 'progress' && e.version === '002') locker`commit`.catch(() => {})
  }
  const result = await migrate({ url: db.url, dir, onEvent, ddlLockTimeout: 30 })
  assert.deepEqual(result.applied.map((s) => s.version), ['001', '002'])
  const progress = seen.list.filter((e): e is Extract<Event, { type: 'progress' }> => e.type === 'progress')
  const index = progress.find((e) => e.version === '001')
  assert.ok(index, 'the index build reported its progress')
  assert.equal(index.phase, `CREATE INDEX CONCURRENTLY: ${judged?.phase}`)
  assert.match(index.activity, /^CREATE INDEX CONCURRENTLY on t: waiting for old snapshots, 0% \(0 of 1 transactions\); waiting for the transaction of process \d+ \(postgres\.js, idle in transaction/)
  assert.equal(index.unit, 'transactions')
  const alter = progress.find((e) => e.version === '002')
  assert.ok(alter, 'the waiting ALTER TABLE reported its wait')
  assert.equal(alter.waiting, true)
  assert.match(alter.activity, /^running alter table t add column c int; waiting for AccessExclusiveLock on t, held by process \d+/)
  assert.ok(alter.elapsedMs >= 1500, `elapsed ${alter.elapsedMs}`)
})

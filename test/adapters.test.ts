// One table of behaviour cases, each run against every adapter the library supports: a server
// through postgres.js, and the embedded engine (PGlite). Each case judges the library by asking
// the database itself (history rows, tables that exist) and by what the calls return, so a
// difference between the engines shows up as one case failing for one of them.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { test, type TestContext } from 'node:test'
import { PGlite } from '@electric-sql/pglite'
import {
  current, migrate, redo, repair, rollback, stamp, status, verify,
} from '../src/index.js'
import { rejection } from './assertions.js'
import { events, migrationsDir, rewrite, runCli, sha256, spawnCli, tempDir, type CliResult } from './helpers.js'
import { pgliteDirTarget, pgliteTarget, postgresTarget, type MakeTarget, type Target } from './targets.js'

// --- reading the database ------------------------------------------------------------------------

interface HistoryRow {
  version: string
  name: string
  checksum: string
  down_sql: string | null
  state: string
  applied_by: string
  note: string | null
}

/** History rows, minus what differs between two runs (times, durations). */
async function rows(target: Target, table = 'tinymigrate_history'): Promise<HistoryRow[]> {
  return target.query<HistoryRow>(`
    select version, name, checksum, down_sql, state, applied_by, note
    from ${table}
    order by version::numeric`)
}

async function versions(target: Target, table = 'tinymigrate_history'): Promise<string[]> {
  return (await rows(target, table)).map((r) => r.version)
}

async function exists(target: Target, relation: string): Promise<boolean> {
  const [row] = await target.query<{ oid: string | null }>('select pg_catalog.to_regclass($1)::text as oid', [relation])
  return row!.oid !== null
}

/** Tables of the public schema, history table left out. */
async function tables(target: Target): Promise<string[]> {
  const found = await target.query<{ name: string }>(`
    select c.relname::text as name
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public'
      and c.relkind = 'r'
      -- tinymigrate's own table
      and c.relname <> 'tinymigrate_history'
    order by 1`)
  return found.map((r) => r.name)
}

async function count(target: Target, table: string): Promise<number> {
  const [row] = await target.query<{ n: number }>(`select count(*)::int as n from ${table}`)
  return row!.n
}

/** Every relation and column of the user's schemas, and the history: what a migration can touch. */
async function snapshot(target: Target): Promise<unknown> {
  const columns = await target.query(`
    select n.nspname::text as schema, c.relname::text as relation, c.relkind::text as kind,
           a.attname::text as column, pg_catalog.format_type(a.atttypid, a.atttypmod) as type
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    -- the system's schemas are the engine's, not the migrations'
    where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
    order by 1, 2, 4`)
  return { columns, history: await rows(target) }
}

/** Advisory locks held in this database: none once a run is over. */
async function advisoryLocks(target: Target): Promise<number> {
  const [row] = await target.query<{ n: number }>(`
    select count(*)::int as n
    from pg_catalog.pg_locks
    where locktype = 'advisory'
      -- advisory locks are per database
      and database = (select oid from pg_catalog.pg_database where datname = current_database())`)
  return row!.n
}

// --- calling the library -------------------------------------------------------------------------

async function states(options: { dir: string } & Target['options'] & { table?: string }): Promise<string[]> {
  return (await status(options)).migrations.map((m) => m.state)
}

// --- migrations ----------------------------------------------------------------------------------

const THREE = {
  '001_users.up.sql': 'create table users (id int primary key, email text);\n',
  '001_users.down.sql': 'drop table users;\n',
  '002_posts.up.sql': 'create table posts (id int primary key, user_id int references users);\n',
  '002_posts.down.sql': 'drop table posts;\n',
  '003_tags.up.sql': 'create table tags (name text primary key);\n',
  '003_tags.down.sql': 'drop table tags;\n',
}

const FAILING = {
  '001_users.up.sql': 'create table users (id int);\n',
  '002_widgets.up.sql':
    'create table widgets (id int primary key);\n' +
    'insert into widgets values (1);\n' +
    'update widgets set nmae = 2 where id = 1;\n' +
    'create table after_error (id int);\n',
  '003_later.up.sql': 'create table later (id int);\n',
}

const NO_TX = '-- tinymigrate:no-transaction\n'

// --- the cases -----------------------------------------------------------------------------------

interface Case {
  name: string
  /** The embedded target to use: the shared instance unless the case needs a URL-opened one. */
  pglite?: MakeTarget
  run(target: Target, t: TestContext): Promise<void>
}

const cases: Case[] = [
  {
    name: 'migrate applies all, the next count, or up to a version, in numeric order, with full history rows',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        ...THREE,
        '10_ten.up.sql': 'create table ten (id int);\n',
        '9_nine.up.sql': 'create table nine (id int);\n',
      })
      const first = await migrate({ ...o, dir, count: 1 })
      assert.deepEqual(first.applied.map((s) => s.version), ['001'])
      assert.equal(first.current, '001')
      assert.deepEqual(await tables(target), ['users'])

      // 2 and 002 are one version
      const to = await migrate({ ...o, dir, to: '2' })
      assert.deepEqual(to.applied.map((s) => s.version), ['002'])
      assert.deepEqual(await versions(target), ['001', '002'])
      await assert.rejects(migrate({ ...o, dir, to: '004' }), { code: 'UNKNOWN_VERSION' })

      // 9 before 10: versions compare as numbers
      const rest = await migrate({ ...o, dir })
      assert.deepEqual(rest.applied.map((s) => [s.version, s.noTransaction]), [['003', false], ['9', false], ['10', false]])
      assert.equal(rest.current, '10')
      assert.deepEqual(await tables(target), ['nine', 'posts', 'tags', 'ten', 'users'])
      assert.deepEqual((await migrate({ ...o, dir })).applied, [], 'a second run has nothing to do')

      const [user] = await target.query<{ u: string }>('select current_user::text as u')
      const [users] = await rows(target)
      assert.deepEqual(users, {
        version: '001', name: 'users', checksum: sha256(THREE['001_users.up.sql']),
        down_sql: THREE['001_users.down.sql'], state: 'applied', applied_by: user!.u, note: null,
      })
      assert.deepEqual(await current({ ...o, dir }), { version: '10', name: 'ten' })
    },
  },
  {
    name: 'status names each state and verify lists each problem, changing nothing',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '10_a.up.sql': 'create table a (id int);\n',
        '20_b.up.sql': 'create table b (id int);\n',
        '30_c.up.sql': 'create table c (id int);\n',
      })
      const fresh = await status({ ...o, dir })
      assert.equal(fresh.table, 'public.tinymigrate_history')
      assert.deepEqual(fresh.migrations.map((m) => m.state), ['pending', 'pending', 'pending'])
      assert.equal(await exists(target, 'tinymigrate_history'), false, 'status never creates the history table')

      await migrate({ ...o, dir, count: 2 })
      assert.deepEqual(await verify({ ...o, dir }), {
        ok: true, problems: [], migrations: (await status({ ...o, dir })).migrations,
      })
      await rewrite(dir, '10_a.up.sql', (text) => text + 'create table a2 (id int);\n')
      await rm(path.join(dir, '20_b.up.sql'))
      await writeFile(path.join(dir, '15_late.up.sql'), 'create table late (id int);\n')

      const before = await snapshot(target)
      const s = await status({ ...o, dir })
      assert.equal(s.current, '20')
      assert.deepEqual(s.migrations.map((m) => [m.version, m.name, m.state]), [
        ['10', 'a', 'changed'],
        ['15', 'late', 'out-of-order'],
        ['20', 'b', 'missing'],
        ['30', 'c', 'pending'],
      ])
      const v = await verify({ ...o, dir })
      assert.equal(v.ok, false)
      assert.deepEqual(v.problems.map((p) => [p.code, p.version]), [
        ['CHECKSUM_MISMATCH', '10'], ['OUT_OF_ORDER', '15'], ['MISSING_FILE', '20'],
      ])
      assert.deepEqual(await snapshot(target), before)
    },
  },
  {
    name: 'a CRLF or BOM copy of an applied file is not "changed", and neither is the reverse',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '001_users.up.sql': '-- users\ncreate table users (id int);\ncreate table more (id int);\n',
        '002_posts.up.sql': Buffer.from('\ufeffcreate table posts (id int);\r\n', 'utf8'),
      })
      await migrate({ ...o, dir })
      assert.deepEqual(await tables(target), ['more', 'posts', 'users'])
      await rewrite(dir, '001_users.up.sql', (text) => '\ufeff' + text.replaceAll('\n', '\r\n'))
      await rewrite(dir, '002_posts.up.sql', (text) => text.replace(/^\ufeff/, '').replaceAll('\r\n', '\n'))
      assert.deepEqual(await states({ ...o, dir }), ['applied', 'applied'])
      assert.equal((await verify({ ...o, dir })).ok, true)
      assert.deepEqual((await migrate({ ...o, dir })).applied, [])
    },
  },
  {
    name: 'a failing migration leaves database and history exactly as before it, and says where',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, { ...FAILING, '001_users.down.sql': 'drop table users;\n' })
      await migrate({ ...o, dir, to: '001' })
      const before = await snapshot(target)

      const error = await rejection(migrate({ ...o, dir }))
      assert.equal(error.code, 'SQL_FAILED')
      assert.equal(error.sqlState, '42703')
      assert.match(error.message, /column "nmae" of relation "widgets" does not exist/)
      assert.deepEqual(error.location, {
        file: path.join(dir, '002_widgets.up.sql'),
        line: 3,
        column: 20,
        excerpt: 'update widgets set nmae = 2 where id = 1;',
      })
      assert.deepEqual(error.applied, [])
      assert.match(error.next ?? '', /002_widgets was rolled back and is not applied/)
      assert.deepEqual(await snapshot(target), before)
      assert.deepEqual(await states({ ...o, dir }), ['applied', 'pending', 'pending'])

      // in one run from scratch: what ran before the failure stays
      await rollback({ ...o, dir, all: true })
      const again = await rejection(migrate({ ...o, dir }))
      assert.equal(again.code, 'SQL_FAILED')
      assert.deepEqual(again.applied, ['001_users'])
      assert.deepEqual(await versions(target), ['001'])
      assert.deepEqual(await tables(target), ['users'])

      // fixed, the next run picks up where this one stopped
      await rewrite(dir, '002_widgets.up.sql', (text) => text.replace('nmae', 'id'))
      assert.deepEqual((await migrate({ ...o, dir })).applied.map((s) => s.version), ['002', '003'])
      assert.deepEqual(await tables(target), ['after_error', 'later', 'users', 'widgets'])
    },
  },
  {
    name: 'rollback reverts the last one, the last count, everything after a version, or all',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        ...THREE,
        '004_likes.up.sql': 'create table likes (id int);\n',
        '004_likes.down.sql': 'drop table likes;\n',
      })
      await migrate({ ...o, dir })
      const one = await rollback({ ...o, dir })
      assert.deepEqual(one.reverted.map((s) => s.version), ['004'])
      assert.equal(one.current, '003')
      assert.deepEqual(await tables(target), ['posts', 'tags', 'users'])

      const two = await rollback({ ...o, dir, count: 2 })
      assert.deepEqual(two.reverted.map((s) => s.version), ['003', '002'])
      assert.deepEqual(await versions(target), ['001'])
      assert.deepEqual(await tables(target), ['users'])

      await migrate({ ...o, dir })
      const to = await rollback({ ...o, dir, to: '002' })
      assert.deepEqual(to.reverted.map((s) => s.version), ['004', '003'])
      assert.equal(to.current, '002')
      assert.deepEqual(await versions(target), ['001', '002'])

      const all = await rollback({ ...o, dir, all: true })
      assert.deepEqual(all.reverted.map((s) => s.version), ['002', '001'])
      assert.equal(all.current, null)
      assert.deepEqual(await versions(target), [])
      assert.deepEqual(await tables(target), [])
      assert.deepEqual((await rollback({ ...o, dir })).reverted, [], 'nothing left to revert')
    },
  },
  {
    name: 'a deleted down file rolls back from the copy stored in history',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, THREE)
      await migrate({ ...o, dir })
      await rm(path.join(dir, '003_tags.down.sql'))
      const seen = events()
      const result = await rollback({ ...o, dir, onEvent: seen.onEvent })
      assert.deepEqual(result.reverted.map((s) => s.version), ['003'])
      const start = seen.list.find((e) => e.type === 'revert-start')
      assert.ok(start?.type === 'revert-start')
      assert.equal(start.source, 'history')
      assert.equal(await exists(target, 'tags'), false)
      assert.deepEqual(await versions(target), ['001', '002'])
    },
  },
  {
    name: 'MISSING_DOWN when neither a down file nor a stored copy exists, before anything is reverted',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '001_users.up.sql': 'create table users (id int);\n',
        '002_posts.up.sql': 'create table posts (id int);\n',
        '003_tags.up.sql': 'create table tags (id int);\n',
        '003_tags.down.sql': 'drop table tags;\n',
      })
      await migrate({ ...o, dir })
      const before = await snapshot(target)
      const error = await rejection(rollback({ ...o, dir, count: 2 }))
      assert.equal(error.code, 'MISSING_DOWN')
      assert.deepEqual(error.files, [path.join(dir, '002_posts.down.sql')], 'a path, as every error names files')
      assert.deepEqual(error.reverted, [])
      assert.deepEqual(await snapshot(target), before, '003 has a down file and comes first, yet was not reverted either')
    },
  },
  {
    name: 'redo reverts the newest migration and applies it again',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, THREE)
      await migrate({ ...o, dir })
      await target.query("insert into tags values ('x')")
      await target.query('insert into users values (1)')
      const result = await redo({ ...o, dir })
      assert.deepEqual(result.reverted.map((s) => s.version), ['003'])
      assert.deepEqual(result.applied.map((s) => s.version), ['003'])
      assert.equal(result.current, '003')
      assert.equal(await count(target, 'tags'), 0, 'the table was dropped and created again')
      assert.equal(await count(target, 'users'), 1, '001 was left alone')
      assert.deepEqual(await versions(target), ['001', '002', '003'])
    },
  },
  {
    name: 'stamp head, base and a version record or forget migrations without running any SQL',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, THREE)
      const head = await stamp({ ...o, dir, target: 'head' })
      assert.deepEqual(head.recorded.map((m) => m.version), ['001', '002', '003'])
      assert.equal(head.current, '003')
      assert.deepEqual(await tables(target), [], 'no migration SQL ran')
      assert.deepEqual((await rows(target)).map((r) => [r.version, r.state, r.checksum, r.down_sql]), [
        ['001', 'applied', sha256(THREE['001_users.up.sql']), THREE['001_users.down.sql']],
        ['002', 'applied', sha256(THREE['002_posts.up.sql']), THREE['002_posts.down.sql']],
        ['003', 'applied', sha256(THREE['003_tags.up.sql']), THREE['003_tags.down.sql']],
      ])

      const base = await stamp({ ...o, dir, target: 'base' })
      assert.deepEqual(base.forgotten.map((m) => m.version), ['001', '002', '003'])
      assert.equal(base.current, null)
      assert.deepEqual(await versions(target), [])

      const v = await stamp({ ...o, dir, target: '002' })
      assert.deepEqual(v.recorded.map((m) => m.version), ['001', '002'])
      assert.deepEqual((await migrate({ ...o, dir })).applied.map((s) => s.version), ['003'])
      assert.deepEqual(await tables(target), ['tags'])
      await assert.rejects(stamp({ ...o, dir, target: '009' }), { code: 'UNKNOWN_VERSION' })
    },
  },
  {
    name: 'dryRun lists what would run and changes nothing, not even the history table',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, THREE)
      const dry = await migrate({ ...o, dir, dryRun: true })
      assert.equal(dry.dryRun, true)
      assert.deepEqual(dry.applied.map((s) => s.version), ['001', '002', '003'])
      assert.ok(dry.statements.includes(THREE['003_tags.up.sql'].trim()))
      assert.equal(await exists(target, 'tinymigrate_history'), false)
      assert.deepEqual(await tables(target), [])
      assert.equal((await stamp({ ...o, dir, target: 'head', dryRun: true })).statements.length, 3)
      assert.equal(await exists(target, 'tinymigrate_history'), false)

      await migrate({ ...o, dir })
      await target.query("insert into tags values ('x')")
      const before = await snapshot(target)
      const back = await rollback({ ...o, dir, dryRun: true, all: true })
      assert.deepEqual(back.reverted.map((s) => s.version), ['003', '002', '001'])
      assert.ok(back.statements.includes('drop table users;'))
      await redo({ ...o, dir, dryRun: true })
      await stamp({ ...o, dir, target: 'base', dryRun: true })
      assert.deepEqual(await snapshot(target), before)
      assert.equal(await count(target, 'tags'), 1)
    },
  },
  {
    name: 'a no-transaction file creates indexes concurrently, and its down file runs the same way',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '001_users.up.sql': 'create table users (id int, email text);\ninsert into users select g, g::text from generate_series(1, 100) g;\n',
        '002_email.up.sql': NO_TX + 'create index concurrently users_email on users (email);\ncreate index concurrently users_id on users (id);\n',
        '002_email.down.sql': NO_TX + 'drop index concurrently users_email;\ndrop index concurrently users_id;\n',
      })
      const seen = events()
      const result = await migrate({ ...o, dir, onEvent: seen.onEvent })
      assert.deepEqual(result.applied.map((s) => [s.version, s.noTransaction]), [['001', false], ['002', true]])
      const valid = await target.query<{ name: string; valid: boolean }>(`
        select c.relname::text as name, i.indisvalid as valid
        from pg_catalog.pg_index i
        join pg_catalog.pg_class c on c.oid = i.indexrelid
        where i.indrelid = 'users'::regclass
        order by 1`)
      assert.deepEqual(valid.map((r) => [r.name, r.valid]), [['users_email', true], ['users_id', true]])
      assert.deepEqual((await rows(target)).map((r) => [r.version, r.state, r.note]), [['001', 'applied', null], ['002', 'applied', null]])
      assert.deepEqual(seen.list.filter((e) => e.type === 'statement').map((e) => 'index' in e && `${e.index}/${e.total}`), ['1/2', '2/2'])

      const back = await rollback({ ...o, dir })
      assert.deepEqual(back.reverted.map((s) => [s.version, s.noTransaction]), [['002', true]])
      assert.equal(await exists(target, 'users_email'), false)
      assert.deepEqual(await versions(target), ['001'])
    },
  },
  {
    name: 'a no-transaction file failing part-way is "failed", blocks up and down, and is repaired as rolled back',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '001_users.up.sql': 'create table users (a int, b int, c int);\n',
        '002_indexes.up.sql': NO_TX +
          'create index concurrently users_a on users (a);\n' +
          'create index concurrently users_b on users ((bb + 1));\n' +
          'create index concurrently users_c on users (c);\n',
        '003_later.up.sql': 'create table later (id int);\n',
      })
      const error = await rejection(migrate({ ...o, dir }))
      assert.equal(error.code, 'SQL_FAILED')
      assert.deepEqual(error.applied, ['001_users'])
      assert.deepEqual([error.location?.line, error.location?.column], [3, 46])
      assert.match(error.next ?? '', /statement 2 of 3/)
      assert.equal(await exists(target, 'users_a'), true, 'statement 1 took effect')
      assert.equal(await exists(target, 'users_c'), false, 'statement 3 never ran')

      const s = await status({ ...o, dir })
      assert.deepEqual(s.migrations.map((m) => m.state), ['applied', 'failed', 'pending'])
      assert.match(s.migrations[1]!.note ?? '', /^failed at statement 2 of 3: column "bb" does not exist/)
      assert.equal(s.current, '001')
      assert.equal((await verify({ ...o, dir })).problems[0]!.code, 'PARTIAL_MIGRATION')
      await assert.rejects(migrate({ ...o, dir }), { code: 'PARTIAL_MIGRATION' })
      await assert.rejects(rollback({ ...o, dir }), { code: 'PARTIAL_MIGRATION' })
      assert.equal(await exists(target, 'later'), false)

      // undone by hand, the file fixed: settle it, run again
      await target.query('drop index users_a')
      await rewrite(dir, '002_indexes.up.sql', (text) => text.replace('(bb + 1)', '(b + 1)'))
      const settled = await repair({ ...o, dir, version: '2', as: 'rolled-back' })
      assert.deepEqual(settled.settled, { version: '002', name: 'indexes', as: 'rolled-back' })
      assert.deepEqual(await versions(target), ['001'])
      assert.deepEqual((await migrate({ ...o, dir })).applied.map((m) => m.version), ['002', '003'])
      for (const index of ['users_a', 'users_b', 'users_c']) assert.equal(await exists(target, index), true, index)
      assert.deepEqual((await rows(target)).map((r) => [r.version, r.state, r.note]), [
        ['001', 'applied', null], ['002', 'applied', null], ['003', 'applied', null],
      ])
    },
  },
  {
    name: 'a failed no-transaction file finished by hand is repaired as applied',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '001_users.up.sql': 'create table users (a int, b int);\n',
        '002_indexes.up.sql': NO_TX + 'create index concurrently users_a on users (a);\ncreate index concurrently users_b on users (b);\n',
      })
      // something in the way of statement 2
      await target.query('create table users_b (id int)')
      await assert.rejects(migrate({ ...o, dir }), { code: 'SQL_FAILED' })
      assert.deepEqual(await states({ ...o, dir }), ['applied', 'failed'])

      await target.query('drop table users_b')
      await target.query('create index users_b on users (b)')
      const settled = await repair({ ...o, dir, version: '002', as: 'applied' })
      assert.deepEqual(settled.settled, { version: '002', name: 'indexes', as: 'applied' })
      assert.deepEqual((await rows(target)).map((r) => [r.version, r.state, r.note]), [['001', 'applied', null], ['002', 'applied', null]])
      assert.deepEqual((await migrate({ ...o, dir })).applied, [])
    },
  },
  {
    name: 'a file wrapped in its own BEGIN/COMMIT commits together with its history row, or not at all',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        // txid_current() % 2^32 is the xid the history row's xmin must equal: the same transaction
        '001_wrapped.up.sql': 'begin;\ncreate table log (xid bigint);\ninsert into log values (txid_current() % 4294967296);\ncommit;\n',
        '002_wrapped_bad.up.sql': 'BEGIN;\ncreate table bad (id int);\nselect nosuch from bad;\nCOMMIT;\n',
      })
      const error = await rejection(migrate({ ...o, dir }))
      assert.equal(error.code, 'SQL_FAILED')
      assert.deepEqual([error.location?.line, error.location?.column], [3, 8])
      assert.deepEqual(error.applied, ['001_wrapped'])
      const [log] = await target.query<{ xid: string }>('select xid::text as xid from log')
      const [row] = await target.query<{ xmin: string }>("select xmin::text as xmin from tinymigrate_history where version = '001'")
      assert.equal(row!.xmin, log!.xid, 'the history row is written in the file\'s transaction')
      assert.equal(await exists(target, 'bad'), false, 'the inner COMMIT did not commit half of 002')
      assert.deepEqual(await versions(target), ['001'])
    },
  },
  {
    name: 'a file with CREATE INDEX CONCURRENTLY but no marker runs outside a transaction, with a warning',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '001_users.up.sql': 'create table users (id int);\n',
        '002_index.up.sql': 'create index concurrently users_id on users (id);\n',
      })
      const seen = events()
      const result = await migrate({ ...o, dir, onEvent: seen.onEvent })
      assert.deepEqual(result.applied.map((s) => [s.version, s.noTransaction]), [['001', false], ['002', true]])
      assert.equal(await exists(target, 'users_id'), true)
      assert.ok(seen.list.some((e) => e.type === 'warning' && /002_index\.up\.sql runs outside a transaction/.test(e.message)))
    },
  },
  {
    name: 'table: meta.history keeps history in another schema, created on first use',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, THREE)
      await migrate({ ...o, dir, table: 'meta.history' })
      assert.equal(await exists(target, 'meta.history'), true)
      assert.equal(await exists(target, 'public.tinymigrate_history'), false)
      assert.deepEqual(await versions(target, 'meta.history'), ['001', '002', '003'])
      assert.equal((await status({ ...o, dir, table: 'meta.history' })).table, 'meta.history')
      assert.deepEqual(await states({ ...o, dir }), ['pending', 'pending', 'pending'], 'the default table knows nothing of it')
      assert.deepEqual((await rollback({ ...o, dir, table: 'Meta.History' })).reverted.map((s) => s.version), ['003'])
      assert.deepEqual(await versions(target, 'meta.history'), ['001', '002'])
    },
  },
  {
    name: 'an edited applied file is refused as CHECKSUM_MISMATCH before anything runs; repair checksums accepts it',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, { '001_users.up.sql': 'create table users (id int);\n' })
      await migrate({ ...o, dir })
      await writeFile(path.join(dir, '002_posts.up.sql'), 'create table posts (id int);\n')
      const edited = 'create table users (id bigint);\n'
      await rewrite(dir, '001_users.up.sql', () => edited)

      const error = await rejection(migrate({ ...o, dir }))
      assert.equal(error.code, 'CHECKSUM_MISMATCH')
      assert.deepEqual(error.files, [path.join(dir, '001_users.up.sql')])
      assert.equal(await exists(target, 'posts'), false, 'the pending migration did not run')
      await assert.rejects(rollback({ ...o, dir }), { code: 'CHECKSUM_MISMATCH' })

      const fixed = await repair({ ...o, dir, checksums: true })
      assert.deepEqual(fixed, { settled: null, checksums: [{ version: '001', name: 'users' }] })
      assert.equal((await rows(target))[0]!.checksum, sha256(edited))
      const [col] = await target.query<{ type: string }>("select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'users'::regclass and attname = 'id'")
      assert.equal(col!.type, 'integer', 'the edit is accepted, not run')
      assert.deepEqual((await migrate({ ...o, dir })).applied.map((s) => s.version), ['002'])
    },
  },
  {
    name: 'an extension created by a migration is there for the next ones (citext)',
    pglite: pgliteDirTarget,
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '001_citext.up.sql': 'create extension if not exists citext;\n',
        '001_citext.down.sql': 'drop extension citext;\n',
        '002_emails.up.sql':
          "create table emails (email citext primary key);\ninsert into emails values ('Ada@Example.org');\n" +
          // judged by the database itself: citext compares without case
          "do $$ begin\n  if not exists (select from emails where email = 'ada@example.ORG') then\n" +
          "    raise exception 'citext did not compare case-insensitively';\n  end if;\nend $$;\n",
        '002_emails.down.sql': 'drop table emails;\n',
      })
      const result = await migrate({ ...o, dir })
      assert.deepEqual(result.applied.map((s) => s.version), ['001', '002'])
      // a later run opens the database again: the extension is loaded again
      assert.deepEqual(await states({ ...o, dir }), ['applied', 'applied'])
      assert.deepEqual((await rollback({ ...o, dir })).reverted.map((s) => s.version), ['002'])
      assert.deepEqual((await migrate({ ...o, dir })).applied.map((s) => s.version), ['002'])

      const [ext] = await target.query<{ name: string }>("select extname::text as name from pg_catalog.pg_extension where extname = 'citext'")
      assert.equal(ext?.name, 'citext')
      const [col] = await target.query<{ type: string }>("select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'emails'::regclass and attname = 'email'")
      assert.equal(col!.type, 'citext')
      assert.deepEqual(await versions(target), ['001', '002'])
    },
  },
  {
    name: 'an extension named with a hyphen is loaded too ("uuid-ossp")',
    pglite: pgliteDirTarget,
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '001_uuid.up.sql': 'create extension if not exists "uuid-ossp";\ncreate table things (id uuid primary key default uuid_generate_v4());\ninsert into things default values;\n',
      })
      const result = await migrate({ ...o, dir })
      assert.deepEqual(result.applied.map((s) => s.version), ['001'])
      const [ext] = await target.query<{ name: string }>("select extname::text as name from pg_catalog.pg_extension where extname = 'uuid-ossp'")
      assert.equal(ext?.name, 'uuid-ossp')
    },
  },
  {
    name: 'an extension the engine does not have fails before anything runs, and names the extension',
    pglite: pgliteDirTarget,
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '001_users.up.sql': 'create table users (id int);\n',
        '002_nosuch.up.sql': 'create extension if not exists tm_no_such_extension;\n',
      })
      const error = await rejection(migrate({ ...o, dir }))
      assert.match(error.message, /tm_no_such_extension/)
      if (target.name === 'pglite') {
        // refused when the database is opened: nothing ran, and the next step is named
        assert.equal(error.code, 'PGLITE_EXTENSION')
        assert.match(error.message, /PGlite/)
        assert.match(error.next ?? '', /server/)
        const dataDir = (target as Target & { dir: string }).dir
        assert.equal(existsSync(`${dataDir}.lock`), false, 'the directory lock is let go')
        assert.equal(existsSync(dataDir), false, 'no database was created')
      } else {
        assert.equal(error.code, 'SQL_FAILED')
        assert.deepEqual(error.applied, ['001_users'])
        assert.deepEqual(await versions(target), ['001'])
      }
    },
  },
  {
    name: 'notices raised by a migration arrive as events',
    async run(target, t) {
      const dir = await migrationsDir(t, {
        '001_hello.up.sql': "do $$ begin raise notice 'hello from %', 'the migration'; end $$;\n",
      })
      const seen = events()
      await migrate({ ...target.options, dir, onEvent: seen.onEvent })
      assert.deepEqual(seen.list.filter((e) => e.type === 'notice').map((e) => 'message' in e && e.message), ['hello from the migration'])
    },
  },
  {
    name: 'the migration lock is let go when a run ends',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, THREE)
      await migrate({ ...o, dir })
      assert.equal(await advisoryLocks(target), 0, 'after migrate')
      await rollback({ ...o, dir })
      await assert.rejects(migrate({ ...o, dir, to: '009' }), { code: 'UNKNOWN_VERSION' })
      assert.equal(await advisoryLocks(target), 0, 'after rollback and a refused migrate')
    },
  },
  {
    name: 'two runs started at once apply each migration exactly once',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '001_log.up.sql': "create table log (version text);\ninsert into log values ('001');\n",
        '002_slow.up.sql': "select pg_sleep(0.3);\ninsert into log values ('002');\n",
        '003_more.up.sql': "insert into log values ('003');\n",
      })
      const seen = [events(), events()]
      const results = await Promise.allSettled(seen.map((s) => migrate({ ...o, dir, onEvent: s.onEvent })))
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled'], results.map((r) => r.status === 'rejected' ? String(r.reason) : '').join('\n'))
      const applied = results.flatMap((r) => r.status === 'fulfilled' ? r.value.applied.map((s) => s.version) : [])
      assert.deepEqual(applied.sort(), ['001', '002', '003'])
      const log = await target.query<{ version: string }>('select version from log order by version')
      assert.deepEqual(log.map((r) => r.version), ['001', '002', '003'])
      assert.deepEqual(await versions(target), ['001', '002', '003'])
      assert.equal(seen.filter((s) => s.list.some((e) => e.type === 'lock-wait')).length, 1, 'one of them waited for the other')
    },
  },
  {
    name: 'an aborted run rolls back the migration it was running',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '001_slow.up.sql': 'create table slow (id int);\nselect pg_sleep(2);\ncreate table after_sleep (id int);\n',
        '002_next.up.sql': 'create table next (id int);\n',
      })
      const controller = new AbortController()
      const started = Date.now()
      const error = await rejection(migrate({
        ...o,
        dir,
        signal: controller.signal,
        onEvent: (e) => { if (e.type === 'apply-start') setTimeout(() => controller.abort(), 200) },
      }))
      const took = Date.now() - started
      assert.equal(error.code, 'INTERRUPTED')
      assert.deepEqual(error.applied, [])
      assert.deepEqual(await tables(target), [], '001 was rolled back, 002 never started')
      if (await exists(target, 'tinymigrate_history')) assert.deepEqual(await versions(target), [])
      // a server cancels the running statement; PGlite finishes it first (README)
      if (target.name === 'postgres') assert.ok(took < 1500, `took ${took} ms: the sleep was not cancelled`)
    },
  },
]

const ENGINES: [Target['name'], MakeTarget][] = [['postgres', postgresTarget], ['pglite', pgliteTarget]]

for (const c of cases) {
  for (const [kind, make] of ENGINES) {
    const maker = kind === 'pglite' && c.pglite ? c.pglite : make
    test(`${c.name} [${kind}]`, async (t) => c.run(await maker(t), t))
  }
}

// --- the CLI on the embedded engine -------------------------------------------------------------
// Each command is a process of its own and opens the data directory again.

function ok(r: CliResult): void {
  assert.equal(r.code, 0, `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`)
}

/** Read an embedded data directory directly, once no CLI has it open. */
async function readDir<T>(dataDir: string, text: string): Promise<T[]> {
  const pg = await PGlite.create(dataDir)
  try {
    return (await pg.query<T>(text)).rows
  } finally {
    await pg.close()
  }
}

// The first embedded run of a checkout makes the snapshot new data directories are written from
// (PGlite's initdb): beside the rest of the suite on two cores that has taken close to a minute.
const EMBEDDED_CLI = { timeoutMs: 150_000 }

test('cli: up on pglite:<dir>, then status --json in a new process shows every migration applied', async (t) => {
  const root = await tempDir(t, 'tm-adapters-')
  const dir = await migrationsDir(t, THREE)
  const url = `pglite:${path.join(root, 'db')}`
  const up = await runCli(['up', '--url', url, '--dir', dir], EMBEDDED_CLI)
  ok(up)
  assert.match(up.stdout, /applied  001_users/)
  assert.match(up.stdout, /current: 003\n$/)
  const s = await runCli(['status', '--json', '--url', url, '--dir', dir], EMBEDDED_CLI)
  ok(s)
  const doc = JSON.parse(s.stdout) as { ok: boolean; current: string; migrations: { version: string; state: string }[] }
  assert.equal(doc.ok, true)
  assert.equal(doc.current, '003')
  assert.deepEqual(doc.migrations.map((m) => [m.version, m.state]), [['001', 'applied'], ['002', 'applied'], ['003', 'applied']])
  assert.equal(existsSync(path.join(root, 'db.lock')), false, 'no lock file is left behind')
})

test('cli: two up processes at once on one pglite:<dir> both succeed and apply each migration once', async (t) => {
  const root = await tempDir(t, 'tm-adapters-')
  const dataDir = path.join(root, 'db')
  const dir = await migrationsDir(t, {
    '001_log.up.sql': "create table log (version text);\ninsert into log values ('001');\n",
    '002_more.up.sql': "insert into log values ('002');\n",
  })
  const args = ['up', '--url', `pglite:${dataDir}`, '--dir', dir]
  const runs = [spawnCli(args, EMBEDDED_CLI), spawnCli(args, EMBEDDED_CLI)]
  const [a, b] = await Promise.all(runs.map((r) => r.result))
  ok(a!)
  ok(b!)
  // one applied both, the other waited on the lock file beside the data directory and found nothing to do
  const outputs = [a!.stdout, b!.stdout].sort()
  assert.match(outputs.join('\n'), /applied  001_log[\s\S]*applied  002_more/)
  assert.equal(outputs.filter((o) => /nothing to do; current: 002/.test(o)).length, 1, outputs.join('\n---\n'))
  const log = await readDir<{ version: string }>(dataDir, 'select version from log order by version')
  assert.deepEqual(log.map((r) => r.version), ['001', '002'])
  const hist = await readDir<{ version: string }>(dataDir, 'select version from tinymigrate_history order by version')
  assert.deepEqual(hist.map((r) => r.version), ['001', '002'])
  assert.equal(existsSync(`${dataDir}.lock`), false)

  // as on a server, the one that waited said so and named the process it waited for
  const waited = /nothing to do/.test(a!.stdout) ? 0 : 1
  const other = runs[1 - waited]!.child.pid
  assert.match([a, b][waited]!.stderr, new RegExp(`waiting for .*\\b${other}\\b`), 'the waiting runner says for whom it waits')
})

test('cli: with no URL at all, status uses .tinymigrate/db in the project and says so', async (t) => {
  const project = await tempDir(t, 'tm-adapters-')
  await mkdir(path.join(project, 'migrations'))
  await writeFile(path.join(project, 'migrations', '001_users.up.sql'), 'create table users (id int);\n')
  const r = await runCli(['status'], { ...EMBEDDED_CLI, cwd: project, env: { CI: undefined, NODE_ENV: undefined } })
  ok(r)
  assert.match(r.stderr, /no database URL configured: using the embedded database in \.tinymigrate\/db/)
  assert.match(r.stdout, /001 +users +pending/)
  assert.equal(existsSync(path.join(project, '.tinymigrate', 'db')), true)
  assert.equal(existsSync(path.join(project, '.tinymigrate', 'db.lock')), false)
})

test('cli: with CI set and no URL, the embedded database is not used: exit 2 NO_DATABASE_URL', async (t) => {
  const project = await tempDir(t, 'tm-adapters-')
  await mkdir(path.join(project, 'migrations'))
  await writeFile(path.join(project, 'migrations', '001_users.up.sql'), 'create table users (id int);\n')
  const r = await runCli(['up', '--json'], { cwd: project, env: { CI: '1', NODE_ENV: undefined } })
  assert.equal(r.code, 2, r.stderr)
  const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string } }
  assert.equal(doc.ok, false)
  assert.equal(doc.error.code, 'NO_DATABASE_URL')
  assert.match(doc.error.message, /CI/)
  assert.equal(existsSync(path.join(project, '.tinymigrate')), false)
})

// Switching from golang-migrate or dbmate: their folders run unchanged, and `adopt` records what
// their history table says is applied. Judged by the database and the history tables: on
// PostgreSQL and PGlite through the library, and with the real dbmate binary through the CLI.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { writeFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { test, type TestContext } from 'node:test'
import { adopt, migrate, rollback, status, type AdoptResult } from '../src/index.js'
import { detectTool, type Column } from '../src/adopt.js'
import { splitStatements } from '../src/sqltext.js'
import { rejection } from './assertions.js'
import {
  appliedLines, cli, events, freshDatabase, migrationsDir, runCli, sha256, show, tables, tempDir, type FreshDatabase,
} from './helpers.js'
import { historyRows, pgliteTarget, postgresTarget, relationExists, tableNames, type MakeTarget, type Target } from './targets.js'

// --- which tool wrote a table ---------------------------------------------------------------------

const col = (name: string, type: string, category: string): Column => ({ name, type, category })
const VERSION_BIGINT = col('version', 'bigint', 'N')
const VERSION_VARCHAR = col('version', 'character varying(128)', 'S')
const DIRTY = col('dirty', 'boolean', 'B')

const detections: [string, Column[], 'golang-migrate' | 'dbmate' | undefined, string][] = [
  ['golang-migrate\'s DDL', [VERSION_BIGINT, DIRTY], undefined, 'golang-migrate'],
  ['golang-migrate with an integer version', [col('version', 'integer', 'N'), DIRTY], undefined, 'golang-migrate'],
  ['dbmate\'s DDL', [VERSION_VARCHAR], undefined, 'dbmate'],
  ['dbmate with later columns', [VERSION_VARCHAR, col('applied_at', 'timestamp with time zone', 'D'), col('checksum', 'text', 'S')], undefined, 'dbmate'],
  ['a bigint version without dirty', [VERSION_BIGINT], undefined, 'ADOPT_AMBIGUOUS'],
  ['a varchar version with dirty', [VERSION_VARCHAR, DIRTY], undefined, 'ADOPT_AMBIGUOUS'],
  ['no version column', [col('id', 'integer', 'N'), col('name', 'text', 'S')], undefined, 'ADOPT_FOREIGN'],
  ['a uuid version', [col('version', 'uuid', 'U')], undefined, 'ADOPT_FOREIGN'],
  ['--from dbmate on a bigint version', [VERSION_BIGINT], 'dbmate', 'dbmate'],
  ['--from golang-migrate on a varchar version with dirty', [VERSION_VARCHAR, DIRTY], 'golang-migrate', 'golang-migrate'],
  ['--from golang-migrate without dirty', [VERSION_BIGINT], 'golang-migrate', 'ADOPT_FOREIGN'],
  ['--from dbmate without a version', [col('id', 'integer', 'N')], 'dbmate', 'ADOPT_FOREIGN'],
]

for (const [title, columns, from, expected] of detections) {
  test(`detectTool: ${title} → ${expected}`, () => {
    if (!expected.startsWith('ADOPT_')) {
      assert.equal(detectTool(columns, from, 'public.schema_migrations'), expected)
      return
    }
    assert.throws(() => detectTool(columns, from, 'public.schema_migrations'), (e: { code?: string; message?: string; next?: string }) => {
      assert.equal(e.code, expected)
      assert.match(e.message ?? '', /^(Table public\.schema_migrations \(|Cannot tell which tool wrote public\.schema_migrations \()/)
      assert.match(e.next ?? '', expected === 'ADOPT_AMBIGUOUS' ? /--from golang-migrate or --from dbmate/ : /--from-table NAME/)
      return true
    })
  })
}

// --- a golang-migrate folder, as such folders are written -------------------------------------------

/**
 * What golang-migrate folders hold in practice: unpadded versions; a down file named apart from
 * its up file; empty and comment-only down files; a last statement without ';'; ';' and '--' in
 * strings and comments; '/*' in a string; a dollar-quoted body with its own tag; non-ASCII text in
 * comments; CREATE INDEX CONCURRENTLY without a marker; a file wrapped in BEGIN; … COMMIT; and
 * one ending in END;.
 */
const GOLANG = {
  '1_create_users.up.sql':
    '-- Benutzer und Größen: ünïcödé, 日本語, 🎉 in a comment\n' +
    'create table users (id int primary key, name text);\n' +
    "insert into users values (1, 'semi;colon'), (2, 'dash -- dash'), (3, 'slash-star /* open');\n" +
    '-- a comment with a ; in it\n' +
    "insert into users values (4, 'last, no semicolon')",
  '1_create_users.down.sql': 'drop table users;\n',
  '2_add_greeting.up.sql':
    'create function greeting(who text) returns text language plpgsql as $migration$\n' +
    'begin\n' +
    '  -- ; and $$ inside the body\n' +
    "  return 'hello; ' || who || ' $$';\n" +
    'end\n' +
    '$migration$;\n',
  '2_add_greeting.down.sql': 'drop function greeting(text);\n',
  '10_index_names.up.sql': 'create index concurrently users_name on users (name);\n',
  '10_index_names.down.sql': 'drop index concurrently users_name;\n',
  '30_add_magic_metadata.up.sql': 'alter table users add column magic jsonb;\n',
  '30_drop_magic_metadata.down.sql': 'alter table users drop column magic;\n',
  '124_wrapped.up.sql': 'BEGIN;\ncreate table wrapped (id int);\ninsert into wrapped values (1);\nCOMMIT;\n',
  '124_wrapped.down.sql': '',
  '125_ended.up.sql': 'begin;\ncreate table ended (id int);\nend;\n',
  '125_ended.down.sql': '-- nothing to undo: the table stays\n',
}
type GolangFile = keyof typeof GOLANG

const ADOPTED = ['1', '2', '10', '30']

/** What golang-migrate would have left: the up files up to `upTo`, run as it runs them (here one statement at a time), and its table. */
async function golangMigrated(target: Target, upTo: number, dirty = false, table = 'schema_migrations'): Promise<void> {
  for (const [file, text] of Object.entries(GOLANG)) {
    if (!file.endsWith('.up.sql') || Number(file.split('_')[0]) > upTo) continue
    for (const st of splitStatements(text).statements) await target.query(st.text)
  }
  // golang-migrate's own DDL (database/postgres), and its one row
  await target.query(`create table ${table} (version bigint not null primary key, dirty boolean not null)`)
  await target.query(`insert into ${table} (version, dirty) values ($1, $2)`, [upTo, dirty])
}

async function columnsOf(target: Target, table: string): Promise<string[]> {
  const rows = await target.query<{ name: string }>(`
    select a.attname::text as name
    from pg_catalog.pg_attribute a
    where a.attrelid = $1::regclass
      and a.attnum > 0
      -- dropped columns linger in the catalog
      and not a.attisdropped
    order by a.attnum`, [table])
  return rows.map((r) => r.name)
}

async function recorded(target: Target): Promise<string[]> {
  return (await historyRows(target)).map((r) => r.version)
}

interface Case {
  name: string
  run(target: Target, t: TestContext): Promise<void>
}

const cases: Case[] = [
  {
    name: 'a golang-migrate folder runs unchanged: numeric order, odd files, and all the way back down',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, GOLANG)
      const seen = events()
      const up = await migrate({ ...o, dir, onEvent: seen.onEvent })
      assert.deepEqual(up.applied.map((s) => [s.version, s.noTransaction]), [
        ['1', false], ['2', false], ['10', true], ['30', false], ['124', false], ['125', false],
      ])
      assert.deepEqual(await target.query('select id, name from users order by id'), [
        { id: 1, name: 'semi;colon' }, { id: 2, name: 'dash -- dash' }, { id: 3, name: 'slash-star /* open' }, { id: 4, name: 'last, no semicolon' },
      ])
      assert.deepEqual(await target.query("select greeting('x') as g"), [{ g: 'hello; x $$' }])
      assert.equal(await relationExists(target, 'users_name'), true)
      assert.deepEqual(await columnsOf(target, 'users'), ['id', 'name', 'magic'])
      assert.deepEqual(await target.query('select id from wrapped'), [{ id: 1 }])
      assert.deepEqual(await tableNames(target), ['ended', 'users', 'wrapped'])
      assert.deepEqual(seen.list.filter((e) => e.type === 'warning').map((e) => e.type === 'warning' && e.message.split(':')[0]), [
        `${path.join(dir, '10_index_names.up.sql')} runs outside a transaction, statement by statement`,
      ])
      const rows = await historyRows(target)
      assert.deepEqual(rows.map((r) => [r.version, r.name, r.state]), [
        ['1', 'create_users', 'applied'], ['2', 'add_greeting', 'applied'], ['10', 'index_names', 'applied'],
        ['30', 'add_magic_metadata', 'applied'], ['124', 'wrapped', 'applied'], ['125', 'ended', 'applied'],
      ])
      assert.equal(rows[0]!.checksum, sha256(GOLANG['1_create_users.up.sql']))
      assert.deepEqual(rows.slice(3).map((r) => r.down_sql), [GOLANG['30_drop_magic_metadata.down.sql'], '', GOLANG['125_ended.down.sql']])

      const back = events()
      const down = await rollback({ ...o, dir, all: true, onEvent: back.onEvent })
      assert.deepEqual(down.reverted.map((s) => [s.version, s.noTransaction]), [
        ['125', false], ['124', false], ['30', false], ['10', true], ['2', false], ['1', false],
      ])
      assert.deepEqual(back.list.filter((e) => e.type === 'warning').map((e) => e.type === 'warning' && e.message), [
        `${path.join(dir, '125_ended.down.sql')} has no statements: reverting 125_ended changes nothing in the database.`,
        `${path.join(dir, '124_wrapped.down.sql')} has no statements: reverting 124_wrapped changes nothing in the database.`,
        `${path.join(dir, '10_index_names.down.sql')} runs outside a transaction, statement by statement: it contains DROP INDEX CONCURRENTLY, which PostgreSQL refuses in a transaction block. Add -- tinymigrate:no-transaction as its first line to say so explicitly.`,
      ])
      // the empty and the comment-only down file left their tables; everything else is gone
      assert.deepEqual(await tableNames(target), ['ended', 'wrapped'])
      assert.deepEqual(await target.query("select count(*)::int as n from pg_catalog.pg_proc where proname = 'greeting'"), [{ n: 0 }])
      assert.deepEqual(await recorded(target), [])
    },
  },
  {
    name: 'adopt from golang-migrate records every file up to its version, runs nothing; up and down go on from there',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, GOLANG)
      await golangMigrated(target, 30)
      const before = await tableNames(target)

      const result = await adopt({ ...o, dir })
      assert.deepEqual(result, {
        from: 'golang-migrate',
        fromTable: 'public.schema_migrations',
        recorded: [
          { version: '1', name: 'create_users' }, { version: '2', name: 'add_greeting' },
          { version: '10', name: 'index_names' }, { version: '30', name: 'add_magic_metadata' },
        ],
        alreadyRecorded: [],
        current: '30',
        dryRun: false,
        statements: [],
        drop: 'drop table "public"."schema_migrations";',
      } satisfies AdoptResult)
      assert.deepEqual(await historyRows(target), ([
        ['1', 'create_users', '1_create_users.up.sql', '1_create_users.down.sql'],
        ['2', 'add_greeting', '2_add_greeting.up.sql', '2_add_greeting.down.sql'],
        ['10', 'index_names', '10_index_names.up.sql', '10_index_names.down.sql'],
        ['30', 'add_magic_metadata', '30_add_magic_metadata.up.sql', '30_drop_magic_metadata.down.sql'],
      ] as [string, string, GolangFile, GolangFile][]).map(([version, name, up, down]) => ({
        version, name, checksum: sha256(GOLANG[up]), down_sql: GOLANG[down], state: 'applied',
      })))
      // no migration SQL ran, and golang-migrate's table is left as it was
      assert.deepEqual(await tableNames(target), before)
      assert.deepEqual(await target.query('select version::int as v, dirty from schema_migrations'), [{ v: 30, dirty: false }])
      assert.deepEqual((await status({ ...o, dir })).migrations.map((m) => m.state), ['applied', 'applied', 'applied', 'applied', 'pending', 'pending'])

      const up = await migrate({ ...o, dir })
      assert.deepEqual(up.applied.map((s) => s.version), ['124', '125'])
      assert.deepEqual(await tableNames(target), ['ended', 'schema_migrations', 'users', 'wrapped'])

      assert.deepEqual((await rollback({ ...o, dir })).reverted.map((s) => s.version), ['125'])
      // an older checkout without 30's down file: its rollback runs the text stored by adopt
      await rm(path.join(dir, '30_drop_magic_metadata.down.sql'))
      const seen = events()
      const down = await rollback({ ...o, dir, to: '10', onEvent: seen.onEvent })
      assert.deepEqual(down.reverted.map((s) => s.version), ['124', '30'])
      assert.deepEqual(seen.list.filter((e) => e.type === 'revert-start').map((e) => e.type === 'revert-start' && [e.version, e.source]), [['124', 'file'], ['30', 'history']])
      assert.deepEqual(await columnsOf(target, 'users'), ['id', 'name'])
      assert.deepEqual(await recorded(target), ['1', '2', '10'])
    },
  },
  {
    name: 'adopt twice changes nothing the second time; after tinymigrate up it refuses: the histories disagree',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, GOLANG)
      await golangMigrated(target, 30)
      await adopt({ ...o, dir })
      const rowsBefore = await target.query('select * from tinymigrate_history order by version::numeric')

      const again = await adopt({ ...o, dir })
      assert.deepEqual(again.recorded, [])
      assert.deepEqual(again.alreadyRecorded.map((m) => m.version), ADOPTED)
      assert.equal(again.current, '30')
      assert.deepEqual(await target.query('select * from tinymigrate_history order by version::numeric'), rowsBefore)

      await migrate({ ...o, dir, count: 1 })
      const error = await rejection(adopt({ ...o, dir }))
      assert.equal(error.code, 'ADOPT_CONFLICT')
      assert.equal(error.message, `tinymigrate's history (public.tinymigrate_history) records a migration that golang-migrate's history (public.schema_migrations) does not:\n  ${path.join(dir, '124_wrapped.up.sql')}\nNothing was recorded.`)
      assert.match(error.next ?? '', /If the switch to tinymigrate happened already, its history is the one that counts/)
      assert.deepEqual(await recorded(target), [...ADOPTED, '124'])
    },
  },
  {
    name: 'adopt refuses a dirty golang-migrate version and says how to settle it; a failed tinymigrate row too',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, GOLANG)
      await golangMigrated(target, 30, true)
      const error = await rejection(adopt({ ...o, dir }))
      assert.equal(error.code, 'ADOPT_DIRTY')
      assert.equal(error.message, 'golang-migrate\'s history (public.schema_migrations) says version 30 is dirty: 30_add_magic_metadata failed part-way, so the database may hold only part of it. Nothing was recorded.')
      assert.equal(error.next, 'Look at what it changed and finish or undo it by hand, then record how it ended with golang-migrate: migrate -path <dir> -database <url> force 30 (finished) or force 10 (undone). Then run tinymigrate adopt again.')
      assert.equal(await relationExists(target, 'tinymigrate_history'), false)

      // the way out it names: golang-migrate's force 30 clears the flag
      await target.query('update schema_migrations set dirty = false')
      await adopt({ ...o, dir })
      await target.query("update tinymigrate_history set state = 'failed' where version = '30'")
      const failed = await rejection(adopt({ ...o, dir }))
      assert.equal(failed.code, 'ADOPT_CONFLICT')
      assert.match(failed.next ?? '', /tinymigrate repair 30 --applied or --rolled-back/)
    },
  },
  {
    name: 'adopt dryRun shows the history writes and records nothing',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, GOLANG)
      await golangMigrated(target, 10)
      const dry = await adopt({ ...o, dir, dryRun: true })
      assert.deepEqual(dry.recorded.map((m) => m.version), ['1', '2', '10'])
      assert.equal(dry.dryRun, true)
      assert.equal(dry.statements.length, 3)
      assert.match(dry.statements[0]!, /^insert into "public"\."tinymigrate_history" \(version, name, checksum, down_sql, duration_ms\)\nvalues \('1', 'create_users', '[0-9a-f]{64}', 'drop table users;\n', /)
      assert.equal(await relationExists(target, 'tinymigrate_history'), false)
    },
  },
  {
    name: 'adopt finds nothing, an ambiguous table, a foreign one, and versions without files, and says what to do',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, GOLANG)
      const none = await rejection(adopt({ ...o, dir }))
      assert.equal(none.code, 'ADOPT_NOT_FOUND')
      assert.match(none.message, /^No table schema_migrations in this database \(looked up through the search_path\)/)
      assert.match(none.next ?? '', /--from-table NAME/)

      await target.query('create table schema_migrations (version bigint primary key)')
      await target.query('insert into schema_migrations values (1), (2)')
      const ambiguous = await rejection(adopt({ ...o, dir }))
      assert.equal(ambiguous.code, 'ADOPT_AMBIGUOUS')
      assert.equal(ambiguous.message, 'Cannot tell which tool wrote public.schema_migrations (version bigint): golang-migrate\'s has version bigint and dirty boolean, dbmate\'s has version varchar and no dirty.')
      assert.equal((await rejection(adopt({ ...o, dir, from: 'golang-migrate' }))).code, 'ADOPT_FOREIGN')
      const forced = await adopt({ ...o, dir, from: 'dbmate', dryRun: true })
      assert.deepEqual([forced.from, forced.recorded.map((m) => m.version)], ['dbmate', ['1', '2']])

      await target.query('drop table schema_migrations')
      await target.query('create table schema_migrations (id int, name text)')
      const foreign = await rejection(adopt({ ...o, dir }))
      assert.equal(foreign.code, 'ADOPT_FOREIGN')
      assert.match(foreign.message, /^Table public\.schema_migrations \(id integer, name text\) is neither golang-migrate's history/)

      await target.query('drop table schema_migrations')
      await target.query('create table schema_migrations (version bigint not null primary key, dirty boolean not null)')
      await target.query('insert into schema_migrations values (2, false), (10, false)')
      assert.match((await rejection(adopt({ ...o, dir }))).message, /has 2 rows; golang-migrate keeps exactly one/)
      await target.query('delete from schema_migrations where version = 2')
      await target.query('update schema_migrations set version = 31')
      const missing = await rejection(adopt({ ...o, dir }))
      assert.equal(missing.code, 'ADOPT_MISSING_FILES')
      assert.deepEqual(missing.files, ['31'])
      assert.match(missing.message, /records a version with no migration file in this directory:\n {2}31\nNothing was recorded\./)

      // dbmate's table, with the columns a later release may add; one row per file, as written
      await target.query('drop table schema_migrations')
      await target.query('create table schema_migrations (version varchar(128) primary key, applied_at timestamptz default now(), checksum text)')
      await target.query("insert into schema_migrations (version) values ('1'), ('0010'), ('999'), ('1000'), ('30')")
      const orphans = await rejection(adopt({ ...o, dir }))
      assert.equal(orphans.code, 'ADOPT_MISSING_FILES')
      assert.deepEqual(orphans.files, ['999', '1000'])
      await target.query("delete from schema_migrations where version in ('999', '1000')")
      const seen = events()
      const result = await adopt({ ...o, dir, onEvent: seen.onEvent })
      assert.equal(result.from, 'dbmate')
      assert.deepEqual(result.recorded.map((m) => m.version), ['1', '10', '30'])
      assert.equal(result.current, '30')
      assert.deepEqual(await recorded(target), ['1', '10', '30'])
      // dbmate applies any pending file; tinymigrate will not, and adopt says so
      const warning = seen.list.find((e) => e.type === 'warning')
      assert.equal(warning?.type === 'warning' && warning.message,
        `Not applied, yet older than the newest adopted migration (30_add_magic_metadata): tinymigrate up refuses it unless --allow-out-of-order:\n  ${path.join(dir, '2_add_greeting.up.sql')}`)

      const own = await rejection(adopt({ ...o, dir, fromTable: 'tinymigrate_history', from: 'dbmate' }))
      assert.equal(own.code, 'ADOPT_FOREIGN')
      assert.match(own.message, /is tinymigrate's own history table/)
    },
  },
  {
    name: 'adopt reads a golang-migrate table under another name and schema, and names it in the drop statement',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, GOLANG)
      await target.query('create schema ops')
      await golangMigrated(target, 2, false, 'ops."Migration Log"')
      const result = await adopt({ ...o, dir, fromTable: 'ops."Migration Log"' })
      assert.deepEqual([result.fromTable, result.drop], ['ops.Migration Log', 'drop table "ops"."Migration Log";'])
      assert.deepEqual(await recorded(target), ['1', '2'])
      await target.query(result.drop)
      assert.equal(await relationExists(target, 'ops."Migration Log"'), false)
      assert.deepEqual((await migrate({ ...o, dir })).applied.map((s) => s.version), ['10', '30', '124', '125'])
    },
  },
]

const ENGINES: [Target['name'], MakeTarget][] = [['postgres', postgresTarget], ['pglite', pgliteTarget]]

for (const c of cases) {
  for (const [kind, make] of ENGINES) test(`${c.name} [${kind}]`, async (t) => c.run(await make(t), t))
}

// --- the CLI --------------------------------------------------------------------------------------

test('cli: adopt --help, then adopt and adopt --json, exit codes of its errors', async (t) => {
  const help = await runCli(['adopt', '--help'])
  assert.equal(help.code, 0)
  const blocks = help.stdout.split('\n\n')
  assert.equal(blocks[0], 'Usage: tinymigrate adopt [--from golang-migrate|dbmate] [--from-table NAME]')
  assert.match(blocks[1]!, /^Record what golang-migrate or dbmate applied .*\.$/)
  assert.match(blocks[2]!, /^Options:\n {2}--from <tool> +golang-migrate or dbmate/)
  assert.match(blocks[2]!, /\n {2}--from-table <name> +the other tool's table/)
  assert.equal(blocks[3], 'Example:\n  tinymigrate adopt --dry-run\n')
  assert.match((await runCli(['--help'])).stdout, /^ {2}adopt {4}Record what golang-migrate or dbmate applied/m)

  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, GOLANG)
  const bad = await cli(db, dir, 'adopt', '--from', 'flyway')
  assert.deepEqual([bad.code, bad.stderr], [2, 'error USAGE\n  --from is golang-migrate or dbmate, not "flyway".\n  Run tinymigrate --help.\n'])
  const none = await cli(db, dir, 'adopt')
  assert.equal(none.code, 2, show(none))
  assert.match(none.stderr, /^error ADOPT_NOT_FOUND\n/)

  await db.sql.unsafe('create table schema_migrations (version bigint not null primary key, dirty boolean not null)')
  await db.sql.unsafe('insert into schema_migrations values (10, true)')
  const dirty = await cli(db, dir, 'adopt', '--json')
  assert.equal(dirty.code, 3)
  assert.equal(JSON.parse(dirty.stdout).error.code, 'ADOPT_DIRTY')
  await db.sql.unsafe('update schema_migrations set dirty = false')

  const dry = await cli(db, dir, 'adopt', '--dry-run')
  assert.equal(dry.code, 0, show(dry))
  assert.match(dry.stdout, /^-- adopting golang-migrate's history in public\.schema_migrations\ninsert into "public"\."tinymigrate_history"/)
  assert.equal(dry.stdout.match(/^insert into/gm)?.length, 3)

  const r = await cli(db, dir, 'adopt')
  assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
    code: 0,
    stdout: [
      'recorded 1_create_users as applied (not run)',
      'recorded 2_add_greeting as applied (not run)',
      'recorded 10_index_names as applied (not run)',
      'current: 10',
      '',
      'golang-migrate\'s history in public.schema_migrations is left in place. Once nothing runs golang-migrate any more, drop it:',
      '  drop table "public"."schema_migrations";',
      '',
    ].join('\n'),
    stderr: '',
  })
  const json = await cli(db, dir, 'adopt', '--json')
  assert.equal(json.code, 0)
  assert.equal(json.stderr, '')
  assert.deepEqual(JSON.parse(json.stdout), {
    ok: true,
    from: 'golang-migrate',
    fromTable: 'public.schema_migrations',
    recorded: [],
    alreadyRecorded: [{ version: '1', name: 'create_users' }, { version: '2', name: 'add_greeting' }, { version: '10', name: 'index_names' }],
    current: '10',
    dryRun: false,
    statements: [],
    drop: 'drop table "public"."schema_migrations";',
  })
  assert.deepEqual(await tables(db), ['schema_migrations'], 'no migration SQL ran')
})

// --- the real dbmate --------------------------------------------------------------------------------

// dist/test/adopt.test.js -> <repo>/node_modules/dbmate (a devDependency with its native binary)
const dbmateCli = fileURLToPath(new URL('../../node_modules/dbmate/dist/cli.js', import.meta.url))

/** Run dbmate itself against a test database; it wants sslmode spelt out for a local server. */
function dbmate(db: FreshDatabase, cwd: string, ...args: string[]): string {
  const url = new URL(db.url)
  url.searchParams.set('sslmode', 'disable')
  const run = spawnSync(process.execPath, [dbmateCli, ...args], {
    cwd,
    env: { ...process.env, DATABASE_URL: url.toString() },
    encoding: 'utf8',
    timeout: 60_000,
  })
  assert.equal(run.status, 0, `dbmate ${args.join(' ')}: exit ${run.status}\n${run.stdout}\n${run.stderr}`)
  return run.stdout
}

const DBMATE = {
  '1_users.sql': '-- migrate:up\ncreate table users (id int primary key, name text);\n\n-- migrate:down\ndrop table users;\n',
  '2_names.sql': '-- migrate:up transaction:false\ncreate index concurrently users_name on users (name);\n\n-- migrate:down transaction:false\ndrop index concurrently users_name;\n',
  // dbmate runs files in name order (1, 10, 2): this one must not need 2's index, nor users
  '10_orders.sql': '-- migrate:up\ncreate table orders (id int primary key, user_id int);\n\n-- migrate:down\ndrop table orders;\n',
}
const LATER = {
  '11_items.sql': '-- migrate:up\ncreate table items (id int primary key);\n\n-- migrate:down\ndrop table items;\n',
  '12_prices.sql': '-- migrate:up\nalter table items add column price numeric;\n\n-- migrate:down\nalter table items drop column price;\n',
}

const up = (text: string) => text.slice(0, text.indexOf('-- migrate:down'))
const down = (text: string) => text.slice(text.indexOf('-- migrate:down'))

test('the real dbmate: its up, then tinymigrate adopt, up applies only the new files, down works from the stored text', { timeout: 120_000 }, async (t) => {
  const db = await freshDatabase(t)
  const cwd = await tempDir(t, 'tm-dbmate-')
  const dir = await migrationsDir(t, DBMATE)
  assert.match(dbmate(db, cwd, '--version'), /^dbmate version 2\./)
  dbmate(db, cwd, '--migrations-dir', dir, '--no-dump-schema', 'up')
  // dbmate orders by file name and keeps each version as written in it
  assert.deepEqual((await db.sql`select version from schema_migrations`).map((r) => r.version).sort(), ['1', '10', '2'])
  assert.deepEqual(await tables(db), ['orders', 'schema_migrations', 'users'])

  for (const [file, text] of Object.entries(LATER)) await writeFile(path.join(dir, file), text)
  const adopted = await cli(db, dir, 'adopt')
  assert.deepEqual({ code: adopted.code, stdout: adopted.stdout, stderr: adopted.stderr }, {
    code: 0,
    stdout: [
      'recorded 1_users as applied (not run)',
      'recorded 2_names as applied (not run)',
      'recorded 10_orders as applied (not run)',
      'current: 10',
      '',
      'dbmate\'s history in public.schema_migrations is left in place. Once nothing runs dbmate any more, drop it:',
      '  drop table "public"."schema_migrations";',
      '',
    ].join('\n'),
    stderr: '',
  })
  const rows = await db.sql<{ version: string; name: string; checksum: string; down_sql: string; state: string }[]>`
    select version, name, checksum, down_sql, state from tinymigrate_history order by version::numeric`
  assert.deepEqual(rows.map((r) => ({ ...r })), (['1_users.sql', '2_names.sql', '10_orders.sql'] as const).map((file) => ({
    version: file.split('_')[0]!, name: file.slice(file.indexOf('_') + 1, -4), checksum: sha256(up(DBMATE[file])), down_sql: down(DBMATE[file]), state: 'applied',
  })))

  const applied = await cli(db, dir, 'up')
  assert.equal(applied.code, 0, show(applied))
  assert.deepEqual(appliedLines(applied), ['11', '12'])
  assert.deepEqual(await tables(db), ['items', 'orders', 'schema_migrations', 'users'])

  const back = await cli(db, dir, 'down', '2')
  assert.equal(back.code, 0, show(back))
  // an older checkout without 10_orders.sql: down 1 runs the down section adopt stored
  await rm(path.join(dir, '10_orders.sql'))
  const stored = await cli(db, dir, 'down', '1')
  assert.equal(stored.code, 0, show(stored))
  assert.equal(stored.stdout.replace(/\(\d+ ms\)/, '(T)'), 'reverted 10_orders  (T)\ncurrent: 2\n')
  assert.match(stored.stderr, /reverting 10_orders with the down SQL stored in history \(no down file on disk\)/)
  assert.deepEqual(await tables(db), ['schema_migrations', 'users'])

  // and the switch is finished the way adopt said
  await db.sql.unsafe('drop table "public"."schema_migrations"')
  const s = await cli(db, dir, 'status', '--json')
  assert.deepEqual(JSON.parse(s.stdout).migrations.map((m: { version: string; state: string }) => `${m.version} ${m.state}`), ['1 applied', '2 applied', '11 pending', '12 pending'])
})

test('the real dbmate with --migrations-table in another schema: adopt --from-table finds it', { timeout: 120_000 }, async (t) => {
  const db = await freshDatabase(t)
  const cwd = await tempDir(t, 'tm-dbmate-')
  const dir = await migrationsDir(t, DBMATE)
  dbmate(db, cwd, '--migrations-dir', dir, '--migrations-table', 'ops.dbmate_log', '--no-dump-schema', 'up')
  const missing = await cli(db, dir, 'adopt')
  assert.equal(missing.code, 2, show(missing))
  const r = await cli(db, dir, 'adopt', '--from-table', 'ops.dbmate_log', '--json')
  assert.equal(r.code, 0, show(r))
  const doc = JSON.parse(r.stdout)
  assert.deepEqual([doc.from, doc.fromTable, doc.drop, doc.recorded.length], ['dbmate', 'ops.dbmate_log', 'drop table "ops"."dbmate_log";', 3])
  const up = await cli(db, dir, 'up')
  assert.deepEqual([up.code, up.stdout], [0, 'nothing to do; current: 10\n'])
})

// Taking over a database that no tool tracked, or that Alembic or Flyway did: `baseline` writes the
// first migration from the live schema and records it as applied. Judged by the database itself:
// the written up file, run on an empty database, must give what pg_dump and the catalog see in the
// original, and its down must empty that database again.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import postgres from 'postgres'
import { baseline, migrate } from '../src/index.js'
import { lockKey } from '../src/lock.js'
import { rejection } from './assertions.js'
import { cli, expectExit, freshDatabase, historyVersions, migrationsDir, runCli, sha256, tempDir, type FreshDatabase } from './helpers.js'
import { normaliseDump } from './roundtrip.js'

/** A shop built by hand over the years: no migration ever ran here. */
const SHOP = `
create type order_status as enum ('new', 'paid', 'shipped');
create table customers (
  id bigint generated always as identity primary key,
  email text not null unique,
  created_at timestamptz not null default now()
);
comment on table customers is 'people who buy';
create table orders (
  id serial primary key,
  customer_id bigint not null references customers (id) on delete cascade,
  status order_status not null default 'new',
  total numeric(10, 2) not null check (total >= 0)
);
create index orders_customer on orders (customer_id);
create view open_orders as
  select o.id, c.email, o.total from orders o join customers c on c.id = o.customer_id where o.status <> 'shipped';
create function customer_total(customer bigint) returns numeric language sql stable
  as $$ select coalesce(sum(total), 0) from orders where customer_id = customer $$;
create schema reporting;
create table reporting.daily (day date primary key, revenue numeric not null default 0);
insert into customers (email) values ('a@example.com');
insert into orders (customer_id, total) values (1, 9.50);
`

// Alembic's version table, as its migration context creates it, with the revision it reached.
const ALEMBIC = `
create table alembic_version (version_num varchar(32) not null, constraint alembic_version_pkc primary key (version_num));
insert into alembic_version (version_num) values ('ae1027a6acf');
`

// Flyway's history table (Flyway 9, PostgreSQL), with the one row of a migration it applied.
const FLYWAY = `
create table flyway_schema_history (
  installed_rank integer not null,
  version varchar(50),
  description varchar(200) not null,
  type varchar(20) not null,
  script varchar(1000) not null,
  checksum integer,
  installed_by varchar(100) not null,
  installed_on timestamp not null default now(),
  execution_time integer not null,
  success boolean not null,
  constraint flyway_schema_history_pk primary key (installed_rank)
);
create index flyway_schema_history_s_idx on flyway_schema_history (success);
insert into flyway_schema_history values (1, '1', 'items', 'SQL', 'V1__items.sql', 12345, 'app', now(), 5, true);
`

/** pg_dump --schema-only, normalised, with the named tables left out. */
function dump(db: FreshDatabase, exclude: string[]): string {
  const bin = process.env.TINYMIGRATE_TEST_PG_BIN
  const args = ['--schema-only', '--no-owner', '--dbname', db.url, ...exclude.map((t) => `--exclude-table=${t}`)]
  const r = spawnSync(bin ? path.join(bin, 'pg_dump') : 'pg_dump', args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`pg_dump failed: ${r.stderr}`)
  return normaliseDump(r.stdout)
}

/** The pair baseline wrote into `dir`: its version and both texts. */
function writtenPair(dir: string, name: string): { version: string; up: string; down: string } {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()
  assert.equal(files.length, 2, `expected one up/down pair in ${dir}, found ${files.join(', ')}`)
  const m = new RegExp(`^(\\d{14})_${name}\\.down\\.sql$`).exec(files[0]!)
  assert.ok(m, `unexpected file name ${files[0]}`)
  assert.equal(files[1], `${m[1]}_${name}.up.sql`)
  return {
    version: m[1]!,
    up: readFileSync(path.join(dir, files[1]!), 'utf8'),
    down: readFileSync(path.join(dir, files[0]!), 'utf8'),
  }
}

test('baseline of a database built by hand (Alembic kept its revision there): the pair gives the same schema elsewhere, and its down empties it', async (t) => {
  const shop = await freshDatabase(t)
  await shop.sql.unsafe(SHOP + ALEMBIC)
  const dumpBefore = dump(shop, ['public.alembic_version'])
  // a folder that does not exist yet: baseline creates it
  const dir = path.join(await tempDir(t, 'tm-baseline-'), 'db', 'migrations')

  const run = await cli(shop, dir, 'baseline', 'initial')
  expectExit(run, 0, 'baseline')
  const { version, up, down } = writtenPair(dir, 'initial')
  assert.equal(run.stdout, [
    `wrote ${dir}/${version}_initial.up.sql`,
    `wrote ${dir}/${version}_initial.down.sql`,
    `recorded ${version}_initial as applied (not run)`,
    `current: ${version}`,
    '',
    'left out of the baseline: public.alembic_version (Alembic\'s history). Once nothing runs Alembic any more, drop it:',
    '  drop table "public"."alembic_version";',
    '',
  ].join('\n'))
  assert.equal(run.stderr, [
    'checked on a scratch database (on the server): the up gives the database\'s schema, the down empties it again',
    'next: tinymigrate pull writes schema.sql from it',
    '',
  ].join('\n'))

  // the files: the whole schema, Alembic's table named as left out and nowhere else
  assert.match(up, new RegExp(`^-- ${version}_initial: the schema of the database when tinymigrate took it over`))
  assert.match(up, /^-- Left out: public\.alembic_version \(Alembic's history\)\.$/m)
  for (const object of ['TYPE "public"."order_status"', 'TABLE "public"."customers"', 'TABLE "public"."orders"', 'INDEX orders_customer',
    'VIEW "public"."open_orders"', 'FUNCTION public.customer_total', 'SCHEMA "reporting"', 'TABLE "reporting"."daily"']) {
    assert.ok(up.includes(`CREATE ${object}`) || up.includes(`CREATE OR REPLACE ${object}`), `the up creates ${object}:\n${up}`)
  }
  assert.equal(up.split('\n').filter((l) => l.includes('alembic_version') && !l.startsWith('--')).length, 0, up)
  assert.equal(up.includes('tinymigrate_history'), false)
  assert.match(down, /^DROP TABLE "public"."orders";$/m)

  // recorded as stamp records: checksum of the written up file, down text stored; nothing ran
  const rows = await shop.sql`select version, name, checksum, down_sql, state from tinymigrate_history`
  assert.deepEqual([...rows], [{ version, name: 'initial', checksum: sha256(up), down_sql: down, state: 'applied' }])
  assert.deepEqual([...await shop.sql`select email from customers`], [{ email: 'a@example.com' }])
  assert.deepEqual([...await shop.sql`select version_num from alembic_version`], [{ version_num: 'ae1027a6acf' }])
  assert.equal(dump(shop, ['public.alembic_version', 'public.tinymigrate_history']), dumpBefore)

  const status = await cli(shop, dir, 'status', '--json')
  expectExit(status, 0, 'status')
  assert.deepEqual(JSON.parse(status.stdout).migrations.map((m: { version: string; state: string }) => [m.version, m.state]), [[version, 'applied']])
  assert.equal((await cli(shop, dir, 'up')).stdout, `nothing to do; current: ${version}\n`)

  // schema.sql from the migrations; the live database has exactly that schema
  expectExit(await cli(shop, dir, 'pull'), 0, 'pull')
  const check = await cli(shop, dir, 'check', '--from-db')
  expectExit(check, 0, 'check --from-db')
  assert.equal(check.stdout, `ok: the database has exactly the schema of ${dir}/schema.sql\n`)

  // a new environment: up runs the baseline, and gives what the original has
  const fresh = await freshDatabase(t)
  const applied = await cli(fresh, dir, 'up')
  expectExit(applied, 0, 'up on an empty database')
  assert.match(applied.stdout, new RegExp(`^applied  ${version}_initial  \\(`))
  assert.equal(dump(fresh, ['public.tinymigrate_history']), dumpBefore)
  expectExit(await cli(fresh, dir, 'check', '--from-db'), 0, 'check --from-db on the new environment')

  // and its down takes that database back to empty
  const empty = await freshDatabase(t)
  expectExit(await cli(fresh, dir, 'down', '1'), 0, 'down 1')
  assert.equal(dump(fresh, ['public.tinymigrate_history']), dump(empty, []))
  assert.deepEqual(await historyVersions(fresh), [])
})

test('baseline refuses a database that is tracked already, or empty, and a folder that has migrations: nothing written or recorded', async (t) => {
  const db = await freshDatabase(t)
  const dir = path.join(await tempDir(t, 'tm-baseline-'), 'migrations')
  const options = { url: db.url, dir, name: 'initial' }

  const empty = await rejection(baseline(options))
  assert.equal(empty.code, 'BASELINE_EMPTY')
  assert.equal(empty.message, 'The database has no schema objects to write a baseline of. Nothing was written or recorded.')
  assert.equal(empty.next, 'Start with a first migration instead: tinymigrate new <name>, then tinymigrate up.')

  await db.sql`create table items (id int primary key)`
  const full = await migrationsDir(t, { '001_notes.up.sql': 'create table notes (id int primary key);\n', 'schema.sql': '' })
  const files = await rejection(baseline({ ...options, dir: full }))
  assert.equal(files.code, 'BASELINE_FILES')
  assert.equal(files.message, `${full} already holds 1 migration (001_notes), none recorded in this database: a baseline must be the first migration. Nothing was written or recorded.`)
  assert.equal(files.next, 'If they came from a baseline of another database of this project (production, staging), record them here instead: tinymigrate stamp 001 (or the version this database has reached), then tinymigrate check --from-db. Otherwise point --dir at an empty folder.')

  // golang-migrate's table (its own DDL) and dbmate's: their files are the history
  await db.sql`create table schema_migrations (version bigint not null primary key, dirty boolean not null)`
  await db.sql`insert into schema_migrations values (1, false)`
  const golang = await rejection(baseline(options))
  assert.equal(golang.code, 'BASELINE_FOREIGN')
  assert.equal(golang.message, 'public.schema_migrations is golang-migrate\'s history: that tool migrated this database, so its migration files are the history, not a baseline. Nothing was written or recorded.')
  assert.match(golang.next ?? '', /^Put its migration files in .* and run tinymigrate adopt: it records what golang-migrate applied\./)
  await db.sql`drop table schema_migrations`
  await db.sql`create table schema_migrations (version varchar(128) primary key)`
  assert.match((await rejection(baseline(options))).message, /^public\.schema_migrations is dbmate's history/)
  await db.sql`drop table schema_migrations`

  // tinymigrate's own history with a row
  await migrate({ url: db.url, dir: full })
  const tracked = await rejection(baseline(options))
  assert.equal(tracked.code, 'BASELINE_TRACKED')
  assert.equal(tracked.message, 'tinymigrate\'s history in public.tinymigrate_history already records 1 migration (001_notes): this database is tracked already. Nothing was written or recorded.')

  // the CLI: exit 3, one JSON document
  const cliRun = await cli(db, dir, 'baseline', 'initial', '--json')
  expectExit(cliRun, 3, 'baseline --json on a tracked database')
  const doc = JSON.parse(cliRun.stdout)
  assert.deepEqual([doc.ok, doc.error.code, doc.error.message], [false, 'BASELINE_TRACKED', tracked.message])

  assert.equal(existsSync(dir), false)
  assert.deepEqual(await historyVersions(db), ['001'])
})

test('baseline --help, and its usage errors before any connection', async () => {
  const help = await runCli(['baseline', '--help'])
  expectExit(help, 0, 'baseline --help')
  const blocks = help.stdout.split('\n\n')
  assert.equal(blocks[0], 'Usage: tinymigrate baseline <name>')
  assert.match(blocks[1]!, /^Write the first migration from the schema of a database .*\.$/)
  assert.match(blocks[2]!, /^Options:\n {2}--prelude <path> +SQL run on every scratch database first; what it creates is left out of the baseline\n/)
  assert.match(blocks[2]!, /^ {2}--dry-run +print both files and the history write; write and record nothing$/m)
  assert.equal(blocks[3], 'Example:\n  tinymigrate baseline initial && tinymigrate pull\n')
  assert.match((await runCli(['--help'])).stdout, /^ {2}baseline +Write the first migration/m)

  // a URL nobody listens on: these fail before connecting
  const url = 'postgres://nobody@127.0.0.1:1/none'
  for (const [args, message] of [
    [['baseline'], 'baseline needs a name for the migration it writes.'],
    [['baseline', 'a', 'b'], 'Too many arguments for baseline: a b.'],
    [['baseline', 'x', '--from', 'dbmate'], 'Option --from does not apply to baseline.'],
    [['baseline', '!!'], '"!!" has no letters or digits to name a migration with.'],
  ] as [string[], string][]) {
    const r = await runCli([...args, '--url', url, '--json'])
    expectExit(r, 2, args.join(' '))
    const doc = JSON.parse(r.stdout)
    assert.deepEqual([doc.error.code, doc.error.message], ['USAGE', message], args.join(' '))
  }
})

test('baseline --dry-run prints both files and the history write and records nothing; --json; Flyway\'s table is left out, a project\'s own schema_migrations is not; what tinymigrate does not read is named', async (t) => {
  const db = await freshDatabase(t)
  await db.sql.unsafe(FLYWAY)
  await db.sql`create table items (id int primary key, name text not null)`
  await db.sql`create table schema_migrations (id int primary key, note text)`
  await db.sql`create text search configuration items_search (copy = pg_catalog.english)`
  const dir = path.join(await tempDir(t, 'tm-baseline-'), 'migrations')

  const dry = await cli(db, dir, 'baseline', 'initial', '--dry-run')
  expectExit(dry, 0, 'baseline --dry-run')
  assert.match(dry.stdout, /^-- \d{14}_initial: the schema of the database when tinymigrate took it over/)
  assert.match(dry.stdout, /^CREATE TABLE "public"\."items" \($/m)
  assert.match(dry.stdout, /^CREATE TABLE "public"\."schema_migrations" \($/m)
  assert.doesNotMatch(dry.stdout, /^CREATE [^\n]*flyway/m)
  assert.match(dry.stdout, /\n-- ----- down -----\n[\s\S]*^DROP TABLE "public"\."items";$/m)
  assert.match(dry.stdout, /\n-- ----- then recorded as applied \(not run\) -----\n-- create history table "public"\."tinymigrate_history"\ninsert into "public"\."tinymigrate_history" \(version, name, checksum, down_sql, duration_ms\)\nvalues \('\d{14}', 'initial', '[0-9a-f]{64}', /)
  assert.ok(dry.stdout.endsWith('\n-- left out: public.flyway_schema_history (Flyway\'s history); once nothing runs Flyway any more: drop table "public"."flyway_schema_history";\n'), dry.stdout)
  assert.equal(existsSync(dir), false)
  assert.equal(await historyVersions(db), null)

  const run = await cli(db, dir, 'baseline', 'initial', '--json')
  expectExit(run, 0, 'baseline --json')
  const doc = JSON.parse(run.stdout)
  const { version, up, down } = writtenPair(dir, 'initial')
  assert.deepEqual(doc, {
    ok: true,
    version,
    name: 'initial',
    up: `${dir}/${version}_initial.up.sql`,
    down: `${dir}/${version}_initial.down.sql`,
    leftOut: [{ table: 'public.flyway_schema_history', tool: 'flyway', drop: 'drop table "public"."flyway_schema_history";' }],
    notCompared: { 'text search configuration': 1 },
    engine: 'server',
    current: version,
    dryRun: false,
    statements: [],
    sql: { up, down },
  })
  assert.deepEqual(await historyVersions(db), [version])
  assert.equal((await db.sql`select count(*)::int as n from flyway_schema_history`)[0]!.n, 1)
  assert.match(up, /^-- Not included \(tinymigrate does not read them\): 1 text search configuration\.$/m)
  assert.equal(dry.stderr.split('\n')[0], 'warning not in the baseline (tinymigrate does not read them; add them to it by hand): 1 × text search configuration')
})

test('baseline takes the migration lock of up: while another runner holds it, it waits, then gives up with nothing written', async (t) => {
  const db = await freshDatabase(t)
  await db.sql`create table items (id int primary key)`
  const dir = path.join(await tempDir(t, 'tm-baseline-'), 'migrations')
  const holder = postgres(db.url, { max: 1, onnotice: () => {} })
  t.after(() => holder.end({ timeout: 5 }))
  await holder`select pg_advisory_lock(${lockKey('public', 'tinymigrate_history').toString()}::bigint)`

  const error = await rejection(baseline({ url: db.url, dir, name: 'initial', lockTimeout: 0.3 }))
  assert.equal(error.code, 'LOCK_TIMEOUT')
  assert.equal(existsSync(dir), false)
  assert.equal(await historyVersions(db), null)

  await mkdir(dir)
  await writeFile(path.join(dir, 'README.md'), 'not a migration\n')
  await holder`select pg_advisory_unlock_all()`
  const result = await baseline({ url: db.url, dir, name: 'initial' })
  assert.deepEqual(await historyVersions(db), [result.version])
  assert.deepEqual(readdirSync(dir).sort(), [`${result.version}_initial.down.sql`, `${result.version}_initial.up.sql`, 'README.md'])
})

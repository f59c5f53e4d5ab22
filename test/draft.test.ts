// diff, check and pull as a user meets them, against the test server: the scratch databases are
// created on it and must be gone afterwards, also after an error.
import assert from 'node:assert/strict'
import { appendFileSync, cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { adminSql, adminUrl, expectExit, freshDatabase, runCli, scratchDatabases, scratchLeftSince, show, spawnCli, tempDir, until, type HookScope } from './helpers.js'

const example = fileURLToPath(new URL('../../migrations', import.meta.url))

/** A copy of the repository's example project: migrations/ with its schema.sql. */
async function project(t: HookScope): Promise<{ root: string; dir: string; schema: string }> {
  const root = await tempDir(t, 'tm-draft-')
  const dir = path.join(root, 'migrations')
  cpSync(example, dir, { recursive: true })
  return { root, dir, schema: path.join(dir, 'schema.sql') }
}

/** Scratch databases of this process's children: none may be left once a command has exited. */
async function assertNoScratchLeft(before: string[]): Promise<void> {
  assert.deepEqual(await scratchLeftSince(before), [], 'scratch databases left behind')
}

const server = () => ['--url', adminUrl()]

test('check passes on the example project and fails, listing the difference, when schema.sql has a change no migration has', async (t) => {
  const p = await project(t)
  const before = await scratchDatabases()
  const ok = await runCli(['check', ...server()], { cwd: p.root })
  expectExit(ok, 0, 'check on the example')
  assert.match(ok.stdout, /^ok: the migrations give exactly the schema of migrations\/schema\.sql/)

  appendFileSync(p.schema, '\nalter table users add column nickname text;\ncreate index users_nickname_idx on users (nickname);\n')
  const bad = await runCli(['check', ...server()], { cwd: p.root })
  expectExit(bad, 3, 'check with a forgotten migration')
  assert.deepEqual(bad.stdout.trim().split('\n'), ['+ column public.users.nickname', '+ index public.users_nickname_idx'], show(bad))
  assert.match(bad.stderr, /2 difference\(s\)/)
  assert.match(bad.stderr, /tinymigrate diff <name>/)
  await assertNoScratchLeft(before)
})

test('diff writes a checked pair; up applies it, check passes, down reverts it', async (t) => {
  const p = await project(t)
  const db = await freshDatabase(t)
  appendFileSync(p.schema, "\ncreate type plan as enum ('free', 'pro');\nalter table users add column plan plan not null default 'free';\n")
  const d = await runCli(['diff', 'add_plan', '--url', db.url], { cwd: p.root })
  expectExit(d, 0, 'diff')
  const written = readdirSync(p.dir).filter((f) => f.includes('add_plan')).sort()
  assert.deepEqual(written, ['004_add_plan.down.sql', '004_add_plan.up.sql'])
  assert.match(d.stdout, /wrote migrations\/004_add_plan\.up\.sql\nwrote migrations\/004_add_plan\.down\.sql/)
  const up = readFileSync(path.join(p.dir, '004_add_plan.up.sql'), 'utf8')
  assert.match(up, /CREATE TYPE "public"\."plan" AS ENUM \('free', 'pro'\);/)
  assert.match(up, /ALTER TABLE "public"\."users" ADD COLUMN "plan" public\.plan DEFAULT 'free'::public\.plan NOT NULL;/)
  const down = readFileSync(path.join(p.dir, '004_add_plan.down.sql'), 'utf8')
  assert.match(down, /-- WARNING: drops column public\.users\.plan and its data\nALTER TABLE "public"\."users" DROP COLUMN "plan";/)
  assert.match(down, /DROP TYPE "public"\."plan";/)
  // The target database was never touched by diff.
  assert.equal((await db.sql`select tablename from pg_tables where schemaname = 'public'`).length, 0)

  expectExit(await runCli(['up', '--url', db.url], { cwd: p.root }), 0, 'up')
  const cols = await db.sql`select column_name, column_default from information_schema.columns where table_name = 'users' and column_name = 'plan'`
  assert.deepEqual(cols.map((c) => c.column_default), ["'free'::plan"])
  expectExit(await runCli(['check', '--from-db', '--url', db.url], { cwd: p.root }), 0, 'check --from-db after up')
  expectExit(await runCli(['check', '--url', db.url], { cwd: p.root }), 0, 'check after diff')
  expectExit(await runCli(['down', '1', '--url', db.url], { cwd: p.root }), 0, 'down 1')
  assert.equal((await db.sql`select 1 from information_schema.columns where table_name = 'users' and column_name = 'plan'`).length, 0)
})

test('revision --autogenerate -m is diff; with nothing to draft it writes nothing', async (t) => {
  const p = await project(t)
  const same = await runCli(['revision', '--autogenerate', '-m', 'nothing', ...server()], { cwd: p.root })
  expectExit(same, 0, 'nothing to draft')
  assert.match(same.stdout, /^nothing to draft: the migrations give exactly the schema of migrations\/schema\.sql/)
  assert.equal(readdirSync(p.dir).filter((f) => f.includes('nothing')).length, 0)

  appendFileSync(p.schema, '\ncomment on table users is \'People who log in\';\n')
  const r = await runCli(['revision', '--autogenerate', '-m', 'describe users', '--json', ...server()], { cwd: p.root })
  expectExit(r, 0, 'revision --autogenerate')
  const doc = JSON.parse(r.stdout)
  assert.equal(doc.ok, true)
  assert.equal(doc.changed, true)
  assert.equal(doc.version, '004')
  assert.deepEqual(doc.changes, ['~ comment on table public.users'])
  assert.equal(doc.up, path.join('migrations', '004_describe_users.up.sql'))
  assert.match(readFileSync(path.join(p.root, doc.up), 'utf8'), /COMMENT ON TABLE "public"\."users" IS 'People who log in';/)
  assert.match(readFileSync(path.join(p.root, doc.down), 'utf8'), /COMMENT ON TABLE "public"\."users" IS NULL;/)
})

test('pull writes a schema.sql that check accepts, and pulling again gives the same file', async (t) => {
  const p = await project(t)
  writeFileSync(p.schema, '-- to be replaced\n')
  const r = await runCli(['pull', ...server()], { cwd: p.root })
  expectExit(r, 0, 'pull')
  assert.match(r.stdout, /^wrote migrations\/schema\.sql \(\d+ statements, from the migrations in migrations\)/)
  const first = readFileSync(p.schema, 'utf8')
  assert.match(first, /CREATE TABLE "public"\."users" \(/)
  expectExit(await runCli(['check', ...server()], { cwd: p.root }), 0, 'check after pull')
  expectExit(await runCli(['pull', ...server()], { cwd: p.root }), 0, 'pull again')
  assert.equal(readFileSync(p.schema, 'utf8'), first)
})

test('--from-db: refused while migrations are pending; finds drift and drafts the fix', async (t) => {
  const p = await project(t)
  const db = await freshDatabase(t)
  const pending = await runCli(['check', '--from-db', '--url', db.url], { cwd: p.root })
  expectExit(pending, 3, 'check --from-db before up')
  assert.match(pending.stderr, /Target database is not up to date/)
  assert.match(pending.stderr, /tinymigrate up/)

  expectExit(await runCli(['up', '--url', db.url], { cwd: p.root }), 0, 'up')
  await db.sql`alter table users add column hotfix boolean`
  const drift = await runCli(['check', '--from-db', '--url', db.url], { cwd: p.root })
  expectExit(drift, 3, 'check --from-db with drift')
  assert.equal(drift.stdout.trim(), '- column public.users.hotfix')

  const d = await runCli(['diff', 'undo_hotfix', '--from-db', '--url', db.url], { cwd: p.root })
  expectExit(d, 0, 'diff --from-db')
  assert.match(readFileSync(path.join(p.dir, '004_undo_hotfix.up.sql'), 'utf8'), /ALTER TABLE "public"\."users" DROP COLUMN "hotfix";/)
  assert.match(readFileSync(path.join(p.dir, '004_undo_hotfix.down.sql'), 'utf8'), /ALTER TABLE "public"\."users" ADD COLUMN "hotfix" boolean;/)
  // The live database is read, never changed.
  assert.equal((await db.sql`select 1 from information_schema.columns where table_name = 'users' and column_name = 'hotfix'`).length, 1)
})

test('a SQL error in schema.sql names file, line and column, and leaves no scratch database', async (t) => {
  const p = await project(t)
  const before = await scratchDatabases()
  appendFileSync(p.schema, '\ncreate table broken (id integer references nowhere (id));\n')
  const r = await runCli(['check', ...server()], { cwd: p.root })
  expectExit(r, 1, 'check with a broken schema.sql')
  const line = readFileSync(p.schema, 'utf8').split('\n').findIndex((l) => l.startsWith('create table broken')) + 1
  assert.match(r.stderr, new RegExp(`migrations/schema\\.sql:${line}:1`))
  assert.match(r.stderr, /relation "nowhere" does not exist/)
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
  await assertNoScratchLeft(before)
})

test('schema.sql runs as psql -f runs it, each statement on its own; an error after hundreds of statements names its line and column', async (t) => {
  const root = await tempDir(t, 'tm-draft-')
  const dir = path.join(root, 'migrations')
  const schema = path.join(dir, 'schema.sql')
  const tables = Array.from({ length: 250 }, (_, i) => `create table t${i} (id integer primary key);`)
  const body = [
    "create type mood as enum ('ok');",
    // In one transaction the new value could not be used until it commits.
    "alter type mood add value 'great';",
    "create table feelings (id integer primary key, mood mood not null default 'great');",
    ...tables,
  ]
  mkdirSync(dir)
  writeFileSync(schema, `${body.join('\n')}\n`)
  // Outside a transaction, as the runner runs a file so marked, the value can be used at once.
  writeFileSync(path.join(dir, '001_all.up.sql'), `-- tinymigrate:no-transaction\n${body.join('\n')}\n`)
  const ok = await runCli(['check', ...server(), '--dir', dir], { cwd: root })
  expectExit(ok, 0, 'check with an enum value used after the statement that adds it')

  const before = await scratchDatabases()
  writeFileSync(schema, `${body.join('\n')}\n\ncreate view v as\n  select id, no_such_column from t7;\n${tables.slice(0, 3).join('\n')}\n`)
  const r = await runCli(['check', ...server(), '--dir', dir], { cwd: root })
  expectExit(r, 1, 'check with an error near the end of schema.sql')
  assert.match(r.stderr, new RegExp(`migrations/schema\\.sql:${body.length + 3}:14`))
  assert.match(r.stderr, /column "no_such_column" does not exist/)
  await assertNoScratchLeft(before)
})

test('a role that may not create databases is told to use --shadow-url', async (t) => {
  const p = await project(t)
  const role = `tm_nocreate_${process.pid}`
  const root = adminSql()
  await root.unsafe(`create role ${role} login`)
  t.after(() => root.unsafe(`drop role if exists ${role}`))
  const url = new URL(adminUrl())
  url.username = role
  const r = await runCli(['check', '--url', url.href], { cwd: p.root })
  expectExit(r, 2, 'check without CREATEDB')
  assert.match(r.stderr, /may not create databases/)
  assert.match(r.stderr, /--shadow-url/)
  // --shadow-url points the scratch databases elsewhere.
  expectExit(await runCli(['check', '--url', url.href, '--shadow-url', adminUrl()], { cwd: p.root }), 0, 'check with --shadow-url')
})

test('objects the comparison does not cover are named, never ignored', async (t) => {
  const p = await project(t)
  appendFileSync(p.schema, '\ncreate rule users_no_delete as on delete to users do instead nothing;\n')
  const r = await runCli(['check', '--json', ...server()], { cwd: p.root })
  expectExit(r, 0, 'check')
  const doc = JSON.parse(r.stdout)
  assert.deepEqual(doc, { ok: true, differences: [], notCompared: { rule: 1 }, engine: 'server', source: 'migrations' })
  const human = await runCli(['check', ...server()], { cwd: p.root })
  assert.match(human.stdout, /not compared: 1 × rule/)
})

test('Ctrl-C during check drops the scratch databases and exits 130', async (t) => {
  const p = await project(t)
  // A migration that takes a while, so that the interrupt lands during the replay.
  writeFileSync(path.join(p.dir, '004_slow.up.sql'), 'select pg_sleep(30);\n')
  const run = spawnCli(['check', ...server()], { cwd: p.root })
  const mine = `tinymigrate_scratch_${run.child.pid}_`
  await until('its first scratch database exists', 20_000, async () => ((await scratchDatabases()).filter((d) => d.startsWith(mine)).length >= 1 ? true : undefined))
  run.child.kill('SIGINT')
  const r = await run.result
  expectExit(r, 130, 'check interrupted')
  assert.match(r.stderr, /INTERRUPTED/)
  assert.deepEqual((await scratchDatabases()).filter((d) => d.startsWith(mine)), [])
})

test('a role that a migration creates is there for schema.sql: the two sides then load one after the other', async (t) => {
  const p = await project(t)
  const role = `tm_reader_${process.pid}`
  const root = adminSql()
  t.after(() => root.unsafe(`drop role if exists ${role}`))
  // The pause comes first, so schema.sql would meet no such role if both sides loaded at once.
  const grant = `create table reports (id int);\ngrant select on reports to ${role};\n`
  writeFileSync(path.join(p.dir, '004_reader.up.sql'), `select pg_sleep(0.5);\ncreate role ${role};\n${grant}`)
  appendFileSync(p.schema, `\n${grant}`)
  const r = await runCli(['check', ...server()], { cwd: p.root })
  expectExit(r, 0, 'check with a role made by a migration')
  assert.match(r.stdout, /^ok: /)
})

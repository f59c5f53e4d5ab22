// Fleets on one test cluster: dozens of databases and hundreds of tenant schemas, each target an
// ordinary run with its own history and lock. What must hold: every target ends exactly where a
// single run would leave it, each migration applied once per target whatever runs at the same
// time, failures reported with the target named (never its password), and a run resumed by
// running it again.
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import { fleet } from '../src/index.js'
import {
  adminSql, adminUrl, expectExit, freshDatabase, migrationsDir, runCli, spawnCli, tempDir,
  type FreshDatabase, type HookScope,
} from './helpers.js'

const MIGRATIONS = {
  '001_accounts.up.sql': 'create table accounts (id int primary key, name text);\ninsert into applied_log values (\'001\');\n',
  '001_accounts.down.sql': 'drop table accounts;\n',
  '002_orders.up.sql': 'create table orders (id int primary key, account_id int references accounts);\ninsert into applied_log values (\'002\');\n',
  '002_orders.down.sql': 'drop table orders;\n',
  '003_index.up.sql': 'create index orders_account on orders (account_id);\ninsert into applied_log values (\'003\');\n',
  '003_index.down.sql': 'drop index orders_account;\n',
}

/** `n` fresh databases, each with the log table the migrations write to. */
async function databases(t: HookScope, n: number): Promise<FreshDatabase[]> {
  const list: FreshDatabase[] = []
  for (let i = 0; i < n; i++) {
    const db = await freshDatabase(t)
    await db.sql`create table applied_log (version text)`
    list.push(db)
  }
  return list
}

/** Waits until `n` sessions of the cluster are running a statement that contains `text`. */
async function running(text: string, n: number): Promise<void> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const [row] = await adminSql()`select count(*)::int as n from pg_stat_activity where state = 'active' and pid <> pg_backend_pid() and position(${text} in query) > 0`
    if (row!.n >= n) return
    assert.ok(Date.now() < deadline, `${n} session(s) never ran ${text}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function targetsFile(t: HookScope, urls: string[]): Promise<string> {
  const dir = await tempDir(t, 'tm-fleet-')
  const file = path.join(dir, 'targets.txt')
  await writeFile(file, `# the fleet\n\n${urls.join('\n')}\n`)
  return file
}

async function applied(db: FreshDatabase, schema = 'public'): Promise<string[]> {
  const rows = await db.sql`select version from ${db.sql(schema)}.tinymigrate_history order by version`.catch(() => [])
  return rows.map((r) => r.version as string)
}

async function logged(db: FreshDatabase, schema = 'public'): Promise<string[]> {
  const rows = await db.sql`select version from ${db.sql(schema)}.applied_log order by version`
  return rows.map((r) => r.version as string)
}

test('up on 24 databases from a targets file: every one migrated, a line each, a summary; up again changes nothing', { timeout: 120_000 }, async (t) => {
  const dbs = await databases(t, 24)
  const dir = await migrationsDir(t, MIGRATIONS)
  const file = await targetsFile(t, dbs.map((d) => d.url))
  const r = await runCli(['up', '--targets', file, '--dir', dir, '--parallel', '6'])
  expectExit(r, 0, 'fleet up')
  for (const db of dbs) {
    assert.deepEqual(await applied(db), ['001', '002', '003'])
    assert.deepEqual(await logged(db), ['001', '002', '003'])
  }
  assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('migrated ')).length, 24)
  assert.match(r.stdout, /^fleet: 24 migrated, 0 up to date, 0 failed \(24 targets\)$/m)
  const name = new URL(dbs[0]!.url)
  assert.match(r.stdout, new RegExp(`^migrated  ${name.hostname}:${name.port}/${dbs[0]!.name}  applied 001, 002, 003; current 003`, 'm'))

  const again = await runCli(['up', '--targets', file, '--dir', dir, '--json'])
  expectExit(again, 0, 'fleet up again')
  const doc = JSON.parse(again.stdout)
  assert.deepEqual(Object.keys(doc), ['ok', 'command', 'targets', 'summary'])
  assert.deepEqual(doc.summary, { targets: 24, migrated: 0, reverted: 0, unchanged: 24, failed: 0, notStarted: 0 })
  assert.deepEqual(Object.keys(doc.targets[0]).sort(), ['applied', 'current', 'durationMs', 'error', 'ok', 'result', 'reverted', 'schema', 'started', 'target'])
  assert.deepEqual([doc.targets[0].applied, doc.targets[0].current, doc.targets[0].error], [[], '003', null])
  for (const db of dbs) assert.deepEqual(await logged(db), ['001', '002', '003'], 'nothing ran twice')

  const status = await runCli(['status', '--targets', file, '--dir', dir])
  expectExit(status, 0, 'fleet status')
  assert.equal(status.stdout.split('\n').filter((l) => /^ok {8}\S+ {2}current 003, 0 pending$/.test(l)).length, 24, status.stdout)
})

test('tenant schemas: 200 schemas of one database, each with its own history table; names that need quoting work', { timeout: 120_000 }, async (t) => {
  const db = await freshDatabase(t)
  const tenants = [...Array.from({ length: 199 }, (_, i) => `tenant_${String(i).padStart(3, '0')}`), 'Tenant "Quoted" Inc']
  for (const s of tenants) {
    await db.sql`create schema ${db.sql(s)}`
    await db.sql`create table ${db.sql(s)}.applied_log (version text)`
  }
  const dir = await migrationsDir(t, MIGRATIONS)
  const r = await runCli(['up', '--url', db.url, '--dir', dir, '--schemas-query', "select nspname from pg_namespace where nspname like 'tenant%' or nspname like 'Tenant%' order by 1", '--parallel', '8'])
  expectExit(r, 0, 'fleet up on schemas')
  assert.match(r.stdout, /^fleet: 200 migrated, 0 up to date, 0 failed \(200 targets\)$/m)
  for (const s of [tenants[0]!, tenants[150]!, tenants[199]!]) {
    assert.deepEqual(await applied(db, s), ['001', '002', '003'], s)
    assert.deepEqual(await logged(db, s), ['001', '002', '003'], s)
    const [row] = await db.sql`select count(*)::int as n from pg_tables where schemaname = ${s} and tablename in ('accounts', 'orders')`
    assert.equal(row!.n, 2, `the tables are in ${s}`)
  }
  const [pub] = await db.sql`select count(*)::int as n from pg_tables where schemaname = 'public'`
  assert.equal(pub!.n, 0, 'nothing landed in public')

  // down on a list of two, quoted name included
  const down = await runCli(['down', '--url', db.url, '--dir', dir, '--schemas', `tenant_000,${tenants[199]}`, '--json'])
  expectExit(down, 0, 'fleet down')
  const doc = JSON.parse(down.stdout)
  assert.deepEqual(doc.targets.map((x: { schema: string; reverted: string[] }) => [x.schema, x.reverted]), [['tenant_000', ['003']], [tenants[199], ['003']]])
  assert.deepEqual(await applied(db, tenants[199]!), ['001', '002'])

  // the library: the same, returning the per-target results
  const lib = await fleet({ command: 'current', url: db.url, dir, schemas: ['tenant_000', 'tenant_001'] })
  assert.deepEqual(lib.targets.map((x) => [x.schema, x.current]), [['tenant_000', '002'], ['tenant_001', '003']])
})

test('an unreachable target and a failing migration: reported with the target named; --continue-on-error migrates the rest, without it no new target starts', { timeout: 120_000 }, async (t) => {
  const dbs = await databases(t, 6)
  // the third database already has an orders table: 002 fails there and is rolled back
  await dbs[2]!.sql`create table orders (id int)`
  const dir = await migrationsDir(t, MIGRATIONS)
  const dead = new URL(adminUrl())
  dead.port = '1'
  dead.pathname = '/nowhere'
  dead.password = 'hunter2-secret'
  const urls = [dbs[0]!.url, dbs[1]!.url, dbs[2]!.url, dead.toString(), dbs[3]!.url, dbs[4]!.url, dbs[5]!.url]
  const file = await targetsFile(t, urls)

  const stopped = await runCli(['up', '--targets', file, '--dir', dir, '--parallel', '1'])
  expectExit(stopped, 1, 'fleet stopping at the first failure')
  assert.match(stopped.stdout, /^failed {4}\S+  SQL_FAILED  .*002_orders\.up\.sql:1:\d+  \(applied first: 001\)$/m)
  assert.equal(stopped.stdout.split('\n').filter((l) => l.startsWith('skipped ')).length, 4)
  assert.match(stopped.stdout, /^fleet: 2 migrated, 0 up to date, 1 failed, 4 not started \(7 targets\)$/m)
  assert.match(stopped.stderr, /error SQL_FAILED/)
  assert.deepEqual(await applied(dbs[2]!), ['001'], 'the failed migration stays rolled back')
  assert.deepEqual(await applied(dbs[3]!), [], 'no new target after the failure')

  const all = await runCli(['up', '--targets', file, '--dir', dir, '--parallel', '3', '--continue-on-error', '--json'])
  expectExit(all, 1, 'fleet with --continue-on-error')
  const doc = JSON.parse(all.stdout)
  const by = (name: string) => doc.targets.find((x: { target: string }) => x.target.endsWith(name))
  assert.equal(by('/nowhere').error.code, 'CONNECT_FAILED')
  assert.equal(by(`/${dbs[2]!.name}`).error.code, 'SQL_FAILED')
  assert.match(by(`/${dbs[2]!.name}`).error.location.file, /002_orders\.up\.sql$/)
  assert.deepEqual(doc.summary, { targets: 7, migrated: 3, reverted: 0, unchanged: 2, failed: 2, notStarted: 0 })
  for (const i of [0, 1, 3, 4, 5]) assert.deepEqual(await applied(dbs[i]!), ['001', '002', '003'])
  for (const out of [stopped.stdout, stopped.stderr, all.stdout, all.stderr]) assert.doesNotMatch(out, /hunter2/)

  // a canary that fails stops the fleet before anyone else
  const canaryFile = await targetsFile(t, [dbs[2]!.url, dbs[0]!.url])
  const canary = await runCli(['up', '--targets', canaryFile, '--dir', dir, '--canary', '1', '--continue-on-error', '--json'])
  expectExit(canary, 1, 'failing canary')
  assert.deepEqual(JSON.parse(canary.stdout).targets.map((x: { started: boolean }) => x.started), [true, false])
})

test('two fleet runs at once over the same targets apply each migration once per target; a run killed mid-way is resumed by running it again', { timeout: 120_000 }, async (t) => {
  const dbs = await databases(t, 8)
  const slow = { ...MIGRATIONS, '002_orders.up.sql': `select pg_sleep(0.3);\n${MIGRATIONS['002_orders.up.sql']}` }
  const dir = await migrationsDir(t, slow)
  const file = await targetsFile(t, dbs.map((d) => d.url))
  const [a, b] = await Promise.all([1, 2].map(() => runCli(['up', '--targets', file, '--dir', dir, '--parallel', '4'])))
  expectExit(a!, 0, 'first fleet')
  expectExit(b!, 0, 'second fleet')
  for (const db of dbs) assert.deepEqual(await logged(db), ['001', '002', '003'], 'each migration once')

  // killed while migrating, then run again
  const fresh = await databases(t, 6)
  const second = await targetsFile(t, fresh.map((d) => d.url))
  const run = spawnCli(['up', '--targets', second, '--dir', dir, '--parallel', '2'])
  await running('select pg_sleep(0.3)', 1)
  run.child.kill('SIGKILL')
  await run.result
  const resumed = await runCli(['up', '--targets', second, '--dir', dir])
  expectExit(resumed, 0, 'the resumed fleet')
  for (const db of fresh) {
    assert.deepEqual(await applied(db), ['001', '002', '003'])
    assert.deepEqual(await logged(db), ['001', '002', '003'], 'nothing ran twice across the kill')
  }
})

test('fleet flags: usage errors before any connection, and a password in a targets-query URL is never printed', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, MIGRATIONS)
  const both = await runCli(['up', '--dir', dir, '--schemas', 'a', '--targets-query', 'select 1'])
  expectExit(both, 2, 'two target sources')
  assert.match(both.stderr, /Give one source of targets/)
  expectExit(await runCli(['up', '--dir', dir, '--parallel', '2', '--url', db.url]), 2, '--parallel without targets')
  expectExit(await runCli(['up', '--dir', dir, '--schemas', 'a', '--url', db.url, '--parallel', '0']), 2, '--parallel 0')
  expectExit(await runCli(['up', '--dir', dir, '--schemas', 'a', '--url', db.url, '--dry-run']), 2, '--dry-run with a fleet')
  const noColumn = await runCli(['up', '--dir', dir, '--url', db.url, '--targets-query', 'select 1 as x'])
  expectExit(noColumn, 2, 'a targets query without url')
  assert.match(noColumn.stderr, /no column named url/)

  const withPassword = new URL(db.url)
  withPassword.password = 'sw0rdfish-secret'
  await db.sql`create table tenants (url text)`
  await db.sql`insert into tenants values (${withPassword.toString()})`
  await db.sql`create table applied_log (version text)`
  const r = await runCli(['up', '--dir', dir, '--url', db.url, '--targets-query', 'select url from tenants', '--json'])
  expectExit(r, 0, 'targets from a query')
  assert.doesNotMatch(r.stdout + r.stderr, /sw0rdfish/)
  assert.equal(JSON.parse(r.stdout).targets[0].target, `${withPassword.hostname}:${withPassword.port}/${db.name}`)
  const check = await runCli(['check', '--dir', dir, '--url', db.url, '--targets-query', 'select url from tenants'])
  expectExit(check, 2, 'check without --from-db')
})

test('Ctrl-C stops starting targets, rolls back the running migrations, and reports which targets finished (exit 130)', { timeout: 60_000 }, async (t) => {
  const dbs = await databases(t, 5)
  const dir = await migrationsDir(t, { ...MIGRATIONS, '002_orders.up.sql': `select pg_sleep(20);\n${MIGRATIONS['002_orders.up.sql']}` })
  const file = await targetsFile(t, dbs.map((d) => d.url))
  const run = spawnCli(['up', '--targets', file, '--dir', dir, '--parallel', '2'])
  await running('select pg_sleep(20)', 2)
  const sent = Date.now()
  run.child.kill('SIGINT')
  const r = await run.result
  assert.ok(Date.now() - sent < 5000, 'the running migrations were cancelled, not waited for')
  expectExit(r, 130, 'interrupted fleet')
  assert.equal(r.stdout.split('\n').filter((l) => /^stopped {3}\S+  INTERRUPTED/.test(l)).length, 2, r.stdout)
  assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('skipped ')).length, 3, r.stdout)
  assert.match(r.stdout, /^fleet: 0 migrated, 0 up to date, 2 failed, 3 not started \(5 targets\)$/m)
  for (const db of dbs) {
    assert.deepEqual((await logged(db)).filter((v) => v !== '001'), [], '002 was rolled back everywhere')
    assert.ok((await applied(db)).every((v) => v === '001'))
  }
})

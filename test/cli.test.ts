// The CLI as a user meets it: spawn bin/tinymigrate.cjs, assert the exit code, stdout and stderr.
// Durations and timestamps are the only parts of the output that vary; `stable` blanks them out.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import Module from 'node:module'
import path from 'node:path'
import { test } from 'node:test'
import {
  backendRunning, cli, freshDatabase, historyVersions, migrationsDir, rewrite, runCli, spawnCli, tables, tempDir, type CliResult,
} from './helpers.js'
import { createOutput } from '../src/cli/output.js'

// --- helpers ------------------------------------------------------------------------------------

/** Three migrations, each with a down file. */
const ABC = {
  '001_a.up.sql': 'create table a (id int);\n',
  '001_a.down.sql': 'drop table a;\n',
  '002_b.up.sql': 'create table b (id int);\n',
  '002_b.down.sql': 'drop table b;\n',
  '003_c.up.sql': 'create table c (id int);\n',
  '003_c.down.sql': 'drop table c;\n',
}

/** Durations and timestamps blanked out; everything else is compared as printed. */
function stable(text: string): string {
  return text
    // What a statement running for seconds is doing: its own test looks at these lines.
    .replace(/^\d+_[^\n:]+: [^\n]* \(\d+\.\d s\)\n/gm, '')
    .replace(/\(\d+ ms\)|\(\d+\.\d s\)/g, '(T)')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/g, 'YYYY-MM-DD hh:mm:ssZ')
}

function expectOk(r: CliResult, stdout: string, stderr = ''): void {
  assert.deepEqual({ code: r.code, stdout: stable(r.stdout), stderr: stable(r.stderr) }, { code: 0, stdout, stderr })
}

// A tiny shape checker: exact keys, and the type of each value.
type Shape = 'string' | 'number' | 'boolean' | 'null' | 'string|null' | 'number|null' | Shape[] | { [key: string]: Shape } | Nullable | Literal
interface Nullable { nullable: Shape }
interface Literal { literal: unknown }
const nullable = (shape: Shape): Nullable => ({ nullable: shape })
const literal = (value: unknown): Literal => ({ literal: value })

function assertShape(value: unknown, shape: Shape, where = '$'): void {
  if (typeof shape === 'string') {
    const type = value === null ? 'null' : typeof value
    assert.ok(shape.split('|').includes(type), `${where}: expected ${shape}, got ${JSON.stringify(value)}`)
    return
  }
  if (Array.isArray(shape)) {
    assert.ok(Array.isArray(value), `${where}: expected an array, got ${JSON.stringify(value)}`)
    value.forEach((item, i) => assertShape(item, shape[0]!, `${where}[${i}]`))
    return
  }
  if ('literal' in shape) {
    assert.deepEqual(value, shape.literal, `${where}: expected ${JSON.stringify(shape.literal)}`)
    return
  }
  if ('nullable' in shape) {
    if (value !== null) assertShape(value, shape.nullable, where)
    return
  }
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${where}: expected an object, got ${JSON.stringify(value)}`)
  assert.deepEqual(Object.keys(value).sort(), Object.keys(shape).sort(), `${where}: keys`)
  for (const [key, sub] of Object.entries(shape)) assertShape((value as Record<string, unknown>)[key], sub, `${where}.${key}`)
}

/** stdout is exactly one JSON document (and a newline), nothing else. */
function jsonOf(r: CliResult): any {
  assert.ok(r.stdout.endsWith('}\n'), `stdout is not one JSON document:\n${r.stdout}`)
  return JSON.parse(r.stdout)
}

const STEP: Shape = { version: 'string', name: 'string', durationMs: 'number', noTransaction: 'boolean' }
const RUN: Shape = {
  ok: literal(true), command: 'string', applied: [STEP], reverted: [STEP], current: 'string|null', dryRun: 'boolean', statements: ['string'],
}
const INFO: Shape = {
  version: 'string', name: 'string', state: 'string', file: 'string|null', appliedAt: 'string|null',
  durationMs: 'number|null', appliedBy: 'string|null', note: 'string|null',
}
const VERSION_NAME: Shape = { version: 'string', name: 'string' }

// --- commands and aliases -----------------------------------------------------------------------

test('up, up N, up --to V, then current, status and history', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, ABC)

  expectOk(await cli(db, dir, 'up', '1'), 'applied  001_a  (T)\ncurrent: 001\n')
  assert.deepEqual(await tables(db), ['a'])

  expectOk(await cli(db, dir, 'status'), [
    'version  name  state    applied at',
    '001      a     applied  YYYY-MM-DD hh:mm:ssZ',
    '002      b     pending',
    '003      c     pending',
    '',
    'current: 001; 2 pending (history table public.tinymigrate_history)',
    '',
  ].join('\n'))

  expectOk(await cli(db, dir, 'up', '--to', '002'), 'applied  002_b  (T)\ncurrent: 002\n')
  expectOk(await cli(db, dir, 'current'), '002_b\n')
  expectOk(await cli(db, dir, 'up'), 'applied  003_c  (T)\ncurrent: 003\n')
  expectOk(await cli(db, dir, 'up'), 'nothing to do; current: 003\n')
  assert.deepEqual(await tables(db), ['a', 'b', 'c'])

  const [{ user }] = await db.sql<{ user: string }[]>`select current_user as user`
  const history = await cli(db, dir, 'history')
  assert.equal(history.code, 0)
  assert.equal(history.stderr, '')
  const lines = history.stdout.trimEnd().split('\n')
  assert.match(lines[0]!, /^version\s+name\s+applied at\s+took\s+by$/)
  assert.equal(lines.length, 4)
  for (const [i, label] of ['001 a', '002 b', '003 c'].entries()) {
    const [version, name] = label.split(' ')
    assert.match(lines[i + 1]!, new RegExp(`^${version}\\s+${name}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+\\d+ ms\\s+${user}$`))
  }
})

test('current and history with nothing applied', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, ABC)
  expectOk(await cli(db, dir, 'current'), 'none\n')
  expectOk(await cli(db, dir, 'history'), 'No migration has been applied.\n')
  const empty = await migrationsDir(t, {})
  expectOk(await cli(db, empty, 'status'), `No migrations in ${empty}.\n`)
  // read-only commands never create the history table
  assert.equal(await historyVersions(db), null)
})

test('down, down N, down --to V, down --all', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, ABC)
  await cli(db, dir, 'up')

  expectOk(await cli(db, dir, 'down'), 'reverted 003_c  (T)\ncurrent: 002\n')
  assert.deepEqual(await tables(db), ['a', 'b'])
  await cli(db, dir, 'up')

  expectOk(await cli(db, dir, 'down', '2'), 'reverted 003_c  (T)\nreverted 002_b  (T)\ncurrent: 001\n')
  assert.deepEqual(await historyVersions(db), ['001'])
  await cli(db, dir, 'up')

  expectOk(await cli(db, dir, 'down', '--to', '1'), 'reverted 003_c  (T)\nreverted 002_b  (T)\ncurrent: 001\n')
  expectOk(await cli(db, dir, 'down', '--to', '001'), 'nothing to do; current: 001\n')
  await cli(db, dir, 'up')

  expectOk(await cli(db, dir, 'down', '--all'), 'reverted 003_c  (T)\nreverted 002_b  (T)\nreverted 001_a  (T)\ncurrent: none\n')
  assert.deepEqual(await tables(db), [])
  assert.deepEqual(await historyVersions(db), [])
  expectOk(await cli(db, dir, 'down'), 'nothing to do; current: none\n')
})

test('Alembic spellings: upgrade head / +1 / V, downgrade -1 / base / V, migrate, rollback', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, ABC)

  expectOk(await cli(db, dir, 'upgrade', '+1'), 'applied  001_a  (T)\ncurrent: 001\n')
  expectOk(await cli(db, dir, 'upgrade', '002'), 'applied  002_b  (T)\ncurrent: 002\n')
  expectOk(await cli(db, dir, 'upgrade', 'head'), 'applied  003_c  (T)\ncurrent: 003\n')
  expectOk(await cli(db, dir, 'downgrade', '-1'), 'reverted 003_c  (T)\ncurrent: 002\n')
  expectOk(await cli(db, dir, 'downgrade', '1'), 'reverted 002_b  (T)\ncurrent: 001\n')
  expectOk(await cli(db, dir, 'downgrade', 'base'), 'reverted 001_a  (T)\ncurrent: none\n')
  expectOk(await cli(db, dir, 'migrate'), 'applied  001_a  (T)\napplied  002_b  (T)\napplied  003_c  (T)\ncurrent: 003\n')
  expectOk(await cli(db, dir, 'rollback'), 'reverted 003_c  (T)\ncurrent: 002\n')
  expectOk(await cli(db, dir, 'upgrade', '+2'), 'applied  003_c  (T)\ncurrent: 003\n')
  expectOk(await cli(db, dir, 'downgrade', '-2'), 'reverted 003_c  (T)\nreverted 002_b  (T)\ncurrent: 001\n')
  assert.deepEqual(await tables(db), ['a'])
  // Alembic's signs work with tinymigrate's own names too: `down -1` is one step back
  expectOk(await cli(db, dir, 'up', '+2'), 'applied  002_b  (T)\napplied  003_c  (T)\ncurrent: 003\n')
  expectOk(await cli(db, dir, 'down', '-1'), 'reverted 003_c  (T)\ncurrent: 002\n')
  expectOk(await cli(db, dir, 'migrate', '+1'), 'applied  003_c  (T)\ncurrent: 003\n')
  expectOk(await cli(db, dir, 'rollback', '-2'), 'reverted 003_c  (T)\nreverted 002_b  (T)\ncurrent: 001\n')
})

test('redo reverts the newest migration and applies it again', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    ...ABC,
    '002_b.up.sql': "create table b (id int);\ninsert into b values (1);\n",
  })
  await cli(db, dir, 'up', '2')
  await db.sql`insert into b values (2)`
  expectOk(await cli(db, dir, 'redo'), 'reverted 002_b  (T)\napplied  002_b  (T)\ncurrent: 002\n')
  // the table was dropped and created again: the row added by hand is gone
  assert.deepEqual((await db.sql`select id from b order by id`).map((r) => r.id), [1])
  assert.deepEqual(await historyVersions(db), ['001', '002'])
})

test('stamp head / base / V records history without running anything', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, ABC)

  expectOk(await cli(db, dir, 'stamp', 'head'), [
    'recorded 001_a as applied (not run)',
    'recorded 002_b as applied (not run)',
    'recorded 003_c as applied (not run)',
    'current: 003',
    '',
  ].join('\n'))
  assert.deepEqual(await historyVersions(db), ['001', '002', '003'])
  assert.deepEqual(await tables(db), [])

  expectOk(await cli(db, dir, 'stamp', '1'), 'forgot   002_b (not reverted)\nforgot   003_c (not reverted)\ncurrent: 001\n')
  assert.deepEqual(await historyVersions(db), ['001'])

  expectOk(await cli(db, dir, 'stamp', 'base'), 'forgot   001_a (not reverted)\ncurrent: none\n')
  assert.deepEqual(await historyVersions(db), [])

  expectOk(await cli(db, dir, 'stamp', '002'), 'recorded 001_a as applied (not run)\nrecorded 002_b as applied (not run)\ncurrent: 002\n')
  expectOk(await cli(db, dir, 'stamp', 'head'), 'recorded 003_c as applied (not run)\ncurrent: 003\n')
  expectOk(await cli(db, dir, 'stamp', 'head'), 'current: 003\n')
  assert.deepEqual(await tables(db), [])
})

test('verify: exit 0 when files match history, 3 with problems, --json either way', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, ABC)
  await cli(db, dir, 'up', '2')

  expectOk(await cli(db, dir, 'verify'), 'ok: 2 applied migrations match their files\n')
  const fine = await cli(db, dir, 'verify', '--json')
  assert.equal(fine.code, 0)
  assert.equal(fine.stderr, '')
  const fineDoc = jsonOf(fine)
  assertShape(fineDoc, { ok: literal(true), problems: [{ code: 'string', version: 'string', name: 'string', message: 'string' }], migrations: [INFO] })
  assert.deepEqual(fineDoc.migrations.map((m: { state: string }) => m.state), ['applied', 'applied', 'pending'])

  await rewrite(dir, '001_a.up.sql', (text) => text.replace('int', 'bigint'))
  const bad = await cli(db, dir, 'verify')
  assert.deepEqual({ code: bad.code, stdout: bad.stdout, stderr: bad.stderr }, {
    code: 3,
    stdout: 'CHECKSUM_MISMATCH  001_a: the up file was edited after it was applied\n',
    stderr: 'warning verification failed: see the README troubleshooting table for each code\n',
  })

  const badJson = await cli(db, dir, 'verify', '--json')
  assert.equal(badJson.code, 3)
  assert.equal(badJson.stderr, '')
  const doc = jsonOf(badJson)
  assertShape(doc, { ok: literal(false), problems: [{ code: 'string', version: 'string', name: 'string', message: 'string' }], migrations: [INFO] })
  assert.deepEqual(doc.problems, [{ code: 'CHECKSUM_MISMATCH', version: '001', name: 'a', message: '001_a: the up file was edited after it was applied' }])
  assert.deepEqual(doc.migrations.map((m: { state: string }) => m.state), ['changed', 'applied', 'pending'])
})

test('repair --checksums accepts an edited applied file; repair V settles a failed no-transaction migration', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_a.up.sql': 'create table a (id int);\n',
    '002_x.up.sql': '-- tinymigrate:no-transaction\ncreate table x (id int);\nselect 1/0;\n',
  })
  await cli(db, dir, 'up', '1')
  await rewrite(dir, '001_a.up.sql', (text) => '-- a comment\n' + text)
  expectOk(await cli(db, dir, 'repair', '--checksums'), 'accepted the edited file of 001_a\n')
  expectOk(await cli(db, dir, 'verify'), 'ok: 1 applied migrations match their files\n')
  expectOk(await cli(db, dir, 'repair', '--checksums'), 'no edited applied files\n')

  const failed = await cli(db, dir, 'up')
  assert.equal(failed.code, 1)
  assert.deepEqual(await tables(db), ['a', 'x'])
  const status = await cli(db, dir, 'status', '--json')
  assert.deepEqual(jsonOf(status).migrations.map((m: { state: string }) => m.state), ['applied', 'failed'])

  expectOk(await cli(db, dir, 'repair', '002', '--rolled-back'), 'forgot 002_x: up will run it again\n')
  assert.deepEqual(await historyVersions(db), ['001'])
  await db.sql`drop table x`
  await rewrite(dir, '002_x.up.sql', (text) => text.replace('select 1/0;\n', ''))
  expectOk(await cli(db, dir, 'up'), 'applied  002_x  (T)\ncurrent: 002\n', 'applying 002_x outside a transaction\n  002_x: statement 1 of 1\n')

  // --applied: finished by hand
  const db2 = await freshDatabase(t)
  const dir2 = await migrationsDir(t, { '001_y.up.sql': '-- tinymigrate:no-transaction\ncreate table y (id int);\nselect 1/0;\n' })
  assert.equal((await cli(db2, dir2, 'up')).code, 1)
  expectOk(await cli(db2, dir2, 'repair', '1', '--applied'), 'recorded 001_y as applied\n')
  assert.deepEqual(jsonOf(await cli(db2, dir2, 'status', '--json')).migrations.map((m: { state: string }) => m.state), ['applied'])
})

// --- new / revision ------------------------------------------------------------------------------

test('new continues a 001/002 sequence; revision -m slugs the message', async (t) => {
  const dir = await migrationsDir(t, {
    '001_a.up.sql': 'select 1;\n',
    '002_b.up.sql': 'select 1;\n',
    '002_b.down.sql': 'select 1;\n',
  })
  const r = await runCli(['new', 'add_orders', '--dir', dir])
  expectOk(r, `created ${dir}/003_add_orders.up.sql\ncreated ${dir}/003_add_orders.down.sql\n`)
  assert.equal(readFileSync(path.join(dir, '003_add_orders.up.sql'), 'utf8'), '-- add_orders: write the change here.\n')
  assert.equal(readFileSync(path.join(dir, '003_add_orders.down.sql'), 'utf8'), '-- add_orders: undo the change of 003_add_orders.up.sql here.\n')

  expectOk(await runCli(['revision', '-m', 'Add Users!', '--dir', dir]), `created ${dir}/004_add_users.up.sql\ncreated ${dir}/004_add_users.down.sql\n`)

  const json = await runCli(['new', 'more', 'words', '--dir', dir, '--json'])
  assert.equal(json.code, 0)
  assert.equal(json.stderr, '')
  const doc = jsonOf(json)
  assertShape(doc, { ok: literal(true), version: 'string', up: 'string', down: 'string' })
  assert.deepEqual(doc, { ok: true, version: '005', up: `${dir}/005_more_words.up.sql`, down: `${dir}/005_more_words.down.sql` })

  assert.deepEqual(readdirSync(dir).sort(), [
    '001_a.up.sql', '002_b.down.sql', '002_b.up.sql', '003_add_orders.down.sql', '003_add_orders.up.sql',
    '004_add_users.down.sql', '004_add_users.up.sql', '005_more_words.down.sql', '005_more_words.up.sql',
  ])
})

test('new in an empty (or missing) folder uses a UTC timestamp version', async (t) => {
  const cwd = await tempDir(t, 'tm-cli-')
  const before = Date.now()
  const r = await runCli(['new', 'init'], { cwd })
  assert.equal(r.code, 0)
  assert.equal(r.stderr, '')
  const m = /^created migrations\/(\d{14})_init\.up\.sql\ncreated migrations\/\1_init\.down\.sql\n$/.exec(r.stdout)
  assert.ok(m, r.stdout)
  const v = m[1]!
  const when = Date.UTC(+v.slice(0, 4), +v.slice(4, 6) - 1, +v.slice(6, 8), +v.slice(8, 10), +v.slice(10, 12), +v.slice(12, 14))
  assert.ok(when >= Math.floor(before / 1000) * 1000 - 1000 && when <= Date.now() + 1000, `${v} is not now (UTC)`)
  assert.deepEqual(readdirSync(path.join(cwd, 'migrations')).sort(), [`${v}_init.down.sql`, `${v}_init.up.sql`])

  // a second one in the same folder gets a later version, even within the same second
  const again = await runCli(['new', 'init two'], { cwd })
  assert.equal(again.code, 0)
  const v2 = /created migrations\/(\d{14})_init_two\.up\.sql/.exec(again.stdout)?.[1]
  assert.ok(v2 && BigInt(v2) > BigInt(v), again.stdout)

  const empty = await tempDir(t, 'tm-cli-')
  const r2 = await runCli(['new', 'x', '--dir', empty])
  assert.match(r2.stdout, new RegExp(`^created ${empty}/\\d{14}_x\\.up\\.sql\\n`))
})

// --- --json: one document on stdout for every command ---------------------------------------------

test('--json prints exactly one document of the documented shape for each command', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, ABC)
  const run = async (...args: string[]) => {
    const r = await cli(db, dir, ...args, '--json')
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
    assert.equal(r.stderr, '', args.join(' '))
    return jsonOf(r)
  }

  const up = await run('up', '2')
  assertShape(up, RUN)
  assert.equal(up.command, 'up')
  assert.deepEqual(up.applied.map((s: { version: string }) => s.version), ['001', '002'])
  assert.deepEqual([up.reverted, up.current, up.dryRun, up.statements], [[], '002', false, []])

  const status = await run('status')
  assertShape(status, { ok: literal(true), table: 'string', current: 'string|null', migrations: [INFO] })
  assert.equal(status.table, 'public.tinymigrate_history')
  assert.deepEqual(status.migrations.map((m: { version: string; state: string }) => `${m.version} ${m.state}`), ['001 applied', '002 applied', '003 pending'])
  assert.equal(status.migrations[0].file, `${dir}/001_a.up.sql`)
  assert.ok(!Number.isNaN(Date.parse(status.migrations[0].appliedAt)))

  const current = await run('current')
  assertShape(current, { ok: literal(true), current: nullable(VERSION_NAME) })
  assert.deepEqual(current.current, { version: '002', name: 'b' })

  const history = await run('history')
  assertShape(history, { ok: literal(true), migrations: [INFO] })
  assert.equal(history.migrations.length, 2)

  const down = await run('down')
  assertShape(down, RUN)
  assert.equal(down.command, 'down')
  assert.deepEqual(down.reverted.map((s: { version: string }) => s.version), ['002'])

  const redo = await run('redo')
  assertShape(redo, RUN)
  assert.equal(redo.command, 'redo')
  assert.deepEqual([redo.reverted.length, redo.applied.length, redo.current], [1, 1, '001'])

  const stamp = await run('stamp', 'head')
  const STAMP: Shape = { ok: literal(true), recorded: [VERSION_NAME], forgotten: [VERSION_NAME], current: 'string|null', dryRun: 'boolean', statements: ['string'] }
  assertShape(stamp, STAMP)
  assert.deepEqual(stamp.recorded, [{ version: '002', name: 'b' }, { version: '003', name: 'c' }])

  const verify = await run('verify')
  assertShape(verify, { ok: literal(true), problems: [{ code: 'string', version: 'string', name: 'string', message: 'string' }], migrations: [INFO] })

  const repair = await run('repair', '--checksums')
  assertShape(repair, { ok: literal(true), settled: nullable({ version: 'string', name: 'string', as: 'string' }), checksums: [VERSION_NAME] })

  const none = await run('current')
  assert.deepEqual(none.current, { version: '003', name: 'c' })
  await run('stamp', 'base')
  assert.deepEqual((await run('current')).current, null)

  const newer = await runCli(['new', 'x', '--dir', dir, '--json'])
  assert.equal(newer.code, 0)
  assertShape(jsonOf(newer), { ok: literal(true), version: 'string', up: 'string', down: 'string' })
})

test('--json keeps server notices and progress off stdout', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_n.up.sql': "do $$ begin raise notice 'hello from 001'; end $$;\ncreate table n (id int);\n",
    '002_nt.up.sql': '-- tinymigrate:no-transaction\ncreate table nt (id int);\n',
  })
  const r = await cli(db, dir, 'up', '--json')
  assert.equal(r.code, 0)
  const doc = jsonOf(r)
  assertShape(doc, RUN)
  assert.equal(r.stdout.includes('hello'), false)
  assert.equal(r.stderr, 'notice: hello from 001\napplying 002_nt outside a transaction\n  002_nt: statement 1 of 1\n')
})

// --- --dry-run and --quiet ------------------------------------------------------------------------

test('--dry-run prints the statements and changes nothing', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, ABC)

  const up = await cli(db, dir, 'up', '--dry-run')
  assert.equal(up.code, 0)
  assert.equal(up.stderr, '')
  assert.ok(up.stdout.startsWith(`-- create history table "public"."tinymigrate_history"\n-- 001_a (${dir}/001_a.up.sql)\nbegin;\ncreate table a (id int);\ninsert into "public"."tinymigrate_history"`), up.stdout)
  assert.equal(up.stdout.match(/^begin;$/gm)?.length, 3)
  assert.equal(up.stdout.match(/^commit;$/gm)?.length, 3)
  // not even the history table
  assert.equal(await historyVersions(db), null)
  assert.deepEqual(await tables(db), [])

  const upJson = await cli(db, dir, 'up', '--dry-run', '--json')
  const doc = jsonOf(upJson)
  assertShape(doc, RUN)
  assert.equal(doc.dryRun, true)
  assert.equal(doc.current, '003')
  assert.ok(doc.statements.includes('create table a (id int);'))
  assert.equal(await historyVersions(db), null)

  await cli(db, dir, 'up', '2')
  const snapshot = async () => [await tables(db), await historyVersions(db)]
  const before = await snapshot()

  const down = await cli(db, dir, 'down', '--all', '--dry-run')
  assert.equal(down.code, 0)
  assert.equal(down.stdout, [
    `-- revert 002_b (${dir}/002_b.down.sql)`, 'begin;', 'drop table b;',
    `delete from "public"."tinymigrate_history" where version::numeric = '002'::numeric;`, 'commit;',
    `-- revert 001_a (${dir}/001_a.down.sql)`, 'begin;', 'drop table a;',
    `delete from "public"."tinymigrate_history" where version::numeric = '001'::numeric;`, 'commit;', '',
  ].join('\n'))
  assert.deepEqual(await snapshot(), before)

  const redo = await cli(db, dir, 'redo', '--dry-run')
  assert.equal(redo.code, 0)
  assert.ok(redo.stdout.startsWith(`-- revert 002_b (${dir}/002_b.down.sql)\nbegin;\ndrop table b;\n`), redo.stdout)
  assert.ok(redo.stdout.includes(`-- 002_b (${dir}/002_b.up.sql)\nbegin;\ncreate table b (id int);\n`), redo.stdout)
  assert.deepEqual(await snapshot(), before)

  const stampHead = await cli(db, dir, 'stamp', 'head', '--dry-run')
  assert.equal(stampHead.code, 0)
  assert.match(stampHead.stdout, /^insert into "public"\."tinymigrate_history" \(version, name, checksum, down_sql, duration_ms\)\nvalues \('003', 'c', '[0-9a-f]{64}', 'drop table c;\n', /)
  const stampBase = await cli(db, dir, 'stamp', 'base', '--dry-run')
  assert.equal(stampBase.stdout, [
    `delete from "public"."tinymigrate_history" where version::numeric = '001'::numeric;`,
    `delete from "public"."tinymigrate_history" where version::numeric = '002'::numeric;`, '',
  ].join('\n'))
  assert.deepEqual(await snapshot(), before)

  expectOk(await cli(db, dir, 'down', '--dry-run', '--to', '002'), '-- nothing to do\n')
})

test('--quiet prints nothing on success', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    ...ABC,
    '004_nt.up.sql': "-- tinymigrate:no-transaction\ndo $$ begin raise notice 'noisy'; end $$;\n",
    '004_nt.down.sql': 'select 1;\n',
  })
  const quiet = async (...args: string[]) => {
    const r = await cli(db, dir, ...args, '--quiet')
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 0, stdout: '', stderr: '' }, args.join(' '))
  }
  await quiet('up')
  assert.deepEqual(await tables(db), ['a', 'b', 'c'])
  await quiet('down')
  await quiet('redo')
  await quiet('down', '--all')
  await quiet('up')
  await quiet('stamp', 'base')
  await quiet('stamp', 'head')
  await quiet('verify')
  await quiet('repair', '--checksums')
  const r = await runCli(['new', 'x', '--dir', dir, '--quiet'])
  assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 0, stdout: '', stderr: '' })
})

// --- help and version ---------------------------------------------------------------------------

const ALL_COMMANDS = ['up', 'down', 'redo', 'status', 'current', 'history', 'new', 'diff', 'check', 'pull', 'stamp', 'adopt', 'verify', 'repair']

test('--help: top level lists every command; each command has usage, a sentence, options and an example', async () => {
  const top = await runCli(['--help'])
  assert.equal(top.code, 0)
  assert.equal(top.stderr, '')
  assert.ok(top.stdout.startsWith('Usage: tinymigrate <command> [options]\n\n'), top.stdout)
  for (const c of ALL_COMMANDS) assert.match(top.stdout, new RegExp(`^  ${c} +\\S`, 'm'), c)
  assert.match(top.stdout, /upgrade head, upgrade \+1, downgrade -1, downgrade base, revision -m <name>/)
  assert.match(top.stdout, /^  --version +print the version$/m)
  assert.deepEqual(await runCli(['-h']), top)
  // a bare `tinymigrate` shows the same help, on stdout, and exits 0
  assert.deepEqual(await runCli([]), top)

  for (const c of ALL_COMMANDS) {
    const r = await runCli([c, '--help'])
    assert.equal(r.code, 0, c)
    assert.equal(r.stderr, '', c)
    const blocks = r.stdout.split('\n\n')
    assert.match(blocks[0]!, new RegExp(`^Usage: tinymigrate ${c}\\b`), c)
    assert.match(blocks[1]!, /^[A-Z].*\.$/, `${c}: one sentence`)
    assert.match(blocks[2]!, /^Options:\n( {2}--[a-z-]+.*\n?)+$/, `${c}: options`)
    assert.match(blocks[3]!, new RegExp(`^Example:\\n  .*tinymigrate ${c}\\b.*\\n$`), `${c}: example`)
    assert.equal(blocks.length, 4, c)
    // help never needs a database
    assert.equal((await runCli([c, '-h'])).stdout, r.stdout)
  }
  // Alembic's spellings show their own usage line, then the help of the command they map to.
  const aliasUsage: Record<string, string> = {
    upgrade: 'Usage: tinymigrate upgrade head | +N | VERSION\n       (the same as up [N] [--to VERSION])',
    downgrade: 'Usage: tinymigrate downgrade -N | VERSION | base\n       (the same as down [N] [--to VERSION] [--all])',
    revision: 'Usage: tinymigrate revision -m <name> [--autogenerate]\n       (the same as new <name>)',
  }
  for (const [alias, name] of [['upgrade', 'up'], ['downgrade', 'down'], ['revision', 'new'], ['migrate', 'up'], ['rollback', 'down']]) {
    const r = await runCli([alias!, '--help'])
    assert.equal(r.code, 0)
    const own = (await runCli([name!, '--help'])).stdout
    const usage = aliasUsage[alias!]
    if (usage) {
      assert.equal(r.stdout.split('\n\n')[0], usage, alias)
      assert.equal(r.stdout.split('\n\n').slice(1).join('\n\n'), own.split('\n\n').slice(1).join('\n\n'), alias)
    } else {
      assert.equal(r.stdout, own, alias)
    }
  }
})

test('--version prints the version from package.json', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  assert.match(pkg.version, /^\d+\.\d+\.\d+/)
  for (const args of [['--version'], ['-v'], ['up', '--version']]) {
    const r = await runCli(args)
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 0, stdout: pkg.version + '\n', stderr: '' }, args.join(' '))
  }
})

// --- where the database URL comes from ------------------------------------------------------------

test('the URL comes from --url, else DATABASE_URL, else DATABASE_URL in ./.env', async (t) => {
  const db = await freshDatabase(t)
  const cwd = await tempDir(t, 'tm-cli-')
  const dir = path.join(cwd, 'migrations')
  await migrationsDirAt(dir, { '001_a.up.sql': 'create table a (id int);\n' })
  const unreachable = 'postgres://nobody@127.0.0.1:1/nothing'

  // .env in the working directory
  await writeFile(path.join(cwd, '.env'), `# local settings\nDATABASE_URL="${db.url}"\n`)
  expectOk(await runCli(['current'], { cwd }), 'none\n')
  expectOk(await runCli(['up'], { cwd }), 'applied  001_a  (T)\ncurrent: 001\n')

  // DATABASE_URL wins over .env
  const fromEnv = await runCli(['current'], { cwd, env: { DATABASE_URL: unreachable } })
  assert.equal(fromEnv.code, 5)
  assert.match(fromEnv.stderr, /Cannot connect to postgres:\/\/nobody@127\.0\.0\.1:1\/nothing/)

  // DATABASE_URL alone
  await rm(path.join(cwd, '.env'))
  expectOk(await runCli(['current'], { cwd, env: { DATABASE_URL: db.url } }), '001_a\n')

  // --url wins over DATABASE_URL
  expectOk(await runCli(['current', '--url', db.url], { cwd, env: { DATABASE_URL: unreachable } }), '001_a\n')
})

async function migrationsDirAt(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true })
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text)
}

// --- concurrency ----------------------------------------------------------------------------------

test('two concurrent up runs apply each of 30 migrations exactly once', async (t) => {
  const db = await freshDatabase(t)
  const files: Record<string, string> = {
    '001_log.up.sql': 'create table applied_log (version int not null);\ninsert into applied_log values (1);\n',
  }
  for (let i = 2; i <= 30; i++) {
    const v = String(i).padStart(3, '0')
    files[`${v}_t${i}.up.sql`] = `create table t${i} (id int);\ninsert into applied_log values (${i});\n`
  }
  const dir = await migrationsDir(t, files)
  const args = ['up', '--url', db.url, '--dir', dir]
  const [a, b] = await Promise.all([spawnCli(args).result, spawnCli(args).result])

  assert.equal(a.code, 0, a.stderr)
  assert.equal(b.code, 0, b.stderr)
  const applied = (r: CliResult) => r.stdout.match(/^applied {2}\S+/gm) ?? []
  // between them they applied 30, and neither applied one the other did
  assert.equal(applied(a).length + applied(b).length, 30, a.stdout + b.stdout)
  assert.equal(new Set([...applied(a), ...applied(b)]).size, 30)
  assert.deepEqual(await historyVersions(db), Array.from({ length: 30 }, (_, i) => String(i + 1).padStart(3, '0')))
  const log = await db.sql<{ version: number; n: number }[]>`select version, count(*)::int as n from applied_log group by version order by version`
  assert.deepEqual(log.map((r) => [r.version, r.n]), Array.from({ length: 30 }, (_, i) => [i + 1, 1]))
  assert.equal((await tables(db)).length, 30)
})

test('a runner that finds the lock taken says who holds it, then waits for it', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_slow.up.sql': 'select pg_sleep(2);\ncreate table slow (id int);\n',
  })
  const args = ['up', '--url', db.url, '--dir', dir]
  const first = spawnCli(args)
  const holder = await backendRunning(db, 'pg_sleep')
  const second = await runCli(args)
  const one = await first.result

  assert.equal(one.code, 0, one.stderr)
  expectOk(one, 'applied  001_slow  (T)\ncurrent: 001\n')
  assert.equal(second.code, 0)
  assert.equal(second.stdout, 'nothing to do; current: 001\n')
  const [{ user }] = await db.sql<{ user: string }[]>`select current_user as user`
  const lines = second.stderr.split('\n')
  assert.equal(lines[0], `waiting for the migration lock, held by process ${holder} (tinymigrate, user ${user} from 127.0.0.1)`)
  assert.match(lines[1]!, /^got the migration lock after \d+\.\ds$/)
  assert.equal(lines.length, 3)
})


test('compiled code is kept between runs, one cache per command; a damaged, stale or unwritable cache changes nothing', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, ABC)
  const cache = await tempDir(t, 'tm-codecache-')
  const env = { TINYMIGRATE_CACHE_DIR: cache }
  const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string
  const run = async (...args: string[]) => {
    const r = await runCli(args, { env })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    return r
  }
  assert.equal((await run('--version')).stdout, `${version}\n`)
  if (typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function') {
    // Node 22.1 and later keep it themselves, in the folder given to them.
    assert.ok(readdirSync(path.join(cache, 'node')).length > 0, 'Node compile cache written')
    return
  }
  const files = () => readdirSync(cache).filter((n) => n.endsWith('.v8cache')).sort()
  /** A cache file's bytes, after checking that its header is the SHA-256 of the rest. */
  const read = (name: string) => {
    const bytes = readFileSync(path.join(cache, name))
    assert.equal(bytes.toString('latin1', 0, 64), createHash('sha256').update(bytes.subarray(64)).digest('hex'), `${name} checksum`)
    return bytes
  }
  const [own] = files()
  assert.match(own!, /^cli-[0-9a-f]{24}-none\.v8cache$/)
  const first = read(own!)
  await run('--version')
  assert.deepEqual(read(own!), first, 'the same command compiles nothing new: the file stays')

  // Another command has a file of its own; a file of another build goes.
  const stale = 'cli-000000000000000000000000-up.v8cache'
  await writeFile(path.join(cache, stale), 'old')
  await run('up', '--url', db.url, '--dir', dir)
  const up = own!.replace('-none.', '-up.')
  assert.deepEqual(files(), [own!, up].sort())
  assert.deepEqual(read(own!), first)
  const compiled = read(up)

  // Damaged data would crash V8: it is never used, and is replaced.
  const damaged = Buffer.from(compiled)
  for (let at = 100; at < damaged.length; at += 997) damaged[at] = damaged[at]! ^ 0xff
  await writeFile(path.join(cache, up), damaged)
  assert.equal((await run('up', '--url', db.url, '--dir', dir)).stdout, 'nothing to do; current: 003\n')
  assert.notDeepEqual(read(up), damaged)
  await writeFile(path.join(cache, up), compiled.subarray(0, 1000))
  assert.equal((await run('up', '--url', db.url, '--dir', dir)).stdout, 'nothing to do; current: 003\n')
  read(up)

  // A place that cannot be written is only a slower start.
  const blocked = path.join(cache, 'not-a-folder')
  await writeFile(blocked, '')
  const r = await runCli(['--version'], { env: { TINYMIGRATE_CACHE_DIR: path.join(blocked, 'cache') } })
  assert.equal(r.code, 0)
  assert.equal(r.stdout, `${version}\n`)
  assert.equal(r.stderr, '')
})

test('a statement that runs for seconds says so on stderr, and stdout stays the result', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_slow.up.sql': 'select pg_sleep(2.6);\n' })
  const r = await runCli(['up', '--url', db.url, '--dir', dir])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stderr, /^001_slow: running select pg_sleep\(2\.6\) \(2\.\d s\)$/m)
  assert.equal(stable(r.stdout), 'applied  001_slow  (T)\ncurrent: 001\n')
  const json = await runCli(['up', '--url', db.url, '--dir', dir, '--json'])
  assert.equal(JSON.parse(json.stdout).ok, true, 'the --json document is unchanged')
})

test('status lines: rewritten in place on a terminal, taken away before other output; elsewhere one per five seconds', () => {
  const written: string[] = []
  const streams = { stdout: (s: string) => { written.push(`out:${s}`) }, stderr: (s: string) => { written.push(`err:${s}`) }, colour: false }
  const tty = createOutput({ ...streams, terminal: { columns: 30 } }, false, false)
  tty.status('004_index: CREATE INDEX CONCURRENTLY on public.orders: building index (2.0 s)')
  tty.status('004_index: second')
  tty.result('applied  004_index  (3.1 s)')
  assert.deepEqual(written, [
    'err:\r\x1b[2K004_index: CREATE INDEX CONCU',
    'err:\r\x1b[2K004_index: second',
    'err:\r\x1b[2K',
    'out:applied  004_index  (3.1 s)\n',
  ])
  written.length = 0
  const log = createOutput(streams, true, false)
  log.status('one')
  log.status('two')
  assert.deepEqual(written, ['err:one\n'], 'the second within five seconds is left out')
  written.length = 0
  createOutput({ ...streams, terminal: { columns: 80 } }, false, true).status('quiet')
  assert.deepEqual(written, [], '--quiet')
})

// The CLI when things go wrong: each failure has its exit code, a message that names the files and
// says what to do, no stack trace, one JSON document under --json, and never a password.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import {
  adminSql, backendRunning, cli, expectExit, freshDatabase, historyVersions, migrationsDir, rewrite, runCli, spawnCli, tables, tempDir,
  type CliResult, type FreshDatabase, type HookScope,
} from './helpers.js'

// --- helpers ------------------------------------------------------------------------------------

const UNREACHABLE = 'postgres://u:secret@127.0.0.1:1/x'

function stable(text: string): string {
  return text.replace(/\(\d+ ms\)|\(\d+\.\d s\)/g, '(T)')
}

/** The common contract of every failure: its exit code, nothing on stdout, no stack trace. */
function expectError(r: CliResult, code: number, stderr: string, stdout = ''): void {
  assert.doesNotMatch(r.stderr, /^ {4}at /m, 'a stack trace on stderr')
  // Lines saying what a statement running for seconds is doing are another test's subject.
  const said = r.stderr.replace(/^\d+_[^\n:]+: [^\n]* \(\d+\.\d s\)\n/gm, '')
  assert.deepEqual({ code: r.code, stdout: stable(r.stdout), stderr: said }, { code, stdout, stderr })
}

// A tiny shape checker: exact keys, and the type of each value.
type Shape = string | Shape[] | { [key: string]: Shape } | { nullable: Shape }

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
  if ('nullable' in shape && Object.keys(shape).length === 1) {
    if (value !== null) assertShape(value, shape.nullable as Shape, where)
    return
  }
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${where}: expected an object, got ${JSON.stringify(value)}`)
  assert.deepEqual(Object.keys(value).sort(), Object.keys(shape).sort(), `${where}: keys`)
  for (const [key, sub] of Object.entries(shape)) assertShape((value as Record<string, unknown>)[key], sub, `${where}.${key}`)
}

const ERROR_DOC: Shape = {
  ok: 'boolean',
  error: {
    code: 'string', message: 'string', next: 'string|null',
    location: { nullable: { file: 'string', line: 'number', column: 'number', excerpt: 'string' } },
    detail: 'string|null', hint: 'string|null', sqlState: 'string|null', files: ['string'],
  },
  applied: ['string'],
  reverted: ['string'],
}

/** Under --json a failure is exactly one document on stdout: ok false, the error, what happened. */
function jsonError(r: CliResult, exit: number, code: string): any {
  assert.doesNotMatch(r.stderr, /^ {4}at /m, 'a stack trace on stderr')
  assert.equal(r.code, exit, r.stdout + r.stderr)
  assert.ok(r.stdout.endsWith('}\n'), `stdout is not one JSON document:\n${r.stdout}`)
  const doc = JSON.parse(r.stdout)
  assertShape(doc, ERROR_DOC)
  assert.equal(doc.ok, false)
  assert.equal(doc.error.code, code)
  return doc
}

async function currentUser(db: FreshDatabase): Promise<string> {
  const [{ user }] = await db.sql<{ user: string }[]>`select current_user as user`
  return user
}

/** Resolve once the child's stderr contains `text`. */
function stderrShows(child: ReturnType<typeof spawnCli>['child'], text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => reject(new Error(`stderr never showed "${text}":\n${seen}`)), 10_000)
    child.stderr!.on('data', (d: string | Buffer) => {
      seen += String(d)
      if (seen.includes(text)) { clearTimeout(timer); resolve() }
    })
  })
}

/** A login role with a password, owning the given database; dropped after the test. */
async function roleWithPassword(t: HookScope, db: FreshDatabase, password: string): Promise<string> {
  const role = `tm_role_${randomBytes(4).toString('hex')}`
  const root = adminSql()
  await root.unsafe(`create role ${role} login password '${password.replaceAll("'", "''")}'`)
  await root.unsafe(`alter database ${db.name} owner to ${role}`)
  t.after(async () => {
    await root.unsafe(`drop database if exists ${db.name} with (force)`)
    await root.unsafe(`drop role if exists ${role}`)
  })
  return role
}

function urlAs(db: FreshDatabase, user: string, password: string | undefined): string {
  const u = new URL(db.url)
  u.username = user
  u.password = password === undefined ? '' : encodeURIComponent(password)
  return u.toString()
}

/** Every string inside a parsed JSON document. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(strings)
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings)
  return []
}

function assertNoSecret(r: CliResult, secret: string, what: string): void {
  assert.equal(r.stdout.includes(secret), false, `${what}: the password is on stdout:\n${r.stdout}`)
  assert.equal(r.stderr.includes(secret), false, `${what}: the password is on stderr:\n${r.stderr}`)
  if (r.stdout.startsWith('{')) {
    for (const s of strings(JSON.parse(r.stdout))) assert.equal(s.includes(secret), false, `${what}: the password is in a JSON string: ${s}`)
  }
}

// --- migration files ----------------------------------------------------------------------------

test('malformed file names are named, with the rule they break (exit 2)', async (t) => {
  const db = await freshDatabase(t)
  const cases: [string, string][] = [
    ['1-x.up.sql', 'a migration file name starts with digits and an underscore, like 001_create_users.up.sql'],
    ['001_x.sql', 'a migration file ends in .up.sql or .down.sql'],
    ['001_x.UP.sql', 'the ending must be lower case: .up.sql or .down.sql'],
  ]
  for (const [file, why] of cases) {
    const dir = await migrationsDir(t, { [file]: 'select 1;\n', 'README.md': 'not a migration\n' })
    expectError(await cli(db, dir, 'up'), 2, [
      'error BAD_FILENAME',
      '  Malformed migration file name:',
      `    ${dir}/${file}: ${why}`,
      '  Rename to <version>_<name>.up.sql (and .down.sql), for example 001_create_users.up.sql.',
      '',
    ].join('\n'))
    const doc = jsonError(await cli(db, dir, 'status', '--json'), 2, 'BAD_FILENAME')
    assert.deepEqual(doc.error.files, [`${dir}/${file}`])
  }
  // nothing was touched
  assert.equal(await historyVersions(db), null)
})

test('all malformed names are reported at once', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '1-x.up.sql': '', '002_y.sql': '', '003_ok.up.sql': '' })
  const r = await cli(db, dir, 'up')
  expectError(r, 2, [
    'error BAD_FILENAME',
    '  Malformed migration file names:',
    `    ${dir}/002_y.sql: a migration file ends in .up.sql or .down.sql`,
    `    ${dir}/1-x.up.sql: a migration file name starts with digits and an underscore, like 001_create_users.up.sql`,
    '  Rename to <version>_<name>.up.sql (and .down.sql), for example 001_create_users.up.sql.',
    '',
  ].join('\n'))
})

test('two files with one version (1 and 001) are a duplicate (exit 2)', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '1_a.up.sql': 'select 1;\n', '001_b.up.sql': 'select 1;\n' })
  expectError(await cli(db, dir, 'up'), 2, [
    'error DUPLICATE_VERSION',
    '  Two migration files have the same version:',
    `    ${dir}/001_b.up.sql and ${dir}/1_a.up.sql have the same version (001 and 1 are the same version)`,
    '  Renumber the one that no database has applied yet to the next free version, 002: rename its .up.sql and .down.sql to 002_<name>.',
    '',
  ].join('\n'))
  const doc = jsonError(await cli(db, dir, 'up', '--json'), 2, 'DUPLICATE_VERSION')
  assert.deepEqual(doc.error.files, [`${dir}/001_b.up.sql`, `${dir}/1_a.up.sql`])
})

test('two files both written 004 say so plainly, without "(004 and 004 are the same version)"', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '003_c.up.sql': 'select 1;\n', '004_d.up.sql': 'select 1;\n', '004_e.up.sql': 'select 1;\n' })
  expectError(await cli(db, dir, 'up'), 2, [
    'error DUPLICATE_VERSION',
    '  Two migration files have the same version:',
    `    ${dir}/004_d.up.sql and ${dir}/004_e.up.sql both have version 004`,
    '  Renumber the one that no database has applied yet to the next free version, 005: rename its .up.sql and .down.sql to 005_<name>.',
    '',
  ].join('\n'))
  assert.equal(await historyVersions(db), null)
})

test('a down file without its up file (exit 2)', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_a.up.sql': 'select 1;\n', '002_b.down.sql': 'select 1;\n' })
  expectError(await cli(db, dir, 'up'), 2, [
    'error ORPHAN_DOWN',
    '  Down file without an up file:',
    `    ${dir}/002_b.down.sql`,
    '  Add the matching .up.sql file, or delete the stray .down.sql.',
    '',
  ].join('\n'))
})

test('a file that is not UTF-8 (exit 2)', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_latin1.up.sql': Buffer.from("insert into t values ('caf\xe9');\n", 'latin1') })
  expectError(await cli(db, dir, 'up'), 2, [
    'error BAD_ENCODING',
    `  ${dir}/001_latin1.up.sql is not valid UTF-8.`,
    '  Save the file as UTF-8 (PostgreSQL receives migrations as UTF-8 text).',
    '',
  ].join('\n'))
  assert.equal(await historyVersions(db), null)
})

test('a missing migrations directory, and --dir without a value (exit 2)', async (t) => {
  const db = await freshDatabase(t)
  const cwd = await tempDir(t, 'tm-cli-')
  expectError(await runCli(['up', '--url', db.url], { cwd }), 2, [
    'error DIR_NOT_FOUND',
    '  Migrations directory migrations does not exist or is not a directory.',
    '  Create it (tinymigrate new <name> does), or pass --dir <path>.',
    '',
  ].join('\n'))
  expectError(await runCli(['up', '--url', db.url, '--dir'], { cwd }), 2, 'error USAGE\n  --dir needs a value.\n  Run tinymigrate --help.\n')
  expectError(await runCli(['up', '--url', db.url, '--dir', path.join(cwd, 'nope')], { cwd }), 2, [
    'error DIR_NOT_FOUND',
    `  Migrations directory ${path.join(cwd, 'nope')} does not exist or is not a directory.`,
    '  Create it (tinymigrate new <name> does), or pass --dir <path>.',
    '',
  ].join('\n'))
})

// --- SQL errors -----------------------------------------------------------------------------------

test('an SQL error shows file:line:column, the line with a caret, and that it was rolled back (exit 1)', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_shops.up.sql': 'create table shops (id int, phone text);\n',
    '002_shop_phone.up.sql': '-- every shop needs a phone\nupdate shops set phone = phon;\n',
    '003_later.up.sql': 'create table later (id int);\n',
  })
  expectError(await cli(db, dir, 'up'), 1, [
    `error SQL_FAILED  ${dir}/002_shop_phone.up.sql:2:26`,
    '  column "phon" does not exist',
    '    2 | update shops set phone = phon;',
    '      |                          ^',
    '  hint: Perhaps you meant to reference the column "shops.phone".',
    '  002_shop_phone was rolled back and is not applied. Applied in this run: 001_shops.',
    '  Fix the file, then run: tinymigrate up',
    '',
  ].join('\n'), 'applied  001_shops  (T)\n')
  assert.deepEqual(await historyVersions(db), ['001'])
  assert.deepEqual(await tables(db), ['shops'])

  const doc = jsonError(await cli(db, dir, 'up', '--json'), 1, 'SQL_FAILED')
  assert.deepEqual(doc.error, {
    code: 'SQL_FAILED',
    message: 'column "phon" does not exist',
    next: '002_shop_phone was rolled back and is not applied. Nothing else was changed in this run.\nFix the file, then run: tinymigrate up',
    location: { file: `${dir}/002_shop_phone.up.sql`, line: 2, column: 26, excerpt: 'update shops set phone = phon;' },
    detail: null,
    hint: 'Perhaps you meant to reference the column "shops.phone".',
    sqlState: '42703',
    files: [`${dir}/002_shop_phone.up.sql`],
  })
  assert.deepEqual([doc.applied, doc.reverted], [[], []])
})

test('a syntax error in a down file points into the down file', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_a.up.sql': 'create table a (id int);\n',
    '001_a.down.sql': 'drop tabel a;\n',
  })
  await cli(db, dir, 'up')
  expectError(await cli(db, dir, 'down'), 1, [
    `error SQL_FAILED  ${dir}/001_a.down.sql:1:6`,
    '  syntax error at or near "tabel"',
    '    1 | drop tabel a;',
    '      |      ^',
    '  001_a was rolled back and is not reverted. Nothing else was changed in this run.',
    '  Fix the file, then run: tinymigrate down',
    '',
  ].join('\n'))
  assert.deepEqual(await historyVersions(db), ['001'])
})

test('an SQL error the server gives no position for still names the line of the failing statement', async (t) => {
  // PostgreSQL sends no position for errors in a CHECK expression; Flyway and the no-transaction
  // mode of tinymigrate still point at the statement that failed.
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_shops.up.sql': 'create table shops (id int, phone text);\n',
    '002_shop_phone.up.sql': "alter table shops add column email text;\nalter table shops add check (phon <> '');\n",
  })
  const r = await cli(db, dir, 'up')
  assert.equal(r.code, 1)
  assert.doesNotMatch(r.stderr, /^ {4}at /m)
  assert.match(r.stderr, /^ {2}column "phon" does not exist$/m)
  assert.match(r.stderr, /002_shop_phone was rolled back and is not applied/)
  assert.match(r.stderr, new RegExp(`^error SQL_FAILED  ${dir}/002_shop_phone\\.up\\.sql:2:\\d+$`, 'm'), r.stderr)
})

test('an edited applied migration stops up with CHECKSUM_MISMATCH (exit 3), naming the file', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_a.up.sql': 'create table a (id int);\n',
    '002_b.up.sql': 'create table b (id int);\n',
  })
  expectExit(await cli(db, dir, 'up', '1'), 0, 'the first up')
  await rewrite(dir, '001_a.up.sql', (text) => text.replace('int', 'bigint'))
  const r = await cli(db, dir, 'up')
  expectExit(r, 3, 'up after the edit')
  assert.equal(r.stdout, '')
  assert.doesNotMatch(r.stderr, /^ {4}at /m)
  assert.ok(r.stderr.startsWith(`error CHECKSUM_MISMATCH\n  Applied migration was edited after being applied:\n    ${dir}/001_a.up.sql\n`), r.stderr)
  assert.ok(r.stderr.endsWith([
    '  Restore the file from version control and put the change in a new migration (tinymigrate new <name>).',
    '  If the edit changes nothing that matters (comments, formatting), accept it with: tinymigrate repair --checksums',
    '',
  ].join('\n')), r.stderr)
  // 002 was not applied on top of a history that no longer matches the files
  assert.deepEqual(await historyVersions(db), ['001'])
  const doc = jsonError(await cli(db, dir, 'up', '--json'), 3, 'CHECKSUM_MISMATCH')
  assert.deepEqual(doc.error.files, [`${dir}/001_a.up.sql`])
  expectError(await cli(db, dir, 'down'), 3, r.stderr)
  // the human message should name the file to restore, as --json does
  assert.ok(r.stderr.includes(`${dir}/001_a.up.sql`), `the edited file's path is not named:\n${r.stderr}`)
})

test('a pending migration older than the newest applied one is OUT_OF_ORDER (exit 3) unless allowed', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_a.up.sql': 'create table a (id int);\n', '003_c.up.sql': 'create table c (id int);\n' })
  await cli(db, dir, 'up')
  await writeFile(path.join(dir, '002_b.up.sql'), 'create table b (id int);\n')
  expectError(await cli(db, dir, 'up'), 3, [
    'error OUT_OF_ORDER',
    '  Pending migration is older than the newest applied one (003_c):',
    `    ${dir}/002_b.up.sql`,
    '  Give it a version after 003 (rename the files), or run with --allow-out-of-order if the order does not matter.',
    '',
  ].join('\n'))
  jsonError(await cli(db, dir, 'up', '--json'), 3, 'OUT_OF_ORDER')
  const allowed = await cli(db, dir, 'up', '--allow-out-of-order')
  assert.deepEqual({ code: allowed.code, stdout: stable(allowed.stdout), stderr: allowed.stderr }, { code: 0, stdout: 'applied  002_b  (T)\ncurrent: 003\n', stderr: '' })
})

test('down with neither a down file nor a stored copy is MISSING_DOWN (exit 3) and reverts nothing', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_a.up.sql': 'create table a (id int);\n' })
  await cli(db, dir, 'up')
  expectError(await cli(db, dir, 'down'), 3, [
    'error MISSING_DOWN',
    '  No down migration for:',
    `    ${dir}/001_a.down.sql`,
    '  Neither that .down.sql file nor a copy stored in history exists. Nothing was reverted.',
    '  Write the missing .down.sql file next to the up file, then run the command again.',
    '',
  ].join('\n'))
  // files holds paths, as every other error's does: the down file to write
  const doc = jsonError(await cli(db, dir, 'down', '--json'), 3, 'MISSING_DOWN')
  assert.deepEqual(doc.error.files, [`${dir}/001_a.down.sql`])
  assert.deepEqual(await historyVersions(db), ['001'])
  assert.deepEqual(await tables(db), ['a'])
})

test('redo whose up half fails reports, also under --json, that the migration was reverted', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_a.up.sql': 'create table a (id int);\n', '001_a.down.sql': 'drop table a;\n' })
  await cli(db, dir, 'up')
  // an edit accepted with repair --checksums that breaks the up file
  await rewrite(dir, '001_a.up.sql', (text) => text + 'select 1/0;\n')
  await cli(db, dir, 'repair', '--checksums')
  const human = await cli(db, dir, 'redo')
  assert.equal(human.code, 1)
  assert.equal(stable(human.stdout), 'reverted 001_a  (T)\n')
  assert.doesNotMatch(human.stderr, /^ {4}at /m)
  assert.match(human.stderr, /^ {2}division by zero$/m)
  // the run left 001_a reverted and not applied again
  assert.deepEqual(await historyVersions(db), [])
  assert.deepEqual(await tables(db), [])

  await rewrite(dir, '001_a.up.sql', (text) => text.replace('select 1/0;\n', ''))
  await cli(db, dir, 'up')
  await rewrite(dir, '001_a.up.sql', (text) => text + 'select 1/0;\n')
  await cli(db, dir, 'repair', '--checksums')
  const doc = jsonError(await cli(db, dir, 'redo', '--json'), 1, 'SQL_FAILED')
  assert.deepEqual(await historyVersions(db), [])
  assert.deepEqual({ applied: doc.applied, reverted: doc.reverted }, { applied: [], reverted: ['001_a'] })
})

// --- connecting ---------------------------------------------------------------------------------

test('an unreachable database fails fast with exit 5 and hides the password', async (t) => {
  const dir = await migrationsDir(t, { '001_a.up.sql': 'select 1;\n' })
  const started = Date.now()
  const r = await runCli(['up', '--url', UNREACHABLE, '--dir', dir])
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`)
  expectError(r, 5, [
    'error CONNECT_FAILED',
    '  Cannot connect to postgres://u:***@127.0.0.1:1/x: connection refused (is the server running and listening on that port?)',
    '  If the server is still starting (containers), add --wait 30.',
    '',
  ].join('\n'))
  assertNoSecret(r, 'secret', 'unreachable')
  const json = await runCli(['status', '--url', UNREACHABLE, '--dir', dir, '--json'])
  const doc = jsonError(json, 5, 'CONNECT_FAILED')
  assert.equal(json.stderr, '')
  assert.equal(doc.error.message, 'Cannot connect to postgres://u:***@127.0.0.1:1/x: connection refused (is the server running and listening on that port?)')
  assertNoSecret(json, 'secret', 'unreachable --json')
})

test('a password in the URL\'s query string is hidden, and the message around it is kept', async (t) => {
  const dir = await migrationsDir(t, { '001_a.up.sql': 'select 1;\n' })
  const refused = 'connection refused (is the server running and listening on that port?)'
  const urls: [string, string, string][] = [
    ['postgres://u@127.0.0.1:1/x?password=Qp-secret-1', 'Qp-secret-1', 'postgres://u@127.0.0.1:1/x?password=***'],
    ['postgres://u@127.0.0.1:1/x?sslmode=disable&sslpassword=Qp-secret-2&password=Qp-secret-3', 'Qp-secret-', 'postgres://u@127.0.0.1:1/x?sslmode=disable&sslpassword=***&password=***'],
    ['postgres://u@127.0.0.1:1/x?password=Qp%3Asecret%2F4&application_name=a', 'Qp', 'postgres://u@127.0.0.1:1/x?password=***&application_name=a'],
  ]
  for (const [url, secret, shown] of urls) {
    const r = await runCli(['status', '--url', url, '--dir', dir])
    expectError(r, 5, `error CONNECT_FAILED\n  Cannot connect to ${shown}: ${refused}\n  If the server is still starting (containers), add --wait 30.\n`)
    assertNoSecret(r, secret, url)
    const json = await runCli(['status', '--url', url, '--dir', dir, '--json'])
    assert.equal(jsonError(json, 5, 'CONNECT_FAILED').error.message, `Cannot connect to ${shown}: ${refused}`)
    assertNoSecret(json, secret, `${url} --json`)
  }
})

test('--wait retries the connection, says so, and gives up after about that long (exit 5)', async (t) => {
  const dir = await migrationsDir(t, { '001_a.up.sql': 'select 1;\n' })
  const started = Date.now()
  const r = await runCli(['up', '--url', UNREACHABLE, '--dir', dir, '--wait', '2'])
  const took = Date.now() - started
  // it waited about 2 s, then gave up; the upper bound only says it gave up (process start-up
  // on a loaded machine takes its share)
  assert.ok(took >= 1500 && took < 10_000, `took ${took} ms`)
  assert.equal(r.code, 5)
  assert.equal(r.stdout, '')
  const lines = r.stderr.trimEnd().split('\n')
  const retries = lines.filter((l) => l.startsWith('waiting for the database'))
  assert.ok(retries.length >= 2, r.stderr)
  assert.equal(retries[0], 'waiting for the database (attempt 1: connection refused (is the server running and listening on that port?)); retrying in 0.3s')
  assert.deepEqual(lines.slice(retries.length), [
    'error CONNECT_FAILED',
    '  Cannot connect to postgres://u:***@127.0.0.1:1/x: connection refused (is the server running and listening on that port?)',
    '  The server did not accept connections within --wait 2s; check that it is starting.',
  ])
  assertNoSecret(r, 'secret', '--wait')
})

test('a database that does not exist (exit 5) says to create it', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_a.up.sql': 'select 1;\n' })
  const u = new URL(db.url)
  u.pathname = '/tm_does_not_exist'
  const r = await runCli(['up', '--url', u.toString(), '--dir', dir])
  assert.equal(r.code, 5)
  assert.match(r.stderr, /^error CONNECT_FAILED\n {2}Cannot connect to .*tm_does_not_exist: database "tm_does_not_exist" does not exist\n {2}Create the database first \(createdb\), or fix its name in the URL\.\n$/)
})

test('no URL anywhere under CI (or NODE_ENV=production) is NO_DATABASE_URL (exit 2), and the hint shows the URL form', async (t) => {
  const cwd = await tempDir(t, 'tm-cli-')
  const dir = await migrationsDir(t, { '001_a.up.sql': 'select 1;\n' })
  const r = await runCli(['up', '--dir', dir], { cwd, env: { CI: 'true' } })
  assert.equal(r.code, 2)
  assert.equal(r.stdout, '')
  assert.ok(r.stderr.startsWith('error NO_DATABASE_URL\n  No database URL: --url is not given, DATABASE_URL is not set, and ./.env has no DATABASE_URL (the embedded database is not used when CI is set).\n'), r.stderr)
  const prod = await runCli(['up', '--dir', dir], { cwd, env: { CI: undefined, NODE_ENV: 'production' } })
  assert.equal(prod.code, 2)
  assert.match(prod.stderr, /^error NO_DATABASE_URL\n.*\(the embedded database is not used when NODE_ENV=production is set\)/)
  const doc = jsonError(await runCli(['status', '--dir', dir, '--json'], { cwd, env: { CI: 'true' } }), 2, 'NO_DATABASE_URL')
  assert.ok(doc.error.next.startsWith('Pass --url postgres://'))
  // the example is a template, not a secret: "***" in it reads as if something were wrong
  assert.equal(r.stderr.split('\n')[2], '  Pass --url postgres://user@host:5432/db, or set DATABASE_URL.')
})

test('a bad URL is BAD_URL (exit 2)', async (t) => {
  const dir = await migrationsDir(t, { '001_a.up.sql': 'select 1;\n' })
  const notUrl = await runCli(['up', '--url', 'not a url', '--dir', dir])
  assert.equal(notUrl.code, 2)
  assert.equal(notUrl.stderr.split('\n').slice(0, 2).join('\n'), 'error BAD_URL\n  The database URL is not a valid URL: not a url')
  const mysql = await runCli(['up', '--url', 'mysql://u:secret@db.example/app', '--dir', dir])
  expectError(mysql, 2, [
    'error BAD_URL',
    '  Unsupported database URL scheme "mysql:" in mysql://u:***@db.example/app',
    '  Use a postgres:// or postgresql:// URL.',
    '',
  ].join('\n'))
  jsonError(await runCli(['up', '--url', 'not a url', '--dir', dir, '--json']), 2, 'BAD_URL')
  // also when it comes from the environment
  assert.equal((await runCli(['up', '--dir', dir], { env: { DATABASE_URL: 'http://x/y' } })).code, 2)
})

// --- usage --------------------------------------------------------------------------------------

test('usage errors exit 2 and say what to run instead', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_a.up.sql': 'select 1;\n' })
  const cases: [string[], string][] = [
    [['up', '--bogus'], 'error USAGE\n  Unknown option --bogus.\n  Run tinymigrate --help.\n'],
    [['up', '-x'], 'error USAGE\n  Unknown option -x.\n  Run tinymigrate --help.\n'],
    [['down', 'abc'], 'error USAGE\n  N must be a positive whole number, not "abc".\n  Run tinymigrate --help.\n'],
    [['up', '0'], 'error USAGE\n  N must be a positive whole number, not "0".\n  Run tinymigrate --help.\n'],
    [['status', '--to', '1'], 'error USAGE\n  Option --to does not apply to status.\n  Run tinymigrate status --help.\n'],
    [['current', '--dry-run'], 'error USAGE\n  Option --dry-run does not apply to current.\n  Run tinymigrate current --help.\n'],
    [['up', '1', '--to', '1'], 'error USAGE\n  Give either N or --to, not both.\n  Run tinymigrate --help.\n'],
    [['down', '1', '--all'], 'error USAGE\n  Give one of N, --to or --all.\n  Run tinymigrate --help.\n'],
    [['down', '1', '2'], 'error USAGE\n  Too many arguments for down: 1 2.\n  Run tinymigrate down --help.\n'],
    // a step count signed the other way names the command that goes that way
    [['up', '-1'], 'error USAGE\n  up -1 goes the wrong way: up only applies migrations.\n  To roll back one migration, run tinymigrate down 1.\n'],
    [['migrate', '-2'], 'error USAGE\n  migrate -2 goes the wrong way: migrate only applies migrations.\n  To roll back 2 migrations, run tinymigrate down 2.\n'],
    [['upgrade', '-1'], 'error USAGE\n  upgrade -1 goes the wrong way: upgrade only applies migrations.\n  To roll back one migration, run tinymigrate downgrade -1.\n'],
    [['down', '+1'], 'error USAGE\n  down +1 goes the wrong way: down only rolls migrations back.\n  To apply one migration, run tinymigrate up 1.\n'],
    [['downgrade', '+3'], 'error USAGE\n  downgrade +3 goes the wrong way: downgrade only rolls migrations back.\n  To apply 3 migrations, run tinymigrate upgrade +3.\n'],
    [['down', '-0'], 'error USAGE\n  N must be a positive whole number, not "-0".\n  Run tinymigrate --help.\n'],
    [['frobnicate'], 'error USAGE\n  Unknown command "frobnicate".\n  Run tinymigrate --help for the list of commands.\n'],
    [[], 'error USAGE\n  No command given.\n  Run tinymigrate --help for the list of commands.\n'],
    [['stamp'], 'error USAGE\n  stamp needs a target: a version, head or base.\n  Example: tinymigrate stamp head\n'],
    [['repair'], 'error USAGE\n  repair needs a version with --applied or --rolled-back, or --checksums.\n  Run tinymigrate repair --help.\n'],
    [['up', '--lock-timeout', 'soon'], 'error USAGE\n  --lock-timeout takes a number of seconds, not "soon".\n  Run tinymigrate --help.\n'],
    [['up', '--wait', 'x'], 'error USAGE\n  --wait takes a number of seconds, not "x".\n  Run tinymigrate --help.\n'],
    [['up', '--table', 'a.b.c'], 'error USAGE\n  Invalid table name "a.b.c": more than two parts.\n  Use --table name or --table schema.name (double-quote parts that contain dots or capitals).\n'],
    [['up', '--to', 'abc'], 'error USAGE\n  --to must be a version (digits, like 001 or 20261124093000), not "abc".\n  Run tinymigrate status to see the versions.\n'],
  ]
  for (const [args, stderr] of cases) {
    expectError(await cli(db, dir, ...args), 2, stderr)
  }
  expectError(await cli(db, dir, 'up', '--to', '999'), 2, 'error UNKNOWN_VERSION\n  No migration has version 999.\n  Run tinymigrate status to see the versions.\n')
  expectError(await runCli(['new', '--dir', dir]), 2, 'error USAGE\n  new needs a name.\n  Example: tinymigrate new add_orders\n')

  const doc = jsonError(await cli(db, dir, 'status', '--to', '1', '--json'), 2, 'USAGE')
  assert.deepEqual(doc.error, {
    code: 'USAGE', message: 'Option --to does not apply to status.', next: 'Run tinymigrate status --help.',
    location: null, detail: null, hint: null, sqlState: null, files: [],
  })
  jsonError(await cli(db, dir, 'down', 'abc', '--json'), 2, 'USAGE')
  jsonError(await cli(db, dir, 'up', '--bogus', '--json'), 2, 'USAGE')
  // nothing ran
  assert.equal(await historyVersions(db), null)
})

test('an invalid version is a usage error before any connection is tried', async (t) => {
  // `up 0` and `down abc` fail without a database; `--to abc` and `upgrade abc` should too
  const dir = await migrationsDir(t, { '001_a.up.sql': 'select 1;\n' })
  for (const args of [['down', 'abc'], ['up', '0'], ['up', '--to', 'abc'], ['down', '--to', 'abc'], ['upgrade', 'abc'], ['stamp', 'abc']]) {
    const r = await runCli([...args, '--url', UNREACHABLE, '--dir', dir])
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, /^error USAGE\n/, args.join(' '))
  }
})

// --- passwords ----------------------------------------------------------------------------------

test('a password never appears in the output, whatever fails', async (t) => {
  const db = await freshDatabase(t)
  const password = `Pw-${randomBytes(6).toString('hex')}`
  const role = await roleWithPassword(t, db, password)
  const url = urlAs(db, role, password)
  const dir = await migrationsDir(t, {
    '001_a.up.sql': 'create table a (id int);\n',
    // a failing migration that has the password in its text and in the server's message
    '002_secret.up.sql': `select '${password}'::int;\n`,
  })
  const closed = new URL(url)
  closed.port = '1'
  const missing = new URL(url)
  missing.pathname = '/tm_no_such_database'
  const runs: [string, string[], number][] = [
    ['SQL error', ['up', '--url', url, '--dir', dir], 1],
    ['cannot connect', ['status', '--url', closed.toString(), '--dir', dir], 5],
    ['--wait', ['status', '--url', closed.toString(), '--dir', dir, '--wait', '0.6'], 5],
    ['no such database', ['status', '--url', missing.toString(), '--dir', dir], 5],
    ['bad --table', ['status', '--url', url, '--dir', dir, '--table', 'a.b.c'], 2],
    ['history table of another tool', ['status', '--url', url, '--dir', dir, '--table', 'a'], 2],
    ['URL given as an argument', ['status', url, '--dir', dir], 2],
    ['URL as the count', ['up', url, '--dir', dir], 2],
  ]
  for (const [what, args, code] of runs) {
    for (const json of [false, true]) {
      const r = await runCli(json ? [...args, '--json'] : args)
      assert.equal(r.code, code, `${what}: ${r.stderr}${r.stdout}`)
      assert.doesNotMatch(r.stderr, /^ {4}at /m, what)
      assertNoSecret(r, password, `${what}${json ? ' --json' : ''}`)
    }
  }
  // the SQL error still says what went wrong
  const sqlError = await runCli(['up', '--url', url, '--dir', dir])
  assert.match(sqlError.stderr, /invalid input syntax for type integer: "\*\*\*"/)
  assert.match(sqlError.stderr, /^ {4}1 \| select '\*\*\*'::int;$/m)
  // and the same URL works
  assert.equal((await runCli(['current', '--url', url, '--dir', dir])).stdout, '001_a\n')
})

test('a password with a quote stays hidden under --json', async (t) => {
  const db = await freshDatabase(t)
  const password = `Pw"${randomBytes(4).toString('hex')}`
  const role = await roleWithPassword(t, db, password)
  const url = urlAs(db, role, password)
  const dir = await migrationsDir(t, { '001_secret.up.sql': `select '${password}'::int;\n` })
  const human = await runCli(['up', '--url', url, '--dir', dir])
  assert.equal(human.code, 1)
  assertNoSecret(human, password, 'human')
  const json = await runCli(['up', '--url', url, '--dir', dir, '--json'])
  assert.equal(json.code, 1)
  // JSON escapes the quote, so the text on stdout differs from the password, but the value does not
  assertNoSecret(json, password, '--json')
})

test('a password that is also a JSON word does not break --json', async (t) => {
  const db = await freshDatabase(t)
  const role = await roleWithPassword(t, db, 'false')
  const url = urlAs(db, role, 'false')
  const dir = await migrationsDir(t, { '001_a.up.sql': 'create table a (id int);\n' })
  const r = await runCli(['up', '--url', url, '--dir', dir, '--json'])
  assert.equal(r.code, 0, r.stderr)
  const doc = JSON.parse(r.stdout)
  assert.equal(doc.dryRun, false)
  assert.equal(doc.applied[0].noTransaction, false)
})

test('a password with an unencoded "/" is hidden in the BAD_URL message', async (t) => {
  const dir = await migrationsDir(t, { '001_a.up.sql': 'select 1;\n' })
  for (const json of [false, true]) {
    const r = await runCli(['up', '--url', 'postgres://app:s3cr/et@127.0.0.1:1/x', '--dir', dir, ...(json ? ['--json'] : [])])
    assert.equal(r.code, 2, r.stderr)
    assertNoSecret(r, 's3cr/et', json ? '--json' : 'human')
  }
})

test('a role that may not read the history table gets an error, not a stack trace', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_a.up.sql': 'create table a (id int);\n' })
  await cli(db, dir, 'up')
  const role = `tm_ro_${randomBytes(4).toString('hex')}`
  const root = adminSql()
  await root.unsafe(`create role ${role} login`)
  t.after(async () => {
    await root.unsafe(`drop database if exists ${db.name} with (force)`)
    await root.unsafe(`drop role if exists ${role}`)
  })
  const r = await runCli(['status', '--url', urlAs(db, role, undefined), '--dir', dir])
  assert.match(r.stderr, /permission denied for table tinymigrate_history/)
  assert.doesNotMatch(r.stderr, /^ {4}at /m, `a stack trace:\n${r.stderr}`)
  assert.match(r.stderr, /^error [A-Z_]+/)
  assert.notEqual(r.code, 70)
})

// --- the migration lock -------------------------------------------------------------------------

test('--lock-timeout gives up with exit 4 while another runner holds the lock', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_slow.up.sql': 'select pg_sleep(4);\ncreate table slow (id int);\n' })
  const first = spawnCli(['up', '--url', db.url, '--dir', dir])
  const holder = await backendRunning(db, 'pg_sleep')
  const [human, json] = await Promise.all([
    cli(db, dir, 'up', '--lock-timeout', '1'),
    cli(db, dir, 'up', '--lock-timeout', '1', '--json'),
  ])
  const user = await currentUser(db)
  const who = `process ${holder} (tinymigrate, user ${user} from 127.0.0.1)`
  expectError(human, 4, [
    `waiting for the migration lock, held by ${who}`,
    'error LOCK_TIMEOUT',
    `  Another runner still holds the migration lock after 1s (held by process ${holder}, tinymigrate, user ${user} from 127.0.0.1).`,
    `  Wait for it to finish and try again, or raise --lock-timeout. If that process is stuck, end it with: select pg_terminate_backend(${holder})`,
    '',
  ].join('\n'))
  const doc = jsonError(json, 4, 'LOCK_TIMEOUT')
  assert.equal(json.stderr, `waiting for the migration lock, held by ${who}\n`)
  assert.match(doc.error.next, new RegExp(`pg_terminate_backend\\(${holder}\\)`))
  const one = await first.result
  assert.equal(one.code, 0, one.stderr)
  assert.deepEqual(await historyVersions(db), ['001'])
})

// --- interruption -------------------------------------------------------------------------------

test('SIGINT (or SIGTERM) during a long migration rolls it back, releases the lock and exits 130', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '001_slow.up.sql': 'create table before_sleep (id int);\nselect pg_sleep(10);\ncreate table slow (id int);\n',
  })
  const run = spawnCli(['up', '--url', db.url, '--dir', dir])
  await backendRunning(db, 'pg_sleep')
  const started = Date.now()
  run.child.kill('SIGINT')
  const r = await run.result
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms to stop`)
  expectError(r, 130, [
    '',
    'interrupted: rolling back the current migration and releasing the lock (press Ctrl-C again to quit at once)',
    'error INTERRUPTED',
    `  Interrupted while running ${dir}/001_slow.up.sql.`,
    '  001_slow was rolled back and is not applied. Nothing else was changed in this run.',
    '  Run the command again to continue.',
    '',
  ].join('\n'))
  assert.deepEqual(await historyVersions(db) ?? [], [])
  assert.deepEqual(await tables(db), [])
  const locks = await db.sql`select 1 from pg_catalog.pg_locks where locktype = 'advisory' and database = (select oid from pg_catalog.pg_database where datname = current_database())`
  assert.equal(locks.length, 0)

  // the next run does not wait for anyone
  await rewrite(dir, '001_slow.up.sql', (text) => text.replace('select pg_sleep(10);\n', ''))
  const next = await cli(db, dir, 'up', '--lock-timeout', '1')
  assert.deepEqual({ code: next.code, stdout: stable(next.stdout), stderr: next.stderr }, { code: 0, stdout: 'applied  001_slow  (T)\ncurrent: 001\n', stderr: '' })

  // SIGTERM (docker stop) with --json: the same, as one document
  await rewrite(dir, '001_slow.up.sql', (text) => text + 'select pg_sleep(10);\n')
  await cli(db, dir, 'stamp', 'base')
  await db.sql`drop table before_sleep, slow`
  const again = spawnCli(['up', '--url', db.url, '--dir', dir, '--json'])
  await backendRunning(db, 'pg_sleep')
  again.child.kill('SIGTERM')
  const doc = jsonError(await again.result, 130, 'INTERRUPTED')
  assert.deepEqual(doc.error.files, [`${dir}/001_slow.up.sql`])
  assert.deepEqual(await tables(db), [])
})

test('a second Ctrl-C quits at once with exit 130, and is not reported as an internal error', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_slow.up.sql': 'select pg_sleep(10);\n' })
  const run = spawnCli(['up', '--url', db.url, '--dir', dir])
  await backendRunning(db, 'pg_sleep')
  run.child.kill('SIGINT')
  run.child.kill('SIGINT')
  const r = await run.result
  assert.equal(r.code, 130, r.stderr)
  assert.doesNotMatch(r.stderr, /internal error/)
  assert.deepEqual(await historyVersions(db) ?? [], [])
})

test('SIGINT while waiting for the migration lock stops waiting and exits 130', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_slow.up.sql': 'select pg_sleep(4);\ncreate table slow (id int);\n' })
  const first = spawnCli(['up', '--url', db.url, '--dir', dir])
  await backendRunning(db, 'pg_sleep')
  const waiter = spawnCli(['up', '--url', db.url, '--dir', dir])
  await stderrShows(waiter.child, 'waiting for the migration lock')
  const started = Date.now()
  waiter.child.kill('SIGINT')
  const r = await waiter.result
  const took = Date.now() - started
  const one = await first.result
  assert.equal(one.code, 0, one.stderr)
  assert.equal(r.code, 130, `exit ${r.code} after ${took} ms:\n${r.stdout}${r.stderr}`)
  assert.ok(took < 2000, `took ${took} ms to stop`)
})

test('SIGINT while --wait retries the connection exits 130 at once', async (t) => {
  const dir = await migrationsDir(t, { '001_a.up.sql': 'select 1;\n' })
  const run = spawnCli(['up', '--url', UNREACHABLE, '--dir', dir, '--wait', '8'])
  await stderrShows(run.child, 'waiting for the database')
  const started = Date.now()
  run.child.kill('SIGINT')
  const r = await run.result
  const took = Date.now() - started
  assert.equal(r.code, 130, `exit ${r.code} after ${took} ms:\n${r.stderr}`)
  assert.ok(took < 2000, `took ${took} ms to stop`)
})

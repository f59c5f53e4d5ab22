// check, diff and up with no server at all: the scratch databases are in-memory PGlite, started
// from a snapshot of a fresh data directory kept in a cache directory (TINYMIGRATE_CACHE_DIR):
// one for this file, made by its first test, and a copy of it for the test that damages it.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, test, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { expectExit, runCli, tempDir, type CliResult } from './helpers.js'

// dist/test/embedded-draft.test.js -> <repo>/migrations, the example project
const example = fileURLToPath(new URL('../../migrations', import.meta.url))
const pgliteVersion = JSON.parse(readFileSync(fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)), 'utf8')).version as string
const timeoutMs = 120_000

let shared = ''
before(async () => { shared = await mkdtemp(path.join(os.tmpdir(), 'tm-snapshot-')) })
after(() => rm(shared, { recursive: true, force: true }))

interface Project {
  cwd: string
  cache: string
  /** tinymigrate in the project's folder, with no database configured anywhere. */
  run(...args: string[]): Promise<CliResult>
}

/** A copy of the example project, or of `files` (under migrations/); the file's cache, or its own. */
async function project(t: TestContext, files?: Record<string, string>, ownCache = false): Promise<Project> {
  const cwd = await tempDir(t, 'tm-embedded-')
  const cache = ownCache ? path.join(cwd, 'cache') : shared
  const folder = path.join(cwd, 'migrations')
  if (files) {
    await mkdir(folder)
    for (const [file, text] of Object.entries(files)) await writeFile(path.join(folder, file), text)
  } else {
    await cp(example, folder, { recursive: true })
  }
  const env = { DATABASE_URL: undefined, TINYMIGRATE_CACHE_DIR: cache }
  return { cwd, cache, run: (...args) => runCli(args, { cwd, env, timeoutMs }) }
}

function snapshotFile(cache: string): string {
  return path.join(cache, `pglite-${pgliteVersion}-datadir-1.snapshot`)
}

/** The snapshot file is whole: its header's lengths and checksums agree with its two parts. */
function assertWhole(file: string): void {
  const bytes = readFileSync(file)
  const end = bytes.indexOf(10)
  const m = /^tinymigrate pglite data directory 1 pglite (\S+) base (\d+) ([0-9a-f]{64}) templates (\d+) ([0-9a-f]{64})$/.exec(bytes.subarray(0, end).toString('latin1'))
  assert.ok(m, `no snapshot header in ${file}`)
  assert.equal(m[1], pgliteVersion)
  const base = bytes.subarray(end + 1, end + 1 + Number(m[2]))
  const templates = bytes.subarray(end + 1 + Number(m[2]))
  assert.equal(base.length, Number(m[2]))
  assert.equal(templates.length, Number(m[4]))
  assert.equal(createHash('sha256').update(base).digest('hex'), m[3])
  assert.equal(createHash('sha256').update(templates).digest('hex'), m[5])
}

const passes = 'ok: the migrations give exactly the schema of migrations/schema.sql\n'

test('check with no server passes on the example project, and makes the snapshot the next runs start from', async (t) => {
  const p = await project(t)
  assert.deepEqual(readdirSync(p.cache), [])
  const first = await p.run('check')
  expectExit(first, 0, 'check')
  assert.equal(first.stdout, passes)
  assert.equal(first.stderr, '')
  assertWhole(snapshotFile(p.cache))
  assert.deepEqual(readdirSync(p.cache), [path.basename(snapshotFile(p.cache))], 'no temporary file left behind')
  const again = await p.run('check')
  expectExit(again, 0, 'check from the snapshot')
  assert.equal(again.stdout, passes)
})

test('check with no server fails with exit 3 and lists what schema.sql has that no migration gives', async (t) => {
  const p = await project(t)
  const schema = path.join(p.cwd, 'migrations', 'schema.sql')
  writeFileSync(schema, readFileSync(schema, 'utf8') + [
    '',
    'create table public.audit (',
    '    id bigint primary key,',
    '    note text not null',
    ');',
    'alter table public.shops add column email text;',
    '',
  ].join('\n'))
  const r = await p.run('check')
  expectExit(r, 3, 'check')
  assert.equal(r.stdout, '+ table public.audit\n+ column public.shops.email\n')
  assert.equal(r.stderr, [
    'warning the migrations differ from migrations/schema.sql: 2 difference(s)',
    'run tinymigrate diff <name> to draft the missing migration',
    '',
  ].join('\n'))
})

test('diff with no server writes a pair that up applies on a pglite: database, after which check passes', async (t) => {
  const p = await project(t)
  const schema = path.join(p.cwd, 'migrations', 'schema.sql')
  writeFileSync(schema, readFileSync(schema, 'utf8') + '\ncreate table public.audit (id bigint primary key, note text);\n')
  const drafted = await p.run('diff', 'add_audit')
  expectExit(drafted, 0, 'diff')
  assert.equal(drafted.stdout, 'wrote migrations/004_add_audit.up.sql\nwrote migrations/004_add_audit.down.sql\n')
  assert.match(readFileSync(path.join(p.cwd, 'migrations', '004_add_audit.up.sql'), 'utf8'), /CREATE TABLE "public"\."audit"/)
  const up = await p.run('up', '--url', 'pglite:./db')
  expectExit(up, 0, 'up')
  assert.match(up.stdout, /^applied +004_add_audit +\(\d+ ms\)$/m)
  const check = await p.run('check')
  expectExit(check, 0, 'check after the drafted migration')
  assert.equal(check.stdout, passes)
})

test('an extension PGlite does not ship: PGLITE_EXTENSION names it and says to use a server', async (t) => {
  const p = await project(t, {
    '001_geo.up.sql': 'create extension postgis;\ncreate table places (id int primary key);\n',
    'schema.sql': 'create extension postgis;\ncreate table public.places (id int primary key);\n',
  })
  for (const args of [['check'], ['diff', 'places']]) {
    const r = await p.run(...args)
    expectExit(r, 2, args[0]!)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, [
      'error PGLITE_EXTENSION',
      '  The SQL to compare creates the extension "postgis", which the embedded database (PGlite) does not ship, so the scratch databases need a server.',
      '  Give a PostgreSQL server that has it: --url postgres://… (the scratch databases go on its server), or --shadow-url postgres://… for another server.',
      '',
    ].join('\n'))
  }
})

// The shared engine runs each scratch database in one transaction. What cannot run there, or
// fails there, must still give what a fresh database gives.
test('SQL that cannot share the engine\'s transaction still replays as on a fresh database', async (t) => {
  const p = await project(t, {
    '001_mood.up.sql': "create type mood as enum ('ok');\ncreate table notes (id int primary key, m mood);\n",
    // Its own BEGIN … COMMIT; the value is used by the next file, which PostgreSQL refuses in the
    // transaction that added it.
    '002_great.up.sql': "begin;\nalter type mood add value 'great';\ncommit;\n",
    '003_use.up.sql': "insert into notes values (1, 'great');\n",
    '004_index.up.sql': 'create index concurrently notes_m on notes (m);\n',
    '005_local.up.sql': 'create schema side;\nset local search_path = side;\ncreate table extra (id int);\n',
    'schema.sql': [
      "create type public.mood as enum ('ok', 'great');",
      'create table public.notes (id int primary key, m public.mood);',
      'create index notes_m on public.notes (m);',
      'create schema side;',
      'create table side.extra (id int);',
      '',
    ].join('\n'),
  })
  const r = await p.run('check')
  expectExit(r, 0, 'check')
  assert.equal(r.stdout, passes)
  writeFileSync(path.join(p.cwd, 'migrations', 'schema.sql'), readFileSync(path.join(p.cwd, 'migrations', 'schema.sql'), 'utf8') + 'create table public.later (id int);\n')
  const drafted = await p.run('diff', 'later')
  expectExit(drafted, 0, 'diff')
})


test('schema.sql runs each statement on its own, as on a server: an enum value it adds can be used; an error names its line', async (t) => {
  const schema = [
    "create type public.mood as enum ('ok');",
    "alter type public.mood add value 'great';",
    "create table public.notes (id int primary key, m public.mood default 'great');",
    '',
  ].join('\n')
  const p = await project(t, {
    '001_notes.up.sql': "-- tinymigrate:no-transaction\ncreate type mood as enum ('ok', 'great');\ncreate table notes (id int primary key, m mood default 'great');\n",
    'schema.sql': schema,
  })
  const r = await p.run('check')
  expectExit(r, 0, 'check')
  assert.equal(r.stdout, passes)
  writeFileSync(path.join(p.cwd, 'migrations', 'schema.sql'), `${schema}create table public.later (id int,\n  m public.nowhere);\n`)
  const broken = await p.run('check')
  expectExit(broken, 1, 'check with a broken schema.sql')
  assert.match(broken.stderr, /migrations\/schema\.sql:5:5/)
  assert.match(broken.stderr, /type "public\.nowhere" does not exist/)
})
// A missing one is made by the first test above.
test('a damaged snapshot is made again', async (t) => {
  const p = await project(t, undefined, true)
  const file = snapshotFile(p.cache)
  await mkdir(p.cache)
  await cp(snapshotFile(shared), file)

  // A flipped byte in the part every start reads.
  const bytes = readFileSync(file)
  const at = bytes.indexOf(10) + 4096
  bytes[at] = bytes[at]! ^ 0xff
  writeFileSync(file, bytes)
  const damaged = await p.run('check')
  expectExit(damaged, 0, 'check with a damaged snapshot')
  assert.equal(damaged.stdout, passes)
  assertWhole(file)

  // A flipped byte in the part only an engine of its own reads (CREATE INDEX CONCURRENTLY needs
  // one): found when that engine starts, after the shared one started from the rest.
  const again = readFileSync(file)
  again[again.length - 4096] = again[again.length - 4096]! ^ 0xff
  writeFileSync(file, again)
  writeFileSync(path.join(p.cwd, 'migrations', '004_index.up.sql'), 'create index concurrently users_name on users (display_name);\n')
  writeFileSync(path.join(p.cwd, 'migrations', 'schema.sql'), readFileSync(path.join(p.cwd, 'migrations', 'schema.sql'), 'utf8') + '\ncreate index users_name on public.users (display_name);\n')
  const late = await p.run('check')
  expectExit(late, 0, 'check with a damaged template part')
  assert.equal(late.stdout, passes)
  assertWhole(file)
})

/** The sizes of the WAL segment files of a data directory. */
function walSegmentSizes(dataDir: string): number[] {
  const wal = path.join(dataDir, 'pg_wal')
  return readdirSync(wal).filter((f) => /^[0-9A-F]{24}$/.test(f)).map((f) => statSync(path.join(wal, f)).size)
}

test('a new data directory is written from the snapshot, made first when there is none; the next run opens it', async (t) => {
  const p = await project(t, undefined, true)
  const first = await p.run('up')
  expectExit(first, 0, 'the first up, with no snapshot yet')
  assertWhole(snapshotFile(p.cache))
  const dataDir = path.join(p.cwd, '.tinymigrate', 'db')
  // The snapshot's WAL segments are 1 MB; PGlite's own initdb makes 16 MB ones.
  assert.deepEqual([...new Set(walSegmentSizes(dataDir))], [1024 * 1024], 'written from the snapshot')
  const status = await p.run('status', '--json')
  expectExit(status, 0, 'status on the written directory')
  assert.deepEqual(JSON.parse(status.stdout).migrations.map((m: { state: string }) => m.state), ['applied', 'applied', 'applied'])

  // Another project with the same cache: its directory comes from the saved snapshot.
  const other = await project(t, undefined, true)
  await mkdir(other.cache)
  await cp(snapshotFile(p.cache), snapshotFile(other.cache))
  expectExit(await other.run('up'), 0, 'up from the saved snapshot')
  assert.deepEqual([...new Set(walSegmentSizes(path.join(other.cwd, '.tinymigrate', 'db')))], [1024 * 1024])
  assert.deepEqual(readdirSync(other.cwd).filter((f) => f.includes('.new')), [], 'nothing half-written beside it')
})

// Generated hostile input: odd file names, broken contents, bad URLs, bad flags. Seeded, so a
// failure can be replayed with TINYMIGRATE_FUZZ_SEED=<seed>. Every case must end in a clear
// message and a documented exit code — never a stack trace, never a partial apply.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { main } from '../src/cli/main.js'
import { freshDatabase, generator, runCli, type FreshDatabase } from './helpers.js'

const SEED = Number(process.env.TINYMIGRATE_FUZZ_SEED ?? 20261125)
const DOCUMENTED = new Set([0, 1, 2, 3, 4, 5, 130])
const CODES = /^error (USAGE|NO_DATABASE_URL|BAD_URL|DIR_NOT_FOUND|BAD_FILENAME|DUPLICATE_VERSION|ORPHAN_DOWN|BAD_ENCODING|FILE_UNREADABLE|UNKNOWN_VERSION|FILE_EXISTS|HISTORY_NEWER|HISTORY_FOREIGN|CHECKSUM_MISMATCH|OUT_OF_ORDER|MISSING_FILE|MISSING_DOWN|PARTIAL_MIGRATION|SQL_FAILED|CONNECT_FAILED|CONNECTION_LOST|INTERRUPTED|LOCK_TIMEOUT|LOCK_LOST)\b/m


interface Outcome { code: number; stdout: string; stderr: string }

async function cli(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    env,
    cwd: tmpdir(),
    stdout: (t) => { stdout += t },
    stderr: (t) => { stderr += t },
    colour: false,
    signal: new AbortController().signal,
  })
  return { code, stdout, stderr }
}

function assertClean(o: Outcome, what: string): void {
  const context = `${what}\nexit ${o.code}\nstdout: ${o.stdout}\nstderr: ${o.stderr}`
  assert.ok(DOCUMENTED.has(o.code), `undocumented exit code: ${context}`)
  assert.doesNotMatch(o.stderr, /internal error|\n\s+at .+:\d+:\d+\)?\n/, `stack trace: ${context}`)
  if (o.code === 0) return
  if (o.stdout.startsWith('{')) {
    // --json: the error is the document on stdout
    const doc = JSON.parse(o.stdout) as { ok: boolean; error: { code: string } }
    assert.equal(doc.ok, false, context)
    assert.match(`error ${doc.error.code}`, CODES, `no error code: ${context}`)
  } else {
    assert.match(o.stderr, CODES, `no error code: ${context}`)
  }
}

async function scratch(t: { after(fn: () => unknown): unknown }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tm-hostile-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const pick = <T>(r: () => number, list: T[]): T => list[Math.floor(r() * list.length)]!

function oddName(r: () => number): string {
  const v = pick(r, ['1', '001', '0', '00000000000000000000000000000000000000000042', '20261124093000', '-1', '1e3', '０１', '', '9'.repeat(60)])
  const name = pick(r, ['x', 'with space', 'café', '日本語', 'a'.repeat(200), '..', '.', '-', 'tab\there', 'new\nline', 'quote"s', "it's", 'semi;colon', 'dollar$1', '💥', ''])
  const sep = pick(r, ['_', '_', '_', '-', '', '__', ' '])
  const ext = pick(r, ['.up.sql', '.up.sql', '.down.sql', '.UP.sql', '.sql', '.up.SQL', '.up.sql.bak', '.up', '.up.sql '])
  return `${v}${sep}${name}${ext}`.slice(0, 250)
}

test(`odd file names end in a clear error or are left alone (seed ${SEED})`, async (t) => {
  const db = await freshDatabase(t)
  const r = generator(SEED)
  const root = await scratch(t)
  for (let i = 0; i < 150; i++) {
    const dir = join(root, `n${i}`)
    await mkdir(dir)
    await writeFile(join(dir, '005_base.up.sql'), `create table base_${i} (id int);\n`)
    const names = [oddName(r), ...(r() < 0.3 ? [oddName(r)] : [])]
    for (const name of names) {
      if (name.includes('/')) continue
      await writeFile(join(dir, name), r() < 0.2 ? '' : `create table odd_${i} (id int);\n`).catch(() => {})
    }
    const o = await cli(['up', '--url', db.url, '--dir', dir, '--table', `h_n${i}`])
    assertClean(o, `names ${JSON.stringify(names)}`)
    const [row] = await db.sql`select to_regclass(${'h_n' + i}) is not null as history, to_regclass(${'base_' + i}) is not null as base`
    if (o.code === 0) assert.ok(row!.base, `exit 0 but base_${i} missing: ${JSON.stringify(names)}`)
    else assert.equal(row!.base, false, `a failed run applied something: ${JSON.stringify(names)}\n${o.stderr}`)
  }
})

/** Contents that try to break the runner; each follows a marker table so a partial apply shows. */
function hostileContent(r: () => number, i: number): string | Buffer {
  const marker = `create table marker_${i} (id int);\n`
  const cases: (() => string | Buffer)[] = [
    () => '',
    () => '-- only a comment\n/* and a block */\n',
    () => marker + 'select 1;\0\n',
    () => Buffer.concat([Buffer.from(marker), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('\n')]),
    () => '\ufeff' + marker,
    () => marker + 'select $a$ never closed;\n',
    () => marker + '/* never closed\n',
    () => marker + "select 'never closed;\n",
    () => 'begin;\n' + marker + 'commit;\n',
    () => marker + 'commit;\nselect 1;\n',
    () => marker + 'rollback;\n',
    () => marker + 'begin;\nselect 1;\n',
    () => marker + 'select 1/0;\n',
    () => marker + `select ${'('.repeat(50)}1${')'.repeat(50)};\n`,
    () => marker + '\\i other.sql\n',
    () => marker.replaceAll('\n', '\r\n') + 'select nope;\r\n',
    () => marker.replaceAll('\n', '\r') + 'select nope;\r',
    () => marker + 'create index concurrently on marker_' + i + ' (id);\n',
    () => marker + 'create index concurrently on marker_' + i + ' (nope);\n',
    () => marker + 'do $$ begin raise exception \'boom\'; end $$;\n',
    () => marker + Array.from({ length: 20 }, () => String.fromCharCode(32 + Math.floor(r() * 95))).join('') + '\n',
    () => marker + 'set statement_timeout = 1; select pg_sleep(0.05);\n',
    () => marker + 'set role nobody_here;\n',
    () => marker + 'alter table marker_' + i + ' add column 日本 text default \'💥\';\n',
  ]
  return pick(r, cases)()
}

test(`broken contents never leave a partial apply (seed ${SEED})`, async (t) => {
  const db = await freshDatabase(t)
  const r = generator(SEED + 1)
  const root = await scratch(t)
  for (let i = 0; i < 150; i++) {
    const dir = join(root, `c${i}`)
    await mkdir(dir)
    await writeFile(join(dir, '001_base.up.sql'), `create table cbase_${i} (id int);\n`)
    const content = hostileContent(r, i)
    await writeFile(join(dir, '002_case.up.sql'), content)
    const o = await cli(['up', '--url', db.url, '--dir', dir, '--table', `h_c${i}`, '--ddl-lock-timeout', '5'])
    const shown = JSON.stringify(String(content).slice(0, 200))
    assertClean(o, `content ${shown}`)
    const history = await db.sql.unsafe(`select version, state from h_c${i} order by version`).catch(() => [])
    const [m] = await db.sql`select to_regclass(${'marker_' + i}) is not null as marker`
    const row = history.find((h) => h.version === '002')
    if (o.code === 0) {
      assert.equal(row?.state, 'applied', `exit 0 without a history row: ${shown}`)
    } else if (row) {
      // Outside a transaction a failure can be partial: then history must say "failed".
      assert.equal(row.state, 'failed', `failed run recorded as applied: ${shown}\n${o.stderr}`)
    } else {
      assert.equal(m!.marker, false, `no history row, but the migration's table exists: ${shown}\n${o.stderr}`)
    }
    if (row?.state === 'applied' && !String(content).startsWith('begin') && String(content).includes('marker_')) {
      assert.ok(m!.marker, `recorded as applied, but its table is missing: ${shown}`)
    }
  }
})

test('a 50 MB migration runs', async (t) => {
  const db = await freshDatabase(t)
  const dir = await scratch(t)
  const line = '-- ' + 'x'.repeat(96) + '\n'
  await writeFile(join(dir, '001_big.up.sql'), line.repeat(500_000) + 'create table big (id int);\n')
  const o = await cli(['up', '--url', db.url, '--dir', dir])
  assertClean(o, '50 MB file')
  assert.equal(o.code, 0)
  const [row] = await db.sql`select to_regclass('big') is not null as big`
  assert.ok(row!.big)
})

test(`bad URLs fail with exit 2 or 5 and never print the password (seed ${SEED})`, async (t) => {
  const dir = await scratch(t)
  await writeFile(join(dir, '001_a.up.sql'), 'select 1;\n')
  const r = generator(SEED + 2)
  const fixed = [
    '', ' ', 'postgres://', 'postgres://:@/', 'mysql://u:hunter22@h/db', 'postgres://u:hunter22@127.0.0.1:99999/db',
    'postgres://u:hunter22@[::1/db', 'postgres://u:%zz@127.0.0.1:1/db', 'postgres://u:hunter22@127.0.0.1:1/db',
    'postgresql://u:hunter22@no-such-host.invalid/db', 'not a url', 'postgres://u:hunter22@127.0.0.1:1/db?sslmode=nonsense',
    'postgres://u:hunter22@127.0.0.1:0/db',
  ]
  const random = Array.from({ length: 30 }, () => Array.from({ length: 1 + Math.floor(r() * 40) }, () => pick(r, [...'postgres:/@%[]?&=#:hunter22 \\'])).join(''))
  for (const url of [...fixed, ...random]) {
    const o = await cli(['status', '--url', url, '--dir', dir])
    assertClean(o, `url ${JSON.stringify(url)}`)
    assert.ok([2, 5].includes(o.code), `url ${JSON.stringify(url)} gave ${o.code}: ${o.stderr}`)
    assert.doesNotMatch(o.stdout + o.stderr, /hunter22/, `password printed for ${JSON.stringify(url)}`)
    const j = await cli(['status', '--json', '--url', url, '--dir', dir])
    assert.doesNotMatch(j.stdout + j.stderr, /hunter22/)
    assert.equal(JSON.parse(j.stdout).ok, false)
  }
})

test(`bad flags and option values exit 2 with a usage error (seed ${SEED})`, async (t) => {
  const db: FreshDatabase = await freshDatabase(t)
  const dir = await scratch(t)
  await writeFile(join(dir, '001_a.up.sql'), 'create table a (id int);\n')
  const r = generator(SEED + 3)
  const commands = ['up', 'down', 'redo', 'status', 'current', 'history', 'verify', 'stamp', 'repair', 'upgrade', 'downgrade', 'bogus', '']
  const flags = ['--to', '--wait', '--lock-timeout', '--ddl-lock-timeout', '--lock-retries', '--statement-timeout', '--lock-mode', '--table', '--nope', '-x', '--all', '--applied', '--checksums', '--dry-run']
  const values = ['', '-1', 'abc', '1e999', '0x10', '1.5.2', 'NaN', '99999999999999999999', ' ', '--json', 'head', 'base', '+1', '-1']
  for (let i = 0; i < 120; i++) {
    const args = [pick(r, commands)]
    for (let k = Math.floor(r() * 3); k >= 0; k--) {
      const flag = pick(r, flags)
      args.push(flag)
      if (r() < 0.7) args.push(pick(r, values))
    }
    const o = await cli([...args.filter((a) => a !== ''), '--url', db.url, '--dir', dir, '--lock-timeout', '2'])
    assertClean(o, `args ${JSON.stringify(args)}`)
  }
  // A few that must be usage errors, exactly.
  for (const args of [['up', '--wait', '-1'], ['up', '--to', 'abc'], ['down', 'abc'], ['up', '0'], ['status', '--to', '1'], ['up', '--lock-mode', 'nope'], ['bogus']]) {
    const o = await cli([...args, '--url', db.url, '--dir', dir])
    assert.equal(o.code, 2, `${JSON.stringify(args)}: ${o.stderr}`)
    assert.match(o.stderr, /^error USAGE/)
  }
})

test('the bin itself prints no stack trace for a user error', async () => {
  const o = await runCli(['up', '--url', 'postgres://u:hunter22@127.0.0.1:1/db', '--dir', '.'])
  assert.equal(o.code, 5)
  assert.match(o.stderr, /^error CONNECT_FAILED/)
  assert.doesNotMatch(o.stderr, /hunter22|\n\s+at /)
})

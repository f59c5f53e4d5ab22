// A drafted pair that does not pass its check on a scratch database: the error says which
// statement failed, where and why (or what still differs), nothing is written; --write-unverified
// writes it anyway, headed NOT VERIFIED. A prelude with an event trigger makes a draft fail for
// certain, whatever the draft gets right: it refuses (or adds to) the drafted DDL on every scratch
// database, and event triggers are not compared, so both sides still agree before the check.
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { TinymigrateError } from '../src/errors.js'
import { diff } from '../src/index.js'
import { rejection } from './assertions.js'
import { adminUrl, expectExit, runCli, scratchDatabases, scratchLeftSince, show, tempDir, type HookScope } from './helpers.js'

const USERS = 'create table users (id integer primary key);\n'
const WITH_NICKNAME = 'create table users (id integer primary key, nickname text);\n'

/** Refuses every ALTER TABLE, with a detail and a hint, as a server might. */
const NO_ALTER = `create function public.no_alter() returns event_trigger language plpgsql as $$
begin
  raise exception 'ALTER TABLE is switched off on this server'
    using detail = 'An event trigger refuses it.', hint = 'Create the table with its columns instead.';
end
$$;
create event trigger no_alter on ddl_command_start when tag in ('ALTER TABLE') execute function public.no_alter();
`

/** Refuses every DROP TABLE. */
const NO_DROP = `create function public.no_drop() returns event_trigger language plpgsql as $$
begin
  raise exception 'DROP TABLE is switched off on this server';
end
$$;
create event trigger no_drop on ddl_command_start when tag in ('DROP TABLE') execute function public.no_drop();
`

/** After every ALTER TABLE, a table nobody asked for. */
const SURPRISE = `create function public.surprise() returns event_trigger language plpgsql as $$
begin
  create table if not exists public.surprise (id integer);
end
$$;
create event trigger surprise on ddl_command_end when tag in ('ALTER TABLE') execute function public.surprise();
`

interface Project { root: string; dir: string; files: () => Record<string, string> }

/** migrations/001_users, migrations/schema.sql and prelude.sql in a temporary folder. */
async function project(t: HookScope, schema: string, prelude: string): Promise<Project> {
  const root = await tempDir(t, 'tm-unverified-')
  const dir = path.join(root, 'migrations')
  mkdirSync(dir)
  writeFileSync(path.join(dir, '001_users.up.sql'), USERS)
  writeFileSync(path.join(dir, '001_users.down.sql'), 'drop table users;\n')
  writeFileSync(path.join(dir, 'schema.sql'), schema)
  writeFileSync(path.join(root, 'prelude.sql'), prelude)
  const files = () => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]))
  return { root, dir, files }
}

const diffArgs = (name: string, ...more: string[]) => ['diff', name, '--url', adminUrl(), '--prelude', 'prelude.sql', ...more]

/** The 1-based line of `file` that starts with `text`. */
function lineStarting(file: string, text: string): number {
  return file.split('\n').findIndex((l) => l.startsWith(text)) + 1
}

const ALTER = 'ALTER TABLE "public"."users" ADD COLUMN "nickname" text;'

test('an up statement the server refuses: the error names the file, line, statement, message, detail and hint, and nothing is written', async (t) => {
  const p = await project(t, WITH_NICKNAME, NO_ALTER)
  const before = p.files()
  const scratch = await scratchDatabases()
  const r = await runCli(diffArgs('add_nickname'), { cwd: p.root })
  expectExit(r, 1, 'diff with an up that fails')
  assert.equal(r.stdout, '')
  assert.deepEqual(p.files(), before, 'nothing written')
  assert.deepEqual(await scratchLeftSince(scratch), [], 'scratch databases left behind')

  // The line is the statement's line in the file --write-unverified writes.
  const written = await runCli(diffArgs('add_nickname', '--write-unverified'), { cwd: p.root })
  expectExit(written, 0, 'diff --write-unverified')
  const line = lineStarting(readFileSync(path.join(p.dir, '002_add_nickname.up.sql'), 'utf8'), ALTER)
  assert.ok(line > 1, show(written))

  assert.equal(r.stderr, [
    'error DRAFT_UNVERIFIED',
    '  The drafted migration did not pass its check on the scratch database, so nothing was written.',
    `  The up fails at line ${line} of migrations/002_add_nickname.up.sql: ALTER TABLE is switched off on this server`,
    `    ${ALTER}`,
    '  detail: An event trigger refuses it.',
    '  hint: Create the table with its columns instead.',
    '  Run the same command with --write-unverified to write the pair anyway, headed NOT VERIFIED, and fix it by hand (with --dry-run too, it is printed instead). Or write the migration yourself (tinymigrate new), and report the case: the draft should have handled it.',
    '',
  ].join('\n'))
})

test('--json: the error carries the same in `unverified`, its other fields unchanged', async (t) => {
  const p = await project(t, WITH_NICKNAME, NO_ALTER)
  const r = await runCli(diffArgs('add_nickname', '--json'), { cwd: p.root })
  expectExit(r, 1, 'diff --json with an up that fails')
  const doc = JSON.parse(r.stdout)
  assert.equal(doc.ok, false)
  assert.deepEqual(Object.keys(doc.error), ['code', 'message', 'next', 'location', 'detail', 'hint', 'sqlState', 'files', 'unverified'])
  assert.equal(doc.error.code, 'DRAFT_UNVERIFIED')
  assert.equal(doc.error.location, null)
  assert.equal(doc.error.detail, 'An event trigger refuses it.')
  assert.equal(doc.error.hint, 'Create the table with its columns instead.')
  assert.equal(doc.error.sqlState, 'P0001')
  assert.match(doc.error.next, /--write-unverified/)
  const { line } = doc.error.unverified
  assert.equal(typeof line, 'number')
  assert.deepEqual(doc.error.unverified, {
    direction: 'up',
    file: path.join('migrations', '002_add_nickname.up.sql'),
    statement: ALTER,
    line,
    message: 'ALTER TABLE is switched off on this server',
    detail: 'An event trigger refuses it.',
    hint: 'Create the table with its columns instead.',
    sqlState: 'P0001',
    stillDiffers: { afterUp: [], afterDown: [] },
  })
  assert.deepEqual(doc.applied, [])
})

test('--write-unverified writes both files headed NOT VERIFIED with the reason, warns, exits 0, and changes nothing else', async (t) => {
  const p = await project(t, WITH_NICKNAME, NO_ALTER)
  const before = p.files()
  const r = await runCli(diffArgs('add_nickname', '--write-unverified'), { cwd: p.root })
  expectExit(r, 0, 'diff --write-unverified')
  assert.equal(r.stdout, 'wrote migrations/002_add_nickname.up.sql\nwrote migrations/002_add_nickname.down.sql\n')
  const after = p.files()
  assert.deepEqual(Object.keys(after), [...Object.keys(before), '002_add_nickname.down.sql', '002_add_nickname.up.sql'].sort())
  for (const [name, text] of Object.entries(before)) assert.equal(after[name], text, `${name} unchanged`)

  const up = after['002_add_nickname.up.sql']!
  const down = after['002_add_nickname.down.sql']!
  const line = lineStarting(up, ALTER)
  const reason = [
    '-- NOT VERIFIED: this pair did not pass its check on a scratch database and was written only',
    '-- because of --write-unverified. Fix it by hand before running it:',
    `--   The up fails at line ${line} of migrations/002_add_nickname.up.sql: ALTER TABLE is switched off on this server`,
    `--     ${ALTER}`,
    '--   detail: An event trigger refuses it.',
    '--   hint: Create the table with its columns instead.',
    '-- Then delete these NOT VERIFIED lines; tinymigrate check says whether the up gives the schema file.',
  ].join('\n')
  assert.ok(up.startsWith(`-- 002_add_nickname: drafted by tinymigrate diff, from the migrations in migrations to migrations/schema.sql.\n${reason}\n`), up)
  assert.ok(down.startsWith(`-- 002_add_nickname: drafted by tinymigrate diff, from migrations/schema.sql back to the migrations in migrations.\n${reason}\n`), down)
  assert.doesNotMatch(up + down, /Checked on a scratch database/)
  assert.match(down, /ALTER TABLE "public"\."users" DROP COLUMN "nickname";/)

  assert.match(r.stderr, /^warning NOT VERIFIED: the drafted pair did not pass its check on a scratch database; written only because of --write-unverified$/m)
  assert.ok(r.stderr.includes(`  the up fails at line ${line} of migrations/002_add_nickname.up.sql: ALTER TABLE is switched off on this server\n    ${ALTER}\n`), show(r))
  assert.match(r.stderr, /fix the pair by hand before running tinymigrate up/)
  assert.doesNotMatch(r.stderr, /checked on scratch databases/)

  // --quiet hides progress, never this warning.
  const q = await project(t, WITH_NICKNAME, NO_ALTER)
  const quiet = await runCli(diffArgs('add_nickname', '--write-unverified', '--quiet'), { cwd: q.root })
  expectExit(quiet, 0, 'diff --write-unverified --quiet')
  assert.match(quiet.stderr, /^warning NOT VERIFIED/)
})

test('--write-unverified --json: verified false and the same `unverified`; --dry-run prints the files and writes nothing', async (t) => {
  const p = await project(t, WITH_NICKNAME, NO_ALTER)
  const before = p.files()
  const dry = await runCli(diffArgs('add_nickname', '--write-unverified', '--dry-run'), { cwd: p.root })
  expectExit(dry, 0, 'diff --write-unverified --dry-run')
  assert.deepEqual(p.files(), before, 'nothing written by --dry-run')
  assert.match(dry.stdout, /^-- 002_add_nickname: drafted by tinymigrate diff, .*\n-- NOT VERIFIED: /)
  assert.match(dry.stderr, /^warning NOT VERIFIED: .*; printed only because of --write-unverified$/m)
  const failing = await runCli(diffArgs('add_nickname', '--dry-run'), { cwd: p.root })
  expectExit(failing, 1, 'diff --dry-run without --write-unverified')

  const r = await runCli(diffArgs('add_nickname', '--write-unverified', '--json'), { cwd: p.root })
  expectExit(r, 0, 'diff --write-unverified --json')
  const doc = JSON.parse(r.stdout)
  assert.equal(doc.ok, true)
  assert.equal(doc.verified, false)
  assert.equal(doc.up, path.join('migrations', '002_add_nickname.up.sql'))
  assert.equal(doc.unverified.direction, 'up')
  assert.equal(doc.unverified.line, lineStarting(readFileSync(path.join(p.root, doc.up), 'utf8'), ALTER))
  assert.equal(doc.unverified.statement, ALTER)
  assert.match(r.stderr, /^warning NOT VERIFIED/m)
})

test('a down statement the server refuses is named with its line in the down file', async (t) => {
  const p = await project(t, `${USERS}create table orders (id integer primary key);\n`, NO_DROP)
  const r = await runCli(diffArgs('add_orders', '--write-unverified', '--json'), { cwd: p.root })
  expectExit(r, 0, 'diff --write-unverified with a down that fails')
  const doc = JSON.parse(r.stdout)
  const down = readFileSync(path.join(p.dir, '002_add_orders.down.sql'), 'utf8')
  const drop = 'DROP TABLE "public"."orders";'
  assert.deepEqual(doc.unverified, {
    direction: 'down',
    file: path.join('migrations', '002_add_orders.down.sql'),
    statement: drop,
    line: lineStarting(down, drop),
    message: 'DROP TABLE is switched off on this server',
    detail: null,
    hint: null,
    sqlState: 'P0001',
    stillDiffers: { afterUp: [], afterDown: [] },
  })
  // The comment above the statement is not the statement.
  assert.match(down.split('\n')[doc.unverified.line - 2]!, /^-- WARNING: /)
})

test('when both directions run but the schema still differs, the error lists what differs after each', async (t) => {
  const p = await project(t, WITH_NICKNAME, SURPRISE)
  const before = p.files()
  const r = await runCli(diffArgs('add_nickname'), { cwd: p.root })
  expectExit(r, 1, 'diff whose up leaves a difference')
  assert.deepEqual(p.files(), before, 'nothing written')
  assert.equal(r.stderr, [
    'error DRAFT_UNVERIFIED',
    '  The drafted migration did not pass its check on the scratch database, so nothing was written.',
    '  After the up, the schema still differs from migrations/schema.sql:',
    '    - table public.surprise',
    '  After the down, the schema still differs from the migrations in migrations:',
    '    - table public.surprise',
    '  Run the same command with --write-unverified to write the pair anyway, headed NOT VERIFIED, and fix it by hand (with --dry-run too, it is printed instead). Or write the migration yourself (tinymigrate new), and report the case: the draft should have handled it.',
    '',
  ].join('\n'))

  const json = JSON.parse((await runCli(diffArgs('add_nickname', '--json'), { cwd: p.root })).stdout)
  assert.deepEqual(json.error.unverified, {
    direction: null, file: null, statement: null, line: null, message: null, detail: null, hint: null, sqlState: null,
    stillDiffers: { afterUp: ['- table public.surprise'], afterDown: ['- table public.surprise'] },
  })

  const w = await runCli(diffArgs('add_nickname', '--write-unverified'), { cwd: p.root })
  expectExit(w, 0, 'diff --write-unverified whose up leaves a difference')
  const up = readFileSync(path.join(p.dir, '002_add_nickname.up.sql'), 'utf8')
  assert.ok(up.includes([
    '--   After the up, the schema still differs from migrations/schema.sql:',
    '--     - table public.surprise',
    '--   After the down, the schema still differs from the migrations in migrations:',
    '--     - table public.surprise',
  ].join('\n')), up)
  assert.ok(w.stderr.includes('  after the up, the schema still differs from migrations/schema.sql:\n    - table public.surprise\n'), show(w))
})

test('the library: diff rejects with DRAFT_UNVERIFIED and `unverified`; with writeUnverified it writes and says verified: false', async (t) => {
  const p = await project(t, WITH_NICKNAME, NO_ALTER)
  const options = { url: adminUrl(), dir: p.dir, prelude: path.join(p.root, 'prelude.sql'), name: 'add_nickname' }
  const e = await rejection(diff(options))
  assert.ok(e instanceof TinymigrateError)
  assert.equal(e.code, 'DRAFT_UNVERIFIED')
  assert.equal(e.unverified?.direction, 'up')
  assert.equal(e.unverified?.statement, ALTER)
  assert.equal(readdirSync(p.dir).filter((f) => f.startsWith('002_')).length, 0)

  const r = await diff({ ...options, writeUnverified: true })
  assert.equal(r.verified, false)
  assert.deepEqual(r.unverified, e.unverified)
  assert.equal(r.up, path.join(p.dir, '002_add_nickname.up.sql'))
  assert.match(readFileSync(r.up!, 'utf8'), /^-- NOT VERIFIED: /m)
})

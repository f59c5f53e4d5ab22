// dbmate's one-file format: <version>_<name>.sql with -- migrate:up and -- migrate:down sections.
// The parsing is pure and tested on literals; running is judged by the database and the history
// table, on PostgreSQL and on PGlite; the CLI by its exit code and output.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { test, type TestContext } from 'node:test'
import { migrate, rollback, status } from '../src/index.js'
import { checksum, collectMigrations, splitSections, type SqlFile } from '../src/files.js'
import { hasNoTransactionMarker } from '../src/sqltext.js'
import { rejection, throwsCode } from './assertions.js'
import { cli, events, freshDatabase, historyVersions, migrationsDir, rewrite, runCli, sha256, tables } from './helpers.js'
import { historyRows, pgliteTarget, postgresTarget, relationExists, tableNames, type MakeTarget, type Target } from './targets.js'

// --- splitSections ------------------------------------------------------------------------------

const FILE = 'migrations/1_users.sql'

test('splitSections: each section runs from its own line to the next one; line numbers are the file\'s', () => {
  const text = '-- users and their e-mail\n\n-- migrate:up\ncreate table users (id int);\n\n-- migrate:down\ndrop table users;\n'
  const s = splitSections(FILE, text)
  assert.deepEqual(s, {
    up: { path: FILE, text: '-- migrate:up\ncreate table users (id int);\n\n', noTransaction: false, section: { name: 'up', line: 3 } },
    down: { path: FILE, text: '-- migrate:down\ndrop table users;\n', noTransaction: false, section: { name: 'down', line: 6 } },
  })
})

test('splitSections: options on the section line; CRLF; no down section; no space after --', () => {
  const crlf = splitSections(FILE, '-- migrate:up transaction:false\r\ncreate index concurrently x on t (id);\r\n-- migrate:down transaction:false\r\ndrop index concurrently x;\r\n')!
  assert.equal(crlf.up.text, '-- migrate:up transaction:false\r\ncreate index concurrently x on t (id);\r\n')
  assert.deepEqual([crlf.up.noTransaction, crlf.down?.noTransaction, crlf.down?.section?.line], [true, true, 3])

  const upOnly = splitSections(FILE, '--migrate:up\ncreate table t (id int);\n')!
  assert.equal(upOnly.up.text, '--migrate:up\ncreate table t (id int);\n')
  assert.equal(upOnly.down, undefined)
})

test('splitSections: no -- migrate:up line means no one-file migration', () => {
  for (const text of ['', 'create table t (id int);\n', '-- migrate:upgrade\nselect 1;\n', '  -- migrate:up\nselect 1;\n', '-- migrate:down\ndrop table t;\n']) {
    assert.equal(splitSections(FILE, text), undefined, JSON.stringify(text))
  }
})

test('splitSections: SQL before -- migrate:up, or -- migrate:down first, is BAD_SECTIONS at its line', () => {
  throwsCode(() => splitSections(FILE, '-- fine\n\ncreate table t (id int);\n-- migrate:up\nselect 1;\n'), 'BAD_SECTIONS', (e) => {
    assert.match(e.message, /^migrations\/1_users\.sql has SQL before its -- migrate:up line \(line 4\)/)
    assert.deepEqual(e.location, { file: FILE, line: 3, column: 1, excerpt: 'create table t (id int);' })
    assert.match(e.next ?? '', /Move it below -- migrate:up/)
  })
  throwsCode(() => splitSections(FILE, '-- migrate:down\ndrop table t;\n-- migrate:up\ncreate table t (id int);\n'), 'BAD_SECTIONS', (e) => {
    assert.match(e.message, /-- migrate:down line \(line 1\) comes before -- migrate:up \(line 3\)/)
    assert.equal(e.location?.line, 1)
  })
})

const markers: [string, boolean][] = [
  ['-- migrate:up\ncreate table t (id int);\n', false],
  ['-- migrate:up transaction:false\ncreate index concurrently x on t (id);\n', true],
  ['-- migrate:down transaction:false\ndrop index concurrently x;\n', true],
  ['-- migrate:up transaction:true\nselect 1;\n', false],
  ['-- migrate:up foo:bar   transaction:false\nselect 1;\n', true],
  ['-- migrate:up\n-- tinymigrate:no-transaction\nselect 1;\n', true],
  ['-- tinymigrate:no-transaction\nselect 1;\n', true],
  ['select 1; -- migrate:up transaction:false\n', false],
]

for (const [text, expected] of markers) {
  test(`hasNoTransactionMarker: ${JSON.stringify(text.split('\n')[0])} → ${expected}`, () => {
    assert.equal(hasNoTransactionMarker(text), expected)
  })
}

// --- collectMigrations ----------------------------------------------------------------------------

function reader(texts: Record<string, string>): (file: string) => SqlFile {
  return (file) => ({ path: path.join('migrations', file), text: texts[file] ?? '', noTransaction: false })
}

const one = (table: string) => `-- migrate:up\ncreate table ${table} (id int);\n\n-- migrate:down\ndrop table ${table};\n`

test('collectMigrations: a dbmate folder, unpadded versions in numeric order, checksum of the up section', () => {
  const texts = { '1_a.sql': one('a'), '2_b.sql': one('b'), '10_c.sql': one('c'), '124_d.sql': one('d') }
  const names = [...Object.keys(texts), 'schema.sql', 'README.md'].sort()
  const migrations = collectMigrations('migrations', names, reader(texts))
  assert.deepEqual(migrations.map((m) => [m.version, m.name, m.up.path, m.down?.path]), [
    ['1', 'a', 'migrations/1_a.sql', 'migrations/1_a.sql'],
    ['2', 'b', 'migrations/2_b.sql', 'migrations/2_b.sql'],
    ['10', 'c', 'migrations/10_c.sql', 'migrations/10_c.sql'],
    ['124', 'd', 'migrations/124_d.sql', 'migrations/124_d.sql'],
  ])
  assert.equal(migrations[0]!.checksum, sha256('-- migrate:up\ncreate table a (id int);\n\n'))
  assert.equal(migrations[0]!.down!.text, '-- migrate:down\ndrop table a;\n')
})

test('checksum: BOM and CRLF never change a dbmate file\'s; an edit of its down section does not either, an option does', () => {
  const base = collectMigrations('m', ['1_a.sql'], reader({ '1_a.sql': one('a') }))[0]!.checksum
  const same = [one('a').replaceAll('\n', '\r\n'), one('a') + '-- a note at the end of the down section\n', '-- a comment before\n' + one('a')]
  for (const text of same) assert.equal(collectMigrations('m', ['1_a.sql'], reader({ '1_a.sql': text }))[0]!.checksum, base, JSON.stringify(text))
  // the BOM is removed when the file is decoded, before any of this
  assert.equal(checksum('\ufeff-- migrate:up\ncreate table a (id int);\n\n'), base)
  const other = one('a').replace('-- migrate:up', '-- migrate:up transaction:false')
  assert.notEqual(collectMigrations('m', ['1_a.sql'], reader({ '1_a.sql': other }))[0]!.checksum, base)
})

test('collectMigrations: up/down files and dbmate files in one folder are MIXED_FORMATS, naming both kinds', () => {
  const texts = { '1_a.up.sql': 'create table a (id int);\n', '1_a.down.sql': 'drop table a;\n', '2_b.sql': one('b'), '3_c.sql': one('c') }
  throwsCode(() => collectMigrations('migrations', Object.keys(texts).sort(), reader(texts)), 'MIXED_FORMATS', (e) => {
    assert.match(e.message, /^migrations mixes two migration formats; one folder uses one:\n/)
    assert.match(e.message, /2 up\/down files \(<version>_<name>\.up\.sql, \.down\.sql\):\n {4}migrations\/1_a\.down\.sql\n {4}migrations\/1_a\.up\.sql\n/)
    assert.match(e.message, /2 dbmate one-file migrations \(<version>_<name>\.sql with -- migrate:up and -- migrate:down\):\n {4}migrations\/2_b\.sql\n {4}migrations\/3_c\.sql$/)
    assert.deepEqual(e.files, ['migrations/1_a.down.sql', 'migrations/1_a.up.sql', 'migrations/2_b.sql', 'migrations/3_c.sql'])
    assert.match(e.next ?? '', /split a dbmate file into <version>_<name>\.up\.sql/)
  })
})

test('collectMigrations: a <version>_<name>.sql without -- migrate:up is still a malformed name; 1_a.sql and 001_b.sql are one version', () => {
  throwsCode(() => collectMigrations('migrations', ['1_a.sql', '2_b.sql'], reader({ '1_a.sql': one('a'), '2_b.sql': 'create table b (id int);\n' })), 'BAD_FILENAME', (e) => {
    assert.equal(e.message, 'Malformed migration file name:\n  migrations/2_b.sql: a migration file ends in .up.sql or .down.sql')
    assert.deepEqual(e.files, ['migrations/2_b.sql'])
  })
  throwsCode(() => collectMigrations('migrations', ['001_b.sql', '1_a.sql'], reader({ '1_a.sql': one('a'), '001_b.sql': one('b') })), 'DUPLICATE_VERSION', (e) => {
    assert.deepEqual(e.files, ['migrations/001_b.sql', 'migrations/1_a.sql'])
  })
})

// --- on the database: PostgreSQL and PGlite -------------------------------------------------------

interface Case {
  name: string
  run(target: Target, t: TestContext): Promise<void>
}

/** A dbmate folder: empty and comment-only down sections, a transaction:false section, comments before the first section. */
const DBMATE = {
  '1_users.sql': '-- dbmate writes no header; people do\n\n-- migrate:up\ncreate table users (id int primary key, name text);\ninsert into users values (1, \'a;b -- c /* d\');\n\n-- migrate:down\ndrop table users;\n',
  '2_names.sql': '-- migrate:up transaction:false\ncreate index concurrently users_name on users (name);\n\n-- migrate:down transaction:false\ndrop index concurrently users_name;\n',
  '10_audit.sql': '-- migrate:up\ncreate table audit (at timestamptz default now());\n-- migrate:down\n',
  '124_notes.sql': '-- migrate:up\ncreate table notes (body text)\n-- migrate:down\n-- the notes stay: people wrote them ✍\n',
}

async function indexes(target: Target, table: string): Promise<string[]> {
  const rows = await target.query<{ name: string }>(`
    select c.relname::text as name
    from pg_catalog.pg_index i
    join pg_catalog.pg_class c on c.oid = i.indexrelid
    where i.indrelid = $1::regclass
      and i.indisvalid
      -- primary keys are not what these migrations add
      and not i.indisprimary
    order by 1`, [table])
  return rows.map((r) => r.name)
}

const cases: Case[] = [
  {
    name: 'a dbmate folder is applied in numeric order, history holds the up section\'s checksum and the down section, and rolls back',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, DBMATE)
      const seen = events()
      const up = await migrate({ ...o, dir, onEvent: seen.onEvent })
      assert.deepEqual(up.applied.map((s) => [s.version, s.noTransaction]), [['1', false], ['2', true], ['10', false], ['124', false]])
      assert.deepEqual(await tableNames(target), ['audit', 'notes', 'users'])
      assert.deepEqual(await indexes(target, 'users'), ['users_name'])
      assert.deepEqual(await target.query('select id, name from users'), [{ id: 1, name: 'a;b -- c /* d' }])
      assert.deepEqual(seen.list.filter((e) => e.type === 'warning'), [], 'transaction:false says so: no warning')
      const section = (file: keyof typeof DBMATE, which: 0 | 1) => {
        const text = DBMATE[file]
        const at = text.indexOf('-- migrate:down')
        return which === 0 ? text.slice(text.indexOf('-- migrate:up'), at) : text.slice(at)
      }
      assert.deepEqual(await historyRows(target), (['1_users.sql', '2_names.sql', '10_audit.sql', '124_notes.sql'] as const).map((file) => ({
        version: file.split('_')[0]!, name: file.slice(file.indexOf('_') + 1, -4), checksum: sha256(section(file, 0)), down_sql: section(file, 1), state: 'applied',
      })))
      assert.deepEqual((await status({ ...o, dir })).migrations.map((m) => [m.version, m.state, m.file]), [
        ['1', 'applied', path.join(dir, '1_users.sql')], ['2', 'applied', path.join(dir, '2_names.sql')],
        ['10', 'applied', path.join(dir, '10_audit.sql')], ['124', 'applied', path.join(dir, '124_notes.sql')],
      ])

      const back = events()
      const down = await rollback({ ...o, dir, all: true, onEvent: back.onEvent })
      assert.deepEqual(down.reverted.map((s) => [s.version, s.noTransaction]), [['124', false], ['10', false], ['2', true], ['1', false]])
      assert.deepEqual(back.list.filter((e) => e.type === 'warning').map((e) => e.type === 'warning' && e.message), [
        `${path.join(dir, '124_notes.sql')} (its -- migrate:down section) has no statements: reverting 124_notes changes nothing in the database.`,
        `${path.join(dir, '10_audit.sql')} (its -- migrate:down section) has no statements: reverting 10_audit changes nothing in the database.`,
      ])
      // the empty and the comment-only down section changed nothing; the others undid their part
      assert.deepEqual(await tableNames(target), ['audit', 'notes'])
      assert.equal(await relationExists(target, 'users_name'), false)
      assert.deepEqual(await historyRows(target), [])
    },
  },
  {
    name: 'CREATE INDEX CONCURRENTLY in a section without transaction:false runs outside a transaction and says how to mark it',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '1_t.sql': '-- migrate:up\ncreate table t (id int);\n-- migrate:down\ndrop table t;\n',
        '2_i.sql': '-- migrate:up\ncreate index concurrently t_id on t (id);\n-- migrate:down\ndrop index concurrently t_id;\n',
      })
      const seen = events()
      const up = await migrate({ ...o, dir, onEvent: seen.onEvent })
      assert.deepEqual(up.applied.map((s) => [s.version, s.noTransaction]), [['1', false], ['2', true]])
      assert.deepEqual(await indexes(target, 't'), ['t_id'])
      const warning = seen.list.find((e) => e.type === 'warning')
      assert.equal(warning?.type === 'warning' && warning.message,
        `${path.join(dir, '2_i.sql')} (its -- migrate:up section) runs outside a transaction, statement by statement: it contains CREATE INDEX CONCURRENTLY, which PostgreSQL refuses in a transaction block. Add transaction:false to its -- migrate:up line to say so explicitly.`)
      const down = await rollback({ ...o, dir })
      assert.deepEqual(down.reverted.map((s) => [s.version, s.noTransaction]), [['2', true]])
      assert.deepEqual(await indexes(target, 't'), [])
    },
  },
  {
    name: 'SQL errors in a section are reported at the line and column of the file itself',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '1_ok.sql': '-- migrate:up\ncreate table ok (id int);\n-- migrate:down\ndrop table ok;\n',
        '2_bad.sql': '-- two lines of comment\n-- before the first section\n\n-- migrate:up\ncreate table bad (id int);\nselect nope from bad;\n\n-- migrate:down\ndrop table bad;\nselect * from nowhere;\n',
      })
      const up = await rejection(migrate({ ...o, dir }))
      assert.equal(up.code, 'SQL_FAILED')
      assert.deepEqual(up.location, { file: path.join(dir, '2_bad.sql'), line: 6, column: 8, excerpt: 'select nope from bad;' })
      assert.deepEqual(await recordedVersions(target), ['1'])
      assert.deepEqual(await tableNames(target), ['ok'])

      await rewrite(dir, '2_bad.sql', (text) => text.replace('select nope from bad;\n', ''))
      await migrate({ ...o, dir })
      const down = await rejection(rollback({ ...o, dir }))
      assert.equal(down.code, 'SQL_FAILED')
      assert.deepEqual(down.location, { file: path.join(dir, '2_bad.sql'), line: 9, column: 15, excerpt: 'select * from nowhere;' })
      assert.deepEqual(await tableNames(target), ['bad', 'ok'], 'the down section was rolled back')
      assert.deepEqual(await recordedVersions(target), ['1', '2'])
    },
  },
  {
    name: 'an unterminated string in a transaction:false section, and a BEGIN never committed, are refused at the file\'s line',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '1_quote.sql': '-- migrate:up transaction:false\ncreate table q (id int);\n\nselect \'never closed;\n-- migrate:down\n',
      })
      const quote = await rejection(migrate({ ...o, dir }))
      assert.equal(quote.code, 'SQL_FAILED')
      assert.match(quote.message, /^Unterminated string in .*1_quote\.sql \(its -- migrate:up section\); nothing was run\.$/)
      assert.deepEqual(quote.location, { file: path.join(dir, '1_quote.sql'), line: 4, column: 8, excerpt: 'select \'never closed;' })
      assert.deepEqual(await tableNames(target), [])

      const dir2 = await migrationsDir(t, {
        '1_open.sql': '-- header\n-- migrate:up\ncreate table a (id int);\nbegin;\ncreate table b (id int);\n-- migrate:down\n',
      })
      const open = await rejection(migrate({ ...o, dir: dir2 }))
      assert.equal(open.code, 'SQL_FAILED')
      assert.deepEqual(open.location, { file: path.join(dir2, '1_open.sql'), line: 4, column: 1, excerpt: 'begin;' })
      assert.deepEqual(await tableNames(target), [])
    },
  },
  {
    name: 'a down section stored in history rolls back with its transaction:false once the file is gone',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, {
        '1_t.sql': '-- migrate:up\ncreate table t (id int);\n-- migrate:down\ndrop table t;\n',
        '2_i.sql': '-- migrate:up transaction:false\ncreate index concurrently t_id on t (id);\n-- migrate:down transaction:false\ndrop index concurrently t_id;\n',
      })
      await migrate({ ...o, dir })
      await rm(path.join(dir, '2_i.sql'))
      const seen = events()
      const down = await rollback({ ...o, dir, onEvent: seen.onEvent })
      assert.deepEqual(down.reverted.map((s) => [s.version, s.noTransaction]), [['2', true]])
      const start = seen.list.find((e) => e.type === 'revert-start')
      assert.equal(start?.type === 'revert-start' && start.source, 'history')
      assert.deepEqual(await indexes(target, 't'), [])
      assert.deepEqual(await recordedVersions(target), ['1'])
    },
  },
  {
    name: 'a mixed folder and a dbmate file without sections stop the run before anything is applied',
    async run(target, t) {
      const o = target.options
      const mixed = await migrationsDir(t, { '1_a.up.sql': 'create table a (id int);\n', '2_b.sql': one('b') })
      assert.equal((await rejection(migrate({ ...o, dir: mixed }))).code, 'MIXED_FORMATS')
      const plain = await migrationsDir(t, { '1_a.sql': one('a'), '2_b.sql': 'create table b (id int);\n' })
      const bad = await rejection(migrate({ ...o, dir: plain }))
      assert.equal(bad.code, 'BAD_FILENAME')
      assert.deepEqual(bad.files, [path.join(plain, '2_b.sql')])
      assert.equal(await relationExists(target, 'tinymigrate_history'), false)
      assert.deepEqual(await tableNames(target), [])
    },
  },
  {
    name: 'a dbmate file with no -- migrate:down line applies, and its rollback is MISSING_DOWN naming the section',
    async run(target, t) {
      const o = target.options
      const dir = await migrationsDir(t, { '1_a.sql': '-- migrate:up\ncreate table a (id int);\n' })
      await migrate({ ...o, dir })
      const error = await rejection(rollback({ ...o, dir }))
      assert.equal(error.code, 'MISSING_DOWN')
      assert.equal(error.message, `No down migration for:\n  ${path.join(dir, '1_a.sql')} (a -- migrate:down section)\nNeither that section nor a copy stored in history exists. Nothing was reverted.`)
      assert.match(error.next ?? '', /Add a -- migrate:down line/)
      assert.deepEqual(await tableNames(target), ['a'])
    },
  },
]

async function recordedVersions(target: Target): Promise<string[]> {
  return (await historyRows(target)).map((r) => r.version)
}

const ENGINES: [Target['name'], MakeTarget][] = [['postgres', postgresTarget], ['pglite', pgliteTarget]]

for (const c of cases) {
  for (const [kind, make] of ENGINES) test(`${c.name} [${kind}]`, async (t) => c.run(await make(t), t))
}

// --- the CLI ------------------------------------------------------------------------------------

test('cli: an error in a dbmate file shows the file\'s own line; a mixed folder exits 2 and says what to do', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '20240101000000_shops.sql': '-- migrate:up\ncreate table shops (id int);\n\nselect phon from shops;\n-- migrate:down\ndrop table shops;\n',
  })
  const r = await cli(db, dir, 'up')
  assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
    code: 1,
    stdout: '',
    stderr: [
      `error SQL_FAILED  ${dir}/20240101000000_shops.sql:4:8`,
      '  column "phon" does not exist',
      '    4 | select phon from shops;',
      '      |        ^',
      '  20240101000000_shops was rolled back and is not applied. Nothing else was changed in this run.',
      '  Fix the file, then run: tinymigrate up',
      '',
    ].join('\n'),
  })
  assert.deepEqual(await tables(db), [])

  const mixed = await migrationsDir(t, { '1_a.up.sql': 'create table a (id int);\n', '2_b.sql': one('b') })
  const m = await cli(db, mixed, 'status')
  assert.equal(m.code, 2)
  assert.equal(m.stdout, '')
  assert.match(m.stderr, /^error MIXED_FORMATS\n {2}.* mixes two migration formats; one folder uses one:\n/)
  assert.match(m.stderr, /Convert the fewer ones to the other format/)

  const json = await cli(db, mixed, 'up', '--json')
  assert.equal(json.code, 2)
  assert.equal(JSON.parse(json.stdout).error.code, 'MIXED_FORMATS')
})

test('cli: new in a dbmate folder writes one dbmate file, which up applies and down reverts', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '001_a.sql': one('a') })
  const r = await runCli(['new', 'add b', '--dir', dir])
  assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 0, stdout: `created ${dir}/002_add_b.sql\n`, stderr: '' })
  assert.deepEqual(readdirSync(dir).sort(), ['001_a.sql', '002_add_b.sql'])
  assert.equal(readFileSync(path.join(dir, '002_add_b.sql'), 'utf8'), '-- migrate:up\n-- add_b: write the change here.\n\n-- migrate:down\n-- add_b: undo it here.\n')
  await rewrite(dir, '002_add_b.sql', (text) => text.replace('-- add_b: write the change here.', 'create table b (id int);').replace('-- add_b: undo it here.', 'drop table b;'))
  const up = await cli(db, dir, 'up')
  assert.equal(up.code, 0, up.stderr)
  assert.deepEqual(await tables(db), ['a', 'b'])
  assert.deepEqual(await historyVersions(db), ['001', '002'])
  const down = await cli(db, dir, 'down')
  assert.equal(down.code, 0, down.stderr)
  assert.deepEqual(await tables(db), ['a'])

  const json = await runCli(['new', 'c', '--dir', dir, '--json'])
  assert.deepEqual(JSON.parse(json.stdout), { ok: true, version: '003', up: `${dir}/003_c.sql`, down: `${dir}/003_c.sql` })
})

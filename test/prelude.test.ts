// --prelude: what the real database had before the first migration (a table another application
// made, a role), run on every scratch database first. Without it, a replay that needs such a thing
// stops at the migration's file, line and column and says to pass one; errors inside the prelude
// name the prelude. Scratch databases live on the test cluster's server.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import { introspect } from '../src/catalog/introspect.js'
import { openDb } from '../src/db.js'
import { compare } from '../src/diff/compare.js'
import { describeChange } from '../src/diff/draft.js'
import { check, migrate, type BaselineResult } from '../src/index.js'
import { rejection } from './assertions.js'
import { adminSql, cli, expectExit, freshDatabase, migrationsDir, tempDir, type FreshDatabase } from './helpers.js'

// The application made this table before anyone wrote a migration.
const LEGACY = 'create table legacy_users (id int primary key, name text not null);\n'

test('check, pull and diff replay a folder whose first migration alters a table from before it and whose second grants to a role: without --prelude they stop at file:line, with it they pass', async (t) => {
  const db = await freshDatabase(t)
  // Roles belong to the server, not to a database: a random name, dropped afterwards.
  const role = `tm_reporting_${randomBytes(4).toString('hex')}`
  t.after(async () => { await adminSql().unsafe(`drop role if exists ${role}`) })
  const dir = await migrationsDir(t, {
    '001_add_email.up.sql': '-- legacy_users came from the application, before the first migration\n\nalter table legacy_users add column email text;\n',
    '001_add_email.down.sql': 'alter table legacy_users drop column email;\n',
    '002_reporting.up.sql': 'create view active_users as select id, email from legacy_users;\ngrant select on active_users to ' + role + ';\n',
    '002_reporting.down.sql': 'drop view active_users;\n',
  })
  const up1 = path.join(dir, '001_add_email.up.sql')
  const up2 = path.join(dir, '002_reporting.up.sql')

  const bare = await cli(db, dir, 'pull')
  expectExit(bare, 1, 'pull without a prelude')
  assert.equal(bare.stdout, '')
  assert.equal(bare.stderr, [
    `error SQL_FAILED  ${up1}:3:1`,
    `  ${up1} failed on a scratch database: relation "legacy_users" does not exist`,
    '    3 | alter table legacy_users add column email text;',
    '      | ^',
    `  If ${up1} needs something the real database had before the first migration (a role, an extension, a table), put the SQL that creates it in a file and pass it with --prelude FILE; the prelude runs on every scratch database first. Otherwise fix ${up1}. Then run the command again.`,
    '',
  ].join('\n'))

  // a prelude with the table but not the role: the error moves on to 002, and names the prelude
  const prelude = path.join(await tempDir(t, 'tm-prelude-'), 'prelude.sql')
  await writeFile(prelude, `-- what production had before 001\n${LEGACY}`)
  const half = await cli(db, dir, 'pull', '--prelude', prelude)
  expectExit(half, 1, 'pull with a prelude that lacks the role')
  assert.match(half.stderr, new RegExp(`^error SQL_FAILED  ${escape(up2)}:2:1\\n  ${escape(up2)} failed on a scratch database: role "${role}" does not exist\\n`))
  assert.match(half.stderr, new RegExp(`\\(a role, an extension, a table\\), add it to ${escape(prelude)} \\(the prelude\\); the prelude runs on every scratch database first\\.`))

  // roles are the server's: the prelude creates this one only where it is missing
  await writeFile(prelude, `-- what production had before 001\n${LEGACY}do $$ begin\n  if not exists (select from pg_roles where rolname = '${role}') then create role ${role}; end if;\nend $$;\n`)
  const pulled = await cli(db, dir, 'pull', '--prelude', prelude)
  expectExit(pulled, 0, 'pull with the prelude')
  const schema = readFileSync(path.join(dir, 'schema.sql'), 'utf8')
  // what the prelude made is not part of the schema the migrations give
  assert.doesNotMatch(schema, /CREATE TABLE/)
  assert.match(schema, /^ALTER TABLE "public"\."legacy_users" ADD COLUMN "email" text;$/m)
  assert.match(schema, new RegExp(`^GRANT SELECT ON TABLE "public"\\."active_users" TO "?${role}"?;$`, 'm'))

  const checked = await cli(db, dir, 'check', '--prelude', prelude)
  expectExit(checked, 0, 'check with the prelude')
  assert.equal(checked.stdout, `ok: the migrations give exactly the schema of ${dir}/schema.sql\n`)
  const drafted = await cli(db, dir, 'diff', 'nothing', '--prelude', prelude, '--dry-run')
  expectExit(drafted, 0, 'diff with the prelude')
  assert.equal(drafted.stdout, `nothing to draft: the migrations give exactly the schema of ${dir}/schema.sql\n`)
  const unchecked = await cli(db, dir, 'check')
  expectExit(unchecked, 1, 'check without the prelude')
  assert.match(unchecked.stderr, new RegExp(`^error SQL_FAILED  ${escape(up1)}:3:1\\n`))
})

test('an error inside the prelude names the prelude file and line; a dbmate section names its file\'s own line', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '1_add_email.sql': '-- from the old application\n\n-- migrate:up\nalter table legacy_users add column email text;\n\n-- migrate:down\nalter table legacy_users drop column email;\n',
  })
  await writeFile(path.join(dir, 'schema.sql'), '')
  const prelude = path.join(await tempDir(t, 'tm-prelude-'), 'prelude.sql')

  await writeFile(prelude, `${LEGACY}\ncreate tabel legacy_orders (id int);\n`)
  const syntax = await rejection(check({ url: db.url, dir, prelude }))
  assert.equal(syntax.code, 'SQL_FAILED')
  assert.equal(syntax.message, `${prelude} failed on a scratch database: syntax error at or near "tabel"`)
  assert.deepEqual(syntax.location, { file: prelude, line: 3, column: 8, excerpt: 'create tabel legacy_orders (id int);' })
  assert.equal(syntax.next, `Fix ${prelude} (the prelude), then run the command again.`)

  // an error the server gives no position for: the statement that failed is found
  await writeFile(prelude, `-- before 1\n${LEGACY}alter table legacy_orders add column note text;\n`)
  const missing = await rejection(check({ url: db.url, dir, prelude }))
  assert.deepEqual([missing.code, missing.location?.file, missing.location?.line, missing.location?.column], ['SQL_FAILED', prelude, 3, 1])

  // the one-file migration's up section starts on line 3: the error is on line 4 of the file
  const section = await rejection(check({ url: db.url, dir }))
  assert.deepEqual(section.location, { file: path.join(dir, '1_add_email.sql'), line: 4, column: 1, excerpt: 'alter table legacy_users add column email text;' })
  assert.match(section.next ?? '', /pass it with --prelude FILE/)

  // a plain mistake is not blamed on a missing prelude
  await writeFile(path.join(dir, '1_add_email.sql'), '-- migrate:up\ncreate table t (id int, id int);\n')
  const duplicate = await rejection(check({ url: db.url, dir }))
  assert.equal(duplicate.next, `Fix ${path.join(dir, '1_add_email.sql')}, then run the command again.`)
})

test('baseline --prelude leaves out what the prelude creates: the baseline runs after it and gives the original', async (t) => {
  const db = await freshDatabase(t)
  await db.sql.unsafe(`${LEGACY}create table orders (id int primary key, user_id int not null references legacy_users (id));\n`)
  const dir = path.join(await tempDir(t, 'tm-prelude-'), 'migrations')
  const prelude = path.join(await tempDir(t, 'tm-prelude-'), 'prelude.sql')
  await writeFile(prelude, LEGACY)

  const run = await cli(db, dir, 'baseline', 'initial', '--prelude', prelude, '--json')
  expectExit(run, 0, 'baseline --prelude')
  const result = JSON.parse(run.stdout) as BaselineResult
  assert.match(result.sql.up, /^CREATE TABLE "public"\."orders" \($/m)
  assert.doesNotMatch(result.sql.up, /CREATE TABLE "public"\."legacy_users"/)
  assert.match(result.sql.up, new RegExp(`^-- Left out: what ${escape(prelude)} \\(the prelude\\) creates; it exists before the first migration\\.$`, 'm'))
  assert.doesNotMatch(result.sql.down, /legacy_users"?;/)

  // a new environment that has what the prelude makes: up gives the original schema
  const fresh = await freshDatabase(t)
  await fresh.sql.unsafe(LEGACY)
  await migrate({ url: fresh.url, dir })
  assert.deepEqual(await differences(db, fresh), [])
})

/** What differs between two databases' schemas, tinymigrate's history left out. */
async function differences(a: FreshDatabase, b: FreshDatabase): Promise<string[]> {
  const read = async (d: FreshDatabase) => {
    const db = await openDb({ url: d.url })
    try {
      return await introspect(db, { exclude: ['public.tinymigrate_history'] })
    } finally {
      await db.close()
    }
  }
  return compare(await read(a), await read(b)).changes.map(describeChange)
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

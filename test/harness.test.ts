// Proves the test harness itself: if these fail, every other test result is suspect.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import { adminSql, freshDatabase, migrationsDir, psqlPath, rewrite, type FreshDatabase } from './helpers.js'

// Filled by the first tests and checked by later ones, after their after-hooks ran
let firstDb: FreshDatabase | undefined
let firstDir: string | undefined

async function databaseExists(name: string): Promise<boolean> {
  const sql = adminSql()
  const rows = await sql`select 1 from pg_database where datname = ${name}`
  return rows.length === 1
}

function psql(url: string, query: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(psqlPath(), ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', query])
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))))
  })
}

test('the launcher hides real database settings from tests', () => {
  assert.equal(process.env.DATABASE_URL, undefined)
  assert.deepEqual(Object.keys(process.env).filter((k) => k.startsWith('PG')), [])
  assert.ok(process.env.TINYMIGRATE_TEST_ADMIN_URL?.includes('127.0.0.1'))
})

test('freshDatabase gives a private, working database', async (t) => {
  const a = await freshDatabase(t)
  const b = await freshDatabase(t)
  firstDb = a

  assert.match(a.name, /^tm_[0-9a-f]+$/)
  assert.notEqual(a.name, b.name)
  assert.equal(new URL(a.url).pathname, `/${a.name}`)
  assert.equal(await databaseExists(a.name), true)

  const [{ db }] = await a.sql`select current_database() as db`
  assert.equal(db, a.name)

  await a.sql`create table harness_probe (id int primary key)`
  await a.sql`insert into harness_probe values (1), (2)`
  const [{ n }] = await a.sql`select count(*)::int as n from harness_probe`
  assert.equal(n, 2)

  // a sibling database must not see the table
  const [{ found }] = await b.sql`select to_regclass('harness_probe') as found`
  assert.equal(found, null)
})

test('psqlPath reaches the same database through the url', async (t) => {
  const { url, name } = await freshDatabase(t)
  assert.equal(await psql(url, 'select current_database()'), name)
})

test('freshDatabase dropped the earlier database and closed its connection', async () => {
  assert.ok(firstDb, 'the freshDatabase test did not run')
  assert.equal(await databaseExists(firstDb.name), false)
  // CONNECTION_ENDED, not merely a failed reconnect: the helper closed it before dropping
  await assert.rejects(firstDb.sql`select 1`, { code: 'CONNECTION_ENDED' })
})

test('migrationsDir writes files, including subdirectories and buffers', async (t) => {
  const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x2d, 0x2d])
  const dir = await migrationsDir(t, {
    '001_init.sql': 'create table a (id int);',
    'nested/002_more.sql': 'select 1;',
    'bom.sql': bytes,
  })
  firstDir = dir
  assert.equal(await readFile(path.join(dir, '001_init.sql'), 'utf8'), 'create table a (id int);')
  assert.equal(await readFile(path.join(dir, 'nested', '002_more.sql'), 'utf8'), 'select 1;')
  assert.deepEqual(await readFile(path.join(dir, 'bom.sql')), bytes)

  await rewrite(dir, '001_init.sql', (text) => text.replace('int', 'bigint'))
  assert.equal(await readFile(path.join(dir, '001_init.sql'), 'utf8'), 'create table a (id bigint);')

  await assert.rejects(migrationsDir(t, { '../escape.sql': '' }), /escapes/)
})

test('migrationsDir removed the earlier directory', () => {
  assert.ok(firstDir, 'the migrationsDir test did not run')
  assert.equal(existsSync(firstDir), false)
})

// schema.sql does not depend on the engine that pulled it. A team pulls on a PostgreSQL server
// and runs `check` in CI with no server (the embedded PGlite, a newer PostgreSQL), or the
// reverse: what only the engine makes (an extension's default version, text one version prints
// differently) must not show up as a difference, and the file must load on the other engine.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, test, type TestContext } from 'node:test'
import { expectExit, freshDatabase, runCli, show, tempDir, type CliResult } from './helpers.js'

// A PGlite start is seconds of WebAssembly, more on a loaded machine.
const timeoutMs = 180_000

// The snapshot the embedded engine starts from, made by the first embedded run of this file.
let cache = ''
before(async () => { cache = await mkdtemp(path.join(os.tmpdir(), 'tm-cross-cache-')) })
after(() => rm(cache, { recursive: true, force: true }))

// A small shop, one object of every common kind. pgcrypto is created without a version: its
// default differs between the engines (1.3 on PostgreSQL 15, 1.4 on PGlite). citext is pinned to
// 1.5, which both engines have and neither creates by default (1.6 and 1.8).
const MIGRATIONS: Record<string, string> = {
  '001_extensions.up.sql': [
    'create extension pgcrypto;',
    "create extension citext version '1.5';",
    '',
  ].join('\n'),
  '002_shop.up.sql': [
    'create schema shop;',
    "comment on schema shop is 'The shop';",
    'grant usage on schema shop to public;',
    '',
    "create type shop.order_state as enum ('new', 'paid', 'shipped');",
    "comment on type shop.order_state is 'Where an order is';",
    "create domain shop.email as citext check (value ~ '^[^@]+@[^@]+$');",
    'create sequence shop.invoice_no start 1000 increment 10;',
    '',
    'create table shop.customers (',
    '  id uuid primary key default gen_random_uuid(),',
    '  email shop.email not null unique,',
    '  name text not null check (length(name) > 0),',
    '  secret bytea not null default digest(gen_random_bytes(16), \'sha256\'),',
    '  created_at timestamptz not null default now()',
    ');',
    "comment on column shop.customers.secret is 'Never shown';",
    '',
    'create table shop.orders (',
    '  id bigint generated always as identity primary key,',
    '  customer_id uuid not null references shop.customers (id) on delete cascade,',
    "  state shop.order_state not null default 'new',",
    '  total numeric(12, 2) not null,',
    "  invoice bigint not null default nextval('shop.invoice_no'),",
    '  updated_at timestamptz,',
    '  constraint orders_total_positive check (total >= 0),',
    '  unique (invoice)',
    ');',
    "comment on table shop.orders is 'One row per order';",
    "create index orders_open on shop.orders (customer_id, state) where state <> 'shipped';",
    '',
    'create view shop.open_orders as',
    '  select o.id, c.email, o.total, o.state',
    '  from shop.orders o',
    '  join shop.customers c on c.id = o.customer_id',
    "  where o.state <> 'shipped';",
    'grant select on shop.open_orders to public;',
    '',
    'create function shop.touch() returns trigger language plpgsql as $$',
    'begin',
    '  new.updated_at := now();',
    '  return new;',
    'end',
    '$$;',
    'revoke execute on function shop.touch() from public;',
    "comment on function shop.touch() is 'Sets updated_at';",
    'create trigger orders_touch before update on shop.orders for each row execute function shop.touch();',
    '',
  ].join('\n'),
  '003_events.up.sql': [
    'create table shop.events (',
    '  at timestamptz not null,',
    '  order_id bigint references shop.orders (id),',
    '  kind text not null,',
    '  payload jsonb',
    ') partition by range (at);',
    "create table shop.events_2025 partition of shop.events for values from ('2025-01-01') to ('2026-01-01');",
    "create table shop.events_2026 partition of shop.events for values from ('2026-01-01') to ('2027-01-01');",
    'create index events_kind on shop.events (kind, at);',
    'grant select, insert on shop.events to public;',
    '',
  ].join('\n'),
}

interface Project {
  cwd: string
  schema: string
  /** tinymigrate in the project's folder, with no database configured unless `--url` is given. */
  run(...args: string[]): Promise<CliResult>
}

async function project(t: TestContext): Promise<Project> {
  const cwd = await tempDir(t, 'tm-cross-')
  const folder = path.join(cwd, 'migrations')
  await mkdir(folder)
  for (const [file, text] of Object.entries(MIGRATIONS)) await writeFile(path.join(folder, file), text)
  const env = { DATABASE_URL: undefined, TINYMIGRATE_CACHE_DIR: cache }
  return { cwd, schema: path.join(folder, 'schema.sql'), run: (...args) => runCli(args, { cwd, env, timeoutMs }) }
}

/** `pull --json` on the given engine; the text it wrote. */
async function pull(p: Project, engine: 'server' | 'embedded', ...args: string[]): Promise<string> {
  const r = await p.run('pull', '--json', ...args)
  expectExit(r, 0, `pull (${engine})`)
  const doc = JSON.parse(r.stdout)
  assert.equal(doc.engine, engine, show(r))
  return readFileSync(p.schema, 'utf8')
}

/** `check --json` on the given engine: no difference at all. */
async function assertChecks(p: Project, engine: 'server' | 'embedded', ...args: string[]): Promise<void> {
  const r = await p.run('check', '--json', ...args)
  const doc = JSON.parse(r.stdout || '{}')
  assert.deepEqual({ differences: doc.differences, engine: doc.engine }, { differences: [], engine }, `check (${engine}) reports differences: ${show(r)}`)
  expectExit(r, 0, `check (${engine})`)
}

/** `diff` on the given engine: nothing to draft, no file written. */
async function assertNothingToDraft(p: Project, engine: 'server' | 'embedded', ...args: string[]): Promise<void> {
  const r = await p.run('diff', 'engine_only', ...args)
  expectExit(r, 0, `diff (${engine})`)
  assert.match(r.stdout, /^nothing to draft: the migrations give exactly the schema of migrations\/schema\.sql\n/, `diff (${engine}): ${show(r)}`)
  assert.deepEqual(readdirSync(path.join(p.cwd, 'migrations')).filter((f) => f.includes('engine_only')), [])
}

/** CREATE EXTENSION names a version only where a migration pinned one. */
function assertExtensionVersions(schema: string, engine: string): void {
  const lines = schema.split('\n').filter((l) => /create extension/i.test(l))
  const pgcrypto = lines.filter((l) => /pgcrypto/.test(l))
  const citext = lines.filter((l) => /citext/.test(l))
  assert.equal(pgcrypto.length, 1, `one CREATE EXTENSION pgcrypto in the schema pulled on the ${engine}:\n${lines.join('\n')}`)
  assert.doesNotMatch(pgcrypto[0]!, /VERSION '/i, `pgcrypto was not pinned, yet the ${engine} pulled: ${pgcrypto[0]}`)
  assert.equal(citext.length, 1, `one CREATE EXTENSION citext in the schema pulled on the ${engine}:\n${lines.join('\n')}`)
  assert.match(citext[0]!, /VERSION '1\.5'/i, `citext was pinned to 1.5, yet the ${engine} pulled: ${citext[0]}`)
}

test('pulled on the server (PostgreSQL 15), schema.sql checks and diffs clean with no server (PGlite)', async (t) => {
  const p = await project(t)
  const db = await freshDatabase(t)
  const schema = await pull(p, 'server', '--url', db.url)
  assertExtensionVersions(schema, 'server')
  await assertChecks(p, 'embedded')
  await assertNothingToDraft(p, 'embedded')
})

test('pulled with no server (PGlite), schema.sql checks and diffs clean on the server (PostgreSQL 15)', async (t) => {
  const p = await project(t)
  const db = await freshDatabase(t)
  const schema = await pull(p, 'embedded')
  assertExtensionVersions(schema, 'embedded engine')
  await assertChecks(p, 'server', '--url', db.url)
  await assertNothingToDraft(p, 'server', '--url', db.url)
})

// GRANT ALL means every privilege the engine has: PostgreSQL 17 added MAINTAIN to a table's.
test('GRANT ALL to PUBLIC on a table, pulled on either engine, checks clean on the other', async (t) => {
  const p = await project(t)
  await writeFile(path.join(p.cwd, 'migrations', '004_grant_all.up.sql'), 'grant all on table shop.orders to public;\n')
  const db = await freshDatabase(t)
  const outcomes: string[] = []
  await pull(p, 'server', '--url', db.url)
  const embedded = await p.run('check')
  outcomes.push(`pulled on the server, checked embedded: exit ${embedded.code}\n${embedded.stdout}${embedded.stderr}`)
  await pull(p, 'embedded')
  const server = await p.run('check', '--url', db.url)
  outcomes.push(`pulled embedded, checked on the server: exit ${server.code}\n${server.stdout}${server.stderr}`)
  const passes = 'ok: the migrations give exactly the schema of migrations/schema.sql\n'
  assert.deepEqual(outcomes, [
    `pulled on the server, checked embedded: exit 0\n${passes}`,
    `pulled embedded, checked on the server: exit 0\n${passes}`,
  ])
})

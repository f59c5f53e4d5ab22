// lint as a user meets it: real migrations on the test server (and on the embedded engine), each
// hazardous form reported with its relation and lock, its safe form not reported as an error.
// Two judges: what lint says a statement locked and rewrote is checked against what another
// session sees in pg_locks while the same statements run in an open transaction, and against
// pg_relation_filenode; any disagreement fails the test.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import postgres from 'postgres'
import { lint, migrate, type LintFinding, type LintResult } from '../src/index.js'
import { splitStatements } from '../src/sqltext.js'
import { cli, expectExit, scratchDatabases, scratchLeftSince, freshDatabase, historyVersions, migrationsDir, runCli, type FreshDatabase, type HookScope } from './helpers.js'

const SCHEMA = `
create table users (id bigint primary key, email text, name text, code varchar(20));
create table orders (id bigint primary key, user_id bigint, total int, note text, placed date);
create table events (id bigint, at date not null) partition by range (at);
create table events_2025 partition of events for values from ('2025-01-01') to ('2026-01-01');
create table events_2026 (id bigint, at date not null);
`

/** A finding as the cases write it: rule, relation and lock (null where none matters). */
type Expected = [rule: string, relation: string | null, lock: string | null]

interface Case {
  name: string
  up: string
  expect: Expected[]
  /** Also lint on the embedded engine (no URL): the same findings. */
  embedded?: boolean
  /** An earlier migration, applied before the one judged. */
  before?: string
}

const CASES: Case[] = [
  // rewrites
  { name: 'a column type change that rewrites', up: 'alter table orders alter column total type bigint;', expect: [['rewrite-table', 'public.orders', 'ACCESS EXCLUSIVE']], embedded: true },
  { name: 'a type change that does not rewrite (varchar made longer)', up: 'alter table users alter column code type varchar(40);', expect: [], embedded: true },
  { name: 'a column with a volatile default', up: 'alter table orders add column token float8 default random();', expect: [['rewrite-table', 'public.orders', 'ACCESS EXCLUSIVE']] },
  { name: 'a column with a constant default', up: "alter table orders add column state text not null default 'new';", expect: [] },
  // indexes
  { name: 'an index built without CONCURRENTLY', up: 'create index orders_user on orders (user_id);', expect: [['index-not-concurrent', 'public.orders', 'SHARE']], embedded: true },
  { name: 'an index built CONCURRENTLY in a no-transaction file', up: '-- tinymigrate:no-transaction\ncreate index concurrently orders_user on orders (user_id);', expect: [], embedded: true },
  { name: 'a unique constraint added with its index', up: 'alter table users add constraint users_email unique (email);', expect: [['index-not-concurrent', 'public.users', 'ACCESS EXCLUSIVE']] },
  { name: 'a unique constraint on an index built concurrently before', before: '-- tinymigrate:no-transaction\ncreate unique index concurrently users_email on users (email);', up: 'alter table users add constraint users_email unique using index users_email;', expect: [] },
  { name: 'an index on a partitioned table and its partitions', up: 'create index events_id on events (id);', expect: [['index-not-concurrent', 'public.events', 'SHARE']] },
  { name: 'REINDEX', up: 'reindex table orders;', expect: [['rebuild-index', 'public.orders', 'SHARE']] },
  // constraints
  { name: 'a foreign key that checks every row', up: 'alter table orders add constraint orders_user_fk foreign key (user_id) references users (id);', expect: [['constraint-scan', 'public.orders', 'SHARE ROW EXCLUSIVE']], embedded: true },
  { name: 'a foreign key added NOT VALID', up: 'alter table orders add constraint orders_user_fk foreign key (user_id) references users (id) not valid;', expect: [] },
  { name: 'a foreign key validated in a migration of its own', before: 'alter table orders add constraint orders_user_fk foreign key (user_id) references users (id) not valid;', up: 'alter table orders validate constraint orders_user_fk;', expect: [] },
  { name: 'a check validated in the transaction that added it NOT VALID', up: 'alter table orders add constraint orders_total check (total >= 0) not valid;\nalter table orders validate constraint orders_total;', expect: [['constraint-scan', 'public.orders', 'ACCESS EXCLUSIVE']] },
  { name: 'a check constraint', up: 'alter table orders add constraint orders_total check (total >= 0);', expect: [['constraint-scan', 'public.orders', 'ACCESS EXCLUSIVE']] },
  { name: 'SET NOT NULL', up: 'alter table users alter column email set not null;', expect: [['set-not-null-scan', 'public.users', 'ACCESS EXCLUSIVE']], embedded: true },
  { name: 'SET NOT NULL proven by a valid check', before: 'alter table users add constraint users_email_nn check (email is not null);', up: 'alter table users alter column email set not null;', expect: [] },
  { name: 'ATTACH PARTITION that checks the bound', up: "alter table events attach partition events_2026 for values from ('2026-01-01') to ('2027-01-01');", expect: [['attach-partition-scan', 'public.events_2026', 'ACCESS EXCLUSIVE']] },
  { name: 'ATTACH PARTITION proven by a valid check', before: "alter table events_2026 add constraint events_2026_bound check (at >= '2026-01-01' and at < '2027-01-01');", up: "alter table events attach partition events_2026 for values from ('2026-01-01') to ('2027-01-01');", expect: [] },
  // data
  { name: 'an update of every row', up: "update orders set note = '';", expect: [['update-all-rows', 'public.orders', 'ROW EXCLUSIVE']], embedded: true },
  { name: 'an update of some rows', up: 'update orders set note = null where id < 100;', expect: [['rows-locked', 'public.orders', 'ROW EXCLUSIVE']] },
  { name: 'a backfill in the transaction of an ALTER TABLE', up: 'alter table orders add column paid boolean;\nupdate orders set paid = false;', expect: [['update-all-rows', 'public.orders', 'ACCESS EXCLUSIVE']] },
  { name: 'a read of a whole table while an ALTER TABLE holds another', up: 'alter table users add column tier text;\nupdate orders set note = null where total > 100;', expect: [['locked-during-scan', 'public.users', 'ACCESS EXCLUSIVE'], ['rows-locked', 'public.orders', 'ROW EXCLUSIVE']] },
  { name: 'ATTACH PARTITION that builds the parent\'s index and checks the bound', before: 'create index events_id on events (id);', up: "alter table events attach partition events_2026 for values from ('2026-01-01') to ('2027-01-01');", expect: [['attach-partition-scan', 'public.events_2026', 'ACCESS EXCLUSIVE'], ['index-not-concurrent', 'public.events_2026', 'ACCESS EXCLUSIVE']] },
  { name: 'an insert of reference rows', up: "insert into users (id, email) values (1, 'root@example.com');", expect: [] },
  { name: 'a delete of every row', up: 'delete from orders;', expect: [['delete-all-rows', 'public.orders', 'ROW EXCLUSIVE']] },
  { name: 'TRUNCATE', up: 'truncate orders;', expect: [['truncate', 'public.orders', 'ACCESS EXCLUSIVE']] },
  // destroying and breaking
  { name: 'DROP TABLE', up: 'drop table orders;', expect: [['drop-table', 'public.orders', null]], embedded: true },
  { name: 'DROP COLUMN', up: 'alter table orders drop column note;', expect: [['drop-column', 'public.orders', null]] },
  { name: 'a renamed column', up: 'alter table users rename column name to full_name;', expect: [['rename-column', 'public.users', null]] },
  { name: 'a renamed table', up: 'alter table orders rename to purchases;', expect: [['rename-table', 'public.orders', null]] },
  { name: 'a NOT NULL column without a default', up: 'alter table orders add column status text not null;', expect: [['not-null-no-default', 'public.orders', null]] },
  { name: 'a new table, its index and its data', up: 'create table carts (id bigint primary key, user_id bigint references users);\ncreate index carts_user on carts (user_id);\ninsert into carts values (1, null);\nupdate carts set user_id = null;', expect: [] },
]

/** The findings of the judged migration (002), as the cases write them. */
function found(r: LintResult, version = '002'): Expected[] {
  return r.findings.filter((f) => f.version === version).map((f) => [f.rule, f.relation, f.lock] as Expected).sort()
}

function files(c: Case): Record<string, string> {
  return {
    '000_schema.up.sql': SCHEMA,
    ...(c.before ? { '001_before.up.sql': c.before } : {}),
    '002_change.up.sql': c.up,
  }
}

/**
 * A database at the state before 002: the schema (and the case's earlier migration) applied;
 * with `rows`, a row in each table, so that what grows with a table is weighed as it would be
 * in production (on an empty table it is a warning).
 */
async function liveBefore(t: HookScope, c: Case, rows = true): Promise<{ db: FreshDatabase; dir: string }> {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, files(c))
  await migrate({ url: db.url, dir, to: c.before ? '001' : '000' })
  if (rows) await fill(db)
  return { db, dir }
}

async function fill(db: FreshDatabase): Promise<void> {
  await db.sql.unsafe(`
    insert into users values (1, 'a@example.com', 'A', 'x');
    insert into orders values (1, 1, 10, 'n', '2025-02-01');
    insert into events values (1, '2025-06-01');
    insert into events_2026 values (1, '2026-06-01');
    analyze users, orders, events, events_2026`)
}

// --- the second judge ----------------------------------------------------------------------------

interface Observed {
  /** Per statement: locks newly held on relations that existed before it, `relation mode`. */
  locks: string[][]
  /** Per statement: relations whose file node changed. */
  rewrites: string[][]
}

/**
 * Runs the judged migration's statements itself, in one transaction on a database at the same
 * state, and after each one reads pg_locks for that backend from another session, and the
 * relations' file nodes with pg_relation_filenode. Then rolls back.
 */
async function observe(db: FreshDatabase, up: string): Promise<Observed> {
  const runner = postgres(db.url, { max: 1, onnotice: () => {} })
  const watcher = postgres(db.url, { max: 1, onnotice: () => {} })
  const observed: Observed = { locks: [], rewrites: [] }
  try {
    await runner.begin(async (tx) => {
      const [{ pid }] = await tx`select pg_backend_pid() as pid`
      const relations = async () => {
        const rows = await tx`
          select c.oid::int8 as oid, n.nspname || '.' || c.relname as name, c.relkind as kind, pg_relation_filenode(c.oid)::int8 as node
          from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'`
        return new Map(rows.map((r) => [String(r.oid), { name: r.name as string, kind: r.kind as string, node: String(r.node) }]))
      }
      const held = async () => {
        const rows = await watcher`select relation::int8 as oid, mode from pg_locks where pid = ${pid} and locktype = 'relation' and granted`
        return new Set(rows.map((r) => `${r.oid} ${r.mode}`))
      }
      let rels = await relations()
      let locks = await held()
      for (const s of splitStatements(up).statements) {
        await tx.unsafe(s.text)
        const nowRels = await relations()
        const nowLocks = await held()
        const named = (key: string) => {
          const [oid, mode] = key.split(' ')
          return `${rels.get(oid!)!.name} ${mode!.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()}`
        }
        observed.locks.push([...nowLocks].filter((k) => !locks.has(k) && rels.has(k.split(' ')[0]!)).map(named).sort())
        observed.rewrites.push([...rels].filter(([oid, r]) => ['r', 'm', 'i'].includes(r.kind) && nowRels.has(oid) && nowRels.get(oid)!.node !== r.node).map(([, r]) => r.name).sort())
        rels = nowRels
        locks = nowLocks
      }
      throw new Rollback()
    })
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
  } finally {
    await Promise.all([runner.end(), watcher.end()])
  }
  return observed
}

class Rollback extends Error {}

/** Lint's own account of each statement, in the judge's terms. */
function measured(r: LintResult): Observed {
  const m = r.migrations.find((x) => x.version === '002')!
  return {
    locks: m.statements.map((s) => s.locks.map((l) => `${l.relation} ${l.mode}`).sort()),
    rewrites: m.statements.map((s) => [...s.rewrites].sort()),
  }
}

for (const c of CASES) {
  test(`lint: ${c.name} → ${c.expect.length ? c.expect.map((e) => e[0]).join(', ') : 'nothing'}`, async (t) => {
    const { db, dir } = await liveBefore(t, c)
    const r = await lint({ url: db.url, dir })
    assert.equal(r.engine, 'server')
    assert.deepEqual(found(r), [...c.expect].sort(), JSON.stringify(r.findings, null, 2))
    assert.deepEqual(r.migrations.map((m) => m.version), ['002'], 'only the pending migration is linted')
    // every rule is an error here but these warnings (a NOT NULL column without a default is an
    // error on a live table with rows)
    const errors = c.expect.filter(([rule]) => rule !== 'rows-locked' && !rule.startsWith('rename'))
    assert.equal(r.ok, errors.length === 0)
    for (const f of r.findings) assert.ok(f.file.endsWith('002_change.up.sql') && f.line >= 1 && f.column >= 1 && f.statement && f.fix, JSON.stringify(f))

    // the second judge, for statements that run inside a transaction
    if (!c.up.startsWith('-- tinymigrate:no-transaction')) {
      const judged = await liveBefore(t, c, false)
      const seen = await observe(judged.db, c.up)
      assert.deepEqual(measured(r), seen, 'lint and pg_locks seen from another session disagree')
      // a finding's lock is the strongest write-blocking mode held on its relation at that point
      for (const f of r.findings.filter((x) => x.lock && x.rule !== 'update-all-rows' && x.rule !== 'rows-locked' && x.rule !== 'delete-all-rows')) {
        const index = splitStatements(c.up).statements.findIndex((s) => f.statement!.startsWith(s.text.replace(/\s+/g, ' ').slice(0, 30)))
        const upTo = seen.locks.slice(0, index + 1).flat().filter((l) => l.startsWith(`${f.relation} `))
        assert.ok(upTo.includes(`${f.relation} ${f.lock}`), `lint says ${f.rule} holds ${f.lock} on ${f.relation}; pg_locks saw ${upTo.join(', ')}`)
      }
    }

    // The embedded engine does not depend on the server: its cases run beside the machine's server only.
    if (c.embedded && !process.env.TINYMIGRATE_TEST_SIDE_RUN) {
      const e = await lint({ dir })
      assert.equal(e.engine, 'embedded')
      assert.deepEqual(found(e), [...c.expect].sort(), `embedded engine: ${JSON.stringify(e.findings, null, 2)}`)
      assert.deepEqual(found(e, '000'), [], 'creating tables is never a finding')
    }
  })
}

// --- weighing by the live database --------------------------------------------------------------

test('lint weighs findings by the live table: size and rows in the message, a NOT NULL column without default becomes an error; the live database is only read', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '000_schema.up.sql': SCHEMA,
    '002_change.up.sql': 'alter table orders alter column total type bigint;\nalter table orders add column status text not null;\n',
  })
  await migrate({ url: db.url, dir, to: '000' })
  await db.sql`insert into orders select g, g, g from generate_series(1, 20000) g`
  await db.sql`analyze orders`
  const before = await db.sql`select count(*)::int as n from tinymigrate_history`
  const scratch = await scratchDatabases()
  const r = await lint({ url: db.url, dir })
  assert.equal(r.weighed, true)
  const rewrite = r.findings.find((f) => f.rule === 'rewrite-table')!
  assert.equal(rewrite.size!.rows, 20000)
  assert.ok(rewrite.size!.bytes > 500_000, `bytes: ${rewrite.size!.bytes}`)
  assert.match(rewrite.message, /in the live database public\.orders has \d+(\.\d)? (kB|MB), about 20k rows/)
  const notNull = r.findings.find((f) => f.rule === 'not-null-no-default')!
  assert.equal(notNull.severity, 'error')
  assert.match(notNull.message, /the migration will fail there/)
  // nothing was written to the live database, and the scratch database is gone
  const [after] = await db.sql`select count(*)::int as n from tinymigrate_history`
  assert.equal(after!.n, before[0]!.n)
  const [columns] = await db.sql`select count(*)::int as n from information_schema.columns where table_name = 'orders' and column_name = 'status'`
  assert.equal(columns!.n, 0)
  assert.deepEqual(await scratchLeftSince(scratch), [])
})

test('lint on a database with no history yet lints every migration, and creates no history table', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '000_schema.up.sql': SCHEMA, '002_change.up.sql': 'create index orders_user on orders (user_id);' })
  const r = await lint({ url: db.url, dir })
  assert.deepEqual(r.migrations.map((m) => m.version), ['000', '002'])
  // orders does not exist in the live database yet: it is created, empty, by 000 in the same deploy
  const f = r.findings.find((x) => x.rule === 'index-not-concurrent')!
  assert.equal(f.severity, 'warning')
  assert.match(f.message, /public\.orders is not in the live database yet/)
  assert.equal(r.ok, true)
  const [row] = await db.sql`select to_regclass('tinymigrate_history') as t`
  assert.equal(row!.t, null)
})

// --- accepting findings ------------------------------------------------------------------------

test('accept comments: on the line above, after the statement, for the whole file; an unknown rule name is reported', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, {
    '000_schema.up.sql': SCHEMA,
    '002_change.up.sql': [
      '-- tinymigrate:allow index-not-concurrent: orders is tiny',
      'create index orders_user on orders (user_id);',
      'alter table orders alter column total type bigint; -- tinymigrate:allow rewrite-table',
      'alter table users alter column email set not null;',
      '-- tinymigrate:allow drop-colum',
      'alter table orders drop column note;',
      '-- tinymigrate:allow-file rename-column',
      'alter table users rename column name to full_name;',
      '',
    ].join('\n'),
  })
  await migrate({ url: db.url, dir, to: '000' })
  await fill(db)
  const r = await lint({ url: db.url, dir })
  const by = (rule: string): LintFinding => r.findings.find((f) => f.rule === rule)!
  assert.equal(by('index-not-concurrent').accepted, true)
  assert.equal(by('rewrite-table').accepted, true)
  assert.equal(by('rename-column').accepted, true)
  assert.equal(by('set-not-null-scan').accepted, false, 'the comment after the ALTER TYPE is not for the next statement')
  assert.equal(by('drop-column').accepted, false)
  assert.equal(by('unknown-allow').line, 5)
  assert.match(by('unknown-allow').message, /"drop-colum", which is no rule/)
  assert.deepEqual(r.summary, { errors: 2, warnings: 1, accepted: 3 })
  assert.equal(r.ok, false)
})

// --- downs ---------------------------------------------------------------------------------------

test('downs: a down that undoes the up passes; one that drops the wrong thing, leaves something, or fails is down-not-inverse; the next migration is still measured', async (t) => {
  const dir = await migrationsDir(t, {
    '000_schema.up.sql': SCHEMA,
    '001_good.up.sql': 'alter table users add column phone text;\ncreate table tags (id int);\n',
    '001_good.down.sql': 'drop table tags;\nalter table users drop column phone;\n',
    '002_wrong.up.sql': 'alter table users add column nickname text;\n',
    '002_wrong.down.sql': 'alter table users drop column name;\n',
    '003_fails.up.sql': 'create table carts (id int);\n',
    '003_fails.down.sql': '\ndrop table cart;\n',
    '004_index.up.sql': 'create index orders_user on orders (user_id);\n',
  })
  const r = await lint({ dir })
  const down = (v: string) => r.migrations.find((m) => m.version === v)!.down
  assert.deepEqual(down('001'), { ok: true, differences: [], error: null })
  assert.equal(down('002')!.ok, false)
  assert.deepEqual(down('002')!.differences.sort(), ['+ column public.users.nickname', '- column public.users.name'])
  assert.equal(down('003')!.ok, false)
  assert.match(down('003')!.error!, /table "cart" does not exist \(line 2: drop table cart;\)/)
  assert.equal(down('004'), null)
  const notInverse = r.findings.filter((f) => f.rule === 'down-not-inverse')
  assert.deepEqual(notInverse.map((f) => [f.version, f.file.replace(/^.*\//, ''), f.line]), [['002', '002_wrong.down.sql', 1], ['003', '003_fails.down.sql', 2]])
  // the scratch database is back at the state after each up: 004 is measured on orders
  assert.deepEqual(r.findings.filter((f) => f.version === '004').map((f) => f.rule), ['index-not-concurrent'])
  const skipped = await runCli(['lint', '--dir', dir, '--skip-downs', '--json'])
  const doc = JSON.parse(skipped.stdout) as LintResult
  assert.deepEqual(doc.migrations.map((m) => m.down), [null, null, null, null, null])
  assert.deepEqual(doc.findings.map((f) => f.rule), ['index-not-concurrent'])
})

test('down-not-inverse is accepted by a comment in the down file or the up file; words after the rule names accept nothing', async (t) => {
  const dir = await migrationsDir(t, {
    '001_kept.up.sql': 'create table audit (id int);\n',
    '001_kept.down.sql': '-- tinymigrate:allow down-not-inverse: the audit table stays\nselect 1;\n',
    '002_kept.up.sql': '-- tinymigrate:allow-file down-not-inverse\ncreate table audit2 (id int);\n',
    '002_kept.down.sql': 'select 1;\n',
    '003_noted.up.sql': 'create table audit3 (id int);\n',
    '003_noted.down.sql': '-- tinymigrate:allow rename-column: unlike down-not-inverse\nselect 1;\n',
  })
  const r = await lint({ dir })
  assert.deepEqual(r.findings.filter((f) => f.rule === 'down-not-inverse').map((f) => [f.version, f.accepted]), [['001', true], ['002', true], ['003', false]])
})

test('a migration that fails is reported at its line and column; the ones after it are not linted', async (t) => {
  const dir = await migrationsDir(t, {
    '000_schema.up.sql': SCHEMA,
    '002_bad.up.sql': 'alter table orders add column a int;\nalter table orders add column b int defaultt 1;\n',
    '003_next.up.sql': 'create index orders_a on orders (a);\n',
  })
  const r = await lint({ dir })
  const f = r.findings.find((x) => x.rule === 'migration-fails')!
  assert.deepEqual([f.version, f.line, f.column, f.severity], ['002', 2, 'alter table orders add column b int '.length + 1, 'error'])
  assert.match(f.message, /syntax error at or near "defaultt"/)
  assert.deepEqual(r.migrations.map((m) => [m.version, m.linted]), [['000', true], ['002', true], ['003', false]])
  assert.equal(r.ok, false)
})

// --- the command line ----------------------------------------------------------------------------

test('tinymigrate lint: findings with file:line:column and fix, exit 3 on an error, 0 when all are accepted; --strict fails on warnings; --json is stable', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '000_schema.up.sql': SCHEMA, '002_change.up.sql': 'create index orders_user on orders (user_id);\n' })
  expectExit(await cli(db, dir, 'up', '--to', '000'), 0, 'up 000')
  // on a table with no rows, building the index takes no time: a warning
  const empty = await cli(db, dir, 'lint')
  expectExit(empty, 0, 'lint on an empty table')
  assert.ok(empty.stdout.startsWith(`warning index-not-concurrent  ${dir}/002_change.up.sql:1:1\n  create index orders_user on orders (user_id);\n  builds index public.orders_user on public.orders under SHARE: writes wait until it ends; in the live database public.orders has no rows (8.0 kB): nothing waits for long there\n  fix: CREATE INDEX CONCURRENTLY`), empty.stdout)
  await db.sql`insert into orders (id) select g from generate_series(1, 1000) g`
  await db.sql`analyze orders`
  const r = await cli(db, dir, 'lint')
  expectExit(r, 3, 'lint with an error')
  assert.match(r.stdout, /^error index-not-concurrent  .*002_change\.up\.sql:1:1\n  create index orders_user on orders \(user_id\);\n  builds index public\.orders_user on public\.orders under SHARE: writes wait until it ends; in the live database public\.orders has \d+ kB, about 1\.0k rows\n  fix: CREATE INDEX CONCURRENTLY/)
  assert.match(r.stderr, /linted 1 migration on a scratch database on the server: 1 error, 0 warnings; sizes from the live database/)

  const json = await cli(db, dir, 'lint', '--json')
  expectExit(json, 3, 'lint --json')
  const doc = JSON.parse(json.stdout)
  assert.deepEqual(Object.keys(doc), ['ok', 'findings', 'migrations', 'engine', 'weighed', 'summary'])
  assert.deepEqual(Object.keys(doc.findings[0]).sort(), ['accepted', 'column', 'file', 'fix', 'line', 'lock', 'message', 'relation', 'rewrites', 'rule', 'severity', 'size', 'statement', 'version'])
  assert.deepEqual([doc.ok, doc.findings[0].rule, doc.findings[0].lock, doc.findings[0].relation], [false, 'index-not-concurrent', 'SHARE', 'public.orders'])
  assert.deepEqual(Object.keys(doc.migrations[0]), ['version', 'name', 'file', 'linted', 'transaction', 'statements', 'down'])

  await import('node:fs/promises').then((fs) => fs.writeFile(`${dir}/002_change.up.sql`, 'create index orders_user on orders (user_id); -- tinymigrate:allow index-not-concurrent\nalter table users rename column name to full_name;\n'))
  const accepted = await cli(db, dir, 'lint')
  expectExit(accepted, 0, 'lint with the error accepted')
  assert.match(accepted.stdout, /^accepted index-not-concurrent/m)
  assert.match(accepted.stdout, /^warning rename-column/m)
  expectExit(await cli(db, dir, 'lint', '--strict'), 3, 'lint --strict with a warning')
})

test('up --lint applies nothing when lint finds an error (exit 3, LINT_FAILED), and applies when it finds none', async (t) => {
  const db = await freshDatabase(t)
  const dir = await migrationsDir(t, { '000_schema.up.sql': SCHEMA, '002_change.up.sql': 'alter table orders add constraint orders_total check (total >= 0);\n' })
  expectExit(await cli(db, dir, 'up', '--to', '000'), 0, 'up 000')
  await fill(db)
  const stopped = await cli(db, dir, 'up', '--lint')
  expectExit(stopped, 3, 'up --lint with an error')
  assert.match(stopped.stderr, /^error LINT_FAILED/m)
  assert.match(stopped.stderr, /constraint-scan .*002_change\.up\.sql:1:1/)
  assert.match(stopped.stdout, /^error constraint-scan/m)
  assert.deepEqual(await historyVersions(db), ['000'])
  const json = await cli(db, dir, 'up', '--lint', '--json')
  expectExit(json, 3, 'up --lint --json')
  assert.equal(JSON.parse(json.stdout).error.code, 'LINT_FAILED')

  await import('node:fs/promises').then((fs) => fs.writeFile(`${dir}/002_change.up.sql`, 'alter table orders add constraint orders_total check (total >= 0) not valid;\n'))
  const applied = await cli(db, dir, 'up', '--lint')
  expectExit(applied, 0, 'up --lint with nothing found')
  assert.deepEqual(await historyVersions(db), ['000', '002'])
  expectExit(await runCli(['up', '--prelude', 'x.sql', '--url', db.url, '--dir', dir]), 2, '--prelude without --lint')
})

test('lint names files to lint; a name that is no migration is UNKNOWN_VERSION (exit 2)', async (t) => {
  const dir = await migrationsDir(t, {
    '000_schema.up.sql': SCHEMA,
    '002_a.up.sql': 'create index orders_user on orders (user_id);\n',
    '003_b.up.sql': 'alter table orders drop column note;\n',
  })
  const r = await runCli(['lint', `${dir}/003_b.up.sql`, '--dir', dir, '--json'])
  expectExit(r, 3, 'lint one file')
  const doc = JSON.parse(r.stdout)
  assert.deepEqual(doc.migrations.map((m: { version: string }) => m.version), ['003'])
  assert.deepEqual(doc.findings.map((f: LintFinding) => f.rule), ['drop-column'])
  const byVersion = await runCli(['lint', '2', '--dir', dir, '--json'])
  assert.deepEqual(JSON.parse(byVersion.stdout).migrations.map((m: { version: string }) => m.version), ['002'])
  const unknown = await runCli(['lint', '9', '--dir', dir])
  expectExit(unknown, 2, 'an unknown version')
  assert.match(unknown.stderr, /^error UNKNOWN_VERSION/m)
})

test('lint honours --prelude: what the real database had before the first migration is there on the scratch database', async (t) => {
  const dir = await migrationsDir(t, {
    '001_index.up.sql': 'create index accounts_id on legacy.accounts (id);\n',
    'prelude.sql': 'create schema legacy;\ncreate table legacy.accounts (id int);\n',
  })
  const without = await lint({ dir })
  assert.deepEqual(without.findings.map((f) => f.rule), ['migration-fails'])
  assert.match(without.findings[0]!.message, /schema "legacy" does not exist/)
  assert.match(without.findings[0]!.fix, /pass it with --prelude FILE/)
  const withPrelude = await runCli(['lint', '--dir', dir, '--prelude', `${dir}/prelude.sql`, '--json'])
  expectExit(withPrelude, 3, 'lint --prelude')
  const doc = JSON.parse(withPrelude.stdout) as LintResult
  assert.deepEqual(doc.findings.map((f) => [f.rule, f.relation, f.lock]), [['index-not-concurrent', 'legacy.accounts', 'SHARE']])
})

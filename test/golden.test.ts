// Golden tests of the drafted SQL for typical changes, so that its readability is reviewed as a
// whole: warnings, notes, grouping and order. After a deliberate change to the output, run the
// tests with UPDATE_GOLDEN=1 and review the diff of test/golden/ before committing it.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { introspect } from '../src/catalog/introspect.js'
import { draftPair } from '../src/diff/draft.js'
import { runScript } from '../src/diff/scratch.js'
import { serverHost } from './roundtrip.js'

const dir = fileURLToPath(new URL('../../test/golden', import.meta.url))

const cases: Record<string, { a: string; b: string }> = {
  'add-column-and-index': {
    a: 'create table orders (id bigint primary key, total numeric(10,2));',
    b: `create table orders (id bigint primary key, total numeric(10,2), status text not null default 'new', note text);
        create index orders_status_idx on orders (status);
        alter table orders add constraint orders_total_check check (total >= 0);`,
  },
  'possible-rename': {
    a: 'create table customers (id int primary key, fullname text);',
    b: 'create table customers (id int primary key, display_name text);',
  },
  'type-changes': {
    a: 'create table items (id integer primary key, code varchar(50), qty integer, price text); create view cheap as select id, code from items where qty > 0;',
    b: 'create table items (id bigint primary key, code varchar(10), qty integer not null, price numeric); create view cheap as select id, code from items where qty > 0;',
  },
  'enum-values': {
    a: "create type status as enum ('new', 'paid', 'void'); create type size as enum ('s', 'l'); create table t (s status default 'new', z size);",
    b: "create type status as enum ('new', 'paid'); create type size as enum ('s', 'm', 'l'); create table t (s status default 'new', z size);",
  },
  'new-table-with-foreign-key': {
    a: 'create table customers (id int primary key);',
    b: `create table customers (id int primary key);
        create table invoices (id int generated always as identity primary key, customer_id int not null references customers on delete cascade, amount numeric(12,2) not null);
        comment on table invoices is 'One row per invoice sent';
        create view invoice_totals as select customer_id, sum(amount) as total from invoices group by customer_id;`,
  },
  'function-and-trigger': {
    a: `create table docs (id int, body text, updated_at timestamptz);
        create function touch() returns trigger language plpgsql as $$ begin new.updated_at := now(); return new; end $$;`,
    b: `create table docs (id int, body text, updated_at timestamptz);
        create function touch() returns trigger language plpgsql as $$ begin new.updated_at := clock_timestamp(); return new; end $$;
        create trigger docs_touch before update on docs for each row execute function touch();`,
  },
}

for (const [name, c] of Object.entries(cases)) {
  test(`golden: ${name}`, async () => {
    const host = await serverHost()
    try {
      const a = await host.create()
      const b = await host.create()
      await runScript(a, { path: `${name}/a`, text: c.a })
      await runScript(b, { path: `${name}/b`, text: c.b })
      const pair = draftPair(await introspect(a), await introspect(b))
      for (const [direction, sql] of [['up', pair.up.sql], ['down', pair.down.sql]] as const) {
        const file = path.join(dir, `${name}.${direction}.sql`)
        if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, `${sql}\n`)
        assert.ok(existsSync(file), `${file} is missing: run the tests with UPDATE_GOLDEN=1 and review it`)
        assert.equal(`${sql}\n`, readFileSync(file, 'utf8'), `${name} ${direction} differs from test/golden/${name}.${direction}.sql`)
      }
    } finally {
      await host.close()
    }
  })
}

// Identifiers and literals: what tinymigrate writes into SQL text must read back exactly.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TinymigrateError } from '../src/errors.js'
import { inline, parseQualifiedName, qualified, quoteIdent, quoteLiteral } from '../src/ident.js'
import { freshDatabase } from './helpers.js'

const tricky = ["plain", "it's", 'back\\slash', "\\'; drop table x; --", '$$ $tag$ "quoted"', 'ünïcødé 💥', '\n\r\t', '']

test('literals read back exactly, with standard_conforming_strings on and off', async (t) => {
  const db = await freshDatabase(t)
  for (const setting of ['on', 'off']) {
    await db.sql.unsafe(`set standard_conforming_strings = ${setting}`)
    for (const value of tricky) {
      const [row] = await db.sql.unsafe(`select ${quoteLiteral(value)}::text as v`)
      assert.equal(row!.v, value, `standard_conforming_strings = ${setting}: ${JSON.stringify(value)}`)
    }
  }
})

test('identifiers read back exactly, and an injection is just a name', async (t) => {
  const db = await freshDatabase(t)
  for (const name of ['users', 'Mixed Case', 'x"; drop table users; --', 'dot.ted', 'ünï']) {
    await db.sql.unsafe(`create table ${quoteIdent(name)} (id int)`)
    const [row] = await db.sql`select count(*)::int as n from pg_catalog.pg_class where relname = ${name}`
    assert.equal(row!.n, 1, name)
  }
})

test('inline writes numbers, nulls and strings; $10 is not $1 followed by 0', () => {
  const params = Array.from({ length: 10 }, (_, i) => `v${i + 1}`)
  assert.equal(inline('$1 $10 $2', params), "'v1' 'v10' 'v2'")
  assert.equal(inline('f($1, $2, $3)', [null, 42, "o'k"]), "f(null, 42, 'o''k')")
  assert.throws(() => quoteLiteral('nul\0'), TinymigrateError)
})

test('parseQualifiedName folds unquoted parts and keeps quoted ones', () => {
  const cases: [string, { schema: string | undefined; name: string }][] = [
    ['History', { schema: undefined, name: 'history' }],
    ['meta.History', { schema: 'meta', name: 'history' }],
    ['"Meta"."His.tory"', { schema: 'Meta', name: 'His.tory' }],
    ['"a""b"', { schema: undefined, name: 'a"b' }],
  ]
  for (const [input, expected] of cases) assert.deepEqual(parseQualifiedName(input), expected, input)
  assert.equal(qualified({ schema: 'm', name: 'h' }), '"m"."h"')
  for (const bad of ['', '.', 'a.', '.b', 'a.b.c', '"open', 'a"b']) {
    assert.throws(() => parseQualifiedName(bad), (e: unknown) => e instanceof TinymigrateError && e.code === 'USAGE', bad)
  }
})

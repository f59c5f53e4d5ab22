import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Catalog, Column, EnumType, Routine, Table } from '../src/catalog/model.js'
import { compare } from '../src/diff/compare.js'
import { render } from '../src/diff/render.js'

// Literal catalogs: render is pure, so what decides whether a file runs in a transaction is
// checked here without a server.

function catalog(parts: { types?: EnumType[]; tables?: Table[]; routines?: Routine[] } = {}): Catalog {
  return {
    version: 150000,
    schemas: new Map([['public', { name: 'public', comment: null, grants: [] }]]),
    extensions: new Map(),
    collations: new Map(),
    types: new Map((parts.types ?? []).map((t) => [`${t.schema}.${t.name}`, t])),
    sequences: new Map(),
    tables: new Map((parts.tables ?? []).map((t) => [`${t.schema}.${t.name}`, t])),
    views: new Map(),
    indexes: new Map(),
    routines: new Map((parts.routines ?? []).map((r) => [`${r.schema}.${r.signature}`, r])),
    dependencies: [],
    casts: new Set(),
    notCompared: new Map(),
  }
}

function status(values: string[]): EnumType {
  return { kind: 'enum', schema: 'public', name: 'status', comment: null, values, grants: [] }
}

function column(name: string, type: string, fields: Partial<Column> = {}): Column {
  return {
    name, position: 1, type, notNull: false, default: null, identity: null, generated: null, collation: null, comment: null,
    local: true, inherited: false, storage: null, statistics: null, typeStorage: 'p', grants: [], ...fields,
  }
}

function table(name: string, columns: Column[]): Table {
  return {
    kind: 'table', schema: 'public', name, comment: null, persistence: 'p', partitionBy: null, partitionOf: null, inherits: [],
    options: [], columns, constraints: [], triggers: [], policies: [], rowSecurity: false, forceRowSecurity: false,
    replicaIdentity: 'd', grants: [],
  }
}

const touch: Routine = {
  kind: 'function', schema: 'public', name: 'touch', comment: null, signature: 'touch()', arguments: '', result: 'integer',
  definition: 'CREATE OR REPLACE FUNCTION public.touch()\n RETURNS integer\n LANGUAGE sql\nAS $function$select 1$function$\n',
  grants: [{ grantee: 'PUBLIC', privilege: 'EXECUTE', grantable: false }],
}

function draft(a: Catalog, b: Catalog) {
  return render(compare(a, b), a, b)
}

test('a value added to an enum and used by a default: the file runs without a transaction', () => {
  const up = draft(
    catalog({ types: [status(['new'])], tables: [table('orders', [column('state', 'status')])] }),
    catalog({ types: [status(['new', 'paid'])], tables: [table('orders', [column('state', 'status', { default: "'paid'::status" })])] }),
  )
  assert.equal(up.noTransaction, true)
  assert.deepEqual(up.statements.map((s) => s.addsEnumValue), ['paid', undefined])
  assert.match(up.sql, /^-- tinymigrate:no-transaction\n-- NOTE: runs statement by statement, outside a transaction: it adds enum values \('paid'\) and uses them/)
})

test('a value added to an enum and not used: the file runs in a transaction', () => {
  const up = draft(catalog({ types: [status(['new'])] }), catalog({ types: [status(['new', 'paid'])] }))
  assert.equal(up.noTransaction, false)
  assert.equal(up.sql, `-- NOTE: a value added by ALTER TYPE ... ADD VALUE cannot be used until the transaction that adds it commits\nALTER TYPE "public"."status" ADD VALUE 'paid' AFTER 'new';`)
})

test('a value with a backslash is found as the E-string it is written as', () => {
  const up = draft(
    catalog({ types: [status(['new'])], tables: [table('orders', [column('state', 'status')])] }),
    catalog({ types: [status(['new', 'a\\b'])], tables: [table('orders', [column('state', 'status', { default: "E'a\\\\b'::status" })])] }),
  )
  assert.equal(up.noTransaction, true)
  assert.match(up.sql, /it adds enum values \(E'a\\\\b'\) and uses them/)
})

test('a function created turns off body checks, for the transaction or, without one, until the end', () => {
  const inTransaction = draft(catalog(), catalog({ routines: [touch] }))
  assert.deepEqual(inTransaction.statements.map((s) => s.sql.split('\n')[0]), [
    'SET LOCAL check_function_bodies = off;', 'CREATE OR REPLACE FUNCTION public.touch()',
  ])
  const outside = draft(
    catalog({ types: [status(['new'])], tables: [table('orders', [column('state', 'status')])] }),
    catalog({ types: [status(['new', 'paid'])], tables: [table('orders', [column('state', 'status', { default: "'paid'::status" })])], routines: [touch] }),
  )
  assert.equal(outside.noTransaction, true)
  assert.equal(outside.statements[0]!.sql, 'SET check_function_bodies = off;')
  assert.equal(outside.statements.at(-1)!.sql, 'RESET check_function_bodies;')
})

// Reads a database's schema into a Catalog: one query per object kind (queries.ts), then plain
// assembly in JavaScript. Objects of extensions are left to their extension.
import type { Db } from '../db.js'
import { quoteLiteral } from '../ident.js'
import * as q from './queries.js'
import {
  defaultNotNullName, qname, type Catalog, type Column, type Constraint, type Grant, type Policy, type SequenceOptions,
  type Table, type Trigger, type View,
} from './model.js'

type Row = Record<string, any>

export interface IntrospectOptions {
  /** Tables left out of the comparison, as `schema.name` (tinymigrate's own history table). */
  exclude?: string[]
  /**
   * Another session on the same database, which nothing changes while it is read (a scratch
   * database): the queries are shared between the two and run at the same time.
   */
  helper?: Db
}

/** The queries, the costliest first, so two sessions finish at about the same time. */
const order = [
  'dependencies', 'indexes', 'columns', 'constraints', 'relations', 'routines', 'sequences', 'uncovered',
  'domains', 'composites', 'casts', 'schemas', 'extensions', 'collations', 'enums', 'triggers', 'policies',
] as const satisfies readonly (keyof typeof q)[]

export async function introspect(db: Db, options: IntrospectOptions = {}): Promise<Catalog> {
  // What `db` wrote in a transaction it has not committed yet is not there for another session.
  const [{ path, written }] = (await db.query<{ path: string; written: boolean }>(
    `SELECT current_setting('search_path') AS path, pg_current_xact_id_if_assigned() IS NOT NULL AS written`)) as [{ path: string; written: boolean }]
  const sessions = options.helper && !written ? [db, options.helper] : [db]
  const paths = [path, ...await Promise.all(sessions.slice(1).map(async (s) => {
    const [row] = await s.query<{ path: string }>(`SELECT current_setting('search_path') AS path`)
    return row!.path
  }))]
  // As pg_dump does: with an empty search_path every name that the server prints (types,
  // defaults, view and index definitions) comes schema-qualified, so the SQL drafted from it
  // means the same under any search_path.
  await Promise.all(sessions.map((s) => s.query(`SELECT set_config('search_path', '', false)`)))
  try {
    const rows: Record<string, Row[]> = {}
    const queue = [...order]
    // Each session takes the next query as it becomes free (a Db runs one statement at a time).
    await Promise.all(sessions.map(async (s) => {
      for (let next = queue.shift(); next; next = queue.shift()) rows[next] = await s.query<Row>(q[next])
    }))
    const [{ version }] = (await db.query<{ version: number }>(q.version)) as [{ version: number }]
    return assemble({ ...rows, version }, options)
  } finally {
    await Promise.all(sessions.map((s, i) => s.query(`SELECT set_config('search_path', $1, false)`, [paths[i]])))
  }
}

/** Pure: the rows of every query → a Catalog. */
export function assemble(rows: Record<string, any>, options: IntrospectOptions = {}): Catalog {
  const exclude = new Set(options.exclude ?? [])
  const catalog: Catalog = {
    version: Number(rows.version),
    schemas: new Map(), extensions: new Map(), collations: new Map(), types: new Map(),
    sequences: new Map(), tables: new Map(), views: new Map(), indexes: new Map(),
    routines: new Map(), dependencies: [], notCompared: new Map(),
    casts: new Set(((rows.casts ?? []) as Row[]).map((r) => `${r.source}\u0000${r.target}`)),
  }
  for (const r of rows.schemas as Row[]) {
    catalog.schemas.set(r.name, { name: r.name, comment: r.comment, grants: toGrants(r.grants) })
  }
  for (const r of rows.extensions as Row[]) {
    catalog.extensions.set(r.name, {
      name: r.name, schema: r.schema, version: r.version, defaultVersion: r.default_version ?? null, updates: json(r.updates),
    })
  }
  for (const r of rows.collations as Row[]) {
    catalog.collations.set(qname(r.schema, r.name), {
      schema: r.schema, name: r.name, comment: r.comment, options: collationOptions(json(r.row)),
    })
  }
  for (const r of rows.enums as Row[]) {
    catalog.types.set(qname(r.schema, r.name), {
      kind: 'enum', schema: r.schema, name: r.name, comment: r.comment, values: json(r.values), grants: toGrants(r.grants),
    })
  }
  for (const r of rows.domains as Row[]) {
    catalog.types.set(qname(r.schema, r.name), {
      kind: 'domain', schema: r.schema, name: r.name, comment: r.comment, baseType: r.base_type,
      notNull: r.not_null, default: r.default, collation: r.collation, checks: json(r.checks),
      grants: toGrants(r.grants),
    })
  }
  for (const r of rows.composites as Row[]) {
    catalog.types.set(qname(r.schema, r.name), {
      kind: 'composite', schema: r.schema, name: r.name, comment: r.comment, attributes: json(r.attributes),
      grants: toGrants(r.grants),
    })
  }
  for (const r of rows.sequences as Row[]) {
    catalog.sequences.set(qname(r.schema, r.name), {
      schema: r.schema, name: r.name, comment: r.comment, ...options_(json(r.options)),
      ownedBy: json(r.owned_by), grants: toGrants(r.grants),
    })
  }

  // Relations by oid, so that columns, constraints, triggers and policies find their owner.
  const byOid = new Map<number, Table | View>()
  for (const r of rows.relations as Row[]) {
    const name = qname(r.schema, r.name)
    if (exclude.has(name)) continue
    const common = { schema: r.schema, name: r.name, comment: r.comment, grants: toGrants(r.grants), columns: [] }
    if (r.kind === 'v' || r.kind === 'm') {
      const view: View = {
        ...common, kind: r.kind === 'v' ? 'view' : 'materialized view', definition: r.definition,
        options: json(r.options), triggers: [],
      }
      catalog.views.set(name, view)
      byOid.set(r.oid, view)
    } else {
      const parents = json(r.parents) as [string, string][]
      const table: Table = {
        ...common, kind: 'table', persistence: r.persistence, partitionBy: r.partition_by,
        partitionOf: r.partition_bound ? { parent: qname(...parents[0]!), bound: r.partition_bound } : null,
        inherits: r.partition_bound ? [] : parents.map((p) => qname(...p)),
        options: json(r.options), constraints: [], triggers: [], policies: [],
        rowSecurity: r.row_security, forceRowSecurity: r.force_row_security,
        replicaIdentity: r.replica_identity === 'i' ? `i ${r.replica_index}` : r.replica_identity,
      }
      catalog.tables.set(name, table)
      byOid.set(r.oid, table)
    }
  }
  for (const r of rows.columns as Row[]) {
    const owner = byOid.get(r.oid)
    if (!owner) continue
    const identity = r.identity
      ? { always: r.identity === 'a', sequence: json(r.identity_sequence)?.sequence ?? '', options: options_(json(r.identity_sequence)?.options ?? {}) }
      : null
    const column: Column = {
      name: r.name, position: r.position, type: r.type, notNull: r.not_null, default: r.default,
      identity, generated: r.generated, collation: r.collation, comment: r.comment,
      local: r.local, inherited: r.inherited, grants: toGrants(r.grants),
      storage: r.storage ?? null, statistics: r.statistics ?? null, typeStorage: r.type_storage, compression: r.compression ?? null,
      notNullName: r.not_null_name && r.not_null_name !== defaultNotNullName(owner.name, r.name) ? r.not_null_name : null,
    }
    owner.columns.push(column)
  }
  for (const r of rows.constraints as Row[]) {
    const owner = byOid.get(r.oid)
    if (!owner || owner.kind !== 'table') continue
    const constraint: Constraint = {
      name: r.name, type: r.type, definition: r.definition, validated: r.validated, comment: r.comment, local: r.local,
      inherited: Boolean(r.inherited), parent: r.parent ?? null,
    }
    owner.constraints.push(constraint)
  }
  for (const r of rows.indexes as Row[]) {
    if (exclude.has(qname(r.schema, r.table))) continue
    catalog.indexes.set(qname(r.schema, r.name), {
      schema: r.schema, name: r.name, table: r.table, definition: r.definition, comment: r.comment,
      parent: r.parent ?? null, valid: r.valid !== false,
    })
  }
  for (const r of rows.routines as Row[]) {
    const signature = `${r.name}(${r.identity})`
    catalog.routines.set(qname(r.schema, signature), {
      schema: r.schema, name: r.name, comment: r.comment, kind: r.kind === 'p' ? 'procedure' : 'function',
      signature, arguments: r.arguments, result: r.result, definition: r.definition, grants: toGrants(r.grants),
    })
  }
  for (const r of rows.triggers as Row[]) {
    const owner = byOid.get(r.oid)
    if (!owner) continue
    const trigger: Trigger = { name: r.name, definition: r.definition, enabled: r.enabled, comment: r.comment, clone: Boolean(r.clone) }
    owner.triggers.push(trigger)
  }
  for (const r of rows.policies as Row[]) {
    const owner = byOid.get(r.oid)
    if (!owner || owner.kind !== 'table') continue
    const policy: Policy = {
      name: r.name, permissive: r.permissive, command: r.command, roles: json(r.roles), using: r.using,
      check: r.check, comment: r.comment,
    }
    owner.policies.push(policy)
  }
  const excluded = (k: string) => [...exclude].some((t) => k === `table:${t}` || k.startsWith(`default:${t}.`) ||
    k.startsWith(`constraint:${t}.`) || k.startsWith(`trigger:${t}.`))
  for (const r of rows.dependencies as Row[]) {
    if (excluded(r.from) || excluded(r.to)) continue
    catalog.dependencies.push({ from: r.from, to: r.to, column: r.column })
  }
  for (const r of rows.uncovered as Row[]) catalog.notCompared.set(r.kind, Number(r.count))
  for (const t of catalog.tables.values()) {
    t.constraints.sort(byName)
    t.triggers.sort(byName)
    t.policies.sort(byName)
  }
  for (const v of catalog.views.values()) v.triggers.sort(byName)
  // Query results come in no particular order: sorted by name, every output (pull, a draft) is stable.
  for (const map of [catalog.schemas, catalog.extensions, catalog.collations, catalog.types, catalog.sequences,
    catalog.tables, catalog.views, catalog.indexes, catalog.routines] as Map<string, unknown>[]) {
    const entries = [...map.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    map.clear()
    for (const [k, v] of entries) map.set(k, v)
  }
  catalog.dependencies.sort((x, y) => (x.from + x.to < y.from + y.to ? -1 : 1))
  return catalog
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/** postgres.js parses json columns, PGlite too; text arrives when a driver does not. */
function json(value: unknown): any {
  return typeof value === 'string' ? JSON.parse(value) : value
}

function toGrants(value: unknown): Grant[] {
  return (json(value) as [string, string, boolean][]).map(([grantee, privilege, grantable]) => ({ grantee, privilege, grantable }))
}

function options_(o: Record<string, unknown>): SequenceOptions {
  return {
    type: String(o.type ?? 'bigint'), start: String(o.start ?? '1'), increment: String(o.increment ?? '1'),
    min: String(o.min ?? '1'), max: String(o.max ?? ''), cache: String(o.cache ?? '1'), cycle: Boolean(o.cycle),
  }
}

/** CREATE COLLATION's options from a pg_collation row of any version (13: no ICU locale column; 17: colllocale). */
function collationOptions(row: Record<string, any>): string {
  const provider = ({ c: 'libc', i: 'icu', b: 'builtin' } as Record<string, string>)[row.collprovider] ?? 'libc'
  const locale = row.colllocale ?? row.colliculocale ?? null
  const parts = [`provider = ${provider}`]
  if (provider === 'libc') {
    if (row.collcollate === row.collctype) parts.push(`locale = ${quoteLiteral(row.collcollate)}`)
    else parts.push(`lc_collate = ${quoteLiteral(row.collcollate)}`, `lc_ctype = ${quoteLiteral(row.collctype)}`)
  } else {
    parts.push(`locale = ${quoteLiteral(locale ?? row.collcollate)}`)
  }
  if (row.collisdeterministic === false) parts.push('deterministic = false')
  if (row.collicurules) parts.push(`rules = ${quoteLiteral(row.collicurules)}`)
  return parts.join(', ')
}

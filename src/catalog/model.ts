// What the introspection reads from a database: plain data, keyed by stable names, so two
// databases (on two engines, even two PostgreSQL versions) compare field by field.

/** A privilege held by a role, from `aclexplode`: `grantee` is `PUBLIC` or a role name. */
export interface Grant {
  grantee: string
  privilege: string
  grantable: boolean
}

interface Named {
  schema: string
  name: string
  comment: string | null
}

export interface Schema {
  name: string
  comment: string | null
  grants: Grant[]
}

export interface Extension {
  name: string
  schema: string
  version: string
  /** The version CREATE EXTENSION installs when none is named, on the server read (null: unknown). */
  defaultVersion: string | null
  /** Versions this one can be updated to (pg_extension_update_paths on this server). */
  updates: string[]
}

export interface Collation extends Named {
  /** The options of CREATE COLLATION, rendered: `provider = icu, locale = 'en-u-kn-true'`. */
  options: string
}

export interface EnumType extends Named {
  kind: 'enum'
  values: string[]
  grants: Grant[]
}

export interface DomainCheck {
  name: string
  definition: string
  validated: boolean
  comment: string | null
}

export interface Domain extends Named {
  kind: 'domain'
  baseType: string
  notNull: boolean
  default: string | null
  collation: string | null
  checks: DomainCheck[]
  grants: Grant[]
}

export interface Attribute {
  name: string
  type: string
  collation: string | null
}

export interface CompositeType extends Named {
  kind: 'composite'
  attributes: Attribute[]
  grants: Grant[]
}

export type UserType = EnumType | Domain | CompositeType

export interface SequenceOptions {
  type: string
  start: string
  increment: string
  min: string
  max: string
  cache: string
  cycle: boolean
}

export interface Sequence extends Named, SequenceOptions {
  /** `schema.table.column` that owns it (OWNED BY), or null. */
  ownedBy: { schema: string; table: string; column: string } | null
  grants: Grant[]
}

export interface Identity {
  always: boolean
  sequence: string
  options: SequenceOptions
}

export interface Column {
  name: string
  position: number
  type: string
  notNull: boolean
  default: string | null
  identity: Identity | null
  /** The expression of a stored generated column. */
  generated: string | null
  /** Set only when it differs from the type's default collation. */
  collation: string | null
  comment: string | null
  /** Declared by this table (false for a column only inherited from a parent or a partitioned table). */
  local: boolean
  inherited: boolean
  /** SET STORAGE (p, e, m, x) when it differs from the type's; SET STATISTICS when set. */
  storage: string | null
  statistics: number | null
  /**
   * The name of its NOT NULL constraint (PostgreSQL 18 names them) when it is not the one the
   * server would choose (`<table>_<column>_not_null`): a partition made with PARTITION OF takes
   * its parent's, and pg_dump prints the name then.
   */
  notNullName?: string | null
  /** SET COMPRESSION: `p` pglz, `l` lz4, null for the server's default (PostgreSQL 14 and later). */
  compression?: string | null
  /** The type's own storage, which SET STORAGE goes back to. */
  typeStorage: string
  /** Column-level privileges (GRANT SELECT (col) ...). */
  grants: Grant[]
}

export interface Constraint {
  name: string
  type: 'p' | 'u' | 'f' | 'c' | 'x'
  definition: string
  validated: boolean
  comment: string | null
  /** Inherited from a parent and not declared here: the parent's definition is enough. */
  local: boolean
  /** Inherited from a parent (declared here too or not): a partition's copy of its parent's check. */
  inherited: boolean
  /** A partition's key attached to its parent's: `schema.table.name` of that key. */
  parent: string | null
}

export interface Index extends Named {
  table: string
  definition: string
  /** A partition's index attached to its parent's index: `schema.name` of that index. */
  parent: string | null
  /** False for a partitioned index that some partition has no attached index for. */
  valid: boolean
}

export interface Trigger {
  name: string
  definition: string
  /** pg_trigger.tgenabled: O (on), D (disabled), R (replica), A (always). */
  enabled: string
  comment: string | null
  /** A partition's clone of its parent's trigger: only whether it is enabled is its own. */
  clone: boolean
}

export interface Policy {
  name: string
  permissive: boolean
  command: string
  roles: string[]
  using: string | null
  check: string | null
  comment: string | null
}

export interface Partition {
  /** `schema.name` of the parent, and the bound: `FOR VALUES FROM (...) TO (...)` / `DEFAULT`. */
  parent: string
  bound: string
}

export interface Table extends Named {
  kind: 'table'
  /** `p` permanent, `u` unlogged. */
  persistence: string
  /** `RANGE (logdate)` for a partitioned table, else null. */
  partitionBy: string | null
  partitionOf: Partition | null
  /** Parents in declared order (`INHERITS`), as `schema.name`. */
  inherits: string[]
  options: string[]
  columns: Column[]
  constraints: Constraint[]
  triggers: Trigger[]
  policies: Policy[]
  rowSecurity: boolean
  forceRowSecurity: boolean
  /** `d` default, `n` nothing, `f` full, or `i <index name>`. */
  replicaIdentity: string
  grants: Grant[]
}

export interface View extends Named {
  kind: 'view' | 'materialized view'
  definition: string
  options: string[]
  columns: Column[]
  triggers: Trigger[]
  grants: Grant[]
}

export interface Routine extends Named {
  kind: 'function' | 'procedure'
  /** `name(identity arguments)`: unique within the schema. */
  signature: string
  arguments: string
  result: string | null
  /** pg_get_functiondef: a complete `CREATE OR REPLACE` statement. */
  definition: string
  grants: Grant[]
}

/** An edge of pg_depend: `from` needs `to`; `column` is set when `to` is one column of a table. */
export interface Dependency {
  from: string
  to: string
  column: string | null
}

export interface Catalog {
  /** `server_version_num` of the database read. */
  version: number
  schemas: Map<string, Schema>
  extensions: Map<string, Extension>
  collations: Map<string, Collation>
  types: Map<string, UserType>
  sequences: Map<string, Sequence>
  tables: Map<string, Table>
  views: Map<string, View>
  indexes: Map<string, Index>
  routines: Map<string, Routine>
  dependencies: Dependency[]
  /** Casts that exist, as `source\u0000target` type names (no modifiers). */
  casts: Set<string>
  /** Objects present in the database that the comparison does not cover: `event trigger` → 3. */
  notCompared: Map<string, number>
}

/**
 * Object keys used by dependencies and ordering: `<kind>:<schema>.<name>` (quoted names inside
 * are raw, never parsed back). A function's name part is its signature; a constraint, trigger or
 * policy's is `<table>.<name>`; a column default's is `<table>.<column>`.
 */
export type KeyKind =
  | 'schema' | 'extension' | 'collation' | 'type' | 'sequence' | 'table' | 'view' | 'index'
  | 'function' | 'constraint' | 'trigger' | 'policy' | 'default'

export function key(kind: KeyKind, name: string): string {
  return `${kind}:${name}`
}

export function qname(schema: string, name: string): string {
  return `${schema}.${name}`
}

/**
 * The name PostgreSQL 18 gives a column's NOT NULL constraint: `<table>_<column>_not_null`, the
 * longer of the two names cut until it fits in 63 bytes (its makeObjectName).
 */
export function defaultNotNullName(table: string, column: string): string {
  let [t, c] = [table, column]
  const bytes = (s: string) => Buffer.byteLength(s)
  while (bytes(t) + bytes(c) + '_not_null'.length + 1 > 63) {
    if (bytes(t) > bytes(c)) t = [...t].slice(0, -1).join('')
    else c = [...c].slice(0, -1).join('')
  }
  return `${t}_${c}_not_null`
}

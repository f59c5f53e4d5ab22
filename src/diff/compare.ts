// Pure: two catalogs → the list of changes that turn the first into the second. Everything that
// depends on an object being dropped or recreated (a view over a column whose type changes, a
// trigger on a function that is recreated) is recreated with it: the cascade at the end.
import {
  defaultNotNullName, key, qname, type Catalog, type Collation, type Column, type Constraint, type Domain, type DomainCheck, type EnumType,
  type Extension, type Grant, type Index, type Policy, type Routine, type Schema, type Sequence, type SequenceOptions,
  type Table, type Trigger, type UserType, type View,
} from '../catalog/model.js'

/** The object as it is only after the change. */
type Created<T> = { action: 'create'; from?: undefined; to: T }
/** The object as it was before it goes. */
type Dropped<T> = { action: 'drop'; from: T; to?: undefined }
/** Dropped and created again: because it changed in a way ALTER cannot express, or because something it depends on is. */
type Recreated<T> = { action: 'recreate'; from: T; to: T }
type Altered<T> = { action: 'alter'; from: T; to: T }
/** A partition's index or key attached to its parent's (ALTER INDEX … ATTACH PARTITION). */
type Attached<T> = { action: 'alter'; aspect: 'attach'; from?: undefined; to: T }
/** A partition's index or key that goes because its parent's goes (DROP takes it along). */
type Parented = { reason?: 'goes with parent' }
/** A sub-object of a table (or view): `schema.name` of that table. */
type Of = { table: string }

/** What differs in a column, one per ALTER COLUMN form, in the order they are drafted. */
export type ColumnAspect =
  | 'becomes generated' | 'generated expression' | 'no longer generated' | 'type' | 'identity' | 'default'
  | 'identity options' | 'not null' | 'not null name' | 'storage' | 'compression' | 'statistics'

/** A value added to an enum, placed before or after an existing one (or first, when it is alone). */
export interface EnumAddition {
  value: string
  before?: string
  after?: string
}

/** What COMMENT ON names: sub-objects of a table carry the table's `schema.name`. */
export type CommentOn =
  | { kind: 'schema' | 'collation' | 'sequence' | 'index' }
  | { kind: 'table'; object: Table }
  | { kind: 'view'; object: View }
  | { kind: 'type'; object: UserType }
  | { kind: 'function'; object: Routine }
  | { kind: 'column'; table: string; object: Column }
  | { kind: 'constraint'; table: string; object: Constraint }
  | { kind: 'trigger'; table: string; object: Trigger }
  | { kind: 'policy'; table: string; object: Policy }
  | { kind: 'domain constraint'; object: DomainCheck; domain: Domain }

/** What GRANT and REVOKE name; `object` as it is after the change. */
export type PrivilegesOn =
  | { kind: 'schema'; object: Schema }
  | { kind: 'sequence'; object: Sequence }
  | { kind: 'type'; object: UserType }
  | { kind: 'function' | 'procedure'; object: Routine }
  | { kind: 'table'; object: Table }
  | { kind: 'view' | 'materialized view'; object: View }
  | { kind: 'column'; table: Table; column: Column }

/** Each kind of change and what it carries beyond `kind`, `key`, `name` and `detail`. */
export interface Changes {
  schema: Created<Schema> | Dropped<Schema>
  extension: Created<Extension> | Dropped<Extension> | Altered<Extension>
  collation: Created<Collation> | Dropped<Collation> | Recreated<Collation>
  type: Created<UserType> | Dropped<UserType> | Recreated<UserType> | Altered<UserType>
  /** `key` is the enum's. */
  'enum value': Created<EnumAddition & { type: EnumType }>
  sequence: Created<Sequence> | Dropped<Sequence> | Altered<Sequence>
  'owned by': Altered<Sequence>
  table: Created<Table> | Dropped<Table> | Recreated<Table> | (Altered<Table> & { aspect: 'persistence' | 'storage options' })
  /** Detached from (drop) or attached to (create) a partitioned table; `key` is the partition's. */
  partition: Of & (Created<Table> | Dropped<Table>)
  /** An inheritance parent (`schema.name`) taken away or added; `key` is the child's. */
  parent: Of & (Created<string> | Dropped<string>)
  /** `key` is the table's; a column wanted only inherited (no ALTER says that) is dropped. */
  column: Of & (Created<Column> | (Dropped<Column> & { reason?: 'becomes inherited' }) | (Altered<Column> & { aspect: ColumnAspect }))
  /** A default that uses something recreated: dropped, and set again if the column keeps one. */
  default: Of & { action: 'recreate'; from: Column; to: Column | undefined }
  constraint: Of & (Created<Constraint> | (Dropped<Constraint> & Parented) | (Recreated<Constraint> & Parented) | Attached<Constraint>)
  index: Of & (Created<Index> | (Dropped<Index> & Parented) | (Recreated<Index> & Parented) | Attached<Index>)
  view: Created<View> | Dropped<View> | Recreated<View>
  /** alter: the body changed (CREATE OR REPLACE); recreate: the signature did. */
  function: Created<Routine> | Dropped<Routine> | Recreated<Routine> | Altered<Routine>
  /** alter: only whether it is enabled. */
  trigger: Of & (Created<Trigger> | Dropped<Trigger> | Recreated<Trigger> | Altered<Trigger>)
  policy: Of & (Created<Policy> | Dropped<Policy> | Recreated<Policy>)
  'row security': Of & Altered<Table>
  'replica identity': Of & Altered<Table>
  /** `key` is the commented object's (a column's: its table's). */
  comment: { action: 'alter'; on: CommentOn; from: string | null; to: string | null }
  /** What is revoked and what is granted; `key` is the object's (a column's: its table's). */
  privileges: { action: 'alter'; on: PrivilegesOn; revoke: Grant[]; grant: Grant[] }
}

export type ChangeKind = keyof Changes

/**
 * One difference between two catalogs. `Change<'column'>` is a column's; `Change` any one.
 * `from` is the object before, `to` after; `action` says which of them there are.
 */
export type Change<K extends ChangeKind = ChangeKind> = {
  [P in K]: {
    kind: P
    /** The object's key (model.ts). */
    key: string
    /** What a reader sees: `public.orders.status`. */
    name: string
    /** Human text only, never read by the renderer: for alter what differs (`type`), for recreate why. */
    detail: string
  } & Changes[P]
}[K]

export interface Comparison {
  changes: Change[]
  /** Kinds present in either database that are not compared, with the larger count. */
  notCompared: Map<string, number>
}

export function compare(a: Catalog, b: Catalog): Comparison {
  const changes: Change[] = []
  const add = (c: Change) => changes.push(c)

  // --- schemas, extensions, collations ------------------------------------------------------
  for (const [name, s] of b.schemas) {
    const old = a.schemas.get(name)
    if (!old) add({ action: 'create', kind: 'schema', key: key('schema', name), name, detail: '', to: s })
    else {
      commentChange(add, { kind: 'schema' }, key('schema', name), name, old.comment, s.comment)
      grantsChange(add, key('schema', name), name, old.grants, s.grants, { kind: 'schema', object: s })
    }
  }
  for (const [name, s] of a.schemas) {
    if (!b.schemas.has(name)) add({ action: 'drop', kind: 'schema', key: key('schema', name), name, detail: '', from: s })
  }
  for (const [name, x] of b.extensions) {
    const old = a.extensions.get(name)
    if (!old) add({ action: 'create', kind: 'extension', key: key('extension', name), name, detail: '', to: x })
    else if (old.schema !== x.schema || old.version !== x.version) {
      const detail = old.schema !== x.schema ? `schema ${old.schema} → ${x.schema}` : `version ${old.version} → ${x.version}`
      add({ action: 'alter', kind: 'extension', key: key('extension', name), name, detail, from: old, to: x })
    }
  }
  for (const [name, x] of a.extensions) {
    if (!b.extensions.has(name)) add({ action: 'drop', kind: 'extension', key: key('extension', name), name, detail: '', from: x })
  }
  for (const [name, c] of b.collations) {
    const old = a.collations.get(name)
    if (!old) add({ action: 'create', kind: 'collation', key: key('collation', name), name, detail: '', to: c })
    else if (old.options !== c.options) {
      add({ action: 'recreate', kind: 'collation', key: key('collation', name), name, detail: `options ${old.options} → ${c.options}`, from: old, to: c })
    } else commentChange(add, { kind: 'collation' }, key('collation', name), name, old.comment, c.comment)
  }
  for (const [name, c] of a.collations) {
    if (!b.collations.has(name)) add({ action: 'drop', kind: 'collation', key: key('collation', name), name, detail: '', from: c })
  }

  // --- types -----------------------------------------------------------------------------------
  for (const [name, t] of b.types) {
    const old = a.types.get(name)
    const k = key('type', name)
    if (!old) { add({ action: 'create', kind: 'type', key: k, name, detail: t.kind, to: t }); continue }
    compareType(add, k, name, old, t)
  }
  for (const [name, t] of a.types) {
    if (!b.types.has(name)) add({ action: 'drop', kind: 'type', key: key('type', name), name, detail: t.kind, from: t })
  }

  // --- sequences -----------------------------------------------------------------------------
  for (const [name, s] of b.sequences) {
    const old = a.sequences.get(name)
    const k = key('sequence', name)
    if (!old) { add({ action: 'create', kind: 'sequence', key: k, name, detail: '', to: s }); continue }
    const diff = sequenceDiff(old, s)
    if (diff) add({ action: 'alter', kind: 'sequence', key: k, name, detail: diff, from: old, to: s })
    if (ownerName(old) !== ownerName(s)) {
      add({ action: 'alter', kind: 'owned by', key: k, name, detail: `owned by ${ownerName(old) ?? 'none'} → ${ownerName(s) ?? 'none'}`, from: old, to: s })
    }
    commentChange(add, { kind: 'sequence' }, k, name, old.comment, s.comment)
    grantsChange(add, k, name, old.grants, s.grants, { kind: 'sequence', object: s })
  }
  for (const [name, s] of a.sequences) {
    if (!b.sequences.has(name)) add({ action: 'drop', kind: 'sequence', key: key('sequence', name), name, detail: '', from: s })
  }

  // --- tables ----------------------------------------------------------------------------------
  for (const [name, t] of b.tables) {
    const old = a.tables.get(name)
    const k = key('table', name)
    if (!old || (old.partitionBy ?? '') !== (t.partitionBy ?? '')) {
      // A table's triggers and policies are created with it (its constraints are in its CREATE).
      if (!old) add({ action: 'create', kind: 'table', key: k, name, detail: '', to: t })
      else add({ action: 'recreate', kind: 'table', key: k, name, detail: `partitioning ${old.partitionBy ?? 'none'} → ${t.partitionBy ?? 'none'}`, from: old, to: t })
      compareTriggers(add, name, [], t.triggers)
      for (const p of t.policies) add({ action: 'create', kind: 'policy', key: key('policy', `${name}.${p.name}`), name: `${name}.${p.name}`, detail: '', to: p, table: name })
      // A new partition is created as a table and attached: its keys then attach to the parent's.
      for (const c of t.constraints.filter((x) => x.parent)) attachConstraint(add, name, c)
      continue
    }
    compareTable(add, a, b, k, name, old, t)
  }
  for (const [name, t] of a.tables) {
    if (!b.tables.has(name)) add({ action: 'drop', kind: 'table', key: key('table', name), name, detail: '', from: t })
  }

  // --- indexes ---------------------------------------------------------------------------------
  for (const [name, i] of b.indexes) {
    const old = a.indexes.get(name)
    const k = key('index', name)
    if (!old) add({ action: 'create', kind: 'index', key: k, name, detail: '', to: i, table: qname(i.schema, i.table) })
    else if (old.definition !== i.definition || old.valid !== i.valid) {
      const detail = old.definition !== i.definition ? 'definition' : i.valid ? 'becomes valid' : 'becomes invalid'
      add({ action: 'recreate', kind: 'index', key: k, name, detail, from: old, to: i, table: qname(i.schema, i.table) })
    } else {
      commentChange(add, { kind: 'index' }, k, name, old.comment, i.comment)
      if (i.parent && old.parent !== i.parent) attachIndex(add, i)
    }
    if (i.parent && (!old || old.definition !== i.definition || old.valid !== i.valid)) attachIndex(add, i)
  }
  for (const [name, i] of a.indexes) {
    if (!b.indexes.has(name)) add({ action: 'drop', kind: 'index', key: key('index', name), name, detail: '', from: i, table: qname(i.schema, i.table) })
  }

  // --- views -----------------------------------------------------------------------------------
  for (const [name, v] of b.views) {
    const old = a.views.get(name)
    const k = key('view', name)
    if (!old) {
      add({ action: 'create', kind: 'view', key: k, name, detail: v.kind, to: v })
      compareTriggers(add, name, [], v.triggers)
      continue
    }
    const why = old.kind !== v.kind ? `${old.kind} → ${v.kind}`
      : old.definition !== v.definition ? 'definition'
      : [...old.options].sort().join() !== [...v.options].sort().join() ? `options ${old.options.join(', ') || 'none'} → ${v.options.join(', ') || 'none'}`
      : columnShape(old) !== columnShape(v) ? 'columns' : ''
    if (why) {
      add({ action: 'recreate', kind: 'view', key: k, name, detail: why, from: old, to: v })
      // Triggers it had are recreated with it (cascade); new ones are created here.
      compareTriggers(add, name, [], v.triggers.filter((g) => !old.triggers.some((x) => x.name === g.name)))
      continue
    }
    commentChange(add, { kind: 'view', object: v }, k, name, old.comment, v.comment)
    for (const c of v.columns) {
      const oc = old.columns.find((x) => x.name === c.name)
      commentChange(add, { kind: 'column', table: name, object: c }, k, `${name}.${c.name}`, oc?.comment ?? null, c.comment)
    }
    grantsChange(add, k, name, old.grants, v.grants, { kind: v.kind, object: v })
    compareTriggers(add, name, old.triggers, v.triggers)
  }
  for (const [name, v] of a.views) {
    if (!b.views.has(name)) add({ action: 'drop', kind: 'view', key: key('view', name), name, detail: v.kind, from: v })
  }

  // --- functions and procedures ----------------------------------------------------------------
  for (const [name, r] of b.routines) {
    const old = a.routines.get(name)
    const k = key('function', name)
    if (!old) { add({ action: 'create', kind: 'function', key: k, name, detail: r.kind, to: r }); continue }
    if (old.definition !== r.definition) {
      // CREATE OR REPLACE keeps dependants, but cannot change the result type, argument names or defaults.
      const replaceable = old.kind === r.kind && old.result === r.result && old.arguments === r.arguments
      add({ action: replaceable ? 'alter' : 'recreate', kind: 'function', key: k, name, detail: replaceable ? 'body' : 'signature', from: old, to: r })
      if (!replaceable) continue
    }
    commentChange(add, { kind: 'function', object: r }, k, name, old.comment, r.comment)
    grantsChange(add, k, name, old.grants, r.grants, { kind: r.kind, object: r })
  }
  for (const [name, r] of a.routines) {
    if (!b.routines.has(name)) add({ action: 'drop', kind: 'function', key: key('function', name), name, detail: r.kind, from: r })
  }

  cascade(changes, a, b)
  partitionCascade(changes, a, b)
  const notCompared = new Map(a.notCompared)
  for (const [kind, n] of b.notCompared) notCompared.set(kind, Math.max(n, notCompared.get(kind) ?? 0))
  return { changes, notCompared }
}

type Add = (c: Change) => void

function commentChange(add: Add, on: CommentOn, k: string, name: string, from: string | null, to: string | null) {
  if ((from ?? null) === (to ?? null)) return
  add({ action: 'alter', kind: 'comment', key: k, name, detail: `comment on ${on.kind}`, on, from, to })
}

function grantKey(g: Grant): string {
  return `${g.grantee}\u0000${g.privilege}\u0000${g.grantable}`
}

function grantsChange(add: Add, k: string, name: string, from: Grant[], to: Grant[], on: PrivilegesOn) {
  const a = new Set(from.map(grantKey))
  const b = new Set(to.map(grantKey))
  const revoke = from.filter((g) => !b.has(grantKey(g)))
  const grant = to.filter((g) => !a.has(grantKey(g)))
  if (!revoke.length && !grant.length) return
  add({ action: 'alter', kind: 'privileges', key: k, name, detail: `privileges on ${on.kind}`, on, revoke, grant })
}

function compareType(add: Add, k: string, name: string, old: UserType, t: UserType) {
  if (old.kind !== t.kind) {
    add({ action: 'recreate', kind: 'type', key: k, name, detail: `${old.kind} → ${t.kind}`, from: old, to: t })
    return
  }
  if (old.kind === 'enum' && t.kind === 'enum') {
    const added = enumAdditions(old.values, t.values)
    if (!added) {
      const removed = old.values.filter((v) => !t.values.includes(v))
      const detail = removed.length ? `values removed: ${removed.join(', ')}` : 'values reordered'
      add({ action: 'recreate', kind: 'type', key: k, name, detail, from: old, to: t })
      return
    }
    for (const a of added) add({ action: 'create', kind: 'enum value', key: k, name, detail: a.value, to: { ...a, type: t } })
  } else if (old.kind === 'domain' && t.kind === 'domain') {
    if (old.baseType !== t.baseType || old.collation !== t.collation) {
      add({ action: 'recreate', kind: 'type', key: k, name, detail: `base type ${old.baseType} → ${t.baseType}`, from: old, to: t })
      return
    }
    if (old.default !== t.default || old.notNull !== t.notNull || JSON.stringify(old.checks.map(checkShape)) !== JSON.stringify(t.checks.map(checkShape))) {
      add({ action: 'alter', kind: 'type', key: k, name, detail: 'domain', from: old, to: t })
    }
  } else if (old.kind === 'composite' && t.kind === 'composite') {
    if (JSON.stringify(old.attributes) !== JSON.stringify(t.attributes)) {
      add({ action: 'alter', kind: 'type', key: k, name, detail: 'attributes', from: old, to: t })
    }
  }
  commentChange(add, { kind: 'type', object: t }, k, name, old.comment, t.comment)
  if (old.kind === 'domain' && t.kind === 'domain') {
    for (const c of t.checks) {
      const o = old.checks.find((x) => x.name === c.name && x.definition === c.definition)
      if (o || !old.checks.some((x) => x.name === c.name)) commentChange(add, { kind: 'domain constraint', object: c, domain: t }, k, `${name}.${c.name}`, o?.comment ?? null, o ? c.comment : null)
    }
  }
  grantsChange(add, k, name, old.grants, t.grants, { kind: 'type', object: t })
}

function checkShape(c: DomainCheck): [string, string, boolean] {
  return [c.name, c.definition, c.validated]
}

/** The values to add when `to` is `from` with values inserted (order kept), else undefined. */
export function enumAdditions(from: string[], to: string[]): EnumAddition[] | undefined {
  const kept = to.filter((v) => from.includes(v))
  if (kept.length !== from.length || kept.some((v, i) => v !== from[i])) return undefined
  const added: EnumAddition[] = []
  to.forEach((v, i) => {
    if (from.includes(v)) return
    // Place it after the value before it; the first value goes before the next existing one.
    if (i > 0) added.push({ value: v, after: to[i - 1] })
    else {
      const next = to.find((x) => from.includes(x))
      added.push(next === undefined ? { value: v } : { value: v, before: next })
    }
  })
  return added
}

function sequenceDiff(x: SequenceOptions, y: SequenceOptions): string {
  const fields = ['type', 'start', 'increment', 'min', 'max', 'cache', 'cycle'] as const
  return fields.filter((f) => String(x[f]) !== String(y[f])).map((f) => `${f} ${x[f]} → ${y[f]}`).join(', ')
}

function ownerName(s: Sequence): string | null {
  return s.ownedBy ? `${s.ownedBy.schema}.${s.ownedBy.table}.${s.ownedBy.column}` : null
}

function columnShape(v: View): string {
  return JSON.stringify(v.columns.map((c) => [c.name, c.type, c.collation]))
}

/** Columns this table declares or must carry: inherited-only columns belong to the parent. */
function ownColumns(t: Table): Column[] {
  return t.columns.filter((c) => c.local || !c.inherited)
}

function compareTable(add: Add, a: Catalog, b: Catalog, k: string, name: string, old: Table, t: Table) {
  const table = name
  if (old.persistence !== t.persistence) {
    add({ action: 'alter', kind: 'table', key: k, name, detail: t.persistence === 'u' ? 'unlogged' : 'logged', aspect: 'persistence', from: old, to: t })
  }
  if ([...old.options].sort().join() !== [...t.options].sort().join()) {
    add({ action: 'alter', kind: 'table', key: k, name, detail: 'storage options', aspect: 'storage options', from: old, to: t })
  }
  // Partition of / inherits: detached first, attached after the columns agree.
  const op = old.partitionOf ? `${old.partitionOf.parent} ${old.partitionOf.bound}` : ''
  const np = t.partitionOf ? `${t.partitionOf.parent} ${t.partitionOf.bound}` : ''
  let columnsBecomeLocal = false
  if (op !== np) {
    if (old.partitionOf) { add({ action: 'drop', kind: 'partition', key: k, name, detail: `of ${old.partitionOf.parent}`, from: old, table }); columnsBecomeLocal = true }
    if (t.partitionOf) add({ action: 'create', kind: 'partition', key: k, name, detail: `of ${t.partitionOf.parent}`, to: t, table })
  }
  for (const p of old.inherits) {
    if (!t.inherits.includes(p)) { add({ action: 'drop', kind: 'parent', key: k, name, detail: p, from: p, table }); columnsBecomeLocal = true }
  }
  for (const p of t.inherits) {
    if (!old.inherits.includes(p)) add({ action: 'create', kind: 'parent', key: k, name, detail: p, to: p, table })
  }

  // Table privileges before column privileges: a table-level REVOKE takes the column ones along.
  grantsChange(add, k, name, old.grants, t.grants, { kind: 'table', object: t })
  // Columns. Detaching a table from its parent makes its inherited columns its own.
  if (t.partitionOf && old.partitionOf?.parent === t.partitionOf.parent) {
    comparePartitionColumns(add, a, b, k, name, old, t)
  } else {
  const oldCols = new Map(old.columns.filter((c) => c.local || !c.inherited || columnsBecomeLocal || t.partitionOf).map((c) => [c.name, c]))
  // Every column of a partition is compared: pg_dump prints a partition as a table of its own.
  const newCols = new Map((t.partitionOf ? t.columns : ownColumns(t)).map((c) => [c.name, c]))
  for (const [cn, c] of newCols) {
    const oc = oldCols.get(cn) ?? (old.columns.find((x) => x.name === cn && x.inherited) ? { ...old.columns.find((x) => x.name === cn)!, local: true } : undefined)
    const full = `${name}.${cn}`
    if (!oc) { add({ action: 'create', kind: 'column', key: k, name: full, detail: c.type, to: c, table }); continue }
    for (const d of columnDiffs(oc, c)) add({ action: 'alter', kind: 'column', key: k, name: full, detail: d, aspect: d, from: oc, to: c, table })
    commentChange(add, { kind: 'column', table, object: c }, k, full, oc.comment, c.comment)
    grantsChange(add, k, full, oc.grants ?? [], c.grants ?? [], { kind: 'column', table: t, column: c })
  }
  for (const [cn, c] of oldCols) {
    if (!newCols.has(cn) && !t.columns.some((x) => x.name === cn)) {
      add({ action: 'drop', kind: 'column', key: k, name: `${name}.${cn}`, detail: c.type, from: c, table })
    } else if (!newCols.has(cn) && c.local && !columnsBecomeLocal && !t.partitionOf) {
      // Declared here, but wanted as only inherited: PostgreSQL has no ALTER for that, so the
      // column is dropped before the parent adds it (or while the parent already has it).
      add({ action: 'drop', kind: 'column', key: k, name: `${name}.${cn}`, detail: 'becomes inherited', reason: 'becomes inherited', from: c, table })
    }
  }
  }

  // Constraints: compared by name and definition; inherited ones belong to the parent. A
  // partition's own are those not inherited at all; detached, it owns every one it had.
  const own = (x: Table, detaching: boolean) => (c: Constraint) =>
    detaching ? true : x.partitionOf ? !c.inherited && !c.parent : c.local
  const oldCons = new Map(old.constraints.filter(own(old, !!old.partitionOf && !t.partitionOf)).map((c) => [c.name, c]))
  const newCons = new Map(t.constraints.filter(own(t, false)).map((c) => [c.name, c]))
  // A partition's keys attached to its parent's keys.
  const newClones = new Map(t.partitionOf ? t.constraints.filter((c) => c.parent).map((c) => [c.name, c]) : [])
  for (const [cn, c] of newClones) {
    const o = old.constraints.find((x) => x.name === cn)
    const ck = key('constraint', `${name}.${cn}`)
    if (!o) add({ action: 'create', kind: 'constraint', key: ck, name: `${name}.${cn}`, detail: c.definition, to: c, table })
    else if (o.definition !== c.definition || o.type !== c.type) {
      add({ action: 'recreate', kind: 'constraint', key: ck, name: `${name}.${cn}`, detail: `${o.definition} → ${c.definition}`, from: o, to: c, table })
    } else {
      commentChange(add, { kind: 'constraint', table, object: c }, ck, `${name}.${cn}`, o.comment, c.comment)
      if (o.parent !== c.parent) attachConstraint(add, name, c)
      continue
    }
    attachConstraint(add, name, c)
  }
  for (const o of old.partitionOf && t.partitionOf ? old.constraints.filter((c) => c.parent) : []) {
    if (!newCons.has(o.name) && !newClones.has(o.name)) {
      add({ action: 'drop', kind: 'constraint', key: key('constraint', `${name}.${o.name}`), name: `${name}.${o.name}`, detail: o.definition, from: o, table })
    }
  }
  for (const [cn, c] of newCons) {
    const oc = oldCons.get(cn)
    const ck = key('constraint', `${name}.${cn}`)
    if (!oc) add({ action: 'create', kind: 'constraint', key: ck, name: `${name}.${cn}`, detail: c.definition, to: c, table })
    else if (oc.definition !== c.definition || oc.type !== c.type || oc.validated !== c.validated) {
      add({ action: 'recreate', kind: 'constraint', key: ck, name: `${name}.${cn}`, detail: `${oc.definition} → ${c.definition}`, from: oc, to: c, table })
    } else commentChange(add, { kind: 'constraint', table, object: c }, ck, `${name}.${cn}`, oc.comment, c.comment)
  }
  for (const [cn, c] of oldCons) {
    if (!newCons.has(cn) && !newClones.has(cn)) add({ action: 'drop', kind: 'constraint', key: key('constraint', `${name}.${cn}`), name: `${name}.${cn}`, detail: c.definition, from: c, table })
  }

  compareTriggers(add, name, old.triggers, t.triggers)

  // Row-level security and policies.
  if (old.rowSecurity !== t.rowSecurity || old.forceRowSecurity !== t.forceRowSecurity) {
    add({ action: 'alter', kind: 'row security', key: k, name, detail: `${rls(old)} → ${rls(t)}`, from: old, to: t, table })
  }
  const oldPol = new Map(old.policies.map((p) => [p.name, p]))
  for (const p of t.policies) {
    const pk = key('policy', `${name}.${p.name}`)
    const o = oldPol.get(p.name)
    if (!o) add({ action: 'create', kind: 'policy', key: pk, name: `${name}.${p.name}`, detail: '', to: p, table })
    else if (policyShape(o) !== policyShape(p)) add({ action: 'recreate', kind: 'policy', key: pk, name: `${name}.${p.name}`, detail: 'definition', from: o, to: p, table })
    else commentChange(add, { kind: 'policy', table, object: p }, pk, `${name}.${p.name}`, o.comment, p.comment)
  }
  for (const p of old.policies) {
    if (!t.policies.some((x) => x.name === p.name)) add({ action: 'drop', kind: 'policy', key: key('policy', `${name}.${p.name}`), name: `${name}.${p.name}`, detail: '', from: p, table })
  }
  if (old.replicaIdentity !== t.replicaIdentity) {
    add({ action: 'alter', kind: 'replica identity', key: k, name, detail: `${old.replicaIdentity} → ${t.replicaIdentity}`, from: old, to: t, table })
  }
  commentChange(add, { kind: 'table', object: t }, k, name, old.comment, t.comment)
}

function rls(t: Table): string {
  return t.rowSecurity ? (t.forceRowSecurity ? 'enabled, forced' : 'enabled') : t.forceRowSecurity ? 'disabled, forced' : 'disabled'
}

function policyShape(p: Policy): string {
  return JSON.stringify([p.permissive, p.command, p.roles, p.using, p.check])
}

function compareTriggers(add: Add, table: string, fromAll: Trigger[], toAll: Trigger[]) {
  // A partition's clone of its parent's trigger comes and goes with the parent's; only whether it
  // is enabled is its own.
  for (const g of toAll.filter((x) => x.clone)) {
    const o = fromAll.find((x) => x.clone && x.name === g.name)
    if ((o?.enabled ?? 'O') === g.enabled) continue
    add({ action: 'alter', kind: 'trigger', key: key('trigger', `${table}.${g.name}`), name: `${table}.${g.name}`, detail: `enabled ${o?.enabled ?? 'O'} → ${g.enabled}`, from: o ?? { ...g, enabled: 'O' }, to: g, table })
  }
  const from = fromAll.filter((x) => !x.clone)
  const to = toAll.filter((x) => !x.clone)
  for (const g of to) {
    const o = from.find((x) => x.name === g.name)
    const gk = key('trigger', `${table}.${g.name}`)
    const name = `${table}.${g.name}`
    if (!o) add({ action: 'create', kind: 'trigger', key: gk, name, detail: '', to: g, table })
    else if (o.definition !== g.definition) add({ action: 'recreate', kind: 'trigger', key: gk, name, detail: 'definition', from: o, to: g, table })
    else {
      if (o.enabled !== g.enabled) add({ action: 'alter', kind: 'trigger', key: gk, name, detail: `enabled ${o.enabled} → ${g.enabled}`, from: o, to: g, table })
      commentChange(add, { kind: 'trigger', table, object: g }, gk, name, o.comment, g.comment)
    }
  }
  for (const o of from) {
    if (!to.some((x) => x.name === o.name)) add({ action: 'drop', kind: 'trigger', key: key('trigger', `${table}.${o.name}`), name: `${table}.${o.name}`, detail: '', from: o, table })
  }
}

/** What differs between two versions of a column, one entry per ALTER COLUMN form. */
function columnDiffs(a: Column, b: Column): ColumnAspect[] {
  const out: ColumnAspect[] = []
  if ((a.generated ?? '') !== (b.generated ?? '')) {
    out.push(b.generated ? (a.generated ? 'generated expression' : 'becomes generated') : 'no longer generated')
  }
  if (a.type !== b.type || a.collation !== b.collation) out.push('type')
  const ai = a.identity ? (a.identity.always ? 'always' : 'by default') : ''
  const bi = b.identity ? (b.identity.always ? 'always' : 'by default') : ''
  // An identity goes before a default is set; a default goes before an identity is added.
  if (ai !== bi && a.identity) out.push('identity')
  if (!b.generated && (a.default ?? '') !== (b.default ?? '')) out.push('default')
  if (ai !== bi && !a.identity) out.push('identity')
  else if (a.identity && b.identity && (sequenceDiff(a.identity.options, b.identity.options) || a.identity.sequence !== b.identity.sequence)) {
    out.push('identity options')
  }
  if (a.notNull !== b.notNull) out.push('not null')
  else if (a.notNull && (a.notNullName ?? null) !== (b.notNullName ?? null)) out.push('not null name')
  if ((a.storage ?? null) !== (b.storage ?? null)) out.push('storage')
  if ((a.compression ?? null) !== (b.compression ?? null)) out.push('compression')
  if ((a.statistics ?? null) !== (b.statistics ?? null)) out.push('statistics')
  return out
}

/**
 * A partition of the same parent on both sides: the parent's columns are its columns (added,
 * dropped and retyped through the parent), but defaults, NOT NULL, storage, statistics,
 * comments and privileges are each partition's own, as pg_dump prints them. NOT NULL set or
 * dropped on the parent reaches every partition; a partition's own change is what is left.
 */
/** What a partition's column has of its own: the rest follows its parent's. */
const partitionOwn: ColumnAspect[] = ['default', 'not null', 'not null name', 'storage', 'compression', 'statistics', 'identity', 'identity options']

function comparePartitionColumns(add: Add, a: Catalog, b: Catalog, k: string, name: string, old: Table, t: Table) {
  const parentBefore = a.tables.get(old.partitionOf!.parent)
  const parentAfter = b.tables.get(t.partitionOf!.parent)
  for (const c of t.columns) {
    const oc = old.columns.find((x) => x.name === c.name)
    if (!oc) continue
    const full = `${name}.${c.name}`
    const pa = parentBefore?.columns.find((x) => x.name === c.name)
    const pb = parentAfter?.columns.find((x) => x.name === c.name)
    const inheritedNotNull = pa && pb && pa.notNull !== pb.notNull ? pb.notNull : oc.notNull
    // A NOT NULL the parent's SET NOT NULL gives a partition bears the parent's name (PostgreSQL 18).
    const inheritedName = pb && parentAfter && inheritedNotNull && !oc.notNull
      ? (pb.notNullName ?? defaultNotNullName(parentAfter.name, pb.name)) : oc.notNullName
    const from = { ...oc, notNull: inheritedNotNull, notNullName: b.version >= 180000 && inheritedName !== defaultNotNullName(t.name, c.name) ? inheritedName : null }
    for (const d of columnDiffs(from, c)) {
      // From PostgreSQL 17 on, a partition's identity is its parent's.
      if (partitionOwn.includes(d) && !(b.version >= 170000 && d.startsWith('identity'))) add({ action: 'alter', kind: 'column', key: k, name: full, detail: d, aspect: d, from, to: c, table: name })
    }
    commentChange(add, { kind: 'column', table: name, object: c }, k, full, oc.comment, c.comment)
    grantsChange(add, k, full, oc.grants ?? [], c.grants ?? [], { kind: 'column', table: t, column: c })
  }
}

/** `ALTER INDEX <parent's> ATTACH PARTITION <partition's>`, for a key of a partition. */
function attachConstraint(add: Add, table: string, c: Constraint) {
  add({ action: 'alter', kind: 'constraint', key: key('constraint', `${table}.${c.name}`), name: `${table}.${c.name}`, detail: 'attach', aspect: 'attach', to: c, table })
}

function attachIndex(add: Add, i: Index) {
  const name = qname(i.schema, i.name)
  add({ action: 'alter', kind: 'index', key: key('index', name), name, detail: 'attach', aspect: 'attach', to: i, table: qname(i.schema, i.table) })
}

/**
 * What partitioning takes along: a partitioned table that is recreated has its partitions
 * detached first and attached again; a partition's index or key goes when its parent's is
 * dropped, so one that is still wanted is created again and attached.
 */
function partitionCascade(changes: Change[], a: Catalog, b: Catalog) {
  const recreatedTables = new Set(changes.filter((c) => c.kind === 'table' && c.action === 'recreate').map((c) => c.name))
  const has = (kind: ChangeKind, name: string) => changes.some((c) => c.kind === kind && c.name === name)
  const attached = (kind: 'constraint' | 'index', name: string) =>
    changes.some((c) => (c.kind === 'constraint' || c.kind === 'index') && c.kind === kind && c.name === name && c.action === 'alter' && c.aspect === 'attach')
  for (const [name, t] of b.tables) {
    const old = a.tables.get(name)
    if (!t.partitionOf || !old?.partitionOf || recreatedTables.has(name)) continue
    if (old.partitionOf.parent !== t.partitionOf.parent || !recreatedTables.has(t.partitionOf.parent) || has('partition', name)) continue
    const k = key('table', name)
    changes.push({ action: 'drop', kind: 'partition', key: k, name, detail: `of ${old.partitionOf.parent}`, from: old, table: name })
    changes.push({ action: 'create', kind: 'partition', key: k, name, detail: `of ${t.partitionOf.parent}`, to: t, table: name })
  }
  // Indexes dropped (or recreated) whose attached partition indexes go with them.
  const goneIndexes = new Set(changes.filter((c) => c.kind === 'index' && (c.action === 'drop' || c.action === 'recreate')).map((c) => c.name))
  const detached = new Set(changes.filter((c) => c.kind === 'partition' && c.action === 'drop').map((c) => c.name))
  for (const [name, i] of a.indexes) {
    if (!i.parent || !goneIndexes.has(i.parent) || goneIndexes.has(name)) continue
    if (detached.has(qname(i.schema, i.table))) continue // detached first: kept
    const wanted = b.indexes.get(name)
    if (!wanted) { changes.push({ action: 'drop', kind: 'index', key: key('index', name), name, detail: `with ${i.parent}`, reason: 'goes with parent', from: i, table: qname(i.schema, i.table) }); continue }
    for (let n = changes.length - 1; n >= 0; n--) if (changes[n]!.kind === 'index' && changes[n]!.name === name) changes.splice(n, 1)
    changes.push({ action: 'recreate', kind: 'index', key: key('index', name), name, detail: `dropped with ${i.parent}`, reason: 'goes with parent', from: i, to: wanted, table: qname(wanted.schema, wanted.table) })
    if (wanted.parent) attachIndex((c) => changes.push(c), wanted)
  }
  // Keys whose parent key is dropped or recreated (with its table or by itself).
  const goneKeys = new Set(changes.filter((c) => c.kind === 'constraint' && (c.action === 'drop' || c.action === 'recreate')).map((c) => c.name))
  const goneTables = new Set(changes.filter((c) => c.kind === 'table' && (c.action === 'drop' || c.action === 'recreate')).map((c) => c.name))
  for (const [tname, t] of a.tables) {
    if (goneTables.has(tname)) continue
    for (const c of t.constraints) {
      if (!c.parent) continue
      const parentTable = c.parent.slice(0, c.parent.lastIndexOf('.'))
      const full = `${tname}.${c.name}`
      if (!goneKeys.has(c.parent) && !goneTables.has(parentTable)) continue
      if (detached.has(tname)) continue // detached first: kept
      const wanted = b.tables.get(tname)?.constraints.find((x) => x.name === c.name)
      for (let n = changes.length - 1; n >= 0; n--) if (changes[n]!.kind === 'constraint' && changes[n]!.name === full) changes.splice(n, 1)
      const ck = key('constraint', full)
      if (!wanted) { changes.push({ action: 'drop', kind: 'constraint', key: ck, name: full, detail: `with ${c.parent}`, reason: 'goes with parent', from: c, table: tname }); continue }
      changes.push({ action: 'recreate', kind: 'constraint', key: ck, name: full, detail: `dropped with ${c.parent}`, reason: 'goes with parent', from: c, to: wanted, table: tname })
      if (wanted.parent) attachConstraint((x) => changes.push(x), tname, wanted)
    }
  }
  // Partitions attached again: their indexes and keys attach to the parent's again.
  for (const c of changes.filter((x) => x.kind === 'partition' && x.action === 'create')) {
    const t = c.to
    for (const x of t.constraints.filter((y) => y.parent)) if (!attached('constraint', `${c.name}.${x.name}`)) attachConstraint((y) => changes.push(y), c.name, x)
    for (const i of b.indexes.values()) if (i.parent && qname(i.schema, i.table) === c.name && !attached('index', qname(i.schema, i.name))) attachIndex((y) => changes.push(y), i)
  }
}

// --- cascade -----------------------------------------------------------------------------------

/**
 * Recreate whatever depends on an object that is dropped or recreated, or on a column that is
 * dropped or changes type: PostgreSQL refuses those changes while dependants exist.
 */
function cascade(changes: Change[], a: Catalog, b: Catalog) {
  const doomed = new Set<string>()
  // Sub-objects of a table that is dropped or recreated go and come with it.
  const doomedTables = new Set(changes.filter((c) => c.kind === 'table' && c.action !== 'create' && c.action !== 'alter').map((c) => c.name))
  const doomedColumns = new Set<string>()
  // Columns whose type changes: PostgreSQL rebuilds their indexes and constraints itself, but
  // refuses while a view, rule, trigger or policy uses them.
  const retypedColumns = new Set<string>()
  const retyped = new Set<string>() // types recreated: columns of that type are converted
  for (const c of changes) {
    if (c.action === 'drop' || c.action === 'recreate') {
      if (c.kind === 'column') doomedColumns.add(`${c.table}\u0000${c.from.name}`)
      else if (['table', 'view', 'function', 'constraint', 'index', 'trigger', 'policy', 'type', 'collation', 'sequence'].includes(c.kind)) {
        doomed.add(c.key)
        if (c.kind === 'constraint' && ['p', 'u', 'x'].includes(c.from.type)) {
          doomed.add(key('index', `${c.table.split('.')[0]}.${c.from.name}`))
        }
        if (c.kind === 'type' && c.action === 'recreate') retyped.add(c.name)
      }
    }
    if (c.kind === 'column' && c.action === 'alter' && (c.aspect === 'becomes generated' || c.aspect === 'generated expression')) {
      doomedColumns.add(`${c.table}\u0000${c.from.name}`)
    }
    if (c.kind === 'column' && c.action === 'alter' && c.aspect === 'type') retypedColumns.add(`${c.table}\u0000${c.from.name}`)
  }
  const has = (kind: ChangeKind, k: string, action?: Change['action']) =>
    changes.some((c) => c.kind === kind && c.key === k && (!action || c.action === action))
  let grew = true
  while (grew) {
    grew = false
    for (const d of a.dependencies) {
      const [kind, rest] = [d.from.slice(0, d.from.indexOf(':')), d.from.slice(d.from.indexOf(':') + 1)]
      const column = d.column && d.to.startsWith('table:') ? `${d.to.slice(6)}\u0000${d.column}` : ''
      const target = column !== '' && (doomedColumns.has(column) || (retypedColumns.has(column) && ['view', 'function', 'trigger', 'policy'].includes(kind)))
      if (!doomed.has(d.to) && !target) continue
      if (doomed.has(d.from)) continue
      const why = `depends on ${d.to.replace(':', ' ')}${d.column ? `.${d.column}` : ''}`
      const recreate = (c: Change) => {
        // An 'alter' of the same object is superseded by the recreate.
        for (let i = changes.length - 1; i >= 0; i--) {
          const x = changes[i]!
          if (x.key === c.key && x.kind === c.kind && x.action === 'alter') changes.splice(i, 1)
        }
        changes.push(c)
        doomed.add(d.from)
        grew = true
      }
      if (kind === 'view') {
        const from = a.views.get(rest)
        const to = b.views.get(rest)
        if (!from) continue
        if (to && !has('view', d.from, 'recreate')) recreate({ action: 'recreate', kind: 'view', key: d.from, name: rest, detail: why, from, to })
        else doomed.add(d.from)
      } else if (kind === 'function') {
        const from = a.routines.get(rest)
        const to = b.routines.get(rest)
        if (!from) continue
        if (to && !has('function', d.from, 'recreate')) recreate({ action: 'recreate', kind: 'function', key: d.from, name: rest, detail: why, from, to })
        else doomed.add(d.from)
      } else if (kind === 'index') {
        const from = a.indexes.get(rest)
        const to = b.indexes.get(rest)
        if (!from) continue // a constraint's index: the constraint follows through its own edge
        const table = qname(from.schema, from.table)
        if (to && !has('index', d.from, 'recreate')) recreate({ action: 'recreate', kind: 'index', key: d.from, name: rest, detail: why, from, to, table })
        else doomed.add(d.from)
      } else if (kind === 'constraint' || kind === 'trigger' || kind === 'policy') {
        const found = subObject(a, b, kind, rest)
        if (!found) continue
        if (doomedTables.has(found.table)) { doomed.add(d.from); continue }
        // A partition's clone of a trigger or key comes back with its parent's.
        if ((found.kind === 'trigger' && found.from.clone) || (found.kind === 'constraint' && found.from.parent)) { doomed.add(d.from); continue }
        const again = recreateSub(found, d.from, rest, why)
        if (again && !has(kind, d.from, 'recreate')) {
          recreate(again)
          if (found.kind === 'constraint' && ['p', 'u', 'x'].includes(found.from.type)) doomed.add(key('index', `${found.table.split('.')[0]}.${found.from.name}`))
        } else doomed.add(d.from)
      } else if (kind === 'default') {
        const found = columnOf(a, b, rest)
        if (!found) continue
        if (doomedTables.has(found.table)) { doomed.add(d.from); continue }
        // A column that is dropped takes its default along.
        if (changes.some((x) => x.kind === 'column' && x.action === 'drop' && x.name === rest)) { doomed.add(d.from); continue }
        if (!has('default', d.from)) {
          changes.push({ action: 'recreate', kind: 'default', key: d.from, name: rest, detail: why, from: found.from, to: found.to, table: found.table })
          grew = true
        }
        doomed.add(d.from)
      } else if (kind === 'type' && (d.to.startsWith('type:') || d.to.startsWith('collation:'))) {
        // A domain (or composite) over a recreated type, or whose check names one of its values,
        // is recreated with it; its columns are converted in turn.
        const from = a.types.get(rest)
        const to = b.types.get(rest)
        if (!from || from.kind === 'enum') continue
        if (to && to.kind === from.kind && !has('type', d.from, 'recreate')) {
          recreate({ action: 'recreate', kind: 'type', key: d.from, name: rest, detail: why, from, to })
          retyped.add(rest)
        } else doomed.add(d.from)
      } else if (kind === 'table' && d.to.startsWith('type:') && retyped.has(d.to.slice(5))) {
        // A column of a recreated type: converted to the new type.
        const table = a.tables.get(rest)
        const to = b.tables.get(rest)
        if (!table || !to) continue
        for (const col of table.columns) {
          if (!col.local && col.inherited) continue
          const target = to.columns.find((x) => x.name === col.name)
          if (!target || !mentionsType(col.type, d.to.slice(5))) continue
          const name = `${rest}.${col.name}`
          if (changes.some((x) => x.kind === 'column' && x.name === name && x.action === 'alter' && x.aspect === 'type')) continue
          // Before the column's other changes (a default of the new type needs the new type).
          const first = changes.findIndex((x) => x.kind === 'column' && x.name === name)
          changes.splice(first < 0 ? changes.length : first, 0, { action: 'alter', kind: 'column', key: d.from, name, detail: 'type', aspect: 'type', from: col, to: target, table: rest })
          retypedColumns.add(`${rest}\u0000${col.name}`)
          grew = true
        }
      }
    }
  }
}

function mentionsType(formatted: string, type: string): boolean {
  const [schema, name] = [type.slice(0, type.indexOf('.')), type.slice(type.indexOf('.') + 1)]
  const bare = formatted.replace(/\[\]$/, '').replace(/"/g, '')
  return bare === name || bare === `${schema}.${name}`
}

/** A constraint, trigger or policy of a table (or a view's trigger) in `a`, and the same one in `b`. */
type SubObject =
  | { kind: 'constraint'; from: Constraint; to: Constraint | undefined; table: string }
  | { kind: 'trigger'; from: Trigger; to: Trigger | undefined; table: string }
  | { kind: 'policy'; from: Policy; to: Policy | undefined; table: string }

function subObject(a: Catalog, b: Catalog, kind: SubObject['kind'], rest: string): SubObject | undefined {
  for (const [tname, t] of [...a.tables, ...a.views]) {
    if (!rest.startsWith(`${tname}.`)) continue
    const name = rest.slice(tname.length + 1)
    const other = b.tables.get(tname) ?? b.views.get(tname)
    const named = <T extends { name: string }>(list: T[] | undefined) => list?.find((o) => o.name === name)
    const table = (x: Table | View | undefined) => (x?.kind === 'table' ? x : undefined)
    if (kind === 'trigger') {
      const from = named(t.triggers)
      if (from) return { kind, from, to: named(other?.triggers), table: tname }
    } else if (kind === 'constraint') {
      const from = named(table(t)?.constraints)
      if (from) return { kind, from, to: named(table(other)?.constraints), table: tname }
    } else {
      const from = named(table(t)?.policies)
      if (from) return { kind, from, to: named(table(other)?.policies), table: tname }
    }
  }
  return undefined
}

/** The recreate of a sub-object that is still wanted; undefined when it goes. */
function recreateSub(s: SubObject, k: string, name: string, detail: string): Change | undefined {
  const base = { action: 'recreate', key: k, name, detail, table: s.table } as const
  if (s.kind === 'constraint') return s.to && { ...base, kind: s.kind, from: s.from, to: s.to }
  if (s.kind === 'trigger') return s.to && { ...base, kind: s.kind, from: s.from, to: s.to }
  return s.to && { ...base, kind: s.kind, from: s.from, to: s.to }
}

function columnOf(a: Catalog, b: Catalog, rest: string): { from: Column; to: Column | undefined; table: string } | undefined {
  for (const [tname, t] of a.tables) {
    if (!rest.startsWith(`${tname}.`)) continue
    const col = t.columns.find((c) => c.name === rest.slice(tname.length + 1))
    if (!col) continue
    return { from: col, to: b.tables.get(tname)?.columns.find((c) => c.name === col.name), table: tname }
  }
  return undefined
}


// Pure: changes → SQL a reviewer can read, in an order that runs. Four phases: additions that
// nothing can conflict with (schemas, extensions, enum values); drops of what changes or goes,
// dependants first; creates and alterations, dependencies first; drops of types, sequences and
// schemas last, once nothing uses them. Within a phase the order follows pg_depend.
import { quoteIdent, quoteLiteral } from '../ident.js'
import {
  key, type Catalog, type Column, type Constraint, type Grant, type Policy, type Routine,
  type SequenceOptions, type Table, type Trigger, type UserType, type View,
} from '../catalog/model.js'
import type { Change, ChangeKind, ColumnAspect, CommentOn, Comparison, PrivilegesOn } from './compare.js'

export interface Step {
  phase: 0 | 1 | 2 | 3
  sql: string
  /** Keys this step creates (phase 2) or removes (phases 1, 3). */
  keys: string[]
  /** Keys that must exist first (phase 2), beyond the keys' own dependencies. */
  needs: string[]
  warnings: string[]
  notes: string[]
  /** The statement cannot run inside a transaction block. */
  noTransaction?: boolean
}

export interface Rendered {
  sql: string
  /** Must run outside a transaction: it adds enum values and uses them. */
  noTransaction: boolean
  statements: Step[]
  warnings: string[]
}

const OLD_SUFFIX = '__tinymigrate_old'

/** `schema.name` → `"schema"."name"`. Keys never contain a schema with a dot in practice; split at the first. */
export function quoteQualified(qualified: string): string {
  const i = qualified.indexOf('.')
  return `${quoteIdent(qualified.slice(0, i))}.${quoteIdent(qualified.slice(i + 1))}`
}

function qi(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`
}

export function render(comparison: Comparison, a: Catalog, b: Catalog): Rendered {
  const steps: Step[] = []
  const step = (phase: Step['phase'], sql: string, keys: string[] = [], extra: Partial<Step> = {}) =>
    steps.push({ phase, sql, keys, needs: [], warnings: [], notes: [], ...extra })
  const changes = comparison.changes
  const dropped = new Set(changes.filter((c) => c.action === 'drop' && c.kind === 'table').map((c) => c.name))
  // What DROP TABLE, DROP INDEX or DROP CONSTRAINT takes along: the table's indexes and keys, a
  // partitioned index's partition indexes, a partitioned table's keys' copies on its partitions.
  const goneTables = new Set(changes.filter((c) => c.kind === 'table' && (c.action === 'drop' || c.action === 'recreate')).map((c) => c.name))
  const goneIndexes = new Set(changes.filter((c) => c.kind === 'index' && (c.action === 'drop' || c.action === 'recreate')).map((c) => c.name))
  const goneKeys = new Set(changes.filter((c) => c.kind === 'constraint' && (c.action === 'drop' || c.action === 'recreate')).map((c) => c.name))
  const droppedColumns = new Set(changes.filter((c) => c.action === 'drop' && c.kind === 'column').map((c) => c.name))
  // Sequences that go while a column of the same table becomes an identity whose sequence takes
  // their name: dropped just before it, not at the end.
  const replaced = new Set(changes.flatMap((c) => c.kind === 'column' && c.action === 'alter' && c.aspect === 'identity' && c.to.identity && !c.from.identity
    ? [`${c.table.slice(0, c.table.indexOf('.'))}.${c.to.identity.sequence}`] : [])
    .filter((name) => a.sequences.has(name) && !b.sequences.has(name)))
  const hasChange = (kind: ChangeKind, name: string) => changes.some((c) => c.kind === kind && c.name === name)
  const alters = (name: string, aspect: ColumnAspect) =>
    changes.some((c) => c.kind === 'column' && c.action === 'alter' && c.name === name && c.aspect === aspect)
  const columns: ColumnContext = { hasChange, alters, replaced }

  for (const c of changes) {
    const n: string[] = []
    switch (c.kind) {
      case 'schema':
        if (c.action === 'create') {
          step(0, `CREATE SCHEMA ${quoteIdent(c.name)};`, [c.key])
          comment(step, 2, 'SCHEMA', quoteIdent(c.name), c.to.comment, c.key)
          grantsOn(step, 'SCHEMA', quoteIdent(c.name), [], c.to.grants, 'schema', c.key)
        } else step(3, `DROP SCHEMA ${quoteIdent(c.name)};`, [c.key], { warnings: [`drops schema ${c.name}`] })
        break
      case 'extension':
        if (c.action === 'create') {
          // The version is named only when it is not the one the server installs by default: a file
          // that names one fails on an engine that ships another (pgcrypto 1.3 here, 1.4 there).
          const version = c.to.version === c.to.defaultVersion ? '' : ` VERSION ${quoteLiteral(c.to.version)}`
          step(0, `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(c.name)} WITH SCHEMA ${quoteIdent(c.to.schema)}${version};`, [c.key], { needs: [key('schema', c.to.schema)] })
        } else if (c.action === 'drop') {
          step(3, `DROP EXTENSION ${quoteIdent(c.name)};`, [c.key], { warnings: [`drops extension ${c.name}`] })
        } else {
          if (c.from.schema !== c.to.schema) step(0, `ALTER EXTENSION ${quoteIdent(c.name)} SET SCHEMA ${quoteIdent(c.to.schema)};`, [c.key])
          if (c.from.version === c.to.version) break
          if ((c.from.updates as string[]).includes(c.to.version)) {
            step(0, `ALTER EXTENSION ${quoteIdent(c.name)} UPDATE TO ${quoteLiteral(c.to.version)};`, [c.key])
          } else {
            // No update path (a downgrade, usually): the extension is dropped and created at that version.
            step(0, `DROP EXTENSION ${quoteIdent(c.name)};`, [], { warnings: [`${c.name} has no update path from ${c.from.version} to ${c.to.version}: it is dropped and created again, which fails while columns or indexes use it`] })
            step(0, `CREATE EXTENSION ${quoteIdent(c.name)} WITH SCHEMA ${quoteIdent(c.to.schema)} VERSION ${quoteLiteral(c.to.version)};`, [c.key])
          }
        }
        break
      case 'collation': {
        const name = qi((c.to ?? c.from).schema, (c.to ?? c.from).name)
        if (c.action !== 'create') step(c.action === 'drop' ? 3 : 1, `DROP COLLATION ${name};`, [c.key])
        if (c.action !== 'drop') {
          step(c.action === 'create' ? 0 : 2, `CREATE COLLATION ${name} (${c.to.options});`, [c.key])
          comment(step, 2, 'COLLATION', name, c.to.comment, c.key)
        }
        break
      }
      case 'type':
        renderType(step, c)
        break
      case 'enum value': {
        const v = c.to
        const where = v.before !== undefined ? ` BEFORE ${quoteLiteral(v.before)}` : v.after !== undefined ? ` AFTER ${quoteLiteral(v.after)}` : ''
        step(0, `ALTER TYPE ${qi(v.type.schema, v.type.name)} ADD VALUE ${quoteLiteral(v.value)}${where};`, [c.key], {
          notes: ['a value added by ALTER TYPE ... ADD VALUE cannot be used until the transaction that adds it commits'],
        })
        break
      }
      case 'sequence': {
        const s = c.to ?? c.from
        const name = qi(s.schema, s.name)
        if (c.action === 'create') {
          step(2, `CREATE SEQUENCE ${name}${sequenceClause(s, null)};`, [c.key])
          if (s.ownedBy) step(2, `ALTER SEQUENCE ${name} OWNED BY ${qi(s.ownedBy.schema, s.ownedBy.table)}.${quoteIdent(s.ownedBy.column)};`, [], { needs: [c.key, key('table', `${s.ownedBy.schema}.${s.ownedBy.table}`)] })
          comment(step, 2, 'SEQUENCE', name, s.comment, c.key)
          grantsOn(step, 'SEQUENCE', name, [], s.grants, 'sequence', c.key)
        } else if (c.action === 'drop') {
          // A sequence owned by a table or column that goes is dropped with it.
          const owner = s.ownedBy && `${s.ownedBy.schema}.${s.ownedBy.table}`
          if (owner && (dropped.has(owner) || droppedColumns.has(`${owner}.${s.ownedBy!.column}`))) break
          if (replaced.has(c.name)) break
          step(3, `DROP SEQUENCE ${name};`, [c.key], { warnings: [`drops sequence ${c.name} and its current value`] })
        } else {
          raiseToMin(step, name, c.from, c.to, c.key)
          step(2, `ALTER SEQUENCE ${name}${sequenceClause(c.to, c.from)};`, [c.key])
        }
        break
      }
      case 'owned by': {
        const s = c.to
        const name = qi(s.schema, s.name)
        if (s.ownedBy) step(2, `ALTER SEQUENCE ${name} OWNED BY ${qi(s.ownedBy.schema, s.ownedBy.table)}.${quoteIdent(s.ownedBy.column)};`, [], { needs: [c.key, key('table', `${s.ownedBy.schema}.${s.ownedBy.table}`)] })
        else step(1, `ALTER SEQUENCE ${name} OWNED BY NONE;`, [])
        break
      }
      case 'table':
        renderTable(step, c, a, b, changes)
        break
      case 'partition': {
        const t = c.to ?? c.from
        const name = qi(t.schema, t.name)
        if (c.action === 'drop') step(1, `ALTER TABLE ${quoteQualified(c.from.partitionOf!.parent)} DETACH PARTITION ${name};`, [`detach:${c.name}`])
        else attachPartition(step, t, a, b)
        break
      }
      case 'parent': {
        const name = quoteQualified(c.table)
        if (c.action === 'drop') step(1, `ALTER TABLE ${name} NO INHERIT ${quoteQualified(c.from)};`, [])
        else {
          // The child must already have the parent's check constraints.
          const child = b.tables.get(c.table)
          const constraints = (child?.constraints ?? []).map((x) => key('constraint', `${c.table}.${x.name}`))
          step(2, `ALTER TABLE ${name} INHERIT ${quoteQualified(c.to)};`, [], { needs: [c.key, key('table', c.to), ...constraints] })
        }
        break
      }
      case 'column':
        renderColumn(step, c, a, b, columns)
        break
      case 'default': {
        const table = quoteQualified(c.table)
        step(1, `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.from.name)} DROP DEFAULT;`, [c.key])
        if (c.to?.default && !alters(`${c.table}.${c.to.name}`, 'default')) {
          step(2, `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.to.name)} SET DEFAULT ${c.to.default};`, [c.key], { needs: [key('table', c.table)] })
        }
        break
      }
      case 'constraint': {
        const table = quoteQualified(c.table)
        if (c.action === 'alter') { attachKey(step, c.table, c.to); break }
        // A partition's key that went with its parent's (partitionCascade) is only created again.
        const parent = c.from?.parent
        const goneWithParent = (c.action !== 'create' && c.reason === 'goes with parent') ||
          (parent && (goneKeys.has(parent) || goneTables.has(parent.slice(0, parent.lastIndexOf('.')))))
        if (c.action !== 'create' && !goneWithParent) {
          if (!(c.action === 'drop' && dropped.has(c.table))) {
            step(1, `ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(c.from.name)};`, constraintKeys(c.key, c.table, c.from))
          }
        }
        if (c.action !== 'drop') addConstraint(step, c.table, c.to, constraintKeys(c.key, c.table, c.to), !b.tables.has(c.table) || !a.tables.has(c.table) ? false : true, b)
        break
      }
      case 'index': {
        const i = c.to ?? c.from
        const name = qi(i.schema, i.name)
        if (c.action === 'alter') {
          // After the partition is attached (which attaches a matching index itself: then a no-op).
          step(2, `ALTER INDEX ${quoteQualified(i.parent!)} ATTACH PARTITION ${name};`, attachedKeys(i.parent!, a, b), { needs: [c.key, key('index', i.parent!), `attach:${c.table}`] })
          break
        }
        const goneWithParent = (c.action !== 'create' && c.reason === 'goes with parent') ||
          (c.from?.parent && goneIndexes.has(c.from.parent)) || (c.from?.parent && goneTables.has(c.table))
        if (c.action !== 'create' && !goneWithParent && !(c.action === 'drop' && (dropped.has(c.table) || !a.tables.has(c.table) && !a.views.has(c.table)))) {
          step(1, `DROP INDEX ${name};`, [c.key])
        }
        if (c.action !== 'drop') {
          const existing = a.tables.has(c.table) && !changes.some((x) => x.kind === 'table' && x.name === c.table && x.action === 'recreate')
          // An index of a partitioned table is created ON ONLY it, as pg_dump does: each
          // partition's index is created by its own name and attached to it.
          const only = / ON ONLY /.test(i.definition)
          if (existing && !only) {
            n.push(`builds the index while holding a lock that blocks writes to ${c.table}; on a large table use instead, in its own migration with -- tinymigrate:no-transaction:`,
              `  ${concurrently(i.definition)};`)
          }
          // Before the partition it is on is attached: attaching would otherwise create one of its own.
          step(2, `${i.definition};`, [c.key], { notes: n })
          comment(step, 2, 'INDEX', name, i.comment, c.key)
        }
        break
      }
      case 'view': {
        const v = c.to ?? c.from
        const kind = (v.kind === 'view' ? 'VIEW' : 'MATERIALIZED VIEW')
        if (c.action !== 'create') {
          const f = c.from
          const keys = [c.key, ...f.triggers.map((g) => key('trigger', `${f.schema}.${f.name}.${g.name}`))]
          step(1, `DROP ${f.kind === 'view' ? 'VIEW' : 'MATERIALIZED VIEW'} ${qi(f.schema, f.name)};`, keys, c.action === 'recreate' ? { notes: [`recreated: ${c.detail}`] } : {})
        }
        if (c.action !== 'drop') {
          createView(step, c.to, c.key, kind, b.version)
        }
        break
      }
      case 'function': {
        const r = c.to ?? c.from
        const kind = r.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'
        if (c.action === 'drop' || c.action === 'recreate') {
          const f = c.from
          step(1, `DROP ${f.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${qi(f.schema, f.name)}(${identityArgs(f)});`, [c.key], c.action === 'recreate' ? { notes: [`recreated: ${c.detail}`] } : {})
        }
        if (c.action !== 'drop') {
          step(2, `${r.definition.trim()};`, [c.key])
          if (c.action !== 'alter') {
            comment(step, 2, kind, `${qi(r.schema, r.name)}(${identityArgs(r)})`, r.comment, c.key)
            grantsOn(step, kind, `${qi(r.schema, r.name)}(${identityArgs(r)})`, [{ grantee: 'PUBLIC', privilege: 'EXECUTE', grantable: false }], r.grants, kind.toLowerCase(), c.key)
          }
        }
        break
      }
      case 'trigger': {
        const g = c.to ?? c.from
        const table = quoteQualified(c.table)
        if (c.action === 'alter') {
          // A partition's clone exists once the partition is attached and the parent's trigger created.
          const parent = (b.tables.get(c.table) ?? a.tables.get(c.table))?.partitionOf?.parent
          step(2, enableTrigger(table, g), [c.key], { needs: g.clone && parent ? [`attach:${c.table}`, key('trigger', `${parent}.${g.name}`)] : [] })
          break
        }
        if (c.action !== 'create' && !(c.action === 'drop' && dropped.has(c.table))) {
          step(1, `DROP TRIGGER ${quoteIdent(c.from.name)} ON ${table};`, [c.key])
        }
        if (c.action !== 'drop') createTrigger(step, table, g, c.key)
        break
      }
      case 'policy': {
        const table = quoteQualified(c.table)
        if (c.action !== 'create' && !(c.action === 'drop' && dropped.has(c.table))) {
          step(1, `DROP POLICY ${quoteIdent(c.from.name)} ON ${table};`, [c.key])
        }
        if (c.action !== 'drop') createPolicy(step, table, c.to, c.key)
        break
      }
      case 'row security': {
        const table = quoteQualified(c.table)
        if (c.from.rowSecurity !== c.to.rowSecurity) step(2, `ALTER TABLE ${table} ${c.to.rowSecurity ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`, [c.key])
        if (c.from.forceRowSecurity !== c.to.forceRowSecurity) step(2, `ALTER TABLE ${table} ${c.to.forceRowSecurity ? '' : 'NO '}FORCE ROW LEVEL SECURITY;`, [c.key])
        break
      }
      case 'replica identity':
        step(2, `ALTER TABLE ${quoteQualified(c.table)} REPLICA IDENTITY ${replicaIdentity(c.to)};`, [c.key])
        break
      case 'comment':
        renderComment(step, c)
        break
      case 'privileges': {
        const on = c.on
        const target = privilegeTarget(on)
        const columns = on.kind === 'column' ? ` (${quoteIdent(on.column.name)})` : ''
        // On a table, what leaves a role with every privilege or none is said as ALL.
        const all = ['table', 'view', 'materialized view'].includes(on.kind) ? tablePrivileges(b.version) : undefined
        const after = on.kind === 'column' ? [] : on.object.grants
        for (const g of groupGrants(c.revoke, columns, all, after, 'revoke')) step(2, `REVOKE ${g.privileges} ON ${target} FROM ${g.grantee};`, [c.key])
        for (const g of groupGrants(c.grant, columns, all, after, 'grant')) step(2, `GRANT ${g.privileges} ON ${target} TO ${g.grantee}${g.grantable ? ' WITH GRANT OPTION' : ''};`, [c.key])
        break
      }
    }
  }
  return order(steps, a, b)
}

type StepFn = (phase: Step['phase'], sql: string, keys?: string[], extra?: Partial<Step>) => void

/** What a column's change needs to know of the others. */
interface ColumnContext {
  hasChange: (kind: ChangeKind, name: string) => boolean
  /** The column `schema.table.column` has an ALTER of that aspect too. */
  alters: (name: string, aspect: ColumnAspect) => boolean
  /** Sequences dropped just before an identity takes their name. */
  replaced: Set<string>
}

function constraintKeys(k: string, table: string, c: Constraint): string[] {
  const schema = table.slice(0, table.indexOf('.'))
  return ['p', 'u', 'x'].includes(c.type) ? [k, key('index', `${schema}.${c.name}`)] : [k]
}

function addConstraint(step: StepFn, table: string, c: Constraint, keys: string[], existing: boolean, b: Catalog) {
  const notes: string[] = []
  const q = quoteQualified(table)
  const def = c.definition
  // A key of a partitioned table, or of a partition, is added to that table ONLY, as pg_dump
  // does: each partition's key is added by its own name and attached. With ONLY, the
  // partitions' columns must already be NOT NULL.
  const t = b.tables.get(table)
  if (t && (t.partitionBy || c.parent) && ['p', 'u', 'x'].includes(c.type)) {
    const partitions = [...b.tables.values()].filter((x) => x.partitionOf?.parent === table).map((x) => key('table', `${x.schema}.${x.name}`))
    step(2, `ALTER TABLE ONLY ${q} ADD CONSTRAINT ${quoteIdent(c.name)} ${def};`, keys, { needs: [key('table', table), ...partitions] })
    if (c.comment) step(2, `COMMENT ON CONSTRAINT ${quoteIdent(c.name)} ON ${q} IS ${quoteLiteral(c.comment)};`, keys)
    return
  }
  if (existing && (c.type === 'f' || c.type === 'c') && c.validated) {
    notes.push(`validating the constraint scans ${table} while holding a lock; on a large table add it NOT VALID here and run ALTER TABLE ... VALIDATE CONSTRAINT ${quoteIdent(c.name)} in a later migration`)
  } else if (existing && (c.type === 'p' || c.type === 'u' || c.type === 'x')) {
    notes.push(`builds an index while holding a lock that blocks writes to ${table}; on a large table build a unique index CONCURRENTLY first and add the constraint USING INDEX`)
  }
  // A foreign key to a partitioned table needs its key whole: every partition's attached.
  const references = c.type === 'f' ? /REFERENCES ([^(]+)\(/.exec(def)?.[1]?.trim().replace(/"/g, '') : undefined
  step(2, `ALTER TABLE ${q} ADD CONSTRAINT ${quoteIdent(c.name)} ${def};`, keys, { notes, needs: references ? [`attached-under:${references}`] : [] })
  if (c.comment) step(2, `COMMENT ON CONSTRAINT ${quoteIdent(c.name)} ON ${q} IS ${quoteLiteral(c.comment)};`, keys)
}

function concurrently(definition: string): string {
  return definition.replace(/^CREATE (UNIQUE )?INDEX /, (_m, u: string | undefined) => `CREATE ${u ?? ''}INDEX CONCURRENTLY `)
}

function identityArgs(r: Routine): string {
  return r.signature.slice(r.name.length + 1, -1)
}

function createView(step: StepFn, v: View, k: string, kind: string, version: number) {
  const name = qi(v.schema, v.name)
  const options = v.options.length ? ` WITH (${v.options.join(', ')})` : ''
  const body = v.definition.trim().replace(/;$/, '')
  step(2, `CREATE ${kind} ${name}${options} AS\n${body};`, [k])
  comment(step, 2, kind, name, v.comment, k)
  for (const c of v.columns) if (c.comment) step(2, `COMMENT ON COLUMN ${name}.${quoteIdent(c.name)} IS ${quoteLiteral(c.comment)};`, [k])
  grantsOn(step, 'TABLE', name, [], v.grants, kind.toLowerCase(), k, version)
}

function createTrigger(step: StepFn, table: string, g: Trigger, k: string) {
  step(2, `${g.definition};`, [k])
  if (g.enabled !== 'O') step(2, enableTrigger(table, g), [k])
  if (g.comment) step(2, `COMMENT ON TRIGGER ${quoteIdent(g.name)} ON ${table} IS ${quoteLiteral(g.comment)};`, [k])
}

function enableTrigger(table: string, g: Trigger): string {
  const how = ({ O: 'ENABLE', D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' } as Record<string, string>)[g.enabled] ?? 'ENABLE'
  return `ALTER TABLE ${table} ${how} TRIGGER ${quoteIdent(g.name)};`
}

function createPolicy(step: StepFn, table: string, p: Policy, k: string) {
  const command = ({ '*': 'ALL', r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE' } as Record<string, string>)[p.command] ?? 'ALL'
  const roles = p.roles.map((r) => (r === 'PUBLIC' ? 'PUBLIC' : quoteIdent(r))).join(', ')
  let sql = `CREATE POLICY ${quoteIdent(p.name)} ON ${table}`
  if (!p.permissive) sql += ' AS RESTRICTIVE'
  if (command !== 'ALL') sql += ` FOR ${command}`
  if (roles !== 'PUBLIC') sql += ` TO ${roles}`
  if (p.using !== null) sql += ` USING (${p.using})`
  if (p.check !== null) sql += ` WITH CHECK (${p.check})`
  step(2, `${sql};`, [k])
  if (p.comment) step(2, `COMMENT ON POLICY ${quoteIdent(p.name)} ON ${table} IS ${quoteLiteral(p.comment)};`, [k])
}

function replicaIdentity(t: Table): string {
  if (t.replicaIdentity.startsWith('i ')) return `USING INDEX ${quoteIdent(t.replicaIdentity.slice(2))}`
  return ({ d: 'DEFAULT', n: 'NOTHING', f: 'FULL' } as Record<string, string>)[t.replicaIdentity] ?? 'DEFAULT'
}

function comment(step: StepFn, phase: Step['phase'], kind: string, target: string, text: string | null, k: string) {
  if (text !== null && text !== undefined) step(phase, `COMMENT ON ${kind} ${target} IS ${quoteLiteral(text)};`, [k])
}

function renderComment(step: StepFn, c: Change<'comment'>) {
  const value = c.to === null ? 'NULL' : quoteLiteral(c.to)
  step(2, `COMMENT ON ${commentTarget(c.on, c.name)} IS ${value};`, [c.key])
}

/** What COMMENT ON names; `name` is the change's (`schema.name`, or a schema's name). */
function commentTarget(on: CommentOn, name: string): string {
  switch (on.kind) {
    case 'schema': return `SCHEMA ${quoteIdent(name)}`
    case 'collation': return `COLLATION ${quoteQualified(name)}`
    case 'sequence': return `SEQUENCE ${quoteQualified(name)}`
    case 'index': return `INDEX ${quoteQualified(name)}`
    case 'table': return `TABLE ${quoteQualified(name)}`
    case 'view': return `${on.object.kind === 'materialized view' ? 'MATERIALIZED VIEW' : 'VIEW'} ${quoteQualified(name)}`
    case 'type': return `${on.object.kind === 'domain' ? 'DOMAIN' : 'TYPE'} ${quoteQualified(name)}`
    case 'function': return `${on.object.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${qi(on.object.schema, on.object.name)}(${identityArgs(on.object)})`
    case 'column': return `COLUMN ${quoteQualified(on.table)}.${quoteIdent(on.object.name)}`
    case 'constraint': return `CONSTRAINT ${quoteIdent(on.object.name)} ON ${quoteQualified(on.table)}`
    case 'trigger': return `TRIGGER ${quoteIdent(on.object.name)} ON ${quoteQualified(on.table)}`
    case 'policy': return `POLICY ${quoteIdent(on.object.name)} ON ${quoteQualified(on.table)}`
    case 'domain constraint': return `CONSTRAINT ${quoteIdent(on.object.name)} ON DOMAIN ${qi(on.domain.schema, on.domain.name)}`
  }
}

function privilegeTarget(on: PrivilegesOn): string {
  switch (on.kind) {
    case 'schema': return `SCHEMA ${quoteIdent(on.object.name)}`
    case 'sequence': return `SEQUENCE ${qi(on.object.schema, on.object.name)}`
    case 'type': return `TYPE ${qi(on.object.schema, on.object.name)}`
    case 'function': return `FUNCTION ${qi(on.object.schema, on.object.name)}(${identityArgs(on.object)})`
    case 'procedure': return `PROCEDURE ${qi(on.object.schema, on.object.name)}(${identityArgs(on.object)})`
    case 'column': return `TABLE ${qi(on.table.schema, on.table.name)}`
    default: return `TABLE ${qi(on.object.schema, on.object.name)}`
  }
}

/**
 * Every privilege a table can have on a server of this version. GRANT ALL is written where a role
 * ends up with all of them, so a file drafted on one version means the same on another
 * (PostgreSQL 17 added MAINTAIN, which 15 refuses by name).
 */
export function tablePrivileges(version: number): string[] {
  return ['INSERT', 'SELECT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', ...(version >= 170000 ? ['MAINTAIN'] : [])]
}

/**
 * Grants of one grantee and grant option folded into one statement: `SELECT, INSERT`. With
 * `all` (the object's every privilege) and `after` (its grants once the statement has run): ALL
 * when the grantee then holds every privilege (a grant) or none (a revoke).
 */
function groupGrants(grants: Grant[], columns = '', all?: string[], after?: Grant[], how?: 'grant' | 'revoke'): { grantee: string; privileges: string; grantable: boolean }[] {
  const groups = new Map<string, { grantee: string; raw: string; privileges: string[]; grantable: boolean }>()
  for (const g of grants) {
    const k = `${g.grantee}\u0000${g.grantable}`
    const entry = groups.get(k) ?? { grantee: g.grantee === 'PUBLIC' ? 'PUBLIC' : quoteIdent(g.grantee), raw: g.grantee, privileges: [], grantable: g.grantable }
    entry.privileges.push(`${g.privilege}${columns}`)
    groups.set(k, entry)
  }
  return [...groups.values()].map((g) => {
    if (all && !columns) {
      const held = (after ?? grants).filter((x) => x.grantee === g.raw && (how === 'revoke' || x.grantable === g.grantable)).map((x) => x.privilege)
      const whole = how === 'revoke' ? held.length === 0 && g.privileges.length > 1 : all.every((p) => held.includes(p))
      if (whole) return { grantee: g.grantee, privileges: 'ALL', grantable: g.grantable }
    }
    return { grantee: g.grantee, privileges: g.privileges.join(', '), grantable: g.grantable }
  })
}

function grantsOn(step: StepFn, kindWord: string, target: string, defaults: Grant[], grants: Grant[], _kind: string, k: string, version = 0) {
  const has = (list: Grant[], g: Grant) => list.some((x) => x.grantee === g.grantee && x.privilege === g.privilege && x.grantable === g.grantable)
  const onTable = kindWord === 'MATERIALIZED VIEW' || kindWord === 'VIEW' || kindWord === 'TABLE'
  const target_ = `${onTable ? 'TABLE' : kindWord} ${target}`
  const all = onTable && version ? tablePrivileges(version) : undefined
  for (const g of groupGrants(defaults.filter((d) => !has(grants, d)))) step(2, `REVOKE ${g.privileges} ON ${target_} FROM ${g.grantee};`, [k])
  for (const g of groupGrants(grants.filter((x) => !has(defaults, x)), '', all, grants, 'grant')) step(2, `GRANT ${g.privileges} ON ${target_} TO ${g.grantee}${g.grantable ? ' WITH GRANT OPTION' : ''};`, [k])
}

// --- types -------------------------------------------------------------------------------------

function renderType(step: StepFn, c: Change<'type'>) {
  const t = c.to ?? c.from
  const name = qi(t.schema, t.name)
  if (c.action === 'drop') {
    step(3, `DROP ${c.from.kind === 'domain' ? 'DOMAIN' : 'TYPE'} ${name};`, [c.key], { warnings: [`drops ${c.from.kind === 'domain' ? 'domain' : 'type'} ${c.name}`] })
    return
  }
  if (c.action === 'recreate') {
    // Renamed out of the way, the new one created, columns converted (see renderColumn), the old dropped.
    const old = c.from
    const oldName = `${old.name}${OLD_SUFFIX}`
    const warnings = old.kind === 'enum' && t.kind === 'enum' && old.values.some((v) => !t.values.includes(v))
      ? [`removes values ${old.values.filter((v) => !t.values.includes(v)).map(quoteLiteral).join(', ')} from ${c.name}: converting a column fails while a row holds one`]
      : []
    step(2, `ALTER ${old.kind === 'domain' ? 'DOMAIN' : 'TYPE'} ${name} RENAME TO ${quoteIdent(oldName)};`, [`rename:${c.key}`], { warnings })
    createType(step, t, c.key, [`rename:${c.key}`])
    step(3, `DROP ${old.kind === 'domain' ? 'DOMAIN' : 'TYPE'} ${qi(old.schema, oldName)};`, [c.key])
    return
  }
  if (c.action === 'create') { createType(step, t, c.key, []); return }
  // alter
  const f = c.from
  if (t.kind === 'domain' && f.kind === 'domain') {
    if ((f.default ?? null) !== (t.default ?? null)) step(2, `ALTER DOMAIN ${name} ${t.default === null ? 'DROP DEFAULT' : `SET DEFAULT ${t.default}`};`, [c.key])
    if (f.notNull !== t.notNull) step(2, `ALTER DOMAIN ${name} ${t.notNull ? 'SET' : 'DROP'} NOT NULL;`, [c.key])
    for (const k of f.checks) {
      if (!t.checks.some((x) => x.name === k.name && x.definition === k.definition && x.validated === k.validated)) step(1, `ALTER DOMAIN ${name} DROP CONSTRAINT ${quoteIdent(k.name)};`, [])
    }
    for (const k of t.checks) {
      if (!f.checks.some((x) => x.name === k.name && x.definition === k.definition && x.validated === k.validated)) {
        step(2, `ALTER DOMAIN ${name} ADD CONSTRAINT ${quoteIdent(k.name)} ${k.definition};`, [c.key])
        if (k.comment) step(2, `COMMENT ON CONSTRAINT ${quoteIdent(k.name)} ON DOMAIN ${name} IS ${quoteLiteral(k.comment)};`, [c.key])
      }
    }
  } else if (t.kind === 'composite' && f.kind === 'composite') {
    for (const x of f.attributes) {
      if (!t.attributes.some((y) => y.name === x.name)) step(2, `ALTER TYPE ${name} DROP ATTRIBUTE ${quoteIdent(x.name)};`, [c.key], { warnings: [`drops attribute ${x.name} of ${c.name}`] })
    }
    for (const y of t.attributes) {
      const x = f.attributes.find((z) => z.name === y.name)
      const collate = y.collation ? ` COLLATE ${y.collation}` : ''
      if (!x) step(2, `ALTER TYPE ${name} ADD ATTRIBUTE ${quoteIdent(y.name)} ${y.type}${collate};`, [c.key])
      else if (x.type !== y.type || x.collation !== y.collation) step(2, `ALTER TYPE ${name} ALTER ATTRIBUTE ${quoteIdent(y.name)} TYPE ${y.type}${collate};`, [c.key])
    }
  }
}

function createType(step: StepFn, t: UserType, k: string, needs: string[]) {
  const name = qi(t.schema, t.name)
  if (t.kind === 'enum') {
    step(2, `CREATE TYPE ${name} AS ENUM (${t.values.map(quoteLiteral).join(', ')});`, [k], { needs })
  } else if (t.kind === 'domain') {
    let sql = `CREATE DOMAIN ${name} AS ${t.baseType}`
    if (t.collation) sql += ` COLLATE ${t.collation}`
    if (t.default !== null) sql += ` DEFAULT ${t.default}`
    if (t.notNull) sql += ' NOT NULL'
    for (const c of t.checks) sql += `\n  CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`
    step(2, `${sql};`, [k], { needs })
    for (const c of t.checks) if (c.comment) step(2, `COMMENT ON CONSTRAINT ${quoteIdent(c.name)} ON DOMAIN ${name} IS ${quoteLiteral(c.comment)};`, [k])
  } else {
    const attrs = t.attributes.map((x) => `  ${quoteIdent(x.name)} ${x.type}${x.collation ? ` COLLATE ${x.collation}` : ''}`)
    step(2, `CREATE TYPE ${name} AS (\n${attrs.join(',\n')}\n);`, [k], { needs })
  }
  comment(step, 2, t.kind === 'domain' ? 'DOMAIN' : 'TYPE', name, t.comment, k)
  grantsOn(step, 'TYPE', name, [{ grantee: 'PUBLIC', privilege: 'USAGE', grantable: false }], t.grants, 'type', k)
}

// --- sequences -------------------------------------------------------------------------------

const typeRange: Record<string, [string, string]> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
}

/** The options of CREATE/ALTER SEQUENCE that differ from `from` (or, with no `from`, from the defaults). */
export function sequenceClause(s: SequenceOptions, from: SequenceOptions | null): string {
  const [low, high] = typeRange[s.type] ?? typeRange.bigint!
  const ascending = !s.increment.startsWith('-')
  const base: SequenceOptions = from ?? {
    type: 'bigint', increment: '1', cache: '1', cycle: false,
    min: ascending ? '1' : low, max: ascending ? high : '-1', start: ascending ? s.min : s.max,
  }
  if (!from) {
    // Defaults follow the type and direction of this sequence, not bigint's.
    base.min = ascending ? '1' : low
    base.max = ascending ? high : '-1'
    base.start = ascending ? s.min : s.max
  }
  const parts: string[] = []
  if (s.type !== base.type) parts.push(`AS ${s.type}`)
  if (s.increment !== base.increment) parts.push(`INCREMENT BY ${s.increment}`)
  if (s.min !== base.min || (from && s.type !== from.type)) parts.push(`MINVALUE ${s.min}`)
  if (s.max !== base.max || (from && s.type !== from.type)) parts.push(`MAXVALUE ${s.max}`)
  if (s.start !== base.start) parts.push(`START WITH ${s.start}`)
  if (s.cache !== base.cache) parts.push(`CACHE ${s.cache}`)
  if (s.cycle !== base.cycle) parts.push(s.cycle ? 'CYCLE' : 'NO CYCLE')
  return parts.length ? ` ${parts.join(' ')}` : ''
}

/**
 * A new MINVALUE above the sequence's current value is refused: move the value up first, and
 * only when it is below (a sequence in use keeps its place).
 */
function raiseToMin(step: StepFn, name: string, from: SequenceOptions, to: SequenceOptions, k: string) {
  if (BigInt(to.min) <= BigInt(from.min)) return
  step(2, `SELECT pg_catalog.setval(${quoteLiteral(name)}, ${to.min}, false) WHERE (SELECT last_value FROM ${name}) < ${to.min};`, [k])
}

// --- tables ----------------------------------------------------------------------------------

const storageNames: Record<string, string> = { p: 'PLAIN', e: 'EXTERNAL', m: 'MAIN', x: 'EXTENDED' }

function storageName(code: string): string {
  return storageNames[code] ?? 'EXTENDED'
}

function compressionName(code: string | null): string {
  return code === 'l' ? 'lz4' : code === 'p' ? 'pglz' : 'default'
}

/** SET STORAGE / SET STATISTICS that CREATE TABLE cannot say. */
function columnSettings(step: StepFn, table: string, c: Column, k: string) {
  if (c.storage) step(2, `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.name)} SET STORAGE ${storageName(c.storage)};`, [k])
  if (c.compression) step(2, `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.name)} SET COMPRESSION ${compressionName(c.compression)};`, [k])
  if (c.statistics !== null && c.statistics !== undefined) step(2, `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.name)} SET STATISTICS ${c.statistics};`, [k])
}

function columnDefinition(t: Table, c: Column): string {
  let sql = `${quoteIdent(c.name)} ${c.type}`
  if (c.collation) sql += ` COLLATE ${c.collation}`
  if (c.generated) sql += ` GENERATED ALWAYS AS (${c.generated}) STORED`
  if (c.identity) sql += ` ${identityClause(t, c)}`
  if (c.default !== null && !c.generated) sql += ` DEFAULT ${c.default}`
  if (c.notNull && !c.identity) sql += ' NOT NULL'
  return sql
}

function identityClause(t: Table, c: Column): string {
  const id = c.identity!
  const options: string[] = []
  if (id.sequence && id.sequence !== `${t.name}_${c.name}_seq`) options.push(`SEQUENCE NAME ${qi(t.schema, id.sequence)}`)
  const rest = sequenceClause(id.options, null).replace(/^ AS \S+/, '')
  if (rest.trim()) options.push(rest.trim())
  return `GENERATED ${id.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${options.length ? ` (${options.join(' ')})` : ''}`
}

function renderTable(step: StepFn, c: Change<'table'>, a: Catalog, b: Catalog, changes: Change[]) {
  const t = c.to ?? c.from
  const name = qi(t.schema, t.name)
  // A partition goes with its partitioned table.
  const partitionOf = c.action === 'drop' || c.action === 'recreate' ? c.from.partitionOf : null
  if (c.action === 'drop' && partitionOf && changes.some((x) => x.kind === 'table' && x.action !== 'create' && x.action !== 'alter' && x.name === partitionOf.parent)) return
  // One dropped from a parent that stays is detached first: a foreign key that references the
  // parent depends on each partition until then.
  const detachFirst = partitionOf && !changes.some((x) => x.kind === 'partition' && x.action === 'drop' && x.name === c.name)
  if (detachFirst) step(1, `ALTER TABLE ${quoteQualified(partitionOf.parent)} DETACH PARTITION ${name};`, [`detach:${c.name}`])
  if (c.action === 'drop' || c.action === 'recreate') {
    const f = c.from
    const warnings = [`drops table ${c.name} and all its rows`]
    const created = changes.flatMap((x) => (x.kind === 'table' && x.action === 'create' && sameShape(x.to, f) ? [x] : []))[0]
    const notes = created ? [`possible rename: ${created.name} has the same columns; to keep the rows, replace the DROP and the CREATE with:`, `  ALTER TABLE ${name} RENAME TO ${quoteIdent(created.to.name)};`] : []
    // Foreign keys between tables that are all dropped would make the drops wait for each other.
    const keys = tableKeys(f, c.key)
    for (const k of f.constraints.filter((x) => x.type === 'f')) {
      const refs = /REFERENCES ([^(]+)\(/.exec(k.definition)?.[1]?.trim().replace(/"/g, '')
      const other = refs && refs !== `${f.schema}.${f.name}` && changes.some((x) => x.kind === 'table' && x.action !== 'create' && x.action !== 'alter' && x.name === refs)
      if (!other) continue
      const ck = key('constraint', `${f.schema}.${f.name}.${k.name}`)
      keys.splice(keys.indexOf(ck), 1)
      step(1, `ALTER TABLE ${qi(f.schema, f.name)} DROP CONSTRAINT ${quoteIdent(k.name)};`, [ck])
    }
    // Partitions that stay are detached first.
    const detached = changes.filter((x) => x.kind === 'partition' && x.action === 'drop' && x.from?.partitionOf?.parent === c.name).map((x) => `detach:${x.name}`)
    if (detachFirst) detached.push(`detach:${c.name}`)
    step(1, `DROP TABLE ${qi(f.schema, f.name)};`, keys, { warnings, notes, needs: detached })
  }
  if (c.action === 'create' || c.action === 'recreate') {
    createTable(step, t, c.key, a, b)
    return
  }
  if (c.action === 'alter') {
    if (c.aspect === 'persistence') {
      step(2, `ALTER TABLE ${name} SET ${c.to.persistence === 'u' ? 'UNLOGGED' : 'LOGGED'};`, [c.key], { notes: [`rewrites ${c.name} while holding an exclusive lock`] })
    } else {
      const removed = c.from.options.filter((o) => !t.options.includes(o)).map((o) => o.split('=')[0]!)
      if (removed.length) step(2, `ALTER TABLE ${name} RESET (${removed.join(', ')});`, [c.key])
      if (t.options.length) step(2, `ALTER TABLE ${name} SET (${t.options.join(', ')});`, [c.key])
    }
  }
}

/**
 * `ALTER TABLE <parent> ATTACH PARTITION`, once the partition has its keys, indexes and checks:
 * attaching then takes them as the partition's copies of the parent's.
 */
function attachPartition(step: StepFn, t: Table, a: Catalog, b: Catalog) {
  const full = `${t.schema}.${t.name}`
  const own = [
    ...t.constraints.flatMap((c) => constraintKeys(key('constraint', `${full}.${c.name}`), full, c)),
    ...[...b.indexes.values()].filter((i) => i.schema === t.schema && i.table === t.name).map((i) => key('index', `${i.schema}.${i.name}`)),
    // A partitioned partition's indexes and keys are whole first, or attaching builds new ones.
    `attached-under:${full}`,
  ]
  const existing = a.tables.has(full)
  step(2, `ALTER TABLE ${quoteQualified(t.partitionOf!.parent)} ATTACH PARTITION ${qi(t.schema, t.name)} ${t.partitionOf!.bound};`, [`attach:${full}`], {
    needs: [key('table', full), key('table', t.partitionOf!.parent), ...own],
    notes: existing ? [`scans ${full} to check that its rows fit the bound, unless a CHECK constraint already proves it`] : [],
  })
}

/**
 * Keys of an index attachment, for what must wait until a partitioned index is whole: the
 * partition above it is attached only then (attaching would otherwise build an index of its own),
 * and a foreign key can reference a partitioned table's key only then.
 */
function attachedKeys(parentIndex: string, a: Catalog, b: Catalog): string[] {
  const i = b.indexes.get(parentIndex) ?? a.indexes.get(parentIndex)
  return [`attached-to:${parentIndex}`, ...(i ? [`attached-under:${i.schema}.${i.table}`] : [])]
}

/** A partition's key attached to its parent's key: through their indexes, which bear their names. */
function attachKey(step: StepFn, table: string, c: Constraint) {
  const parent = c.parent!
  const parentTable = parent.slice(0, parent.lastIndexOf('.'))
  const parentSchema = parentTable.slice(0, parentTable.indexOf('.'))
  const schema = table.slice(0, table.indexOf('.'))
  const parentIndex = `${parentSchema}.${parent.slice(parent.lastIndexOf('.') + 1)}`
  step(2, `ALTER INDEX ${quoteQualified(parentIndex)} ATTACH PARTITION ${qi(schema, c.name)};`, [`attached-to:${parentIndex}`, `attached-under:${parentTable}`], {
    needs: [key('constraint', `${table}.${c.name}`), key('constraint', parent), `attach:${table}`],
  })
}

function sameShape(x: Table | undefined, y: Table): boolean {
  if (!x) return false
  const shape = (t: Table) => JSON.stringify(t.columns.map((c) => [c.name, c.type]))
  return shape(x) === shape(y)
}

function tableKeys(t: Table, k: string): string[] {
  const keys = [k]
  for (const c of t.constraints) keys.push(...constraintKeys(key('constraint', `${t.schema}.${t.name}.${c.name}`), `${t.schema}.${t.name}`, c))
  for (const g of t.triggers) keys.push(key('trigger', `${t.schema}.${t.name}.${g.name}`))
  for (const p of t.policies) keys.push(key('policy', `${t.schema}.${t.name}.${p.name}`))
  for (const c of t.columns) keys.push(key('default', `${t.schema}.${t.name}.${c.name}`))
  return keys
}

/**
 * A partition is created as a table of its own and then attached, as pg_dump does: its
 * columns' defaults and NOT NULL, its keys and its indexes are its own, created by their names
 * before ATTACH PARTITION (which would otherwise create its own, under names of its choosing).
 */
function createTable(step: StepFn, t: Table, k: string, a: Catalog, b: Catalog) {
  const name = qi(t.schema, t.name)
  const full = `${t.schema}.${t.name}`
  const declared = (c: Constraint) => (t.partitionOf ? !c.inherited || c.parent !== null || c.type === 'c' : c.local)
  const inline = t.constraints.filter((c) => declared(c) && c.type !== 'f' && c.validated)
  const lines = t.columns.filter((c) => t.partitionOf || c.local || !c.inherited).map((c) => columnDefinition(t, c))
  for (const c of inline) lines.push(`CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`)
  let sql = `CREATE ${t.persistence === 'u' ? 'UNLOGGED ' : ''}TABLE ${name}`
  sql += lines.length ? ` (\n  ${lines.join(',\n  ')}\n)` : ' ()'
  if (t.inherits.length) sql += ` INHERITS (${t.inherits.map(quoteQualified).join(', ')})`
  if (t.partitionBy) sql += ` PARTITION BY ${t.partitionBy}`
  if (t.options.length) sql += ` WITH (${t.options.join(', ')})`
  const keys = [k, ...t.columns.map((c) => key('default', `${full}.${c.name}`))]
  for (const c of inline) keys.push(...constraintKeys(key('constraint', `${full}.${c.name}`), full, c))
  step(2, `${sql};`, keys, { needs: t.inherits.map((p) => key('table', p)) })
  if (t.partitionOf) attachPartition(step, t, a, b)
  for (const c of t.constraints.filter((c) => declared(c) && !inline.includes(c))) {
    addConstraint(step, full, c, constraintKeys(key('constraint', `${full}.${c.name}`), full, c), false, b)
  }
  for (const c of inline) if (c.comment) step(2, `COMMENT ON CONSTRAINT ${quoteIdent(c.name)} ON ${name} IS ${quoteLiteral(c.comment)};`, [k])
  if (t.rowSecurity) step(2, `ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY;`, [k])
  if (t.forceRowSecurity) step(2, `ALTER TABLE ${name} FORCE ROW LEVEL SECURITY;`, [k])
  if (t.replicaIdentity !== 'd') step(2, `ALTER TABLE ${name} REPLICA IDENTITY ${replicaIdentity(t)};`, [k])
  comment(step, 2, 'TABLE', name, t.comment, k)
  for (const c of t.columns) if (c.comment) step(2, `COMMENT ON COLUMN ${name}.${quoteIdent(c.name)} IS ${quoteLiteral(c.comment)};`, [k])
  grantsOn(step, 'TABLE', name, [], t.grants, 'table', k, b.version)
  for (const c of t.columns) columnGrants(step, name, c, k)
  for (const c of t.columns) columnSettings(step, name, c, k)
}

function columnGrants(step: StepFn, table: string, c: Column, k: string) {
  for (const g of groupGrants(c.grants ?? [], ` (${quoteIdent(c.name)})`)) {
    step(2, `GRANT ${g.privileges} ON TABLE ${table} TO ${g.grantee}${g.grantable ? ' WITH GRANT OPTION' : ''};`, [k])
  }
}

// --- columns -----------------------------------------------------------------------------------

const widening: Record<string, string[]> = {
  smallint: ['integer', 'bigint', 'numeric', 'real', 'double precision'],
  integer: ['bigint', 'numeric', 'double precision'],
  bigint: ['numeric'],
  real: ['double precision'],
  'character varying': ['text'],
  character: ['text', 'character varying'],
}

/** How a type change treats existing values: 'safe', 'narrowing' (may fail or cut) or 'cast' (may fail). */
export function typeChange(from: string, to: string): 'safe' | 'narrowing' | 'cast' {
  if (to === 'text') return 'safe'
  const base = (t: string) => t.replace(/\(.*\)/, '').trim()
  const args = (t: string) => (/\((.*)\)/.exec(t)?.[1] ?? '').split(',').map((x) => Number(x.trim()))
  if (widening[base(from)]?.includes(base(to))) return 'safe'
  if (base(from) === base(to)) {
    const [fa, fb] = args(from)
    const [ta, tb] = args(to)
    if (!/\(/.test(to)) return 'safe'
    if (!/\(/.test(from)) return 'narrowing'
    if ((ta ?? 0) >= (fa ?? 0) && (tb ?? 0) >= (fb ?? 0)) return 'safe'
    return 'narrowing'
  }
  if ((base(from) === 'bigint' && ['integer', 'smallint'].includes(base(to))) || (base(from) === 'integer' && base(to) === 'smallint')) return 'narrowing'
  if (['text', 'character varying'].includes(base(from)) && base(to) === 'character varying') return 'narrowing'
  return 'cast'
}

/** A change PostgreSQL makes without rewriting the table: longer varchar, varchar → text, wider numeric of the same scale. */
function rewrites(from: string, to: string): boolean {
  const base = (t: string) => t.replace(/\(.*\)/, '').trim()
  if (base(from) === 'character varying' && (to === 'text' || base(to) === 'character varying')) return false
  if (base(from) === 'numeric' && base(to) === 'numeric') return false
  return true
}

function renderColumn(step: StepFn, c: Change<'column'>, a: Catalog, b: Catalog, { hasChange, alters, replaced }: ColumnContext) {
  const table = quoteQualified(c.table)
  const t = (b.tables.get(c.table) ?? a.tables.get(c.table))!
  const existing = a.tables.get(c.table)
  const col = c.to ?? c.from
  const column = quoteIdent(col.name)
  // A partition's own setting goes after its parent's, which reaches every partition.
  const parentFirst = t.partitionOf && a.tables.has(c.table) ? [key('table', t.partitionOf.parent)] : []
  const alter = (sql: string, extra: Partial<Step> = {}) => step(2, `ALTER TABLE ${table} ${sql};`, [c.key], { needs: parentFirst, ...extra })
  // A default set on a partitioned table would reach its partitions, which have their own.
  const only = t.partitionBy ? `ALTER TABLE ONLY ${table}` : `ALTER TABLE ${table}`
  if (c.action === 'create') {
    const notes: string[] = []
    if (col.notNull && col.default === null && !col.identity && !col.generated) {
      notes.push(`NOT NULL without a default fails if ${c.table} has rows; add a DEFAULT, or add the column nullable, fill it, then SET NOT NULL`)
    }
    if (col.generated) notes.push(`computes the column for every row, rewriting ${c.table}`)
    const droppedSame = existing?.columns.find((x) => x.type === col.type && hasChange('column', `${c.table}.${x.name}`) && !t.columns.some((y) => y.name === x.name))
    if (droppedSame) notes.push(`possible rename: ${droppedSame.name} is dropped and has the same type; to keep its data, replace the DROP and the ADD with:`, `  ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(droppedSame.name)} TO ${column};`)
    alter(`ADD COLUMN ${columnDefinition(t, col)}`, { notes })
    if (col.comment) step(2, `COMMENT ON COLUMN ${table}.${column} IS ${quoteLiteral(col.comment)};`, [c.key])
    columnGrants(step, table, col, c.key)
    columnSettings(step, table, col, c.key)
    return
  }
  if (c.action === 'drop' && c.reason === 'becomes inherited') {
    step(1, `ALTER TABLE ${table} DROP COLUMN ${column};`, [c.key], { warnings: [`drops column ${c.name} and its data: it is to be inherited from the parent only, which PostgreSQL cannot change in place`] })
    return
  }
  if (c.action === 'drop') {
    // Children of an inheritance parent keep the column when they declare it themselves.
    const keep = !t.partitionBy && [...b.tables.values()].some((x) => x.inherits.includes(c.table) && x.columns.some((y) => y.name === col.name))
    step(2, `ALTER TABLE ${keep ? 'ONLY ' : ''}${table} DROP COLUMN ${column};`, [c.key], { warnings: [`drops column ${c.name} and its data`] })
    return
  }
  const f = c.from
  const to = c.to
  switch (c.aspect) {
    case 'no longer generated':
      alter(`ALTER COLUMN ${column} DROP EXPRESSION`)
      break
    case 'becomes generated':
    case 'generated expression':
      alter(`DROP COLUMN ${column}`, { warnings: [`drops column ${c.name} to add it again as a generated column`] })
      alter(`ADD COLUMN ${columnDefinition(t, to)}`, { notes: [`computes the column for every row, rewriting ${c.table}`] })
      break
    case 'type': {
      if (alters(c.name, 'becomes generated') || alters(c.name, 'generated expression')) break
      const kind = typeChange(f.type, to.type)
      const warnings: string[] = []
      const notes: string[] = []
      const recreatedType = f.type === to.type
      // Enums convert through their text; nothing casts one enum to another directly.
      const enums = recreatedType || isEnum(a, f.type) || isEnum(b, to.type)
      // No cast from one to the other: through one type that both cast with (boolean → integer
      // → smallint), before falling back on the text form.
      const via = enums ? 'text' : castable(b, f.type, to.type) ? null : castPath(b, f.type, to.type) ?? 'text'
      const viaText = via === 'text'
      const using = via ? `${column}::${via}::${to.type}` : `${column}::${to.type}`
      if (via && via !== 'text') notes.push(`no cast from ${f.type} to ${to.type}: values convert through ${via}`)
      if (kind === 'narrowing') warnings.push(`narrows ${c.name} from ${f.type} to ${to.type}: values that do not fit make it fail`)
      else if (kind === 'cast' && !recreatedType) {
        notes.push(viaText && !isEnum(a, f.type) && !isEnum(b, to.type)
          ? `no cast from ${f.type} to ${to.type}: values convert through their text form, which fails unless it is valid ${to.type} input`
          : `the cast from ${f.type} to ${to.type} fails if a value cannot be converted`)
      }
      if (recreatedType || rewrites(f.type, to.type)) notes.push(`rewrites ${c.table} while holding an exclusive lock`)
      // A default that a cascade recreates (it uses a recreated type) is dropped and set there.
      const ownDefault = !hasChange('default', c.name)
      if (f.default !== null && ownDefault) alter(`ALTER COLUMN ${column} DROP DEFAULT`)
      alter(`ALTER COLUMN ${column} TYPE ${to.type}${to.collation ? ` COLLATE ${to.collation}` : ''} USING ${using}`, { warnings, notes })
      if (to.default !== null && !to.generated && ownDefault && !alters(c.name, 'default')) alter(`ALTER COLUMN ${column} SET DEFAULT ${to.default}`)
      break
    }
    case 'default':
      if (to.default === null) {
        if (!(f.default !== null && alters(c.name, 'type'))) step(2, `${only} ALTER COLUMN ${column} DROP DEFAULT;`, [c.key], { needs: parentFirst })
      } else if (!to.identity) {
        step(2, `${only} ALTER COLUMN ${column} SET DEFAULT ${to.default};`, [c.key], { needs: parentFirst })
      }
      break
    case 'identity':
      if (f.identity && to.identity) alter(`ALTER COLUMN ${column} SET GENERATED ${to.identity.always ? 'ALWAYS' : 'BY DEFAULT'}`)
      // Early: its sequence goes with it, and a sequence of the same name may be created next.
      else if (f.identity) step(1, `ALTER TABLE ${table} ALTER COLUMN ${column} DROP IDENTITY;`, [c.key])
      else {
        if (f.default !== null && !alters(c.name, 'default')) alter(`ALTER COLUMN ${column} DROP DEFAULT`)
        if (!f.notNull) alter(`ALTER COLUMN ${column} SET NOT NULL`)
        // A serial's sequence of the same name that goes must go first, or the identity's gets another name.
        if (replaced.has(`${t.schema}.${to.identity!.sequence}`)) step(2, `DROP SEQUENCE ${qi(t.schema, to.identity!.sequence)};`, [c.key])
        alter(`ALTER COLUMN ${column} ADD ${identityClause(t, to)}`)
      }
      break
    case 'identity options': {
      const parts: string[] = []
      const o = f.identity!.options
      const n = to.identity!.options
      if (o.increment !== n.increment) parts.push(`SET INCREMENT BY ${n.increment}`)
      if (o.min !== n.min) parts.push(`SET MINVALUE ${n.min}`)
      if (o.max !== n.max) parts.push(`SET MAXVALUE ${n.max}`)
      if (o.start !== n.start) parts.push(`SET START WITH ${n.start}`)
      if (o.cache !== n.cache) parts.push(`SET CACHE ${n.cache}`)
      if (o.cycle !== n.cycle) parts.push(n.cycle ? 'SET CYCLE' : 'SET NO CYCLE')
      if (parts.length) {
        raiseToMin(step, qi(t.schema, f.identity!.sequence), o, n, c.key)
        alter(`ALTER COLUMN ${column} ${parts.join(' ')}`)
      }
      if (f.identity!.sequence !== to.identity!.sequence) {
        step(2, `ALTER SEQUENCE ${qi(t.schema, f.identity!.sequence)} RENAME TO ${quoteIdent(to.identity!.sequence)};`, [c.key])
      }
      break
    }
    case 'compression':
      alter(`ALTER COLUMN ${column} SET COMPRESSION ${compressionName(to.compression ?? null)}`)
      break
    case 'storage':
      alter(`ALTER COLUMN ${column} SET STORAGE ${storageName(to.storage ?? to.typeStorage)}`)
      break
    case 'statistics':
      alter(`ALTER COLUMN ${column} SET STATISTICS ${to.statistics ?? -1}`)
      break
    case 'not null':
      if (to.notNull) {
        // An identity column is NOT NULL by itself; ADD GENERATED above sets it.
        if (!(to.identity && !f.identity)) {
          alter(`ALTER COLUMN ${column} SET NOT NULL`, {
            notes: [`scans ${c.table} while holding an exclusive lock; on a large table first add CHECK (${column} IS NOT NULL) NOT VALID and VALIDATE it in an earlier migration`],
          })
        }
      } else alter(`ALTER COLUMN ${column} DROP NOT NULL`)
      break
  }
}

const textTypes = new Set(['text', 'character varying', 'character', 'name', '"char"'])

/** Whether `from::to` type-checks: a pg_cast entry, the same type, a string type on either side, or a domain. */
/**
 * A type that `from` casts to and that casts to `to`, both by built-in casts (pg_cast), when
 * there is no cast between the two: numeric types first, text never (that is the last resort).
 */
export function castPath(catalog: Catalog, from: string, to: string): string | undefined {
  const base = (t: string) => t.replace(/\(.*\)/, '').trim()
  const [x, y] = [base(from), base(to)]
  const preferred = ['integer', 'bigint', 'numeric', 'smallint', 'double precision', 'real']
  const middles = [...new Set([...catalog.casts].map((c) => c.split('\u0000')))].filter(([s]) => s === x).map(([, t]) => t!)
    .filter((z) => z !== y && !textTypes.has(z) && catalog.casts.has(`${z}\u0000${y}`))
    .sort((p, q) => rank(p) - rank(q) || (p < q ? -1 : 1))
  function rank(t: string) { const i = preferred.indexOf(t); return i < 0 ? preferred.length : i }
  return middles[0]
}

function castable(catalog: Catalog, from: string, to: string): boolean {
  const base = (t: string) => t.replace(/\(.*\)/, '').trim()
  const [x, y] = [base(from), base(to)]
  if (x === y || textTypes.has(x) || textTypes.has(y) || x.endsWith('[]') || y.endsWith('[]')) return true
  if ([...catalog.types.values()].some((t) => t.kind === 'domain' && (y === t.name || y === `${t.schema}.${t.name}`))) return true
  return catalog.casts.has(`${x}\u0000${y}`)
}

function isEnum(catalog: Catalog, formatted: string): boolean {
  const bare = formatted.replace(/\[\]$/, '').replace(/"/g, '')
  return [...catalog.types.values()].some((t) => t.kind === 'enum' && (bare === t.name || bare === `${t.schema}.${t.name}`))
}

// --- ordering --------------------------------------------------------------------------------

/**
 * Orders the steps: by phase, and within a phase by dependencies (pg_depend of the catalog the
 * phase works on), keeping the order of `steps` wherever dependencies allow, so related
 * statements stay together. A dependency cycle is broken at the earliest step.
 */
function order(steps: Step[], a: Catalog, b: Catalog): Rendered {
  const depsOf = (catalog: Catalog) => {
    const map = new Map<string, Set<string>>()
    for (const d of catalog.dependencies) {
      // OWNED BY is rendered as its own statement after both exist.
      if (d.from.startsWith('sequence:') && d.to.startsWith('table:')) continue
      let set = map.get(d.from)
      if (!set) map.set(d.from, (set = new Set()))
      set.add(d.to)
    }
    return map
  }
  const before = depsOf(a)
  const after = depsOf(b)
  const out: Step[] = []
  for (const phase of [0, 1, 2, 3] as const) {
    const list = steps.filter((s) => s.phase === phase)
    const removing = phase === 1 || phase === 3
    const deps = removing ? before : after
    const providers = new Map<string, number[]>()
    list.forEach((s, i) => s.keys.forEach((k) => providers.set(k, [...(providers.get(k) ?? []), i])))
    // edges: i must come after j
    const after_ = list.map(() => new Set<number>())
    list.forEach((s, i) => {
      for (const k of s.keys) {
        for (const d of deps.get(k) ?? []) {
          if (s.keys.includes(d)) continue // a table's default depends on the table itself
          for (const j of providers.get(d) ?? []) {
            if (j === i) continue
            if (removing) after_[j]!.add(i) // drop dependants before what they depend on
            else after_[i]!.add(j)
          }
        }
      }
      for (const n of s.needs) for (const j of providers.get(n) ?? []) if (j !== i) after_[i]!.add(j)
      // Steps on the same key keep their order (a table's CREATE before its COMMENT).
      for (const k of s.keys) for (const j of providers.get(k) ?? []) if (j < i && !removing) after_[i]!.add(j)
    })
    const done = new Set<number>()
    while (done.size < list.length) {
      let pick = -1
      for (let i = 0; i < list.length; i++) {
        if (done.has(i)) continue
        if ([...after_[i]!].every((j) => done.has(j))) { pick = i; break }
      }
      if (pick < 0) pick = list.findIndex((_, i) => !done.has(i))
      done.add(pick)
      out.push(list[pick]!)
    }
  }
  // A function body may name tables created after it: pg_dump's way, bodies are checked at first call.
  if (out.some((s) => s.phase === 2 && /^CREATE OR REPLACE (FUNCTION|PROCEDURE)/.test(s.sql))) {
    out.unshift({ phase: 0, sql: 'SET LOCAL check_function_bodies = off;', keys: [], needs: [], warnings: [], notes: [] })
  }
  // A value added to an enum cannot be used before its transaction commits: when the draft uses
  // one, the file runs without a transaction, statement by statement.
  const added = out.filter((s) => /^ALTER TYPE .* ADD VALUE /.test(s.sql)).map((s) => /ADD VALUE ('(?:[^']|'')*')/.exec(s.sql)![1]!)
  const noTransaction = added.length > 0 && out.some((s) => !/^ALTER TYPE .* ADD VALUE /.test(s.sql) && added.some((v) => s.sql.includes(v)))
  if (noTransaction) {
    const i = out.findIndex((s) => s.sql.startsWith('SET LOCAL check_function_bodies'))
    if (i >= 0) {
      out[i]!.sql = 'SET check_function_bodies = off;'
      out.push({ phase: 3, sql: 'RESET check_function_bodies;', keys: [], needs: [], warnings: [], notes: [] })
    }
  }
  const warnings = out.flatMap((s) => s.warnings)
  const body = out.map((s) => [...s.warnings.map((w) => `-- WARNING: ${w}`), ...s.notes.map((n) => `-- NOTE: ${n}`), s.sql].join('\n')).join('\n\n')
  const sql = noTransaction
    ? `-- tinymigrate:no-transaction\n-- NOTE: runs statement by statement, outside a transaction: it adds enum values (${added.join(', ')}) and uses them, which PostgreSQL allows only after the values are committed.\n\n${body}`
    : body
  return { sql, statements: out, warnings, noTransaction }
}

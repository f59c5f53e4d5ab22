// Constraints and indexes: added, dropped, recreated, and a partition's attached to its parent's.
import { quoteIdent, quoteLiteral } from '../../ident.js'
import { key, type Catalog, type Constraint } from '../../catalog/model.js'
import type { Change } from '../compare.js'
import { comment, qi, quoteQualified } from './sql.js'
import type { Context, StepFn } from './step.js'

export function renderConstraint(c: Change<'constraint'>, { step, a, b, dropped, goneKeys, goneTables }: Context) {
  const table = quoteQualified(c.table)
  if (c.action === 'alter') { attachKey(step, c.table, c.to); return }
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
}

export function renderIndex(c: Change<'index'>, { step, a, b, changes, dropped, goneIndexes, goneTables }: Context) {
  const i = c.to ?? c.from
  const name = qi(i.schema, i.name)
  if (c.action === 'alter') {
    // After the partition is attached (which attaches a matching index itself: then a no-op).
    step(2, `ALTER INDEX ${quoteQualified(i.parent!)} ATTACH PARTITION ${name};`, attachedKeys(i.parent!, a, b), { needs: [c.key, key('index', i.parent!), `attach:${c.table}`] })
    return
  }
  const goneWithParent = (c.action !== 'create' && c.reason === 'goes with parent') ||
    (c.from?.parent && goneIndexes.has(c.from.parent)) || (c.from?.parent && goneTables.has(c.table))
  if (c.action !== 'create' && !goneWithParent && !(c.action === 'drop' && (dropped.has(c.table) || !a.tables.has(c.table) && !a.views.has(c.table)))) {
    step(1, `DROP INDEX ${name};`, [c.key])
  }
  if (c.action !== 'drop') {
    const notes: string[] = []
    const existing = a.tables.has(c.table) && !changes.some((x) => x.kind === 'table' && x.name === c.table && x.action === 'recreate')
    // An index of a partitioned table is created ON ONLY it, as pg_dump does: each
    // partition's index is created by its own name and attached to it.
    const only = / ON ONLY /.test(i.definition)
    if (existing && !only) {
      notes.push(`builds the index while holding a lock that blocks writes to ${c.table}; on a large table use instead, in its own migration with -- tinymigrate:no-transaction:`,
        `  ${concurrently(i.definition)};`)
    }
    // Before the partition it is on is attached: attaching would otherwise create one of its own.
    step(2, `${i.definition};`, [c.key], { notes })
    comment(step, 2, 'INDEX', name, i.comment, c.key)
  }
}

/** The keys of a constraint's step: a key, unique or exclusion constraint brings its index. */
export function constraintKeys(k: string, table: string, c: Constraint): string[] {
  const schema = table.slice(0, table.indexOf('.'))
  return ['p', 'u', 'x'].includes(c.type) ? [k, key('index', `${schema}.${c.name}`)] : [k]
}

export function addConstraint(step: StepFn, table: string, c: Constraint, keys: string[], existing: boolean, b: Catalog) {
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

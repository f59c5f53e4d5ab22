// Tables: created whole, dropped, recreated; persistence and storage options; partitions
// attached and detached; inheritance parents; replica identity.
import { quoteIdent, quoteLiteral } from '../../ident.js'
import { defaultNotNullName, key, type Catalog, type Column, type Constraint, type Table } from '../../catalog/model.js'
import type { Change } from '../compare.js'
import { columnDefinition, columnSettings } from './columns.js'
import { columnGrants, grantsOn } from './grants.js'
import { addConstraint, constraintKeys } from './keys.js'
import { comment, qi, quoteQualified } from './sql.js'
import type { Context, StepFn } from './step.js'

export function renderTable(c: Change<'table'>, { step, a, b, changes }: Context) {
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

export function renderPartition(c: Change<'partition'>, { step, a, b }: Context) {
  const t = c.to ?? c.from
  const name = qi(t.schema, t.name)
  if (c.action === 'drop') step(1, `ALTER TABLE ${quoteQualified(c.from.partitionOf!.parent)} DETACH PARTITION ${name};`, [`detach:${c.name}`])
  else attachPartition(step, t, a, b)
}

export function renderParent(c: Change<'parent'>, { step, b }: Context) {
  const name = quoteQualified(c.table)
  if (c.action === 'drop') step(1, `ALTER TABLE ${name} NO INHERIT ${quoteQualified(c.from)};`, [])
  else {
    // The child must already have the parent's check constraints.
    const child = b.tables.get(c.table)
    const constraints = (child?.constraints ?? []).map((x) => key('constraint', `${c.table}.${x.name}`))
    step(2, `ALTER TABLE ${name} INHERIT ${quoteQualified(c.to)};`, [], { needs: [c.key, key('table', c.to), ...constraints] })
  }
}

export function renderReplicaIdentity(c: Change<'replica identity'>, { step }: Context) {
  step(2, `ALTER TABLE ${quoteQualified(c.table)} REPLICA IDENTITY ${replicaIdentity(c.to)};`, [c.key])
}

function replicaIdentity(t: Table): string {
  if (t.replicaIdentity.startsWith('i ')) return `USING INDEX ${quoteIdent(t.replicaIdentity.slice(2))}`
  return ({ d: 'DEFAULT', n: 'NOTHING', f: 'FULL' } as Record<string, string>)[t.replicaIdentity] ?? 'DEFAULT'
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
  const again = b.version >= 180000 && a.tables.has(full)
  // Read on a server before PostgreSQL 18, a partition's NOT NULL has no name: it is written with
  // the name PARTITION OF gives it from 18 on (the parent's), which older servers ignore, so the
  // file means the same on both.
  const parent = t.partitionOf && b.version < 180000 ? b.tables.get(t.partitionOf.parent) : undefined
  const named = (c: Column): Column => {
    const p = parent?.columns.find((x) => x.name === c.name)
    return p?.notNull && c.notNull && !c.notNullName ? { ...c, notNullName: defaultNotNullName(parent!.name, c.name) } : c
  }
  const lines = t.columns.filter((c) => t.partitionOf || c.local || !c.inherited).map((c) => columnDefinition(t, named(c), again))
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
  grantsOn(step, 'TABLE', name, [], t.grants, k, b.version)
  for (const c of t.columns) columnGrants(step, name, c, k)
  for (const c of t.columns) columnSettings(step, name, c, k)
}

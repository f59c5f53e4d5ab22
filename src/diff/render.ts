// Pure: changes → SQL a reviewer can read, in an order that runs. Four phases: additions that
// nothing can conflict with (schemas, extensions, enum values); drops of what changes or goes,
// dependants first; creates and alterations, dependencies first; drops of types, sequences and
// schemas last, once nothing uses them. Within a phase the order follows pg_depend.
import type { Catalog } from '../catalog/model.js'
import type { Change, ChangeKind, Comparison } from './compare.js'
import { renderColumn, renderDefault } from './render/columns.js'
import { renderComment } from './render/comments.js'
import { renderFunction } from './render/functions.js'
import { renderPrivileges } from './render/grants.js'
import { renderConstraint, renderIndex } from './render/keys.js'
import { order } from './render/order.js'
import { renderPolicy, renderRowSecurity } from './render/policies.js'
import { renderCollation, renderExtension, renderSchema } from './render/schemas.js'
import { renderOwnedBy, renderSequence } from './render/sequences.js'
import type { Context, Renderer, Rendered, Step } from './render/step.js'
import { renderParent, renderPartition, renderReplicaIdentity, renderTable } from './render/tables.js'
import { renderTrigger } from './render/triggers.js'
import { renderEnumValue, renderType } from './render/types.js'
import { renderView } from './render/views.js'

export type { Rendered, Step } from './render/step.js'

/** One renderer per kind of change. */
const renderers: { [K in ChangeKind]: Renderer<K> } = {
  schema: renderSchema,
  extension: renderExtension,
  collation: renderCollation,
  type: renderType,
  'enum value': renderEnumValue,
  sequence: renderSequence,
  'owned by': renderOwnedBy,
  table: renderTable,
  partition: renderPartition,
  parent: renderParent,
  column: renderColumn,
  default: renderDefault,
  constraint: renderConstraint,
  index: renderIndex,
  view: renderView,
  function: renderFunction,
  trigger: renderTrigger,
  policy: renderPolicy,
  'row security': renderRowSecurity,
  'replica identity': renderReplicaIdentity,
  comment: renderComment,
  privileges: renderPrivileges,
}

export function render(comparison: Comparison, a: Catalog, b: Catalog): Rendered {
  const steps: Step[] = []
  const changes = comparison.changes
  const gone = (kind: ChangeKind) => new Set(changes.filter((c) => c.kind === kind && (c.action === 'drop' || c.action === 'recreate')).map((c) => c.name))
  const ctx: Context = {
    step: (phase, sql, keys = [], extra = {}) => { steps.push({ phase, sql, keys, needs: [], warnings: [], notes: [], ...extra }) },
    a,
    b,
    changes,
    dropped: new Set(changes.filter((c) => c.action === 'drop' && c.kind === 'table').map((c) => c.name)),
    goneTables: gone('table'),
    goneIndexes: gone('index'),
    goneKeys: gone('constraint'),
    droppedColumns: new Set(changes.filter((c) => c.action === 'drop' && c.kind === 'column').map((c) => c.name)),
    replaced: new Set(changes.flatMap((c) => c.kind === 'column' && c.action === 'alter' && c.aspect === 'identity' && c.to.identity && !c.from.identity
      ? [`${c.table.slice(0, c.table.indexOf('.'))}.${c.to.identity.sequence}`] : [])
      .filter((name) => a.sequences.has(name) && !b.sequences.has(name))),
    hasChange: (kind, name) => changes.some((c) => c.kind === kind && c.name === name),
    alters: (name, aspect) => changes.some((c) => c.kind === 'column' && c.action === 'alter' && c.name === name && c.aspect === aspect),
  }
  for (const c of changes) renderOne(c, ctx)
  return order(steps, a, b)
}

/** A change and its kind's renderer, paired through K. */
function renderOne<K extends ChangeKind>(c: Change<K>, ctx: Context): void {
  renderers[c.kind](c, ctx)
}

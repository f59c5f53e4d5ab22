// Triggers: created, dropped, recreated, enabled or disabled (a partition's clone only that).
import { quoteIdent, quoteLiteral } from '../../ident.js'
import { key, type Trigger } from '../../catalog/model.js'
import type { Change } from '../compare.js'
import { quoteQualified } from './sql.js'
import type { Context, StepFn } from './step.js'

export function renderTrigger(c: Change<'trigger'>, { step, a, b, dropped }: Context) {
  const g = c.to ?? c.from
  const table = quoteQualified(c.table)
  if (c.action === 'alter') {
    // A partition's clone exists once the partition is attached and the parent's trigger created.
    const parent = (b.tables.get(c.table) ?? a.tables.get(c.table))?.partitionOf?.parent
    step(2, enableTrigger(table, g), [c.key], { needs: g.clone && parent ? [`attach:${c.table}`, key('trigger', `${parent}.${g.name}`)] : [] })
    return
  }
  if (c.action !== 'create' && !(c.action === 'drop' && dropped.has(c.table))) {
    step(1, `DROP TRIGGER ${quoteIdent(c.from.name)} ON ${table};`, [c.key])
  }
  if (c.action !== 'drop') createTrigger(step, table, g, c.key)
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

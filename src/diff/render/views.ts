// Views and materialized views: created from their definition, dropped, recreated.
import { quoteIdent, quoteLiteral } from '../../ident.js'
import { key, type View } from '../../catalog/model.js'
import type { Change } from '../compare.js'
import { grantsOn } from './grants.js'
import { comment, qi } from './sql.js'
import type { Context, StepFn } from './step.js'

export function renderView(c: Change<'view'>, { step, b }: Context) {
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
}

function createView(step: StepFn, v: View, k: string, kind: string, version: number) {
  const name = qi(v.schema, v.name)
  const options = v.options.length ? ` WITH (${v.options.join(', ')})` : ''
  const body = v.definition.trim().replace(/;$/, '')
  step(2, `CREATE ${kind} ${name}${options} AS\n${body};`, [k])
  comment(step, 2, kind, name, v.comment, k)
  for (const c of v.columns) if (c.comment) step(2, `COMMENT ON COLUMN ${name}.${quoteIdent(c.name)} IS ${quoteLiteral(c.comment)};`, [k])
  grantsOn(step, 'TABLE', name, [], v.grants, k, version)
}

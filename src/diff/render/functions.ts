// Functions and procedures: CREATE OR REPLACE for a new body, dropped and created for a new signature.
import type { Change } from '../compare.js'
import { grantsOn } from './grants.js'
import { comment, identityArgs, qi } from './sql.js'
import type { Context } from './step.js'

export function renderFunction(c: Change<'function'>, { step }: Context) {
  const r = c.to ?? c.from
  const kind = r.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'
  if (c.action === 'drop' || c.action === 'recreate') {
    const f = c.from
    step(1, `DROP ${f.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${qi(f.schema, f.name)}(${identityArgs(f)});`, [c.key], c.action === 'recreate' ? { notes: [`recreated: ${c.detail}`] } : {})
  }
  if (c.action !== 'drop') {
    step(2, `${r.definition.trim()};`, [c.key], { createsRoutine: true })
    if (c.action !== 'alter') {
      comment(step, 2, kind, `${qi(r.schema, r.name)}(${identityArgs(r)})`, r.comment, c.key)
      grantsOn(step, kind, `${qi(r.schema, r.name)}(${identityArgs(r)})`, [{ grantee: 'PUBLIC', privilege: 'EXECUTE', grantable: false }], r.grants, c.key)
    }
  }
}

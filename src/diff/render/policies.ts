// Row-level security: whether it is enabled and forced, and the policies.
import { quoteIdent, quoteLiteral } from '../../ident.js'
import type { Policy } from '../../catalog/model.js'
import type { Change } from '../compare.js'
import { quoteQualified } from './sql.js'
import type { Context, StepFn } from './step.js'

export function renderPolicy(c: Change<'policy'>, { step, dropped }: Context) {
  const table = quoteQualified(c.table)
  if (c.action !== 'create' && !(c.action === 'drop' && dropped.has(c.table))) {
    step(1, `DROP POLICY ${quoteIdent(c.from.name)} ON ${table};`, [c.key])
  }
  if (c.action !== 'drop') createPolicy(step, table, c.to, c.key)
}

export function renderRowSecurity(c: Change<'row security'>, { step }: Context) {
  const table = quoteQualified(c.table)
  if (c.from.rowSecurity !== c.to.rowSecurity) step(2, `ALTER TABLE ${table} ${c.to.rowSecurity ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`, [c.key])
  if (c.from.forceRowSecurity !== c.to.forceRowSecurity) step(2, `ALTER TABLE ${table} ${c.to.forceRowSecurity ? '' : 'NO '}FORCE ROW LEVEL SECURITY;`, [c.key])
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

// GRANT and REVOKE: on objects as they are created, and what changes on objects that stay.
import { quoteIdent } from '../../ident.js'
import type { Column, Grant } from '../../catalog/model.js'
import type { Change, PrivilegesOn } from '../compare.js'
import { identityArgs, qi } from './sql.js'
import type { Context, StepFn } from './step.js'

export function renderPrivileges(c: Change<'privileges'>, { step, b }: Context) {
  const on = c.on
  const target = privilegeTarget(on)
  const columns = on.kind === 'column' ? ` (${quoteIdent(on.column.name)})` : ''
  // On a table, what leaves a role with every privilege or none is said as ALL.
  const all = ['table', 'view', 'materialized view'].includes(on.kind) ? tablePrivileges(b.version) : undefined
  const after = on.kind === 'column' ? [] : on.object.grants
  for (const g of groupGrants(c.revoke, columns, all, after, 'revoke')) step(2, `REVOKE ${g.privileges} ON ${target} FROM ${g.grantee};`, [c.key])
  for (const g of groupGrants(c.grant, columns, all, after, 'grant')) step(2, `GRANT ${g.privileges} ON ${target} TO ${g.grantee}${g.grantable ? ' WITH GRANT OPTION' : ''};`, [c.key])
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

/** The grants of an object as it is created, beyond the `defaults` it gets by itself. */
export function grantsOn(step: StepFn, kindWord: string, target: string, defaults: Grant[], grants: Grant[], k: string, version = 0) {
  const has = (list: Grant[], g: Grant) => list.some((x) => x.grantee === g.grantee && x.privilege === g.privilege && x.grantable === g.grantable)
  const onTable = kindWord === 'MATERIALIZED VIEW' || kindWord === 'VIEW' || kindWord === 'TABLE'
  const target_ = `${onTable ? 'TABLE' : kindWord} ${target}`
  const all = onTable && version ? tablePrivileges(version) : undefined
  for (const g of groupGrants(defaults.filter((d) => !has(grants, d)))) step(2, `REVOKE ${g.privileges} ON ${target_} FROM ${g.grantee};`, [k])
  for (const g of groupGrants(grants.filter((x) => !has(defaults, x)), '', all, grants, 'grant')) step(2, `GRANT ${g.privileges} ON ${target_} TO ${g.grantee}${g.grantable ? ' WITH GRANT OPTION' : ''};`, [k])
}

/** The column privileges of a column as it is created. */
export function columnGrants(step: StepFn, table: string, c: Column, k: string) {
  for (const g of groupGrants(c.grants ?? [], ` (${quoteIdent(c.name)})`)) {
    step(2, `GRANT ${g.privileges} ON TABLE ${table} TO ${g.grantee}${g.grantable ? ' WITH GRANT OPTION' : ''};`, [k])
  }
}

// Enums, domains and composite types; values added to an enum.
import { quoteIdent, quoteLiteral } from '../../ident.js'
import type { UserType } from '../../catalog/model.js'
import type { Change } from '../compare.js'
import { grantsOn } from './grants.js'
import { comment, qi } from './sql.js'
import type { Context, StepFn } from './step.js'

/** The name a recreated type has while its columns are converted to the new one. */
const OLD_SUFFIX = '__tinymigrate_old'

export function renderEnumValue(c: Change<'enum value'>, { step }: Context) {
  const v = c.to
  const where = v.before !== undefined ? ` BEFORE ${quoteLiteral(v.before)}` : v.after !== undefined ? ` AFTER ${quoteLiteral(v.after)}` : ''
  step(0, `ALTER TYPE ${qi(v.type.schema, v.type.name)} ADD VALUE ${quoteLiteral(v.value)}${where};`, [c.key], {
    notes: ['a value added by ALTER TYPE ... ADD VALUE cannot be used until the transaction that adds it commits'],
    addsEnumValue: v.value,
  })
}

export function renderType(c: Change<'type'>, { step }: Context) {
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
  grantsOn(step, 'TYPE', name, [{ grantee: 'PUBLIC', privilege: 'USAGE', grantable: false }], t.grants, k)
}

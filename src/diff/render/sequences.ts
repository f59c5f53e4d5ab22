// Sequences: their options, OWNED BY, and what CREATE/ALTER SEQUENCE and identities say of them.
import { quoteIdent, quoteLiteral } from '../../ident.js'
import { key, type SequenceOptions } from '../../catalog/model.js'
import type { Change } from '../compare.js'
import { grantsOn } from './grants.js'
import { comment, qi } from './sql.js'
import type { Context, StepFn } from './step.js'

export function renderSequence(c: Change<'sequence'>, { step, dropped, droppedColumns, replaced }: Context) {
  const s = c.to ?? c.from
  const name = qi(s.schema, s.name)
  if (c.action === 'create') {
    step(2, `CREATE SEQUENCE ${name}${sequenceClause(s, null)};`, [c.key])
    if (s.ownedBy) step(2, `ALTER SEQUENCE ${name} OWNED BY ${qi(s.ownedBy.schema, s.ownedBy.table)}.${quoteIdent(s.ownedBy.column)};`, [], { needs: [c.key, key('table', `${s.ownedBy.schema}.${s.ownedBy.table}`)] })
    comment(step, 2, 'SEQUENCE', name, s.comment, c.key)
    grantsOn(step, 'SEQUENCE', name, [], s.grants, c.key)
  } else if (c.action === 'drop') {
    // A sequence owned by a table or column that goes is dropped with it.
    const owner = s.ownedBy && `${s.ownedBy.schema}.${s.ownedBy.table}`
    if (owner && (dropped.has(owner) || droppedColumns.has(`${owner}.${s.ownedBy!.column}`))) return
    if (replaced.has(c.name)) return
    step(3, `DROP SEQUENCE ${name};`, [c.key], { warnings: [`drops sequence ${c.name} and its current value`] })
  } else {
    raiseToMin(step, name, c.from, c.to, c.key)
    step(2, `ALTER SEQUENCE ${name}${sequenceClause(c.to, c.from)};`, [c.key])
  }
}

export function renderOwnedBy(c: Change<'owned by'>, { step }: Context) {
  const s = c.to
  const name = qi(s.schema, s.name)
  if (s.ownedBy) step(2, `ALTER SEQUENCE ${name} OWNED BY ${qi(s.ownedBy.schema, s.ownedBy.table)}.${quoteIdent(s.ownedBy.column)};`, [], { needs: [c.key, key('table', `${s.ownedBy.schema}.${s.ownedBy.table}`)] })
  else step(1, `ALTER SEQUENCE ${name} OWNED BY NONE;`, [])
}

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
export function raiseToMin(step: StepFn, name: string, from: SequenceOptions, to: SequenceOptions, k: string) {
  if (BigInt(to.min) <= BigInt(from.min)) return
  step(2, `SELECT pg_catalog.setval(${quoteLiteral(name)}, ${to.min}, false) WHERE (SELECT last_value FROM ${name}) < ${to.min};`, [k])
}

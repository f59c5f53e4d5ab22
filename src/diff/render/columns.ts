// Columns: added, dropped, and each ALTER COLUMN form; defaults set again after what they use
// is recreated; how a type change treats the values already there.
import { quoteIdent, quoteLiteral } from '../../ident.js'
import { defaultNotNullName, key, type Catalog, type Column, type Table } from '../../catalog/model.js'
import type { Change } from '../compare.js'
import { columnGrants } from './grants.js'
import { raiseToMin, sequenceClause } from './sequences.js'
import { qi, quoteQualified } from './sql.js'
import type { Context, Step, StepFn } from './step.js'

export function renderColumn(c: Change<'column'>, { step, a, b, hasChange, alters, replaced }: Context) {
  const table = quoteQualified(c.table)
  const t = (b.tables.get(c.table) ?? a.tables.get(c.table))!
  const existing = a.tables.get(c.table)
  const col = c.to ?? c.from
  const column = quoteIdent(col.name)
  // A partition's own setting goes after its parent's, which reaches every partition.
  const parentFirst = t.partitionOf && a.tables.has(c.table) ? [key('table', t.partitionOf.parent)] : []
  const alter = (sql: string, extra: Partial<Step> = {}) => step(2, `ALTER TABLE ${table} ${sql};`, [c.key], { needs: parentFirst, ...extra })
  // A default set on a partitioned table would reach its partitions, which have their own.
  const only = t.partitionBy ? `ALTER TABLE ONLY ${table}` : `ALTER TABLE ${table}`
  if (c.action === 'create') {
    const notes: string[] = []
    if (col.notNull && col.default === null && !col.identity && !col.generated) {
      notes.push(`NOT NULL without a default fails if ${c.table} has rows; add a DEFAULT, or add the column nullable, fill it, then SET NOT NULL`)
    }
    if (col.generated) notes.push(`computes the column for every row, rewriting ${c.table}`)
    const droppedSame = existing?.columns.find((x) => x.type === col.type && hasChange('column', `${c.table}.${x.name}`) && !t.columns.some((y) => y.name === x.name))
    if (droppedSame) notes.push(`possible rename: ${droppedSame.name} is dropped and has the same type; to keep its data, replace the DROP and the ADD with:`, `  ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(droppedSame.name)} TO ${column};`)
    alter(`ADD COLUMN ${columnDefinition(t, col)}`, { notes })
    if (col.comment) step(2, `COMMENT ON COLUMN ${table}.${column} IS ${quoteLiteral(col.comment)};`, [c.key])
    columnGrants(step, table, col, c.key)
    columnSettings(step, table, col, c.key)
    return
  }
  if (c.action === 'drop' && c.reason === 'becomes inherited') {
    step(1, `ALTER TABLE ${table} DROP COLUMN ${column};`, [c.key], { warnings: [`drops column ${c.name} and its data: it is to be inherited from the parent only, which PostgreSQL cannot change in place`] })
    return
  }
  if (c.action === 'drop') {
    // Children of an inheritance parent keep the column when they declare it themselves.
    const keep = !t.partitionBy && [...b.tables.values()].some((x) => x.inherits.includes(c.table) && x.columns.some((y) => y.name === col.name))
    step(2, `ALTER TABLE ${keep ? 'ONLY ' : ''}${table} DROP COLUMN ${column};`, [c.key], { warnings: [`drops column ${c.name} and its data`] })
    return
  }
  const f = c.from
  const to = c.to
  switch (c.aspect) {
    case 'no longer generated':
      alter(`ALTER COLUMN ${column} DROP EXPRESSION`)
      break
    case 'becomes generated':
    case 'generated expression':
      alter(`DROP COLUMN ${column}`, { warnings: [`drops column ${c.name} to add it again as a generated column`] })
      alter(`ADD COLUMN ${columnDefinition(t, to)}`, { notes: [`computes the column for every row, rewriting ${c.table}`] })
      break
    case 'type': {
      if (alters(c.name, 'becomes generated') || alters(c.name, 'generated expression')) break
      const kind = typeChange(f.type, to.type)
      const warnings: string[] = []
      const notes: string[] = []
      const recreatedType = f.type === to.type
      // Enums convert through their text; nothing casts one enum to another directly.
      const enums = recreatedType || isEnum(a, f.type) || isEnum(b, to.type)
      // No cast from one to the other: through one type that both cast with (boolean → integer
      // → smallint), before falling back on the text form.
      const via = enums ? 'text' : castable(b, f.type, to.type) ? null : castPath(b, f.type, to.type) ?? 'text'
      const viaText = via === 'text'
      const using = via ? `${column}::${via}::${to.type}` : `${column}::${to.type}`
      if (via && via !== 'text') notes.push(`no cast from ${f.type} to ${to.type}: values convert through ${via}`)
      if (kind === 'narrowing') warnings.push(`narrows ${c.name} from ${f.type} to ${to.type}: values that do not fit make it fail`)
      else if (kind === 'cast' && !recreatedType) {
        notes.push(viaText && !isEnum(a, f.type) && !isEnum(b, to.type)
          ? `no cast from ${f.type} to ${to.type}: values convert through their text form, which fails unless it is valid ${to.type} input`
          : `the cast from ${f.type} to ${to.type} fails if a value cannot be converted`)
      }
      if (recreatedType || rewrites(f.type, to.type)) notes.push(`rewrites ${c.table} while holding an exclusive lock`)
      // A default that a cascade recreates (it uses a recreated type) is dropped and set there.
      const ownDefault = !hasChange('default', c.name)
      if (f.default !== null && ownDefault) alter(`ALTER COLUMN ${column} DROP DEFAULT`)
      alter(`ALTER COLUMN ${column} TYPE ${to.type}${to.collation ? ` COLLATE ${to.collation}` : ''} USING ${using}`, { warnings, notes })
      if (to.default !== null && !to.generated && ownDefault && !alters(c.name, 'default')) alter(`ALTER COLUMN ${column} SET DEFAULT ${to.default}`)
      break
    }
    case 'default':
      if (to.default === null) {
        if (!(f.default !== null && alters(c.name, 'type'))) step(2, `${only} ALTER COLUMN ${column} DROP DEFAULT;`, [c.key], { needs: parentFirst })
      } else if (!to.identity) {
        step(2, `${only} ALTER COLUMN ${column} SET DEFAULT ${to.default};`, [c.key], { needs: parentFirst })
      }
      break
    case 'identity':
      if (f.identity && to.identity) alter(`ALTER COLUMN ${column} SET GENERATED ${to.identity.always ? 'ALWAYS' : 'BY DEFAULT'}`)
      // Early: its sequence goes with it, and a sequence of the same name may be created next.
      else if (f.identity) step(1, `ALTER TABLE ${table} ALTER COLUMN ${column} DROP IDENTITY;`, [c.key])
      else {
        if (f.default !== null && !alters(c.name, 'default')) alter(`ALTER COLUMN ${column} DROP DEFAULT`)
        if (!f.notNull) alter(`ALTER COLUMN ${column} SET NOT NULL`)
        // A serial's sequence of the same name that goes must go first, or the identity's gets another name.
        if (replaced.has(`${t.schema}.${to.identity!.sequence}`)) step(2, `DROP SEQUENCE ${qi(t.schema, to.identity!.sequence)};`, [c.key])
        alter(`ALTER COLUMN ${column} ADD ${identityClause(t, to)}`)
      }
      break
    case 'identity options': {
      const parts: string[] = []
      const o = f.identity!.options
      const n = to.identity!.options
      if (o.increment !== n.increment) parts.push(`SET INCREMENT BY ${n.increment}`)
      if (o.min !== n.min) parts.push(`SET MINVALUE ${n.min}`)
      if (o.max !== n.max) parts.push(`SET MAXVALUE ${n.max}`)
      if (o.start !== n.start) parts.push(`SET START WITH ${n.start}`)
      if (o.cache !== n.cache) parts.push(`SET CACHE ${n.cache}`)
      if (o.cycle !== n.cycle) parts.push(n.cycle ? 'SET CYCLE' : 'SET NO CYCLE')
      if (parts.length) {
        raiseToMin(step, qi(t.schema, f.identity!.sequence), o, n, c.key)
        alter(`ALTER COLUMN ${column} ${parts.join(' ')}`)
      }
      if (f.identity!.sequence !== to.identity!.sequence) {
        step(2, `ALTER SEQUENCE ${qi(t.schema, f.identity!.sequence)} RENAME TO ${quoteIdent(to.identity!.sequence)};`, [c.key])
      }
      break
    }
    case 'compression':
      alter(`ALTER COLUMN ${column} SET COMPRESSION ${compressionName(to.compression ?? null)}`)
      break
    case 'storage':
      alter(`ALTER COLUMN ${column} SET STORAGE ${storageName(to.storage ?? to.typeStorage)}`)
      break
    case 'statistics':
      alter(`ALTER COLUMN ${column} SET STATISTICS ${to.statistics ?? -1}`)
      break
    case 'not null name':
      // PostgreSQL 18 names NOT NULL constraints; pg_dump prints a name that is not the default.
      alter(`RENAME CONSTRAINT ${quoteIdent(f.notNullName ?? defaultNotNullName(t.name, f.name))} TO ${quoteIdent(to.notNullName ?? defaultNotNullName(t.name, to.name))}`)
      break
    case 'not null':
      if (to.notNull) {
        // An identity column is NOT NULL by itself; ADD GENERATED above sets it.
        if (!(to.identity && !f.identity)) {
          alter(to.notNullName ? `ADD CONSTRAINT ${quoteIdent(to.notNullName)} NOT NULL ${column}` : `ALTER COLUMN ${column} SET NOT NULL`, {
            notes: [`scans ${c.table} while holding an exclusive lock; on a large table first add CHECK (${column} IS NOT NULL) NOT VALID and VALIDATE it in an earlier migration`],
          })
        }
      } else alter(`ALTER COLUMN ${column} DROP NOT NULL`)
      break
  }
}

export function renderDefault(c: Change<'default'>, { step, alters }: Context) {
  const table = quoteQualified(c.table)
  step(1, `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.from.name)} DROP DEFAULT;`, [c.key])
  if (c.to?.default && !alters(`${c.table}.${c.to.name}`, 'default')) {
    step(2, `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.to.name)} SET DEFAULT ${c.to.default};`, [c.key], { needs: [key('table', c.table)] })
  }
}

const storageNames: Record<string, string> = { p: 'PLAIN', e: 'EXTERNAL', m: 'MAIN', x: 'EXTENDED' }

function storageName(code: string): string {
  return storageNames[code] ?? 'EXTENDED'
}

function compressionName(code: string | null): string {
  return code === 'l' ? 'lz4' : code === 'p' ? 'pglz' : 'default'
}

/** SET STORAGE / SET STATISTICS that CREATE TABLE cannot say. */
export function columnSettings(step: StepFn, table: string, c: Column, k: string) {
  if (c.storage) step(2, `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.name)} SET STORAGE ${storageName(c.storage)};`, [k])
  if (c.compression) step(2, `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.name)} SET COMPRESSION ${compressionName(c.compression)};`, [k])
  if (c.statistics !== null && c.statistics !== undefined) step(2, `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.name)} SET STATISTICS ${c.statistics};`, [k])
}

/**
 * `namedNotNull`: the NOT NULL constraint is named even when its name is the default, for a table
 * created again while others (its detached partitions) hold those names: PostgreSQL 18 would
 * pick `…_not_null1` instead.
 */
export function columnDefinition(t: Table, c: Column, namedNotNull = false): string {
  let sql = `${quoteIdent(c.name)} ${c.type}`
  if (c.collation) sql += ` COLLATE ${c.collation}`
  if (c.generated) sql += ` GENERATED ALWAYS AS (${c.generated}) STORED`
  if (c.identity) sql += ` ${identityClause(t, c)}`
  if (c.default !== null && !c.generated) sql += ` DEFAULT ${c.default}`
  const notNullName = c.notNullName ?? (namedNotNull ? defaultNotNullName(t.name, c.name) : null)
  if (c.notNull && !c.identity) sql += notNullName ? ` CONSTRAINT ${quoteIdent(notNullName)} NOT NULL` : ' NOT NULL'
  return sql
}

function identityClause(t: Table, c: Column): string {
  const id = c.identity!
  const options: string[] = []
  if (id.sequence && id.sequence !== `${t.name}_${c.name}_seq`) options.push(`SEQUENCE NAME ${qi(t.schema, id.sequence)}`)
  const rest = sequenceClause(id.options, null).replace(/^ AS \S+/, '')
  if (rest.trim()) options.push(rest.trim())
  return `GENERATED ${id.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${options.length ? ` (${options.join(' ')})` : ''}`
}

// --- type changes ------------------------------------------------------------------------------

const widening: Record<string, string[]> = {
  smallint: ['integer', 'bigint', 'numeric', 'real', 'double precision'],
  integer: ['bigint', 'numeric', 'double precision'],
  bigint: ['numeric'],
  real: ['double precision'],
  'character varying': ['text'],
  character: ['text', 'character varying'],
}

/** How a type change treats existing values: 'safe', 'narrowing' (may fail or cut) or 'cast' (may fail). */
export function typeChange(from: string, to: string): 'safe' | 'narrowing' | 'cast' {
  if (to === 'text') return 'safe'
  const base = (t: string) => t.replace(/\(.*\)/, '').trim()
  const args = (t: string) => (/\((.*)\)/.exec(t)?.[1] ?? '').split(',').map((x) => Number(x.trim()))
  if (widening[base(from)]?.includes(base(to))) return 'safe'
  if (base(from) === base(to)) {
    const [fa, fb] = args(from)
    const [ta, tb] = args(to)
    if (!/\(/.test(to)) return 'safe'
    if (!/\(/.test(from)) return 'narrowing'
    if ((ta ?? 0) >= (fa ?? 0) && (tb ?? 0) >= (fb ?? 0)) return 'safe'
    return 'narrowing'
  }
  if ((base(from) === 'bigint' && ['integer', 'smallint'].includes(base(to))) || (base(from) === 'integer' && base(to) === 'smallint')) return 'narrowing'
  if (['text', 'character varying'].includes(base(from)) && base(to) === 'character varying') return 'narrowing'
  return 'cast'
}

/** A change PostgreSQL makes without rewriting the table: longer varchar, varchar → text, wider numeric of the same scale. */
function rewrites(from: string, to: string): boolean {
  const base = (t: string) => t.replace(/\(.*\)/, '').trim()
  if (base(from) === 'character varying' && (to === 'text' || base(to) === 'character varying')) return false
  if (base(from) === 'numeric' && base(to) === 'numeric') return false
  return true
}

const textTypes = new Set(['text', 'character varying', 'character', 'name', '"char"'])

/**
 * A type that `from` casts to and that casts to `to`, both by built-in casts (pg_cast), when
 * there is no cast between the two: numeric types first, text never (that is the last resort).
 */
export function castPath(catalog: Catalog, from: string, to: string): string | undefined {
  const base = (t: string) => t.replace(/\(.*\)/, '').trim()
  const [x, y] = [base(from), base(to)]
  const preferred = ['integer', 'bigint', 'numeric', 'smallint', 'double precision', 'real']
  const middles = [...new Set([...catalog.casts].map((c) => c.split('\u0000')))].filter(([s]) => s === x).map(([, t]) => t!)
    .filter((z) => z !== y && !textTypes.has(z) && catalog.casts.has(`${z}\u0000${y}`))
    .sort((p, q) => rank(p) - rank(q) || (p < q ? -1 : 1))
  function rank(t: string) { const i = preferred.indexOf(t); return i < 0 ? preferred.length : i }
  return middles[0]
}

/** Whether `from::to` type-checks: a pg_cast entry, the same type, a string type on either side, or a domain. */
function castable(catalog: Catalog, from: string, to: string): boolean {
  const base = (t: string) => t.replace(/\(.*\)/, '').trim()
  const [x, y] = [base(from), base(to)]
  if (x === y || textTypes.has(x) || textTypes.has(y) || x.endsWith('[]') || y.endsWith('[]')) return true
  if ([...catalog.types.values()].some((t) => t.kind === 'domain' && (y === t.name || y === `${t.schema}.${t.name}`))) return true
  return catalog.casts.has(`${x}\u0000${y}`)
}

function isEnum(catalog: Catalog, formatted: string): boolean {
  const bare = formatted.replace(/\[\]$/, '').replace(/"/g, '')
  return [...catalog.types.values()].some((t) => t.kind === 'enum' && (bare === t.name || bare === `${t.schema}.${t.name}`))
}

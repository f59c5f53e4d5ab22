import type { Db } from './db.js'
import { classify } from './classify.js'
import { TinymigrateError } from './errors.js'
import { qualified, type QualifiedName } from './ident.js'
import type { ForeignHistory, Tool } from './plan.js'

/** The tools whose history `adopt` reads; both keep it in `schema_migrations` unless told otherwise. */
export const TOOLS: readonly Tool[] = ['golang-migrate', 'dbmate']
export const DEFAULT_FOREIGN_TABLE = 'schema_migrations'

export interface Column {
  name: string
  /** As `format_type` writes it: `bigint`, `character varying(128)`. */
  type: string
  /** `pg_type.typcategory`: `N` numeric, `S` string, `B` boolean… */
  category: string
}

/**
 * Pure: which tool wrote a table with these columns. golang-migrate's is `version bigint, dirty
 * boolean`; dbmate's is `version varchar(128)` (later releases may add columns, never `dirty`).
 * `from` forces the answer when the columns allow it; a table with neither shape is refused.
 */
export function detectTool(columns: Column[], from: Tool | undefined, where: string): Tool {
  const version = columns.find((c) => c.name === 'version')
  const dirty = columns.find((c) => c.name === 'dirty')
  const listed = columns.map((c) => `${c.name} ${c.type}`).join(', ') || 'no columns'
  const usable = version !== undefined && (version.category === 'N' || version.category === 'S')
  const golang = usable && version.category === 'N' && dirty?.type === 'boolean'
  const dbmate = usable && version.category === 'S' && dirty === undefined
  const foreign = (why: string) => new TinymigrateError('ADOPT_FOREIGN', `Table ${where} (${listed}) ${why}.`, {
    next: 'Name the other tool\'s history table with --from-table NAME (golang-migrate: its x-migrations-table; dbmate: its --migrations-table).',
  })
  if (from === 'golang-migrate') {
    if (!usable || dirty?.type !== 'boolean') throw foreign('is not golang-migrate\'s history: that has the columns version bigint and dirty boolean')
    return from
  }
  if (from === 'dbmate') {
    if (!usable) throw foreign('is not dbmate\'s history: that has a column version varchar(128)')
    return from
  }
  if (golang) return 'golang-migrate'
  if (dbmate) return 'dbmate'
  if (!usable) throw foreign('is neither golang-migrate\'s history (version bigint, dirty boolean) nor dbmate\'s (version varchar)')
  throw new TinymigrateError('ADOPT_AMBIGUOUS', `Cannot tell which tool wrote ${where} (${listed}): golang-migrate's has version bigint and dirty boolean, dbmate's has version varchar and no dirty.`, {
    next: 'Say which one with --from golang-migrate or --from dbmate.',
  })
}

/**
 * Find the other tool's table (`name` goes through the search_path as both tools use it), tell
 * which tool wrote it, and read what it says is applied. Changes nothing.
 */
export async function readForeign(db: Db, name: QualifiedName, from: Tool | undefined): Promise<ForeignHistory> {
  const columns = await db.query<{ schema: string; name: string; column: string | null; type: string | null; category: string | null }>(
    `-- The relation and its columns: no row when there is no such relation.
     select n.nspname::text as schema, c.relname::text as name, a.attname::text as column,
            pg_catalog.format_type(a.atttypid, a.atttypmod) as type, t.typcategory::text as category
     from pg_catalog.pg_class c
     join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     -- dropped columns and system columns are not the tool's
     left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     left join pg_catalog.pg_type t on t.oid = a.atttypid
     where c.oid = pg_catalog.to_regclass($1)
     order by a.attnum`,
    [qualified(name)],
  )
  const given = name.schema === undefined ? name.name : `${name.schema}.${name.name}`
  if (columns.length === 0) {
    throw new TinymigrateError('ADOPT_NOT_FOUND', `No table ${given} in this database${name.schema === undefined ? ' (looked up through the search_path)' : ''}: there is no golang-migrate or dbmate history to adopt.`, {
      next: 'If the other tool keeps its history under another name, pass --from-table NAME (golang-migrate: its x-migrations-table; dbmate: its --migrations-table; schema.name works).\n' +
        'A database that no tool has migrated needs no adopt: run tinymigrate up (or tinymigrate stamp V to record what is there).',
    })
  }
  const table = { schema: columns[0]!.schema, name: columns[0]!.name }
  const where = `${table.schema}.${table.name}`
  const tool = detectTool(columns.filter((c) => c.column !== null).map((c) => ({ name: c.column!, type: c.type!, category: c.category! })), from, where)
  const sqlName = qualified(table)
  try {
    if (tool === 'dbmate') {
      const rows = await db.query<{ version: string }>(`select version::text as version from ${sqlName}`)
      return { tool, table, versions: rows.map((r) => r.version) }
    }
    const rows = await db.query<{ version: string; dirty: boolean }>(`select version::text as version, dirty from ${sqlName}`)
    if (rows.length > 1) {
      throw new TinymigrateError('ADOPT_FOREIGN', `Table ${where} has ${rows.length} rows; golang-migrate keeps exactly one (the current version), so this is not its history.`, {
        next: 'Name the right table with --from-table NAME, or say --from dbmate if dbmate wrote it.',
      })
    }
    const row = rows[0]
    if (row && !/^-?\d+$/.test(row.version)) {
      throw new TinymigrateError('ADOPT_FOREIGN', `Table ${where} has version ${JSON.stringify(row.version)}, which is not a golang-migrate version (a number).`, {
        next: 'Name the right table with --from-table NAME.',
      })
    }
    return { tool, table, version: row?.version ?? null, dirty: row?.dirty ?? false }
  } catch (error) {
    throw classify(error, { what: `while reading ${where}`, permission: `Run as a role that can read ${where}, or grant this role select on it.` })
  }
}

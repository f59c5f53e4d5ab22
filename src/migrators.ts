// Other migrators' history tables in a database: which tool wrote each, and where it is. `baseline`
// leaves Alembic's and Flyway's out of the schema it writes and refuses where golang-migrate or
// dbmate kept theirs (`adopt` is the way from those); the --from-db comparisons never count any of
// them as part of the schema.
import type { Db } from './db.js'
import { detectTool, DEFAULT_FOREIGN_TABLE, type Column } from './adopt.js'
import { qualified } from './ident.js'
import type { Tool } from './plan.js'

export type Migrator = Tool | 'alembic' | 'flyway'

export interface MigratorTable {
  tool: Migrator
  table: { schema: string; name: string }
}

/** How the output names each tool. */
export const MIGRATOR_NAMES: Record<Migrator, string> = {
  alembic: 'Alembic',
  flyway: 'Flyway',
  'golang-migrate': 'golang-migrate',
  dbmate: 'dbmate',
}

// flyway_schema_history as Flyway 5 and later create it (older releases called it schema_version).
const FLYWAY_COLUMNS = [
  'installed_rank', 'version', 'description', 'type', 'script', 'checksum', 'installed_by', 'installed_on',
  'execution_time', 'success',
]

export interface CandidateRow {
  schema: string
  name: string
  /** Whether it is the table `schema_migrations` names through the search_path. */
  defaultName: boolean
  columns: Column[]
}

/**
 * Pure: the tool that wrote a table with these columns, or undefined for a table of the project.
 * Alembic's and Flyway's are told by their columns alone; golang-migrate's and dbmate's only under
 * the name both tools use, since `version varchar` alone is too common to go by.
 */
export function classify(row: CandidateRow): Migrator | undefined {
  const names = row.columns.map((c) => c.name)
  if (names.length === 1 && names[0] === 'version_num') return 'alembic'
  if (FLYWAY_COLUMNS.every((c) => names.includes(c))) return 'flyway'
  if (!row.defaultName) return undefined
  try {
    return detectTool(row.columns, undefined, `${row.schema}.${row.name}`)
  } catch {
    // Neither tool's shape: a table of the project that happens to have that name.
    return undefined
  }
}

/**
 * Every other migrator's history table in the database, in name order. `own` is tinymigrate's
 * history table (`schema.name`), never counted even when it is called schema_migrations.
 */
export async function findMigratorTables(db: Db, own: string): Promise<MigratorTable[]> {
  const rows = await db.query<{ schema: string; name: string; default_name: boolean; columns: string | [string, string, string][] }>(
    `-- Tables with Alembic's or Flyway's columns anywhere (both tools let a project rename the table and
     -- pick its schema), and the one that schema_migrations names through the search_path.
     select n.nspname::text as schema, c.relname::text as name,
            c.oid = pg_catalog.to_regclass($1) as default_name,
            pg_catalog.json_agg(pg_catalog.json_build_array(a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), t.typcategory::text)
                                order by a.attnum) as columns
     from pg_catalog.pg_class c
     join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     -- dropped and system columns are not the tool's
     join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     join pg_catalog.pg_type t on t.oid = a.atttypid
     where c.relkind in ('r', 'p')
       -- the server's own schemas hold no project's tables
       and n.nspname <> 'information_schema'
       and n.nspname not like 'pg\\_%'
     group by c.oid, n.nspname, c.relname
     having c.oid = pg_catalog.to_regclass($1)
         or array_agg(a.attname::text) = array['version_num']
         or array_agg(a.attname::text) @> pg_catalog.string_to_array($2, ',')
     order by 1, 2`,
    [qualified({ schema: undefined, name: DEFAULT_FOREIGN_TABLE }), FLYWAY_COLUMNS.join(',')],
  )
  const found: MigratorTable[] = []
  for (const r of rows) {
    if (`${r.schema}.${r.name}` === own) continue
    // postgres.js and PGlite parse json; a driver that does not hands over text.
    const list = typeof r.columns === 'string' ? JSON.parse(r.columns) as [string, string, string][] : r.columns
    const columns = list.map(([name, type, category]) => ({ name, type, category }))
    const tool = classify({ schema: r.schema, name: r.name, defaultName: r.default_name, columns })
    if (tool) found.push({ tool, table: { schema: r.schema, name: r.name } })
  }
  return found
}

/** `drop table "public"."alembic_version";` */
export function dropStatement(t: MigratorTable): string {
  return `drop table ${qualified(t.table)};`
}

// Table sizes in the live database, from its catalog alone (pages and the row estimate that
// VACUUM and ANALYZE keep): no function that opens a relation, so nothing here takes a lock or
// waits behind one, and nothing is written.
import type { Db } from '../driver.js'

export interface Size {
  /** Table, TOAST and indexes, partitions included. */
  bytes: number
  /**
   * The larger of the planner's estimate (kept by VACUUM and ANALYZE) and the count of live
   * rows the statistics system keeps (current, also before the first ANALYZE).
   */
  rows: number | null
}

const SIZES = `
with recursive wanted as (
  select distinct * from pg_catalog.json_to_recordset($1::text::json) as w(schema text, name text)
), root as (
  select w.schema, w.name, c.oid
  from wanted w
  join pg_catalog.pg_namespace n on n.nspname = w.schema
  join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = w.name
), tree as (
  select oid as root, oid from root
  union all
  select t.root, i.inhrelid from tree t join pg_catalog.pg_inherits i on i.inhparent = t.oid
)
select r.schema, r.name,
  coalesce(sum(greatest(c.reltuples, pg_catalog.pg_stat_get_live_tuples(c.oid)))
    filter (where c.relkind in ('r', 'm')), 0)::float8 as rows,
  (sum(c.relpages::int8 + coalesce(t.relpages, 0)
    + coalesce((select sum(ic.relpages) from pg_catalog.pg_index x join pg_catalog.pg_class ic on ic.oid = x.indexrelid where x.indrelid = c.oid), 0))
    * pg_catalog.current_setting('block_size')::int8)::float8 as bytes
from root r
join tree on tree.root = r.oid
join pg_catalog.pg_class c on c.oid = tree.oid
left join pg_catalog.pg_class t on t.oid = c.reltoastrelid
group by r.schema, r.name`

/** `schema.name` → its size, for those of `relations` the database has. */
export async function liveSizes(db: Db, relations: { schema: string; name: string }[]): Promise<Map<string, Size>> {
  const sizes = new Map<string, Size>()
  if (relations.length === 0) return sizes
  const rows = await db.query<{ schema: string; name: string; rows: number; bytes: number }>(SIZES, [JSON.stringify(relations)])
  for (const r of rows) sizes.set(`${r.schema}.${r.name}`, { bytes: Number(r.bytes), rows: Math.round(Number(r.rows)) })
  return sizes
}

/** `has 41 GB, about 380M rows` */
export function sizeNote(size: Size): string {
  if (size.rows === 0) return `has no rows (${bytes(size.bytes)})`
  const rows = size.rows === null ? 'rows not counted' : `about ${count(size.rows)} row${size.rows === 1 ? '' : 's'}`
  return `has ${bytes(size.bytes)}, ${rows}`
}

function bytes(n: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024
    i++
  }
  return `${i === 0 || n >= 10 ? Math.round(n) : n.toFixed(1)} ${units[i]}`
}

function count(n: number): string {
  for (const [size, unit] of [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']] as const) {
    if (n >= size) return `${(n / size).toFixed(n >= size * 10 ? 0 : 1)}${unit}`
  }
  return String(n)
}

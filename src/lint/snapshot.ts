// What lint reads from the scratch database before and after each statement: the user relations
// (with their file nodes and this transaction's scan and row counters), their columns and
// constraints, and the relation locks this session holds. One query, one round trip; it reads
// only catalogs and this backend's own counters, so it takes no lock on a user relation.
import type { Db } from '../driver.js'

export interface Rel {
  oid: number
  schema: string
  name: string
  /** pg_class.relkind: r table, p partitioned table, m materialized view, i/I index, v view, f foreign, S sequence. */
  kind: string
  /** pg_class.relfilenode: a new one means the relation was rewritten (or truncated). */
  node: number
  /** For an index: its table. */
  table: number
  /** For a partition: its parent. */
  parent: number
  /** Sequential scans, and rows inserted, updated and deleted, counted in this transaction. */
  scans: number
  inserted: number
  updated: number
  deleted: number
}

export interface Col {
  rel: number
  num: number
  name: string
  notNull: boolean
  type: string
  dropped: boolean
  /** A default, an identity or a generation expression: an insert that leaves it out still works. */
  filled: boolean
}

export interface Con {
  oid: number
  rel: number
  name: string
  /** pg_constraint.contype: c check, f foreign key, p primary key, u unique, x exclusion, n not null (18). */
  type: string
  validated: boolean
  /** The table a foreign key points at. */
  references: number
}

export interface Snapshot {
  rels: Map<number, Rel>
  cols: Map<string, Col>
  cons: Map<number, Con>
  /** Relation oid → lock modes held by this session (`AccessExclusiveLock`, …). */
  locks: Map<number, Set<string>>
}

/** PostgreSQL's FirstNormalObjectId: oids below it belong to the system. */
const FIRST_NORMAL_OID = 16384

const USER = `n.nspname <> 'information_schema' and n.nspname !~ '^pg_'`

const SNAPSHOT = `
select
  (select coalesce(json_agg(json_build_object(
      'oid', c.oid::int8, 'schema', n.nspname, 'name', c.relname, 'kind', c.relkind, 'node', c.relfilenode::int8,
      'table', coalesce(i.indrelid::int8, 0), 'parent', coalesce(h.inhparent::int8, 0),
      'scans', pg_catalog.pg_stat_get_xact_numscans(c.oid),
      'inserted', pg_catalog.pg_stat_get_xact_tuples_inserted(c.oid),
      'updated', pg_catalog.pg_stat_get_xact_tuples_updated(c.oid),
      'deleted', pg_catalog.pg_stat_get_xact_tuples_deleted(c.oid))), '[]')
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    left join pg_catalog.pg_index i on i.indexrelid = c.oid
    left join pg_catalog.pg_inherits h on h.inhrelid = c.oid and c.relispartition
    where c.relkind in ('r', 'p', 'm', 'i', 'I', 'v', 'f', 'S') and ${USER}) as rels,
  (select coalesce(json_agg(json_build_object(
      'rel', a.attrelid::int8, 'num', a.attnum, 'name', a.attname, 'notNull', a.attnotnull,
      'type', pg_catalog.format_type(a.atttypid, a.atttypmod), 'dropped', a.attisdropped,
      'filled', a.atthasdef or a.attidentity <> '' or a.attgenerated <> '')), '[]')
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_class c on c.oid = a.attrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where a.attnum > 0 and c.relkind in ('r', 'p', 'm', 'v', 'f') and ${USER}) as cols,
  (select coalesce(json_agg(json_build_object(
      'oid', co.oid::int8, 'rel', co.conrelid::int8, 'name', co.conname, 'type', co.contype,
      'validated', co.convalidated, 'references', co.confrelid::int8)), '[]')
    from pg_catalog.pg_constraint co
    join pg_catalog.pg_namespace n on n.oid = co.connamespace
    where co.conrelid <> 0 and ${USER}) as cons,
  (select coalesce(json_agg(json_build_object('rel', l.relation::int8, 'mode', l.mode)), '[]')
    from pg_catalog.pg_locks l
    where l.pid = pg_catalog.pg_backend_pid() and l.locktype = 'relation' and l.granted
      and l.database = (select oid from pg_catalog.pg_database where datname = pg_catalog.current_database())) as locks`

type Row = { rels: unknown; cols: unknown; cons: unknown; locks: unknown }

/** JSON arrives parsed from postgres.js and as text from some engines. */
function list<T>(value: unknown): T[] {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T[]
}

export async function takeSnapshot(db: Db): Promise<Snapshot> {
  const [row] = await db.query<Row>(SNAPSHOT)
  const rels = new Map<number, Rel>()
  for (const r of list<Rel>(row!.rels)) rels.set(Number(r.oid), { ...r, oid: Number(r.oid), node: Number(r.node), table: Number(r.table), parent: Number(r.parent), scans: Number(r.scans), inserted: Number(r.inserted), updated: Number(r.updated), deleted: Number(r.deleted) })
  const cols = new Map<string, Col>()
  for (const c of list<Col>(row!.cols)) cols.set(`${c.rel}:${c.num}`, { ...c, rel: Number(c.rel) })
  const cons = new Map<number, Con>()
  for (const c of list<Con>(row!.cons)) cons.set(Number(c.oid), { ...c, oid: Number(c.oid), rel: Number(c.rel), references: Number(c.references) })
  const locks = new Map<number, Set<string>>()
  for (const l of list<{ rel: number; mode: string }>(row!.locks)) {
    const rel = Number(l.rel)
    // user objects only (the catalogs this query reads are below FirstNormalObjectId); a relation
    // the statement dropped keeps its locks until the end of the transaction
    if (rel < FIRST_NORMAL_OID) continue
    if (!locks.has(rel)) locks.set(rel, new Set())
    locks.get(rel)!.add(l.mode)
  }
  return { rels, cols, cons, locks }
}

export function qualifiedName(r: { schema: string; name: string }): string {
  return `${r.schema}.${r.name}`
}

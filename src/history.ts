import type { Db, Statement } from './db.js'
import { TinymigrateError } from './errors.js'
import { qualified, quoteIdent, type QualifiedName } from './ident.js'

/**
 * The history table's layout version, kept in the table's comment. A later release that changes
 * the layout upgrades older tables in place and refuses tables newer than it knows.
 */
export const LAYOUT = 1
const COMMENT_PREFIX = 'tinymigrate history, layout '

export interface HistoryRow {
  version: string
  name: string
  checksum: string
  state: 'applied' | 'failed'
  appliedAt: Date
  durationMs: number
  appliedBy: string
  note: string | null
}

export interface History {
  /** Fully qualified, quoted: safe to put in SQL text. */
  readonly sqlName: string
  readonly table: { schema: string; name: string }
  /** Whether the table existed when the run looked (read-only commands never create it). */
  exists: boolean
}

/** Find the history table; `schema` defaults to the connection's current schema. */
export async function locateHistory(db: Db, name: QualifiedName): Promise<History> {
  const [row] = await db.query<{ schema: string | null; oid: string | null; comment: string | null }>(
    `select coalesce(n.nspname, $1::text, current_schema()) as schema,
            c.oid::text as oid,
            pg_catalog.obj_description(c.oid, 'pg_class') as comment
     from (select pg_catalog.to_regclass($2) as oid) r
     left join pg_catalog.pg_class c on c.oid = r.oid
     left join pg_catalog.pg_namespace n on n.oid = c.relnamespace`,
    [name.schema ?? null, qualified(name)],
  )
  const schema = row?.schema ?? 'public'
  const table = { schema, name: name.name }
  const history: History = { sqlName: qualified(table), table, exists: row?.oid != null }
  if (history.exists) checkLayout(history, row?.comment ?? null)
  return history
}

function checkLayout(history: History, comment: string | null): void {
  const where = `${history.table.schema}.${history.table.name}`
  if (!comment?.startsWith(COMMENT_PREFIX)) {
    throw new TinymigrateError('HISTORY_FOREIGN', `Table ${where} exists but is not a tinymigrate history table.`, {
      next: 'Pick another name with --table, or rename that table. To switch from golang-migrate or dbmate, see tinymigrate adopt (or tinymigrate stamp for any other migrator).',
    })
  }
  const layout = Number(comment.slice(COMMENT_PREFIX.length))
  if (!(layout <= LAYOUT)) {
    throw new TinymigrateError('HISTORY_NEWER', `History table ${where} has layout ${layout}, newer than this tinymigrate understands (${LAYOUT}).`, {
      next: 'Upgrade tinymigrate to the version that last migrated this database.',
    })
  }
}

/** Create the table (and its schema) if missing. Called under the migration lock, so no two runners race here. */
export async function ensureHistory(db: Db, history: History): Promise<void> {
  if (history.exists) return
  const t = history.sqlName
  // Quiet: "already exists, skipping" notices about our own table would only confuse.
  await db.exec(`
    begin;
    set local client_min_messages = warning;
    create schema if not exists ${quoteIdent(history.table.schema)};
    create table if not exists ${t} (
      version     text        not null,
      name        text        not null,
      checksum    text        not null,
      down_sql    text,
      state       text        not null default 'applied' check (state in ('applied', 'failed')),
      applied_at  timestamptz not null default now(),
      duration_ms integer     not null default 0,
      applied_by  text        not null default current_user,
      note        text,
      constraint ${quoteIdent(history.table.name + '_version_digits')} check (version ~ '^[0-9]+$')
    );
    -- 001 and 1 are one version: uniqueness is on the number, not the text.
    create unique index if not exists ${quoteIdent(history.table.name + '_version')} on ${t} ((version::numeric));
    comment on table ${t} is '${COMMENT_PREFIX}${LAYOUT}';
    commit;
  `)
  history.exists = true
}

/**
 * All rows, as one JSON text: parsed natively in one call, where a row per migration costs the
 * driver a message and eight values to decode each (a third of a no-op run's own time on 500).
 * Sent only once `locateHistory` has found the table: sent behind that look in the same round
 * trip it failed while the table did not exist, and behind PgBouncer in transaction mode a
 * failed statement in a pipeline left the next one unanswered (the run hung).
 */
export async function readHistory(db: Db, history: History): Promise<HistoryRow[]> {
  if (!history.exists) return []
  const [row] = await db.query<{ rows: string }>(
    `select coalesce(json_agg(json_build_array(version, name, checksum, state,
              extract(epoch from applied_at) * 1000, duration_ms, applied_by, note) order by version::numeric), '[]')::text as rows
     from ${history.sqlName}`)
  const list = JSON.parse(row!.rows) as [string, string, string, 'applied' | 'failed', number, number, string, string | null][]
  return list.map(([version, name, checksum, state, at, durationMs, appliedBy, note]) => ({
    version, name, checksum, state, appliedAt: new Date(Math.floor(at)), durationMs, appliedBy, note,
  }))
}

/** The down text stored when a migration was applied, for rollbacks after its file is gone. */
export async function readStoredDown(db: Db, history: History, version: string): Promise<string | null> {
  const [row] = await db.query<{ down_sql: string | null }>(
    `select down_sql from ${history.sqlName} where version::numeric = $1::numeric`, [version])
  return row?.down_sql ?? null
}

export interface RecordInput {
  version: string
  name: string
  checksum: string
  downSql: string | null
}

/**
 * The history write that commits with its migration. Duration is measured by the server from the
 * start of the transaction, so the write can travel in the same round trip as the migration.
 */
export function recordApplied(history: History, m: RecordInput): Statement {
  return {
    text: `insert into ${history.sqlName} (version, name, checksum, down_sql, duration_ms)\n` +
      'values ($1, $2, $3, $4, (extract(epoch from clock_timestamp() - transaction_timestamp()) * 1000)::integer)',
    params: [m.version, m.name, m.checksum, m.downSql],
  }
}

export function removeRecord(history: History, version: string): Statement {
  return { text: `delete from ${history.sqlName} where version::numeric = $1::numeric`, params: [version] }
}

/** A no-transaction migration is recorded as failed before it starts, so a crash half-way is never mistaken for success. */
export function recordStarted(history: History, m: RecordInput, note: string): Statement {
  return {
    text: `insert into ${history.sqlName} (version, name, checksum, down_sql, state, note)\n` +
      "values ($1, $2, $3, $4, 'failed', $5)",
    params: [m.version, m.name, m.checksum, m.downSql, note],
  }
}

export function markFinished(history: History, version: string, durationMs: number): Statement {
  return {
    text: `update ${history.sqlName} set state = 'applied', note = null, duration_ms = $2, applied_at = now()\n` +
      'where version::numeric = $1::numeric',
    params: [version, Math.round(durationMs)],
  }
}

export function markFailed(history: History, version: string, note: string): Statement {
  return {
    text: `update ${history.sqlName} set state = 'failed', note = $2 where version::numeric = $1::numeric`,
    params: [version, note],
  }
}

export function updateChecksum(history: History, version: string, checksum: string, downSql: string | null): Statement {
  return {
    text: `update ${history.sqlName} set checksum = $2, down_sql = coalesce($3, down_sql) where version::numeric = $1::numeric`,
    params: [version, checksum, downSql],
  }
}

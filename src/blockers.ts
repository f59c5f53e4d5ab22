import type { Db } from './db.js'

/** What a migration was waiting for when PostgreSQL's lock_timeout stopped it. */
export interface Blocked {
  relation: string | null
  mode: string
  holders: { pid: number; application: string; state: string; since: Date | null; query: string }[]
}

export interface LockWatch {
  /** Stop watching; the last thing seen blocking the migration, if anything was. */
  stop(): Blocked | undefined
}

/** What a long statement is doing, as PostgreSQL reports it (its progress views and its waits). */
export interface Activity {
  /** How long the statement has run. */
  elapsedMs: number
  /** The command and phase when a progress view has one: "CREATE INDEX CONCURRENTLY: building index: scanning table". */
  phase: string | null
  relation: string | null
  done: number | null
  total: number | null
  /** What `done` and `total` count: blocks, tuples, rows, bytes, transactions. */
  unit: string | null
  /** Set while it waits for a lock another session holds. */
  blocked: Blocked | undefined
  /** The start of the statement, on one line. */
  statement: string
}

/** A migration that runs this long says what it does, and then again at this interval. */
const PROGRESS_AFTER_MS = 2000

/**
 * Watches, from a second connection, what the migration's session waits for. The server's
 * "canceling statement due to lock timeout" does not say which table or whom it waited for,
 * and once the statement is cancelled the wait is gone, so it is sampled while it happens.
 * A statement that runs for seconds is also reported as it goes (`onActivity`): what the
 * progress views say, or what it waits for. The side connection is opened only for migrations
 * that run longer than a second.
 */
export class BlockerWatcher {
  private side: Promise<Db> | undefined
  constructor(private readonly open: () => Promise<Db>, private readonly pid: number) {}

  /** `lockTimeoutMs`: the first sample comes well before the timeout can fire (0: no lock samples). */
  start(lockTimeoutMs: number, onActivity?: (a: Activity) => void): LockWatch {
    let last: Blocked | undefined
    let stopped = false
    const timers: NodeJS.Timeout[] = []
    const connection = () => (this.side ??= this.open())
    const sample = async () => {
      if (stopped) return
      try {
        const seen = await blockedBy(await connection(), this.pid)
        if (seen) last = seen
      } catch {
        // Watching is a courtesy for the error message: never let it fail the migration.
      }
      if (!stopped) timers[0] = setTimeout(sample, 250)
    }
    const report = async () => {
      if (stopped) return
      try {
        const a = await activityOf(await connection(), this.pid)
        if (a && !stopped) onActivity!(a)
      } catch {
        // The same courtesy.
      }
      if (!stopped) timers[1] = setTimeout(report, PROGRESS_AFTER_MS)
    }
    if (lockTimeoutMs > 0) timers[0] = setTimeout(sample, Math.min(1000, lockTimeoutMs / 2))
    if (onActivity) timers[1] = setTimeout(report, PROGRESS_AFTER_MS)
    return {
      stop() {
        stopped = true
        for (const t of timers) clearTimeout(t)
        return last
      },
    }
  }

  async close(): Promise<void> {
    if (this.side) await (await this.side.catch(() => undefined))?.close().catch(() => {})
  }
}

/**
 * The running statement's progress: CREATE INDEX (also CONCURRENTLY and REINDEX), CLUSTER and
 * VACUUM FULL, and COPY report theirs; anything else reports only how long it has run, and
 * whom it waits for when it waits for a lock.
 */
async function activityOf(db: Db, pid: number): Promise<Activity | undefined> {
  const [row] = await db.query<{
    elapsed: number | null; waiting: boolean; query: string; command: string | null; phase: string | null; relation: string | null
    done: string | null; total: string | null; unit: string | null
  }>(
    `select extract(epoch from clock_timestamp() - a.query_start) * 1000 as elapsed,
            a.wait_event_type = 'Lock' as waiting,
            left(coalesce(a.query, ''), 200) as query,
            coalesce(ci.command, cl.command, cp.command) as command,
            coalesce(ci.phase, cl.phase, cp.type) as phase,
            coalesce(ci.relid, cl.relid, cp.relid)::regclass::text as relation,
            case when ci.phase like 'waiting for%' then ci.lockers_done
                 when ci.blocks_total > 0 then ci.blocks_done when ci.tuples_total > 0 then ci.tuples_done
                 when cl.heap_blks_total > 0 then cl.heap_blks_scanned when cl.pid is not null then cl.heap_tuples_written
                 when cp.bytes_total > 0 then cp.bytes_processed else cp.tuples_processed end as done,
            case when ci.phase like 'waiting for%' then ci.lockers_total
                 when ci.blocks_total > 0 then ci.blocks_total when ci.tuples_total > 0 then ci.tuples_total
                 when cl.heap_blks_total > 0 then cl.heap_blks_total
                 when cp.bytes_total > 0 then cp.bytes_total end as total,
            case when ci.phase like 'waiting for%' then 'transactions'
                 when ci.blocks_total > 0 then 'blocks' when ci.tuples_total > 0 then 'tuples'
                 when cl.heap_blks_total > 0 then 'blocks' when cl.pid is not null then 'rows written'
                 when cp.bytes_total > 0 then 'bytes' when cp.pid is not null then 'rows' end as unit
     from pg_catalog.pg_stat_activity a
     left join pg_catalog.pg_stat_progress_create_index ci on ci.pid = a.pid
     left join pg_catalog.pg_stat_progress_cluster cl on cl.pid = a.pid
     left join pg_catalog.pg_stat_progress_copy cp on cp.pid = a.pid
     where a.pid = $1 and a.state = 'active'`,
    [pid],
  )
  if (!row) return undefined
  const number = (v: string | null) => (v === null ? null : Number(v))
  return {
    elapsedMs: Math.round(Number(row.elapsed ?? 0)),
    phase: row.command ? `${row.command}${row.phase && row.phase !== 'initializing' ? `: ${row.phase}` : ''}` : null,
    relation: row.relation,
    done: number(row.done),
    total: number(row.total),
    unit: row.unit,
    blocked: row.waiting ? await blockedBy(db, pid) : undefined,
    statement: row.query.replace(/\s+/g, ' ').trim().slice(0, 60),
  }
}

/**
 * An activity as one line: "CREATE INDEX CONCURRENTLY on public.orders: building index: scanning
 * table, 45% (2,345 of 5,210 blocks)", "running update orders set …", then whom it waits for.
 */
export function describeActivity(a: Activity): string {
  const count = (n: number) => n.toLocaleString('en-US')
  const amount = a.done === null || !a.unit ? ''
    : a.total ? `${Math.floor((a.done / a.total) * 100)}% (${count(a.done)} of ${count(a.total)} ${a.unit})` : `${count(a.done)} ${a.unit}`
  const what = a.phase ? a.phase.replace(/^([^:]+)/, `$1${a.relation ? ` on ${a.relation}` : ''}`) : `running ${a.statement || 'a statement'}`
  const head = amount ? `${what}, ${amount}` : what
  return a.blocked ? `${head}; ${waitingFor(a.blocked)}` : head
}

/** "waiting for AccessExclusiveLock on t, held by process 12 (psql, idle in transaction, …)". */
function waitingFor(b: Blocked): string {
  const who = holdersOf(b)
  return b.relation ? `waiting for ${b.mode} on ${b.relation}, held by ${who}` : `waiting for the transaction of ${who} to end`
}

function holdersOf(b: Blocked): string {
  return b.holders.map((h) => `process ${h.pid} (${h.application || 'no application name'}, ${h.state}${h.since ? `, transaction open since ${h.since.toISOString()}` : ''}${h.query ? `: ${h.query.replace(/\s+/g, ' ').slice(0, 80)}` : ''})`).join(' and ') || 'another session'
}

async function blockedBy(db: Db, pid: number): Promise<Blocked | undefined> {
  const [wait] = await db.query<{ relation: string | null; mode: string; blockers: number[] }>(
    `select l.relation::regclass::text as relation, l.mode, pg_catalog.pg_blocking_pids($1) as blockers
     from pg_catalog.pg_locks l
     where l.pid = $1 and not l.granted
     limit 1`,
    [pid],
  )
  if (!wait || wait.blockers.length === 0) return undefined
  const holders = await db.query<{ pid: number; application: string; state: string; since: Date | null; query: string }>(
    `select pid, coalesce(application_name, '') as application, coalesce(state, '') as state,
            xact_start as since, left(coalesce(query, ''), 200) as query
     from pg_catalog.pg_stat_activity
     where pid = any($1::int[])
     order by pid`,
    [wait.blockers],
  )
  return { relation: wait.relation, mode: wait.mode, holders }
}

export function describeBlocked(b: Blocked): string {
  const what = b.relation ? `${b.mode} on ${b.relation}` : b.mode
  return `It waited for ${what}, held by ${holdersOf(b)}.`
}

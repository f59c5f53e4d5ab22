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

/**
 * Watches, from a second connection, what the migration's session waits for. The server's
 * "canceling statement due to lock timeout" does not say which table or whom it waited for,
 * and once the statement is cancelled the wait is gone, so it is sampled while it happens.
 * The side connection is opened only for migrations that run longer than a second.
 */
export class BlockerWatcher {
  private side: Promise<Db> | undefined

  constructor(private readonly open: () => Promise<Db>, private readonly pid: number) {}

  /** `lockTimeoutMs`: the first sample comes well before the timeout can fire. */
  start(lockTimeoutMs: number): LockWatch {
    let last: Blocked | undefined
    let stopped = false
    let timer: NodeJS.Timeout | undefined
    const sample = async () => {
      if (stopped) return
      try {
        this.side ??= this.open()
        const seen = await blockedBy(await this.side, this.pid)
        if (seen) last = seen
      } catch {
        // Watching is a courtesy for the error message: never let it fail the migration.
      }
      if (!stopped) timer = setTimeout(sample, 250)
    }
    timer = setTimeout(sample, Math.min(1000, lockTimeoutMs / 2))
    return {
      stop() {
        stopped = true
        clearTimeout(timer)
        return last
      },
    }
  }

  async close(): Promise<void> {
    if (this.side) await (await this.side.catch(() => undefined))?.close().catch(() => {})
  }
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
  const who = b.holders.map((h) => `process ${h.pid} (${h.application || 'no application name'}, ${h.state}${h.since ? `, transaction open since ${h.since.toISOString()}` : ''}${h.query ? `: ${h.query.replace(/\s+/g, ' ').slice(0, 80)}` : ''})`)
  return `It waited for ${what}, held by ${who.join(' and ') || 'another session'}.`
}

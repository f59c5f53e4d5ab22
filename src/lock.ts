import { createHash, randomBytes } from 'node:crypto'
import type { Db } from './db.js'
import { TinymigrateError } from './errors.js'
import { quoteIdent } from './ident.js'
import { sleep, throwIfAborted } from './sleep.js'

export interface LockHolder {
  pid: number
  application: string
  user: string
  client: string | null
  since: Date | null
}

export interface Lock {
  key: bigint
  /**
   * A cheap statement that fails the transaction it runs in when the lock may be gone: sent
   * with every migration, in the same round trip.
   */
  guard: string
  /** A thorough check, run on its own before a migration that runs outside a transaction. */
  verify: string
  /** Held by the session itself (an advisory lock): the session staying the same keeps it. */
  session: boolean
  /**
   * `sessionGone`: the connection was lost, so nothing is sent on it (a query on a session that
   * is gone may never be answered). An advisory lock ended with its session; a lease stops its
   * heartbeat and expires.
   */
  release(options?: { sessionGone?: boolean }): Promise<void>
}

/**
 * The key comes from the schema-qualified history table, so two projects in one database, or
 * two history tables, never block each other.
 */
export function lockKey(schema: string, table: string): bigint {
  const digest = createHash('sha256').update(`tinymigrate\0${schema}\0${table}`).digest()
  return digest.readBigInt64BE(0)
}

function halves(key: bigint): [string, string] {
  const unsigned = BigInt.asUintN(64, key)
  return [(unsigned >> 32n).toString(), (unsigned & 0xffffffffn).toString()]
}

export interface AcquireOptions {
  /** Seconds to wait for another runner before giving up. */
  timeout: number
  signal?: AbortSignal
  onWait?: (holder: LockHolder | undefined) => void
}

/**
 * Poll with pg_try_advisory_lock between short sleeps. A blocking pg_advisory_lock would be an
 * open statement with a snapshot, and a CREATE INDEX CONCURRENTLY in the holder waits for every
 * such snapshot to end: the two runners would wait on each other forever.
 */
export async function acquireLock(db: Db, key: bigint, options: AcquireOptions): Promise<Lock> {
  const deadline = Date.now() + options.timeout * 1000
  let delay = 50
  let announced = false
  for (;;) {
    const [row] = await db.query<{ ok: boolean }>('select pg_catalog.pg_try_advisory_lock($1::bigint) as ok', [key.toString()])
    if (row?.ok) return lockHandle(db, key)
    const holder = await lockHolder(db, key)
    if (!announced) {
      options.onWait?.(holder)
      announced = true
    }
    if (Date.now() >= deadline) {
      const who = holder ? ` (held by process ${holder.pid}, ${holder.application || 'no application name'}, user ${holder.user}${holder.client ? ' from ' + holder.client : ''})` : ''
      throw new TinymigrateError('LOCK_TIMEOUT', `Another runner still holds the migration lock after ${options.timeout}s${who}.`, {
        next: holder
          ? `Wait for it to finish and try again, or raise --lock-timeout. If that process is stuck, end it with: select pg_terminate_backend(${holder.pid})`
          : 'Try again, or raise --lock-timeout.',
      })
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), options.signal)
    throwIfAborted(options.signal, 'waiting for the migration lock')
    delay = Math.min(delay * 2, 500)
  }
}

export async function lockHolder(db: Db, key: bigint): Promise<LockHolder | undefined> {
  const [hi, lo] = halves(key)
  // A bigint advisory key is stored as classid = high half, objid = low half, objsubid = 1.
  const [row] = await db.query<{ pid: number; application: string; user: string; client: string | null; since: Date | null }>(
    `select l.pid, coalesce(a.application_name, '') as application, coalesce(a.usename::text, '') as user,
            host(a.client_addr) as client, a.backend_start as since
     from pg_catalog.pg_locks l
     left join pg_catalog.pg_stat_activity a on a.pid = l.pid
     where l.locktype = 'advisory'
       and l.classid = $1::oid and l.objid = $2::oid and l.objsubid = 1
       and l.granted
       -- advisory locks are per database: the same key elsewhere is another project's
       and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
     limit 1`,
    [hi, lo],
  )
  return row ?? undefined
}

function lockHandle(db: Db, key: bigint): Lock {
  const [hi, lo] = halves(key)
  // The numbers are ours (the session's pid, halves of a hash), never user text.
  // The guard is what runs with every migration: a session lock can only be lost with its
  // session, and a reconnect shows as another backend pid. (Checking pg_locks there costs more
  // server time than a small migration itself.)
  const guard = `do $tinymigrate$ begin
  if pg_catalog.pg_backend_pid() <> ${db.pid} then
    raise exception 'tinymigrate: this session no longer holds the migration lock';
  end if;
end $tinymigrate$;`
  // The thorough form looks the lock up: before a migration that runs outside a transaction,
  // whose statements (or the previous one's) could have released it.
  const verify = `do $tinymigrate$ begin
  if not exists (select from pg_catalog.pg_locks
                 where locktype = 'advisory' and pid = pg_catalog.pg_backend_pid()
                   and classid = ${hi} and objid = ${lo} and objsubid = 1 and granted) then
    raise exception 'tinymigrate: this session no longer holds the migration lock';
  end if;
end $tinymigrate$;`
  return {
    key,
    guard,
    verify,
    session: true,
    async release(options) {
      if (options?.sessionGone) return
      // After a reconnect this is another session, which holds nothing: unlocking there would
      // only draw a "you don't own a lock" warning. The lost session's lock went with it.
      // Unlock only what this session holds: a migration may have released it already.
      await db.query(
        `select pg_catalog.pg_advisory_unlock($1::bigint)
         from pg_catalog.pg_locks
         where locktype = 'advisory' and pid = pg_catalog.pg_backend_pid() and pid = $2
           and classid = ${hi} and objid = ${lo} and objsubid = 1 and granted`,
        [key.toString(), db.pid])
    },
  }
}

export function isLockLost(error: unknown): boolean {
  return error instanceof Error && error.message.includes('no longer holds the migration lock')
}

/**
 * Lease mode, for transaction-mode poolers (PgBouncer) and engines without advisory locks: a row
 * in `<history>_lock` names the holder and an expiry; a heartbeat on a second connection extends
 * it while the run goes on, and a runner that dies loses it when it expires.
 */
export interface LeaseOptions extends AcquireOptions {
  /** Seconds a lease lives without a heartbeat. */
  ttl: number
  /** A second connection for the heartbeat: the first may be busy with a long migration. */
  openSide: () => Promise<Db>
}

export function leaseTable(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table + '_lock')}`
}

export async function acquireLease(db: Db, schema: string, table: string, options: LeaseOptions): Promise<Lock> {
  const t = leaseTable(schema, table)
  await createLeaseTable(db, schema, t)
  const token = randomBytes(12).toString('hex')
  const deadline = Date.now() + options.timeout * 1000
  let delay = 50
  let announced = false
  for (;;) {
    // Takes the row when it is free or expired; never waits on another runner.
    const won = await db.query<{ holder: string }>(
      `insert into ${t} as l (id, holder, pid, acquired_at, expires_at)
       values (1, $1, pg_catalog.pg_backend_pid(), now(), now() + $2 * interval '1 second')
       on conflict (id) do update
         set holder = excluded.holder, pid = excluded.pid, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
         where l.expires_at < now()
       returning holder`,
      [token, options.ttl],
    )
    if (won.length > 0) break
    const [row] = await db.query<{ pid: number; acquired_at: Date; expires_at: Date }>(`select pid, acquired_at, expires_at from ${t} where id = 1`)
    const holder: LockHolder | undefined = row ? { pid: row.pid, application: 'tinymigrate (lease)', user: '', client: null, since: row.acquired_at } : undefined
    if (!announced) {
      options.onWait?.(holder)
      announced = true
    }
    if (Date.now() >= deadline) {
      throw new TinymigrateError('LOCK_TIMEOUT', `Another runner still holds the migration lease after ${options.timeout}s${row ? ` (taken at ${row.acquired_at.toISOString()}, expires at ${row.expires_at.toISOString()} unless renewed)` : ''}.`, {
        next: 'Wait for it to finish and try again, or raise --lock-timeout. A runner that died releases the lease when it expires.',
      })
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), options.signal)
    throwIfAborted(options.signal, 'waiting for the migration lock')
    delay = Math.min(delay * 2, 500)
  }
  let side: Db | undefined
  let lost = false
  const beat = setInterval(() => {
    void (async () => {
      try {
        side ??= await options.openSide()
        const renewed = await side.query(`update ${t} set expires_at = now() + $2 * interval '1 second' where id = 1 and holder = $1 returning 1`, [token, options.ttl])
        if (renewed.length === 0) lost = true
      } catch {
        // A missed beat is not fatal: the guard in each migration decides.
      }
    })()
  }, Math.max(1000, (options.ttl * 1000) / 3))
  beat.unref()
  // The token is ours (random hex), never user text.
  const guard = `do $tinymigrate$ begin
  if not exists (select from ${t} where id = 1 and holder = '${token}' and expires_at > clock_timestamp()) then
    raise exception 'tinymigrate: this session no longer holds the migration lock';
  end if;
end $tinymigrate$;`
  return {
    key: 0n,
    guard,
    verify: guard,
    session: false,
    async release(options) {
      clearInterval(beat)
      await side?.close().catch(() => {})
      if (!lost && !options?.sessionGone) await db.query(`delete from ${t} where id = 1 and holder = $1`, [token])
    },
  }
}

async function createLeaseTable(db: Db, schema: string, t: string): Promise<void> {
  const ddl = `begin;
    set local client_min_messages = warning;
    create schema if not exists ${quoteIdent(schema)};
    create table if not exists ${t} (
      id          integer     primary key check (id = 1),
      holder      text        not null,
      pid         integer,
      acquired_at timestamptz not null,
      expires_at  timestamptz not null
    );
    commit;`
  try {
    await db.exec(ddl)
  } catch (error) {
    // Two runners creating it at the same moment: one wins, the other finds it there.
    if (!['23505', '42P07', '42710'].includes((error as { code?: string }).code ?? '')) throw error
    await db.exec('rollback').catch(() => {})
  }
}

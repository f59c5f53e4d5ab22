import postgres from 'postgres'
import { TinymigrateError } from './errors.js'
import { PartError, type Db, type FailedPart, type OpenOptions } from './driver.js'
import { errorCode, isConnectionGone } from './classify.js'
import { inline } from './ident.js'
import { redactUrl, rememberSecret } from './redact.js'
import { sleep, throwIfAborted } from './sleep.js'

// The Db interface and PartError live in driver.ts, which the embedded adapter imports too;
// the modules that open a Db keep importing them from here.
export { PartError, type Db, type FailedPart, type Notice, type OpenOptions, type Statement, type Transaction } from './driver.js'

// Errors that mean "not up yet" rather than "wrong": worth retrying under --wait.
const TRANSIENT = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '53300', // too_many_connections
])

export function validateUrl(url: string): URL {
  // Remember the password before anything can fail, so no message can print it.
  const raw = /^[a-z][a-z0-9+.-]*:\/\/([^\s:/@]*):(.*)@/i.exec(url)
  if (raw) rememberSecret(raw[2], raw[1])
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new TinymigrateError('BAD_URL', `The database URL is not a valid URL: ${redactUrl(url)}`, {
      next: 'Use the form postgres://user@host:5432/database (a password goes after the user name, percent-encoded).',
    })
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new TinymigrateError('BAD_URL', `Unsupported database URL scheme "${u.protocol}" in ${redactUrl(url)}`, {
      next: 'Use a postgres:// or postgresql:// URL.',
    })
  }
  rememberSecret(u.password, u.username)
  return u
}

export async function openDb(options: OpenOptions & { extensions?: string[]; exclusiveTimeout?: number; onWait?: (owner: number | undefined) => void; onCreate?: (path: string) => void }): Promise<Db> {
  if (options.sql) return reserved(options.sql, options)
  if (options.pglite || options.url?.startsWith('pglite:')) {
    // Loaded only on this path: `up` against a server never imports the embedded engine.
    const [{ openPglite }, { seedDataDirectory }] = await Promise.all([import('./embedded/adapter.js'), import('./embedded/snapshot.js')])
    return openPglite({ ...options, seed: seedDataDirectory })
  }
  if (!options.url) throw new TinymigrateError('NO_DATABASE_URL', 'No database URL was given.', { next: 'Pass --url or set DATABASE_URL.' })
  validateUrl(options.url)
  const deadline = Date.now() + Math.max(0, options.wait ?? 0) * 1000
  const closed = new Set<() => void>()
  for (let attempt = 1; ; attempt++) {
    let sql: postgres.Sql | undefined
    try {
      sql = postgres(options.url, {
        max: 1,
        prepare: false, // no named statements: they do not survive poolers or a migration's DISCARD ALL
        fetch_types: false, // one round trip less at start-up; no custom array types are read
        connect_timeout: 10,
        idle_timeout: 0,
        max_lifetime: null,
        connection: { application_name: 'tinymigrate' },
        onnotice: (n) => options.onNotice?.({ severity: String(n.severity ?? 'NOTICE'), message: String(n.message ?? '') }),
        // The session is gone: pipelined queries the driver still held will never be answered.
        onclose: () => { for (const f of closed) f() },
      })
      const [row] = await sql.unsafe('select pg_catalog.pg_backend_pid() as pid')
      const open = sql
      // Nothing is in flight at close: no need to wait for the server process to exit.
      return wrap(open, Number(row!.pid), () => open.end({ timeout: 0 }), closed)
    } catch (error) {
      await sql?.end({ timeout: 0 }).catch(() => {})
      if (error instanceof URIError) {
        throw new TinymigrateError('BAD_URL', `The database URL has a malformed %-escape: ${redactUrl(options.url)}`, {
          next: 'Percent-encode special characters in the user name and password (% as %25, @ as %40).',
        })
      }
      const code = errorCode(error)
      const delay = Math.min(250 * 2 ** (attempt - 1), 2000)
      const left = deadline - Date.now()
      if (TRANSIENT.has(code) && left > 0) {
        // The last try comes at the deadline itself: --wait 1 waits a whole second.
        options.onRetry?.(attempt, describeConnectError(error), Math.min(delay, left))
        await sleep(Math.min(delay, left), options.signal)
        throwIfAborted(options.signal, 'waiting for the database')
        continue
      }
      throw connectError(options.url, error, options.wait ?? 0)
    }
  }
}

async function reserved(pool: postgres.Sql, options: OpenOptions): Promise<Db> {
  let conn: postgres.ReservedSql
  let pid: number
  try {
    conn = await pool.reserve()
    const [row] = await conn.unsafe('select pg_catalog.pg_backend_pid() as pid')
    pid = Number(row!.pid)
  } catch (error) {
    throw connectError('the given connection', error, options.wait ?? 0)
  }
  return wrap(conn, pid, async () => conn.release())
}

function wrap(sql: postgres.Sql | postgres.ReservedSql, pid: number, end: () => Promise<void>, closed = new Set<() => void>()): Db {
  // Queries on the wire, so Ctrl-C can cancel the one the server is running.
  type Pending = { cancel(): unknown; finally(f: () => void): Promise<unknown> }
  const inflight = new Set<Pending>()
  const track = <T extends Pending>(q: T): T => {
    inflight.add(q)
    q.finally(() => inflight.delete(q)).catch(() => {})
    return q
  }
  /**
   * Waits for every pipelined reply. When the connection is lost the driver rejects only what it
   * had sent: what it still queued never settles, so waiting stops at the first reply that failed
   * for that reason, and the ones that never came count as lost.
   */
  const settle = async (replies: Promise<unknown>[]): Promise<PromiseSettledResult<unknown>[]> => {
    let lost: (() => void) | undefined
    const gone = new Promise<void>((resolve) => { lost = resolve })
    for (const r of replies) r.catch((error: unknown) => { if (isConnectionGone(error)) lost!() })
    closed.add(lost!)
    const settled = await Promise.race([Promise.allSettled(replies), gone.then(() => undefined)])
      .finally(() => closed.delete(lost!))
    if (settled) return settled
    return Promise.all(replies.map((r) => Promise.race([
      r.then((value) => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason })),
      // A macrotask later every reply that did settle has said so; the rest never will.
      new Promise<PromiseRejectedResult>((resolve) => setTimeout(() => resolve({ status: 'rejected', reason: Object.assign(new Error('the connection was lost'), { code: 'CONNECTION_CLOSED' }) }), 0)),
    ])))
  }
  return {
    engine: 'postgres',
    pid,
    async query<T>(text: string, params: unknown[] = []) {
      return (await track(sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]))) as unknown as T[]
    },
    async exec(text: string) {
      await track(sql.unsafe(text))
    },
    async transaction(prefix, script, after) {
      await this.transactions([{ prefix, script, after }])
    },
    async transactions(list, onCommitted) {
      // Pipelined: every part is written before the first reply is read. If a part fails, the
      // server refuses the rest of its block and turns its COMMIT into a ROLLBACK; the next
      // transaction's prefix then fails too (its predecessor's history row is missing), and so
      // on, so nothing after a failure can take effect. Each statement of a script is a message
      // of its own, so a failure names its statement even when the server sends no position.
      const parts: { at: number; part: FailedPart; index: number; reply: Promise<unknown> }[] = []
      list.forEach((tx, at) => {
        parts.push({ at, part: 'prefix', index: -1, reply: track(sql.unsafe('begin;' + tx.prefix)) })
        tx.script.forEach((text, index) => parts.push({ at, part: 'script', index, reply: track(sql.unsafe(text)) }))
        for (const st of tx.after) parts.push({ at, part: 'after', index: -1, reply: track(sql.unsafe(inline(st.text, st.params))) })
        const commit = track(sql.unsafe('commit'))
        // Registered before the wait below, so it runs as soon as this COMMIT is answered.
        commit.then((r) => { if ((r as { command?: string }).command === 'COMMIT') onCommitted?.(at) }, () => {})
        parts.push({ at, part: 'commit', index: -1, reply: commit })
      })
      const settled = await settle(parts.map((x) => x.reply))
      for (const [k, x] of parts.entries()) {
        const result = settled[k]!
        // A COMMIT answered with ROLLBACK means the block was aborted without an error reaching
        // us: never report that as applied.
        const cause = result.status === 'rejected'
          ? result.reason
          : x.part === 'commit' && (result.value as { command?: string }).command === 'ROLLBACK'
            ? Object.assign(new Error('the transaction was rolled back at COMMIT'), { code: '40000' })
            : undefined
        if (cause === undefined) continue
        // Nothing to clean up: the server answered the COMMIT with ROLLBACK, or the session is gone.
        const error = new PartError(x.part, cause)
        error.index = x.index
        error.at = x.at
        throw error
      }
    },
    async execEach(texts) {
      // In batches, so that little runs after a failure; each batch fits the driver's pipeline.
      for (let from = 0; from < texts.length; from += 100) {
        const settled = await settle(texts.slice(from, from + 100).map((text) => track(sql.unsafe(text))))
        const k = settled.findIndex((r) => r.status === 'rejected')
        if (k < 0) continue
        const error = new PartError('script', (settled[k] as PromiseRejectedResult).reason)
        error.index = from + k
        throw error
      }
    },
    async cancel() {
      // Only the statement the server is running: its failure aborts the transaction, and the
      // statements pipelined behind it fail with it. (Cancelling a query that is sent but not
      // yet running would make the driver drop it from its queue and never settle it.)
      const [first] = inflight
      if (first && (first as { active?: boolean }).active) await first.cancel()
    },
    close: end,
  }
}

function describeConnectError(error: unknown): string {
  const code = errorCode(error)
  const message = error instanceof Error ? error.message : String(error)
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused (is the server running and listening on that port?)'
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return 'host name not found'
    case 'CONNECT_TIMEOUT': return 'no answer within 10 s'
    case '57P03': return 'the server is starting up'
    default: return message
  }
}

function connectError(url: string, error: unknown, wait: number): TinymigrateError {
  if (error instanceof TinymigrateError) return error
  const where = url.includes('://') ? redactUrl(url) : url
  const why = describeConnectError(error)
  const code = errorCode(error)
  let next = 'Check that the server is running and that the URL is right.'
  if (code === '28P01' || code === '28000') next = 'Check the user name and password in the URL.'
  else if (code === '3D000') next = 'Create the database first (createdb), or fix its name in the URL.'
  else if (TRANSIENT.has(code)) next = wait > 0 ? `The server did not accept connections within --wait ${wait}s; check that it is starting.` : 'If the server is still starting (containers), add --wait 30.'
  return new TinymigrateError('CONNECT_FAILED', `Cannot connect to ${where}: ${why}`, { next, sqlState: /^[0-9A-Z]{5}$/.test(code) ? code : undefined })
}

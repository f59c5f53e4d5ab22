// A real PgBouncer in front of the test cluster, for the lease lock mode and for --wait. Each call
// starts its own pgbouncer on a free port (or a given one) with trust authentication, and stops it
// in t.after. If pgbouncer is not installed the test fails and says so: a skipped test is not a
// passing test.
import { spawn, type ChildProcess } from 'node:child_process'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { freePort, isExecutable } from './cluster.js'
import type { HookScope } from './helpers.js'

export interface PgbouncerOptions {
  /** The database to forward to; its host and port name the server, its path the database in `url`. */
  targetUrl?: string
  /** Or the server by host and port (default 127.0.0.1 and the port of `targetUrl`). */
  host?: string
  port?: number
  /** The database name in the returned `url` when there is no `targetUrl` (default postgres). */
  database?: string
  poolMode: 'transaction' | 'session'
  /** Listen on this port instead of a free one (the --wait test starts it where a client already knocks). */
  listenPort?: number
  /** Server connections per database and user (default 20). */
  poolSize?: number
}

export interface Pgbouncer {
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url: string
  port: number
  /** What pgbouncer wrote to stdout and stderr so far (the last 20 kB). */
  log(): string
  stop(): Promise<void>
}

export const missingPgbouncer =
  'pgbouncer is not installed: install the Debian package pgbouncer (apt-get install pgbouncer); these tests need a real PgBouncer'

const asRoot = process.getuid?.() === 0
const READY_WITHIN_MS = 10_000

/** /usr/sbin is not on every PATH (Debian installs pgbouncer there). */
export { freePort }

export function findPgbouncer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin']
  return dirs.filter(Boolean).map((d) => path.join(d, 'pgbouncer')).find(isExecutable)
}


function ini(o: { dir: string; listenPort: number; host: string; port: number; poolMode: string; poolSize: number }): string {
  return [
    '[databases]',
    // any database name the client asks for, on the test cluster
    `* = host=${o.host} port=${o.port}`,
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${o.listenPort}`,
    // no unix socket: nothing to clean up, and no clash between two pgbouncers
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${path.join(o.dir, 'users.txt')}`,
    `pool_mode = ${o.poolMode}`,
    'max_client_conn = 200',
    `default_pool_size = ${o.poolSize}`,
    // postgres.js sends user, database, client_encoding and application_name at start-up: 1.18
    // tracks the last two itself; psql and others may send extra_float_digits.
    'ignore_startup_parameters = extra_float_digits',
    // the default is 15 s: one refused login would stall a test that long
    'server_login_retry = 1',
    'logfile =',
    'pidfile =',
    '',
  ].join('\n')
}

function target(options: PgbouncerOptions): { host: string; port: number; database: string } {
  if (options.targetUrl) {
    const u = new URL(options.targetUrl)
    return {
      host: options.host ?? (u.hostname || '127.0.0.1'),
      port: options.port ?? Number(u.port || 5432),
      database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
    }
  }
  if (options.port === undefined) throw new Error('startPgbouncer: give targetUrl, or host and port')
  return { host: options.host ?? '127.0.0.1', port: options.port, database: options.database ?? 'postgres' }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    child.once('exit', () => { clearTimeout(timer); resolve(true) })
  })
}

/** Poll with a real query: a listening socket is not yet a pooler that reaches the server. */
async function ready(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS
  let last = ''
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`pgbouncer exited (${child.exitCode ?? child.signalCode}) before accepting connections:\n${log()}`)
    const sql = postgres(url, { max: 1, connect_timeout: 2, idle_timeout: 1, onnotice: () => {} })
    try {
      await sql`select 1 as one`
      return
    } catch (error) {
      last = error instanceof Error ? error.message : String(error)
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {})
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`pgbouncer did not accept connections within ${READY_WITHIN_MS} ms (last error: ${last}):\n${log()}`)
}

/** Start a PgBouncer in front of the cluster; it is stopped in t.after. */
export async function startPgbouncer(t: HookScope, options: PgbouncerOptions): Promise<Pgbouncer> {
  const binary = findPgbouncer()
  if (!binary) throw new Error(missingPgbouncer)
  const to = target(options)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tm-pgbouncer-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  // As root, pgbouncer refuses to run unless told to switch to another user; that user must read
  // the files.
  await chmod(dir, 0o755)
  await writeFile(path.join(dir, 'users.txt'), '"postgres" ""\n', { mode: 0o644 })

  // A probed free port can be taken before pgbouncer binds it: try again on another.
  for (let attempt = 1; ; attempt++) {
    const listenPort = options.listenPort ?? await freePort()
    const config = path.join(dir, 'pgbouncer.ini')
    await writeFile(config, ini({ dir, listenPort, host: to.host, port: to.port, poolMode: options.poolMode, poolSize: options.poolSize ?? 20 }), { mode: 0o644 })
    const child = spawn(binary, [...(asRoot ? ['-u', 'postgres'] : []), config], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const keep = (d: Buffer) => { output = (output + d.toString()).slice(-20_000) }
    child.stdout!.on('data', keep)
    child.stderr!.on('data', keep)
    child.on('error', (err) => { output += `\n${err.message}` })
    const log = () => output
    const stop = async () => {
      if (exited(child)) return
      // SIGTERM: immediate shutdown; SIGKILL if it does not go
      child.kill('SIGTERM')
      if (!(await waitForExit(child, 3000))) {
        child.kill('SIGKILL')
        await waitForExit(child, 3000)
      }
    }
    t.after(stop)
    const url = `postgres://postgres@127.0.0.1:${listenPort}/${encodeURIComponent(to.database)}`
    try {
      await ready(url, child, log)
      return { url, port: listenPort, log, stop }
    } catch (error) {
      await stop()
      if (options.listenPort === undefined && attempt < 3 && /in use/i.test(output)) continue
      throw error
    }
  }
}

// A real PgBouncer in front of the test cluster, for the lease lock mode and for --wait. Each call
// starts its own pgbouncer on a free port (or a given one) with trust authentication, and stops it
// in t.after. The launcher makes sure there is one before any test runs (`obtainPgbouncer`: the
// machine's, else apt-get install as root, else the Debian package fetched without root into
// node_modules/.cache) and names it in TINYMIGRATE_TEST_PGBOUNCER; if there is none the run stops
// and says how to install it: a skipped test is not a passing test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { freePort, isExecutable, which } from './cluster.js'
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

/** The command that installs it, for messages. */
export const installPgbouncer = 'sudo apt-get install pgbouncer'

export const missingPgbouncer =
  `pgbouncer not found: run the tests with npm test (its launcher finds pgbouncer or fetches it), or install it: ${installPgbouncer}`

// Set by the launcher: the pgbouncer to run, and the folders of shared libraries it needs that the
// machine does not have (a Debian package fetched without root).
export const pgbouncerEnv = 'TINYMIGRATE_TEST_PGBOUNCER'
export const pgbouncerLibrariesEnv = 'TINYMIGRATE_TEST_PGBOUNCER_LIBRARY_PATH'

const asRoot = process.getuid?.() === 0
const READY_WITHIN_MS = 10_000

export { freePort }

/** The launcher's choice, else PATH, else where Debian installs it (/usr/sbin is not on every PATH). */
export function findPgbouncer(): string | undefined {
  const given = process.env[pgbouncerEnv]
  if (given) return isExecutable(given) ? given : undefined
  return which('pgbouncer', ['/usr/sbin', '/usr/local/sbin', '/usr/bin'])
}

// --- obtaining it ----------------------------------------------------------------

export type Obtained =
  | { ok: true; binary: string; libraryPath?: string }
  | { ok: false; problem: string }

interface Ran {
  code: number | null
  output: string
}

function runSync(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Ran {
  const r = spawnSync(cmd, args, { ...options, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 })
  return { code: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` }
}

function lastLines(text: string, n = 8): string {
  return text.trim().split('\n').slice(-n).map((l) => `    ${l}`).join('\n')
}

/**
 * A pgbouncer the tests can run: the machine's; else one installed with apt-get when we are root
 * or may use `sudo -n`; else the Debian package and the shared libraries it lacks, fetched with
 * `apt-get download` and unpacked with `dpkg-deb -x` under `cacheDir` (no root needed; it runs with
 * LD_LIBRARY_PATH). `say` gets one line before anything is installed or fetched.
 */
export function obtainPgbouncer(cacheDir: string, say: (line: string) => void): Obtained {
  const found = findPgbouncer()
  if (found) return { ok: true, binary: found }
  const root = path.join(cacheDir, 'root')
  // fetched by an earlier run
  const cached = unpackedPgbouncer(root)
  if (cached.ok) return cached
  if (!which('apt-get')) return { ok: false, problem: 'there is no apt-get to fetch it with' }

  // as root, or with sudo when it asks no password: the package, as on any Debian machine
  const sudo = asRoot ? [] : which('sudo') && runSync('sudo', ['-n', 'true']).code === 0 ? ['sudo', '-n'] : undefined
  let installProblem = ''
  if (sudo) {
    const aptGet = (...args: string[]): Ran => {
      const [cmd, ...rest] = [...sudo, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]
      return runSync(cmd!, rest)
    }
    say(`pgbouncer is not installed: ${[...sudo, 'apt-get install -y pgbouncer'].join(' ')} (the PgBouncer tests need it)`)
    let r = aptGet('install', '-y', 'pgbouncer')
    // a machine whose package lists were never downloaded (a fresh container) knows no pgbouncer
    if (r.code !== 0 && /unable to locate package/i.test(r.output)) {
      aptGet('update')
      r = aptGet('install', '-y', 'pgbouncer')
    }
    const installed = findPgbouncer()
    if (installed) return { ok: true, binary: installed }
    installProblem = `apt-get install -y pgbouncer ${r.code === 0 ? 'left no pgbouncer where it is looked for' : `failed (exit ${r.code})`}:\n${lastLines(r.output)}\n`
  }

  const shown = path.relative(process.cwd(), cacheDir).startsWith('..') ? cacheDir : path.relative(process.cwd(), cacheDir)
  say(`${installProblem ? 'apt-get gave no pgbouncer' : 'pgbouncer is not installed'}: fetching the Debian package into ${shown} (apt-get download, dpkg-deb -x; the PgBouncer tests need it)`)
  const fetched = fetchPgbouncer(cacheDir)
  if (fetched.ok) return fetched
  return { ok: false, problem: `${installProblem}${fetched.problem}` }
}

/** The pgbouncer unpacked under `root`, if it starts. */
function unpackedPgbouncer(root: string): Obtained {
  const binary = path.join(root, 'usr', 'sbin', 'pgbouncer')
  if (!isExecutable(binary)) return { ok: false, problem: `there is no ${binary}` }
  const libraryPath = libraryDirs(root).join(path.delimiter)
  const r = runSync(binary, ['--version'], { env: withLibraries(process.env, libraryPath) })
  if (r.code !== 0) return { ok: false, problem: `the fetched pgbouncer does not start (exit ${r.code}):\n${lastLines(r.output)}` }
  return { ok: true, binary, ...(libraryPath ? { libraryPath } : {}) }
}

/** Fetch and unpack pgbouncer and the library packages it lacks into `cacheDir`/root. */
function fetchPgbouncer(cacheDir: string): Obtained {
  if (!which('dpkg-deb')) return { ok: false, problem: 'there is no dpkg-deb to unpack the Debian package with' }
  // Built beside the cache and renamed into place: an interrupted fetch leaves no half tree.
  mkdirSync(path.dirname(cacheDir), { recursive: true })
  const work = `${cacheDir}.${process.pid}.tmp`
  rmSync(work, { recursive: true, force: true })
  const debs = path.join(work, 'debs')
  const root = path.join(work, 'root')
  mkdirSync(debs, { recursive: true })
  mkdirSync(root)
  try {
    const fetched = new Set<string>()
    const fetch = (packages: string[]): string[] => {
      const before = new Set(readdirSync(debs))
      const r = runSync('apt-get', ['download', ...packages], { cwd: debs })
      if (r.code !== 0) throw new Error(`apt-get download ${packages.join(' ')} failed (exit ${r.code}):\n${lastLines(r.output)}`)
      for (const p of packages) fetched.add(p)
      const added = readdirSync(debs).filter((f) => f.endsWith('.deb') && !before.has(f)).map((f) => path.join(debs, f))
      for (const deb of added) {
        const x = runSync('dpkg-deb', ['-x', deb, root])
        if (x.code !== 0) throw new Error(`dpkg-deb -x ${path.basename(deb)} failed:\n${lastLines(x.output)}`)
      }
      return added
    }
    let latest = fetch(['pgbouncer'])
    const binary = path.join(root, 'usr', 'sbin', 'pgbouncer')
    if (!isExecutable(binary)) throw new Error('the pgbouncer package holds no usr/sbin/pgbouncer')
    // Libraries the machine lacks come from the packages pgbouncer depends on, and theirs in
    // turn; ldd says whether any is still missing.
    for (let round = 0; ; round++) {
      const missing = missingLibraries(binary, libraryDirs(root))
      if (missing.length === 0) break
      const wanted = [...new Set(latest.flatMap(dependsOf))].filter((p) => p.startsWith('lib') && !fetched.has(p) && !isInstalled(p))
      if (wanted.length === 0 || round === 4) throw new Error(`pgbouncer needs ${missing.join(', ')}, which neither the machine nor its packages' dependencies provide`)
      latest = fetch(wanted)
    }
    // another run may have fetched it meanwhile: keep a working one
    if (unpackedPgbouncer(path.join(cacheDir, 'root')).ok) {
      rmSync(work, { recursive: true, force: true })
    } else {
      rmSync(cacheDir, { recursive: true, force: true })
      renameSync(work, cacheDir)
    }
  } catch (error) {
    rmSync(work, { recursive: true, force: true })
    return { ok: false, problem: error instanceof Error ? error.message : String(error) }
  }
  return unpackedPgbouncer(path.join(cacheDir, 'root'))
}

/** Folders under `root` that hold shared libraries (lib/<triplet>, usr/lib/<triplet>, …). */
function libraryDirs(root: string): string[] {
  if (!existsSync(root)) return []
  const dirs: string[] = []
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true })
    if (entries.some((e) => !e.isDirectory() && /\.so(\.\d+)*$/.test(e.name))) dirs.push(dir)
    for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name))
  }
  walk(root)
  return dirs.sort()
}

function withLibraries(env: NodeJS.ProcessEnv, libraryPath: string | undefined): NodeJS.ProcessEnv {
  if (!libraryPath) return env
  return { ...env, LD_LIBRARY_PATH: [libraryPath, env.LD_LIBRARY_PATH].filter(Boolean).join(path.delimiter) }
}

/** The shared libraries ldd cannot find for `binary`, looking in `dirs` first. */
function missingLibraries(binary: string, dirs: string[]): string[] {
  if (!which('ldd')) return []
  const r = runSync('ldd', [binary], { env: withLibraries(process.env, dirs.join(path.delimiter)) })
  return [...r.output.matchAll(/^\s*(\S+) => not found$/gm)].map((m) => m[1]!)
}

/** The packages a .deb depends on (the first of each set of alternatives), without versions. */
function dependsOf(deb: string): string[] {
  const r = runSync('dpkg-deb', ['-f', deb, 'Depends'])
  if (r.code !== 0) return []
  return r.output.split(',').map((d) => d.split('|')[0]!.trim().split(/[\s(:]/)[0]!).filter(Boolean)
}

function isInstalled(pkg: string): boolean {
  return runSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}', pkg]).output.startsWith('ii')
}

// --- running it -------------------------------------------------------------------

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
    const env = withLibraries(process.env, process.env[pgbouncerLibrariesEnv])
    const child = spawn(binary, [...(asRoot ? ['-u', 'postgres'] : []), config], { env, stdio: ['ignore', 'pipe', 'pipe'] })
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

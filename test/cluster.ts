// Throwaway PostgreSQL clusters, shared by the test launcher and the benchmark: find the server
// binaries, initdb into a temp dir, start on a free port, and stop and delete every cluster (and
// every scratch dir made here) again on exit, failure or signal. The launcher runs one cluster per
// server version, side by side; the benchmark runs one. The owner of the process installs the
// signal handlers and reports interruptions here, so a half-started cluster never retries after
// Ctrl-C.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export interface PgBin {
  dir: string
  initdb: string
  pgCtl: string
}

export interface Cluster {
  dir: string
  data: string
  log: string
  port: number
  bin: PgBin
  /** Scheduling niceness of the server's processes (0: as ours). */
  nice: number
}

interface StepResult {
  code: number | null
  output: string
}

const debianBinRoot = '/usr/lib/postgresql'
const logTailLines = 30
// initdb refuses to run as root, so as root everything server-side runs as postgres
const asPostgres = process.getuid?.() === 0

// every cluster this process created, in order; `stopped` once its server is down and dir gone
const clusters: Cluster[] = []
const stopped = new Set<Cluster>()
const scratchDirs: string[] = []
// running children a signal is forwarded to, each with whether it leads its own process group
const tracked = new Map<ChildProcess, boolean>()
let interrupted: NodeJS.Signals | undefined

export const missingBinaries =
  'PostgreSQL server binaries not found; install postgresql (Debian: apt-get install postgresql postgresql-contrib)'

// --- locating binaries -----------------------------------------------------

/** A regular file with an execute bit. */
export function isExecutable(file: string): boolean {
  try {
    const st = statSync(file)
    return st.isFile() && (st.mode & 0o111) !== 0
  } catch {
    return false
  }
}

export function which(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs]
  return dirs.filter(Boolean).map((d) => path.join(d, name)).find(isExecutable)
}

function binIn(dir: string): PgBin | undefined {
  const initdb = path.join(dir, 'initdb')
  const pgCtl = path.join(dir, 'pg_ctl')
  return isExecutable(initdb) && isExecutable(pgCtl) ? { dir, initdb, pgCtl } : undefined
}

// Debian keeps server binaries off PATH, one dir per major version; prefer the newest
function debianBins(): PgBin[] {
  let versions: string[]
  try {
    versions = readdirSync(debianBinRoot)
  } catch {
    return []
  }
  return versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => binIn(path.join(debianBinRoot, v, 'bin')))
    .filter((b): b is PgBin => b !== undefined)
}

export function findPgBin(): PgBin | undefined {
  const debian = debianBins()[0]
  if (debian) return debian
  const initdb = which('initdb')
  return initdb ? binIn(path.dirname(initdb)) : undefined
}

/** The version a set of server binaries reports (`pg_ctl --version`), e.g. "15.14" or "18.4". */
export function serverVersion(b: PgBin): string | undefined {
  const r = spawnSync(b.pgCtl, ['--version'], { encoding: 'utf8', env: cleanEnv() })
  return /\(PostgreSQL\) (\d+(?:\.\d+)?)/.exec(r.stdout ?? '')?.[1]
}

// --- processes -------------------------------------------------------------

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/** The command run at a lower priority (`nice`), where there is a `nice` to run it with. */
export function niced(nice: number, cmd: string, args: string[]): [string, string[]] {
  const tool = nice > 0 ? which('nice', ['/usr/bin', '/bin']) : undefined
  return tool ? [tool, ['-n', String(nice), cmd, ...args]] : [cmd, args]
}

// Route a server-side command through the postgres user when we are root
function serverCommand(c: Cluster, file: string, args: string[]): [string, string[]] {
  if (!asPostgres) return niced(c.nice, file, args)
  const runuser = which('runuser', ['/usr/sbin', '/sbin'])
  if (runuser) return niced(c.nice, runuser, ['-u', 'postgres', '--', file, ...args])
  return niced(c.nice, 'su', ['postgres', '-s', '/bin/sh', '-c', [file, ...args].map(shellQuote).join(' ')])
}

// Children must never see a real database's coordinates, only ours. CI and NODE_ENV change
// tinymigrate's behaviour (no embedded default), so the tests that need them set them alone:
// the suite must behave the same on a laptop and in CI.
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const key of Object.keys(env)) {
    if (key === 'DATABASE_URL' || key === 'CI' || key === 'NODE_ENV' || key.startsWith('PG')) delete env[key]
  }
  return env
}

function runStep(c: Cluster, file: string, args: string[]): Promise<StepResult> {
  const [cmd, argv] = serverCommand(c, file, args)
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: c.dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    track(child, false)
    let output = ''
    child.stdout?.on('data', (d: Buffer) => { output += d.toString() })
    child.stderr?.on('data', (d: Buffer) => { output += d.toString() })
    child.on('error', (err) => { output += String(err) })
    child.on('close', (code) => {
      untrack(child)
      resolve({ code, output })
    })
  })
}

/** A child signals are forwarded to (until `untrack`); `group` when it leads its own process group. */
export function track(child: ChildProcess, group: boolean): void {
  tracked.set(child, group)
}

export function untrack(child: ChildProcess): void {
  tracked.delete(child)
}

/** Send a signal to one child, or to its whole process group when it leads one. */
export function signalChild(child: ChildProcess, group: boolean, sig: NodeJS.Signals): void {
  const pid = child.pid
  if (pid === undefined) return
  try {
    process.kill(group ? -pid : pid, sig)
  } catch {
    // already gone: nothing to forward to
  }
}

/** Forward a signal to every tracked child. */
export function signalCurrent(sig: NodeJS.Signals): void {
  for (const [child, group] of tracked) signalChild(child, group, sig)
}

/** Called by the process's signal handler: stops cluster start-up between steps. */
export function interrupt(sig: NodeJS.Signals): void {
  interrupted = sig
}

export function interruption(): NodeJS.Signals | undefined {
  return interrupted
}

export function signalExitCode(sig: NodeJS.Signals): number {
  return 128 + (os.constants.signals[sig] ?? 1)
}

// --- cluster lifecycle -----------------------------------------------------

function postgresOwner(): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error('running as root but there is no "postgres" user to run the server as')
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

function createTempDir(b: PgBin, nice: number): Cluster {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tinymigrate-pg-'))
  // listed before anything can fail, so cleanup always knows what to remove
  const c: Cluster = { dir, data: path.join(dir, 'data'), log: path.join(dir, 'log'), port: 0, bin: b, nice }
  clusters.push(c)
  if (asPostgres) {
    const { uid, gid } = postgresOwner()
    chownSync(dir, uid, gid)
  }
  return c
}

/**
 * A temp dir removed with the clusters (by `stopCluster()`), readable by the server's user: for
 * binaries copied out of a package, and the launcher's result files.
 */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tinymigrate-${prefix}-`))
  scratchDirs.push(dir)
  // mkdtemp makes it private to us; the postgres user must reach the binaries inside
  chmodSync(dir, 0o755)
  return dir
}

function initdbArgs(c: Cluster, locale: string): string[] {
  // --no-sync: the cluster is deleted after the run, durability is wasted time
  return ['-A', 'trust', '-U', 'postgres', '-E', 'UTF8', `--locale=${locale}`, '--no-sync', '-D', c.data]
}

async function initCluster(b: PgBin, c: Cluster): Promise<void> {
  let result = await runStep(c, b.initdb, initdbArgs(c, 'C.UTF-8'))
  if (result.code !== 0 && !interrupted) {
    // some platforms (older glibc, macOS) have no C.UTF-8 locale
    rmSync(c.data, { recursive: true, force: true })
    result = await runStep(c, b.initdb, initdbArgs(c, 'C'))
  }
  if (result.code !== 0 && !interrupted) throw new Error(`initdb failed:\n${result.output}`)
}

/** A port nothing listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function serverOptions(c: Cluster): string {
  // pg_ctl hands -o to a shell, hence the quoted socket dir
  return [
    `-p ${c.port}`,
    `-k ${shellQuote(c.dir)}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c synchronous_commit=off',
    '-c max_connections=200',
  ].join(' ')
}

async function startOnce(b: PgBin, c: Cluster): Promise<StepResult> {
  c.port = await freePort()
  return runStep(c, b.pgCtl, ['start', '-w', '-D', c.data, '-l', c.log, '-o', serverOptions(c)])
}

async function startServer(b: PgBin, c: Cluster): Promise<void> {
  // the probed port can be taken by someone else before the server binds it
  for (let attempt = 1; attempt <= 3; attempt++) {
    const result = await startOnce(b, c)
    if (result.code === 0 || interrupted) return
    if (attempt === 3 || !/already in use/i.test(readText(c.log))) {
      throw new Error(`pg_ctl start failed:\n${result.output}`)
    }
  }
}

/**
 * Create, initialise and start a cluster. Returns early (with the cluster not running) when
 * `interrupt` was called meanwhile: check `interruption()` before using it. Throws with the
 * tool's output when initdb or pg_ctl fails; `stopCluster` still cleans up. With `nice`, the
 * server runs at that lower priority (its backends inherit it).
 */
export async function startCluster(b: PgBin, options: { nice?: number } = {}): Promise<Cluster> {
  const c = createTempDir(b, options.nice ?? 0)
  await initCluster(b, c)
  if (!interrupted) await startServer(b, c)
  return c
}

/** The superuser URL of a started cluster (trust authentication, TCP on 127.0.0.1). */
export function adminUrl(c: Cluster, database = 'postgres'): string {
  return `postgres://postgres@127.0.0.1:${c.port}/${database}`
}

function pidFile(c: Cluster): string {
  return path.join(c.data, 'postmaster.pid')
}

// Last resort when pg_ctl could not stop the server: the pid file names our postmaster
function killLeftover(c: Cluster): void {
  if (!existsSync(pidFile(c))) return
  const pid = Number(readText(pidFile(c)).split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0) return
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // not running any more
  }
}

function stopServer(b: PgBin, c: Cluster): void {
  if (!existsSync(pidFile(c))) return
  const [cmd, args] = serverCommand(c, b.pgCtl, ['stop', '-w', '-D', c.data, '-m', 'immediate'])
  spawnSync(cmd, args, { cwd: c.dir, env: cleanEnv(), stdio: 'ignore', timeout: 30_000 })
  killLeftover(c)
}

/**
 * Stop a cluster's server and delete its dir; without an argument, every cluster and scratch dir
 * of the process. Synchronous and idempotent, so it can also run from 'exit'.
 */
export function stopCluster(c?: Cluster): void {
  for (const each of c ? [c] : clusters) {
    if (stopped.has(each)) continue
    stopped.add(each)
    stopServer(each.bin, each)
    rmSync(each.dir, { recursive: true, force: true })
  }
  if (c) return
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** The last cluster started from these binaries (also when its start failed). */
export function clusterOf(b: PgBin): Cluster | undefined {
  return clusters.filter((c) => c.bin === b).at(-1)
}

/** The end of a cluster's server log (by default the last one started), framed; '' if empty. */
export function logTail(c: Cluster | undefined = clusters.at(-1)): string {
  if (!c) return ''
  const lines = readText(c.log).trimEnd().split('\n').slice(-logTailLines)
  if (lines.join('').trim() === '') return ''
  return [`\n--- last ${logTailLines} lines of the PostgreSQL server log ---`, ...lines, '--- end of server log ---'].join('\n')
}

export function printLogTail(c?: Cluster): void {
  const text = logTail(c)
  if (text) console.error(text)
}

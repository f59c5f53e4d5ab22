// One throwaway PostgreSQL cluster per process, shared by the test launcher and the benchmark:
// find the server binaries, initdb into a temp dir, start on a free port, and stop and delete it
// again on exit, failure or signal. The owner of the process installs the signal handlers and
// reports interruptions here, so a half-started cluster never retries after Ctrl-C.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
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
}

interface StepResult {
  code: number | null
  output: string
}

const debianBinRoot = '/usr/lib/postgresql'
const logTailLines = 30
// initdb refuses to run as root, so as root everything server-side runs as postgres
const asPostgres = process.getuid?.() === 0

let bin: PgBin | undefined
let cluster: Cluster | undefined
let cleaned = false
let current: ChildProcess | undefined
let currentIsGroup = false
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

// --- processes -------------------------------------------------------------

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

// Route a server-side command through the postgres user when we are root
function serverCommand(file: string, args: string[]): [string, string[]] {
  if (!asPostgres) return [file, args]
  const runuser = which('runuser', ['/usr/sbin', '/sbin'])
  if (runuser) return [runuser, ['-u', 'postgres', '--', file, ...args]]
  return ['su', ['postgres', '-s', '/bin/sh', '-c', [file, ...args].map(shellQuote).join(' ')]]
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

function runStep(file: string, args: string[]): Promise<StepResult> {
  const [cmd, argv] = serverCommand(file, args)
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: cluster?.dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
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

/** The one child a signal is forwarded to; `group` when it leads its own process group. */
export function track(child: ChildProcess, group: boolean): void {
  current = child
  currentIsGroup = group
}

export function untrack(child: ChildProcess): void {
  if (current === child) current = undefined
}

export function signalCurrent(sig: NodeJS.Signals): void {
  const pid = current?.pid
  if (pid === undefined) return
  try {
    process.kill(currentIsGroup ? -pid : pid, sig)
  } catch {
    // already gone: nothing to forward to
  }
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

function createTempDir(): Cluster {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tinymigrate-pg-'))
  // set before anything can fail, so cleanup always knows what to remove
  cluster = { dir, data: path.join(dir, 'data'), log: path.join(dir, 'log'), port: 0 }
  if (asPostgres) {
    const { uid, gid } = postgresOwner()
    chownSync(dir, uid, gid)
  }
  return cluster
}

function initdbArgs(c: Cluster, locale: string): string[] {
  // --no-sync: the cluster is deleted after the run, durability is wasted time
  return ['-A', 'trust', '-U', 'postgres', '-E', 'UTF8', `--locale=${locale}`, '--no-sync', '-D', c.data]
}

async function initCluster(b: PgBin, c: Cluster): Promise<void> {
  let result = await runStep(b.initdb, initdbArgs(c, 'C.UTF-8'))
  if (result.code !== 0 && !interrupted) {
    // some platforms (older glibc, macOS) have no C.UTF-8 locale
    rmSync(c.data, { recursive: true, force: true })
    result = await runStep(b.initdb, initdbArgs(c, 'C'))
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
  return runStep(b.pgCtl, ['start', '-w', '-D', c.data, '-l', c.log, '-o', serverOptions(c)])
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
 * Create, initialise and start the process's cluster. Returns early (with the cluster not
 * running) when `interrupt` was called meanwhile: check `interruption()` before using it.
 * Throws with the tool's output when initdb or pg_ctl fails; `stopCluster` still cleans up.
 */
export async function startCluster(b: PgBin): Promise<Cluster> {
  bin = b
  const c = createTempDir()
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
  const [cmd, args] = serverCommand(b.pgCtl, ['stop', '-w', '-D', c.data, '-m', 'immediate'])
  spawnSync(cmd, args, { cwd: c.dir, env: cleanEnv(), stdio: 'ignore', timeout: 30_000 })
  killLeftover(c)
}

/** Stop the server and delete its dir. Synchronous and idempotent, so it can also run from 'exit'. */
export function stopCluster(): void {
  if (cleaned || !cluster) return
  cleaned = true
  if (bin) stopServer(bin, cluster)
  rmSync(cluster.dir, { recursive: true, force: true })
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

export function printLogTail(): void {
  if (!cluster) return
  const lines = readText(cluster.log).trimEnd().split('\n').slice(-logTailLines)
  if (lines.join('').trim() === '') return
  console.error(`\n--- last ${logTailLines} lines of the PostgreSQL server log ---`)
  console.error(lines.join('\n'))
  console.error('--- end of server log ---')
}

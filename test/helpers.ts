// Shared test helpers. They rely on the cluster started by test/launch.ts,
// which passes its coordinates through TINYMIGRATE_TEST_* variables.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import type { Event } from '../src/index.js'

/** Anything with an `after` hook: a TestContext, or `{ after }` from node:test inside a suite */
export interface HookScope {
  after(fn: () => unknown): unknown
}

export interface FreshDatabase {
  url: string
  name: string
  sql: postgres.Sql
}

export interface CliOptions {
  cwd?: string
  /** merged over the inherited env; `undefined` removes a variable */
  env?: Record<string, string | undefined>
  input?: string
  timeoutMs?: number
}

export interface CliResult {
  code: number | null
  signal: string | null
  stdout: string
  stderr: string
}

export interface SpawnedCli {
  child: ChildProcess
  result: Promise<CliResult>
}

// dist/test/helpers.js -> <repo>/bin/tinymigrate.cjs
const cliPath = fileURLToPath(new URL('../../bin/tinymigrate.cjs', import.meta.url))
const defaultTimeoutMs = 60_000
const liveChildren = new Set<ChildProcess>()

let admin: postgres.Sql | undefined

export function adminUrl(): string {
  const url = process.env.TINYMIGRATE_TEST_ADMIN_URL
  if (!url) {
    throw new Error('TINYMIGRATE_TEST_ADMIN_URL is not set: run the tests with npm test (it starts a throwaway PostgreSQL cluster)')
  }
  return url
}

/** One lazily opened admin connection per test process */
export function adminSql(): postgres.Sql {
  // idle_timeout lets the socket close by itself, otherwise it would keep the test process alive
  admin ??= postgres(adminUrl(), { max: 2, idle_timeout: 1, onnotice: () => {} })
  return admin
}

function databaseUrl(name: string): string {
  const url = new URL(adminUrl())
  url.pathname = `/${name}`
  return url.toString()
}

export async function freshDatabase(t: HookScope): Promise<FreshDatabase> {
  const name = `tm_${randomBytes(5).toString('hex')}`
  const root = adminSql()
  await root`create database ${root(name)}`
  const sql = postgres(databaseUrl(name), { max: 2, onnotice: () => {} })
  t.after(async () => {
    await sql.end({ timeout: 5 })
    // force: the code under test may have left connections behind
    await root`drop database if exists ${root(name)} with (force)`
  })
  return { url: databaseUrl(name), name, sql }
}

function insideDir(dir: string, file: string): string {
  const full = path.resolve(dir, file)
  if (!full.startsWith(dir + path.sep)) throw new Error(`migrationsDir: ${file} escapes the directory`)
  return full
}

/** A new empty directory under the system's temp dir, named `<prefix>XXXXXX`, removed after the test */
export async function tempDir(t: HookScope, prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

export async function migrationsDir(t: HookScope, files: Record<string, string | Buffer>): Promise<string> {
  const dir = await tempDir(t, 'tm-migrations-')
  for (const [file, content] of Object.entries(files)) {
    const full = insideDir(dir, file)
    await mkdir(path.dirname(full), { recursive: true })
    await writeFile(full, content)
  }
  return dir
}

export async function rewrite(dir: string, file: string, fn: (text: string) => string): Promise<void> {
  const full = path.join(dir, file)
  await writeFile(full, fn(await readFile(full, 'utf8')))
}

/** Tables of the public schema, history table left out */
export async function tables(db: FreshDatabase): Promise<string[]> {
  const rows = await db.sql<{ name: string }[]>`
    select tablename as name from pg_catalog.pg_tables
    where schemaname = 'public' and tablename <> 'tinymigrate_history'
    order by 1`
  return rows.map((r) => r.name)
}

/** Versions recorded in the history table, or null when the table does not exist */
export async function historyVersions(db: FreshDatabase): Promise<string[] | null> {
  const [{ found }] = await db.sql<{ found: string | null }[]>`select to_regclass('public.tinymigrate_history')::text as found`
  if (!found) return null
  const rows = await db.sql<{ version: string }[]>`select version from public.tinymigrate_history order by version::numeric`
  return rows.map((r) => r.version)
}

/** Wait until a tinymigrate session runs a query containing `text`; its server pid */
export async function backendRunning(db: FreshDatabase, text: string): Promise<number> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const [row] = await db.sql<{ pid: number }[]>`
      select pid from pg_catalog.pg_stat_activity
      where datname = ${db.name} and application_name = 'tinymigrate' and state = 'active'
        and query like ${'%' + text + '%'}`
    if (row) return row.pid
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`no tinymigrate session ran ${text} within 10 s`)
}

/** Hex SHA-256 of a text's UTF-8 bytes */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** A recorder for the library's events: pass `onEvent`, read `list` */
export function events(): { list: Event[]; onEvent: (e: Event) => void } {
  const list: Event[] = []
  return { list, onEvent: (e) => { list.push(e) } }
}

export function psqlPath(): string {
  const bin = process.env.TINYMIGRATE_TEST_PG_BIN
  return bin ? path.join(bin, 'psql') : 'psql'
}

function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  // a CLI test must name its database explicitly
  delete env.DATABASE_URL
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  return env
}

function collect(child: ChildProcess, args: string[], timeoutMs: number): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      // a hung CLI is always a failure; say so instead of returning a plausible exit status
      reject(new Error(`tinymigrate ${args.join(' ')} timed out after ${timeoutMs}ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`))
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      liveChildren.delete(child)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** Start the CLI and hand back the process, for tests that signal or race it */
export function spawnCli(args: string[], opts: CliOptions = {}): SpawnedCli {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: opts.cwd,
    env: cliEnv(opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  liveChildren.add(child)
  const result = collect(child, args, opts.timeoutMs ?? defaultTimeoutMs)
  // the CLI may exit without reading stdin; EPIPE is not the test's concern
  child.stdin?.on('error', () => {})
  child.stdin?.end(opts.input ?? '')
  return { child, result }
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, opts).result
}

/** Run the CLI against a test database and migrations directory: `args` then `--url` and `--dir` */
export async function cli(db: FreshDatabase, dir: string, ...args: string[]): Promise<CliResult> {
  return runCli([...args, '--url', db.url, '--dir', dir])
}

// never leave a CLI process behind when a test file bails out early
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL')
})

// --- processes and seeded runs, shared by the reliability, fault and hostile-input tests ---

/** spawnCli, killed in t.after if it is still running then. */
export function start(t: HookScope, args: string[], timeoutMs = 60_000): SpawnedCli {
  const run = spawnCli(args, { timeoutMs })
  t.after(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL')
  })
  return run
}

/** A run's exit and output, for assertion messages. */
export function show(r: CliResult): string {
  return `exit ${r.code ?? r.signal}\n--- stdout ---\n${r.stdout}--- stderr ---\n${r.stderr}`
}

/** Assert a run's exit code, showing its output when it differs. */
export function expectExit(r: CliResult, code: number, what: string): void {
  assert.equal(r.code, code, `${what}: ${show(r)}`)
}

/** Versions a run printed as applied (`applied  001_x  (3 ms)`). */
export function appliedLines(r: CliResult): string[] {
  return [...r.stdout.matchAll(/^applied +(\d+)_/gm)].map((m) => m[1]!)
}

/** Resolve once the child's stderr contains `text`; reject after `ms`. */
export function stderrShows(run: SpawnedCli, text: string, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => reject(new Error(`stderr never showed "${text}" within ${ms} ms:\n${seen}`)), ms)
    run.child.stderr!.on('data', (d: string | Buffer) => {
      seen += String(d)
      if (seen.includes(text)) { clearTimeout(timer); resolve() }
    })
  })
}

/** Poll `check` every 25 ms until it returns a value; fail after `ms`. */
export async function until<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
export function generator(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** Every scratch database on the test cluster (`tinymigrate_scratch_<pid>_<random>`). */
export async function scratchDatabases(): Promise<string[]> {
  const rows = await adminSql()`select datname from pg_database where datname like 'tinymigrate_scratch_%'`
  return rows.map((r) => r.datname as string)
}

/**
 * Scratch databases made since `before` by a process that has exited (a command run by this
 * test) or by this test process itself (the library called in it): what was left behind. Test
 * files run side by side, and another file's command may be holding scratch databases right now.
 */
export async function scratchLeftSince(before: string[]): Promise<string[]> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  return (await scratchDatabases()).filter((d) => {
    if (before.includes(d)) return false
    const pid = Number(/^tinymigrate_scratch_(\d+)_/.exec(d)?.[1])
    return pid === process.pid || !alive(pid)
  })
}

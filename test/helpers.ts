// Shared test helpers. They rely on the cluster started by test/launch.ts,
// which passes its coordinates through TINYMIGRATE_TEST_* variables.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'

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

// dist/test/helpers.js -> <repo>/bin/tinymigrate.js
const cliPath = fileURLToPath(new URL('../../bin/tinymigrate.js', import.meta.url))
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

export async function migrationsDir(t: HookScope, files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tm-migrations-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
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

// never leave a CLI process behind when a test file bails out early
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL')
})

// Benchmark: `npm run bench` starts its own PostgreSQL cluster, times tinymigrate against
// baselines measured in the same run, and prints one small table (or one JSON document with
// --json). A figure never fails the run: the exit code is 0 unless something crashed.
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import {
  adminUrl, cleanEnv, findPgBin, interrupt, interruption, missingBinaries, printLogTail, signalCurrent,
  signalExitCode, startCluster, stopCluster, which, type Cluster, type PgBin,
} from '../test/cluster.js'
import { writeMigrations, writePsqlScript } from './fixtures.js'
import { median, peakRssKb, rssMethod, timeRun, type Command } from './measure.js'
import { renderJson, renderText, type Environment, type Result, type Sample } from './report.js'

interface Bench {
  cluster: Cluster
  admin: postgres.Sql
  psql: string
  runs: number
  /** Temp folder for generated migrations and scripts, removed at exit. */
  tmp: string
}

/** One side of a comparison: an optional set-up and tear-down around each timed run. */
interface Step {
  label: string
  cmd: Command
  before?: () => Promise<void>
  after?: () => Promise<void>
}

const defaultRuns = 7
const root = fileURLToPath(new URL('../../', import.meta.url))
const cli = path.join(root, 'bin', 'tinymigrate.js')
const usageText = [
  'usage: node dist/bench/run.js [--json]   (npm run bench [-- --json])',
  '  BENCH_RUNS=N       runs per figure (default 7)',
  '  BENCH_TMPDIR=dir   where the cluster and generated files go (default /dev/shm on Linux, else the temp dir)',
].join('\n') + '\n'
// What a Node process that talks to PostgreSQL costs at the least: tinymigrate's own driver
// options, one connection, one query.
const bareDriver = [
  'import postgres from "postgres"',
  'const sql = postgres(process.argv[1], { max: 1, prepare: false, fetch_types: false, onnotice: () => {} })',
  'await sql.unsafe("select 1")',
  'await sql.end()',
].join('; ')

let tmp: string | undefined

function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`)
}

function stopIfInterrupted(): void {
  if (interruption()) throw new Error('interrupted')
}

// --- commands --------------------------------------------------------------

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./<>-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

function command(file: string, args: string[]): Command {
  const env = { ...cleanEnv(), NO_COLOR: '1' }
  const short = (s: string) => (tmp ? s.replaceAll(tmp, '<tmp>') : s)
  const shown = [file === process.execPath ? 'node' : file, ...args.map((a) => (a === cli ? 'bin/tinymigrate.js' : a))]
  return { file, args, cwd: root, env, shown: shown.map((a) => quoteArg(short(a))).join(' ') }
}

function dbUrl(b: Bench, name: string): string {
  return adminUrl(b.cluster, name)
}

function tinymigrate(b: Bench, verb: 'up' | 'status', db: string, dir: string): Command {
  return command(process.execPath, [cli, verb, '--url', dbUrl(b, db), '--dir', dir])
}

function nodeNothing(): Command {
  return command(process.execPath, ['-e', '0'])
}

function psqlScript(b: Bench, db: string, script: string): Command {
  return command(b.psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', dbUrl(b, db), '-f', script])
}

// --- databases -------------------------------------------------------------

async function createDb(b: Bench, name: string): Promise<void> {
  await b.admin`create database ${b.admin(name)}`
}

async function dropDb(b: Bench, name: string): Promise<void> {
  // force: a killed run may have left its connection behind
  await b.admin`drop database if exists ${b.admin(name)} with (force)`
}

function fresh(b: Bench, name: string): Pick<Step, 'before' | 'after'> {
  return { before: () => createDb(b, name), after: () => dropDb(b, name) }
}

// --- measuring -------------------------------------------------------------

async function once(step: Step): Promise<number> {
  await step.before?.()
  try {
    return await timeRun(step.cmd)
  } finally {
    await step.after?.()
    stopIfInterrupted()
  }
}

/**
 * Time both sides `runs` times after one warm-up each, interleaved and in alternating order, so
 * drift (a warming cache, a busy neighbour) lands on both sides alike.
 */
async function paired(b: Bench, workload: string, timed: Step, baseline: Step): Promise<[Sample, Sample]> {
  progress(`${workload}: ${b.runs} runs of each side after a warm-up`)
  const t: number[] = []
  const base: number[] = []
  for (let i = 0; i <= b.runs; i++) {
    const first = i % 2 === 0
    const a = await once(first ? timed : baseline)
    const z = await once(first ? baseline : timed)
    if (i === 0) continue
    t.push(first ? a : z)
    base.push(first ? z : a)
  }
  const sample = (s: Step, ms: number[]): Sample => ({ label: s.label, command: s.cmd.shown, medianMs: median(ms), samplesMs: ms })
  return [sample(timed, t), sample(baseline, base)]
}

function ratio(workload: string, [timed, baseline]: [Sample, Sample], target: number | null): Result {
  return { kind: 'ratio', workload, timed, baseline, ratio: timed.medianMs / baseline.medianMs, target }
}

// --- workloads -------------------------------------------------------------

async function noopUp(b: Bench): Promise<Result[]> {
  const dir = path.join(b.tmp, 'up500')
  writeMigrations(dir, 500)
  await createDb(b, 'bench_noop')
  const up = tinymigrate(b, 'up', 'bench_noop', dir)
  await timeRun(up) // applies all 500; every timed run after this has nothing to do
  const nothing: Step = { label: 'node -e 0', cmd: nodeNothing() }
  const results = [
    ratio('no-op up, 500 applied', await paired(b, 'no-op up', { label: 'tinymigrate up', cmd: up }, nothing), 1.5),
    ratio('postgres.js connect + 1 query (floor)', await paired(b, 'bare driver',
      { label: 'node + postgres.js', cmd: command(process.execPath, ['--input-type=module', '-e', bareDriver, dbUrl(b, 'bench_noop')]) },
      nothing), null),
  ]
  await dropDb(b, 'bench_noop')
  return results
}

async function apply(b: Bench, dir: string): Promise<Result> {
  const script = path.join(b.tmp, 'apply1000.psql')
  writePsqlScript(script, dir, writeMigrations(dir, 1000))
  const samples = await paired(b, 'apply 1,000',
    { label: 'tinymigrate up', cmd: tinymigrate(b, 'up', 'bench_apply', dir), ...fresh(b, 'bench_apply') },
    { label: 'psql -f script', cmd: psqlScript(b, 'bench_psql', script), ...fresh(b, 'bench_psql') })
  return ratio('apply 1,000 to an empty database', samples, 1.0)
}

async function status(b: Bench, dir: string): Promise<Result> {
  await createDb(b, 'bench_status')
  await timeRun(tinymigrate(b, 'up', 'bench_status', dir))
  const samples = await paired(b, 'status 1,000',
    { label: 'tinymigrate status', cmd: tinymigrate(b, 'status', 'bench_status', dir) },
    { label: 'node -e 0', cmd: nodeNothing() })
  await dropDb(b, 'bench_status')
  return ratio('status, 1,000 applied', samples, 1.5)
}

async function memory(b: Bench, dir: string): Promise<Result> {
  const method = rssMethod()
  const cmd = tinymigrate(b, 'up', 'bench_rss', dir)
  progress(`peak RSS: ${b.runs} runs via ${method}`)
  const mb: number[] = []
  for (let i = 0; i < b.runs; i++) {
    await createDb(b, 'bench_rss')
    try {
      mb.push((await peakRssKb(cmd, method)) / 1024)
    } finally {
      await dropDb(b, 'bench_rss')
      stopIfInterrupted()
    }
  }
  return { kind: 'memory', workload: 'peak RSS of up applying 1,000', command: cmd.shown, method, medianMb: median(mb), samplesMb: mb, limitMb: 100 }
}

async function runAll(b: Bench): Promise<Result[]> {
  const dir = path.join(b.tmp, 'apply1000')
  const results = await noopUp(b)
  results.push(await apply(b, dir))
  results.push(await status(b, dir))
  results.push(await memory(b, dir))
  results.push({ kind: 'not-built', workload: 'introspect + compare (check)' })
  return results
}

// --- the run ---------------------------------------------------------------

function runCount(): number | string {
  const v = process.env.BENCH_RUNS
  if (v === undefined || v === '') return defaultRuns
  return /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1000 ? Number(v) : `BENCH_RUNS must be a whole number from 1 to 1000, not "${v}".`
}

function invocation(argv: string[]): string {
  const runs = process.env.BENCH_RUNS ? `BENCH_RUNS=${process.env.BENCH_RUNS} ` : ''
  if (process.env.npm_lifecycle_event === 'bench') return `${runs}npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}`
  return `${runs}node dist/bench/run.js${argv.length ? ' ' + argv.join(' ') : ''}`
}

/**
 * Where the cluster and the generated files go. The cluster is thrown away after the run (and,
 * like the test cluster, runs with fsync off), so on Linux it lives in /dev/shm when there is one:
 * on a VM disk, creating and dropping thousands of relation files adds disk noise that swamps the
 * figures (the same psql run measured 2 s on tmpfs and 4 to 8 s on disk). BENCH_TMPDIR overrides.
 */
function scratchRoot(): string {
  const chosen = process.env.BENCH_TMPDIR
  if (chosen) return chosen
  const shm = '/dev/shm'
  if (process.platform !== 'linux' || !existsSync(shm)) return os.tmpdir()
  try {
    accessSync(shm, constants.W_OK)
    return shm
  } catch {
    return os.tmpdir()
  }
}

function findPsql(pg: PgBin): string | undefined {
  const next = path.join(pg.dir, 'psql')
  return existsSync(next) ? next : which('psql')
}

async function environment(b: Bench, argv: string[]): Promise<Environment> {
  const [row] = await b.admin<{ server_version: string }[]>`show server_version`
  return {
    date: new Date().toISOString(),
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    postgres: row?.server_version ?? 'unknown',
    command: invocation(argv),
    runs: b.runs,
    scratch: os.tmpdir(),
    tmp: b.tmp,
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(usageText)
    return 0
  }
  const unknown = argv.filter((a) => a !== '--json')
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${unknown[0]}\n${usageText}`)
    return 2
  }
  const runs = runCount()
  if (typeof runs === 'string') {
    process.stderr.write(`${runs}\n${usageText}`)
    return 2
  }
  const pg = findPgBin()
  if (!pg) {
    console.error(missingBinaries)
    return 1
  }
  const psql = findPsql(pg)
  if (!psql) {
    console.error(`psql not found next to ${pg.initdb} or on PATH; it runs the baseline of the apply figure`)
    return 1
  }
  let admin: postgres.Sql | undefined
  // os.tmpdir() reads TMPDIR on every call: this moves the cluster's dir (test/cluster.ts) too
  process.env.TMPDIR = scratchRoot()
  try {
    const cluster = await startCluster(pg)
    stopIfInterrupted()
    progress(`PostgreSQL from ${pg.dir} on 127.0.0.1:${cluster.port}`)
    admin = postgres(adminUrl(cluster), { max: 1, onnotice: () => {} })
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tinymigrate-bench-'))
    const b: Bench = { cluster, admin, psql, runs, tmp }
    const env = await environment(b, argv)
    const results = await runAll(b)
    process.stdout.write(argv.includes('--json') ? renderJson(env, results) : renderText(env, results))
    return 0
  } catch (err) {
    const sig = interruption()
    if (sig) return signalExitCode(sig)
    console.error(err instanceof Error ? err.message : String(err))
    printLogTail()
    return 1
  } finally {
    await admin?.end({ timeout: 1 }).catch(() => {})
    cleanup()
  }
}

// Synchronous so it can also run from the 'exit' handler
function cleanup(): void {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
  stopCluster()
}

function onSignal(sig: NodeJS.Signals): void {
  // a second signal means "stop waiting": kill whatever is still running
  if (interruption()) return signalCurrent('SIGKILL')
  interrupt(sig)
  console.error(`\nreceived ${sig}: stopping the benchmark and the PostgreSQL cluster`)
  signalCurrent(sig)
}

process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)
process.on('exit', cleanup)
main(process.argv.slice(2)).then((code) => process.exit(code))

// Benchmark: `npm run bench` starts its own PostgreSQL cluster, times tinymigrate against
// baselines measured in the same run, and prints one small table (or one JSON document with
// --json). A figure never fails the run: the exit code is 0 unless something crashed.
import { spawnSync } from 'node:child_process'
import { accessSync, constants, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import {
  adminUrl, cleanEnv, findPgBin, interrupt, interruption, missingBinaries, printLogTail, signalCurrent,
  signalExitCode, startCluster, stopCluster, which, type Cluster, type PgBin,
} from '../test/cluster.js'
import {
  schemaText, writeLoadScripts, writeMigrations, writePendingScript, writePlainPsqlScript, writeProductProject, writePsqlScript, writeSchemaProject, type Migration,
} from './fixtures.js'
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
const cli = path.join(root, 'bin', 'tinymigrate.cjs')
const floorApply = path.join(root, 'dist', 'bench', 'floor-apply.js')
const floorNoop = path.join(root, 'bench', 'floor-noop.cjs')
const workloadNames = ['noop', 'apply', 'status', 'memory', 'check-embedded', 'first-embedded', 'check-product', 'check-1000', 'lint', 'fleet']
const usageText = [
  'usage: node dist/bench/run.js [--json] [workload…]   (npm run bench [-- --json] [workload…])',
  `  workloads: ${workloadNames.join(', ')} (default: all)`,
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
  const shown = [file === process.execPath ? 'node' : file, ...args.map((a) => (a === cli ? 'bin/tinymigrate.cjs' : a))]
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
 * Time every step `runs` times after one warm-up each, interleaved and in rotating order, so
 * drift (a warming cache, a busy neighbour) lands on every step alike.
 */
async function interleaved(b: Bench, workload: string, steps: Step[]): Promise<Sample[]> {
  progress(`${workload}: ${b.runs} runs of each of ${steps.length} commands after a warm-up`)
  const ms: number[][] = steps.map(() => [])
  for (let i = 0; i <= b.runs; i++) {
    for (let k = 0; k < steps.length; k++) {
      const at = (i + k) % steps.length
      const took = await once(steps[at]!)
      if (i > 0) ms[at]!.push(took)
    }
  }
  return steps.map((s, k) => ({ label: s.label, command: s.cmd.shown, medianMs: median(ms[k]!), samplesMs: ms[k]! }))
}

async function paired(b: Bench, workload: string, timed: Step, baseline: Step): Promise<[Sample, Sample]> {
  const [t, base] = await interleaved(b, workload, [timed, baseline])
  return [t!, base!]
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
  const [timed, floor, node] = await interleaved(b, 'no-op up', [
    { label: 'tinymigrate up', cmd: up },
    { label: 'floor program', cmd: command(process.execPath, [floorNoop, dbUrl(b, 'bench_noop'), dir]) },
    nothing,
  ])
  const results = [
    ratio('no-op up, 500 applied', [timed!, node!], 1.5),
    ratio('the floor: the same work, nothing more (bench/floor-noop.cjs)', [floor!, node!], null),
    ratio('tinymigrate against that floor', [timed!, floor!], null),
    ratio('postgres.js connect + 1 query (floor)', await paired(b, 'bare driver',
      { label: 'node + postgres.js', cmd: command(process.execPath, ['--input-type=module', '-e', bareDriver, dbUrl(b, 'bench_noop')]) },
      nothing), null),
  ]
  await dropDb(b, 'bench_noop')
  return results
}

async function apply(b: Bench, dir: string, list: Migration[]): Promise<Result[]> {
  const script = path.join(b.tmp, 'apply1000.psql')
  const plain = path.join(b.tmp, 'apply1000_plain.psql')
  writePsqlScript(script, dir, list)
  writePlainPsqlScript(plain, dir, list)
  const [timed, plainPsql, psql, floor] = await interleaved(b, 'apply 1,000', [
    { label: 'tinymigrate up', cmd: tinymigrate(b, 'up', 'bench_apply', dir), ...fresh(b, 'bench_apply') },
    { label: 'psql -f files', cmd: psqlScript(b, 'bench_plain', plain), ...fresh(b, 'bench_plain') },
    { label: 'psql -f script', cmd: psqlScript(b, 'bench_psql', script), ...fresh(b, 'bench_psql') },
    { label: 'floor program', cmd: command(process.execPath, [floorApply, dbUrl(b, 'bench_floor'), dir]), ...fresh(b, 'bench_floor') },
  ])
  return [
    ratio('apply 1,000 to an empty database', [timed!, plainPsql!], 0.9),
    ratio('the same, against psql adding what tinymigrate does', [timed!, psql!], null),
    ratio('the floor: the same work, nothing checked (bench/floor-apply.ts)', [floor!, plainPsql!], null),
    ratio('tinymigrate against that floor', [timed!, floor!], null),
  ]
}

async function status(b: Bench): Promise<Result> {
  const dir = path.join(b.tmp, 'status500')
  writeMigrations(dir, 500)
  await createDb(b, 'bench_status')
  await timeRun(tinymigrate(b, 'up', 'bench_status', dir))
  const samples = await paired(b, 'status 500',
    { label: 'tinymigrate status', cmd: tinymigrate(b, 'status', 'bench_status', dir) },
    { label: 'node -e 0', cmd: nodeNothing() })
  await dropDb(b, 'bench_status')
  return ratio('status, 500 applied', samples, 1.5)
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

// --- check and diff --------------------------------------------------------

/** The bare start of the embedded engine: a new in-memory PGlite (initdb) and one query. */
const barePglite = [
  'import { PGlite } from "@electric-sql/pglite"',
  'const pg = await PGlite.create()',
  'await pg.query("select 1")',
  'await pg.close()',
].join('; ')

/**
 * `check` on the repository's example project with no server anywhere: in-memory scratch
 * databases, in a new process each time (the snapshot of a fresh data directory that the first
 * run saves is there, as on any machine after its first check).
 */
async function checkEmbedded(b: Bench): Promise<Result> {
  const project = path.join(b.tmp, 'example')
  cpSync(path.join(root, 'migrations'), path.join(project, 'migrations'), { recursive: true })
  const check = { ...command(process.execPath, [cli, 'check']), cwd: project }
  check.shown = `cd ${quoteArg(project.replaceAll(b.tmp, '<tmp>'))} && ${check.shown}`
  const [timed, ...baselines] = await interleaved(b, 'check, embedded', [
    { label: 'tinymigrate check', cmd: check },
    { label: 'node -e 0', cmd: nodeNothing() },
    { label: 'PGlite start', cmd: command(process.execPath, ['--input-type=module', '-e', barePglite]) },
  ])
  return { kind: 'absolute', workload: 'check, no server, example project', timed: timed!, baselines, limitMs: 2000 }
}

/**
 * The first `up` of the example project on the embedded engine, its data directory not made yet:
 * with the snapshot of a fresh data directory in the cache (made by any earlier embedded run
 * with that PGlite), and with an empty cache (this run makes the snapshot: initdb in PGlite).
 */
async function firstEmbedded(b: Bench): Promise<Result[]> {
  const project = path.join(b.tmp, 'first')
  cpSync(path.join(root, 'migrations'), path.join(project, 'migrations'), { recursive: true })
  const cache = path.join(b.tmp, 'first-cache')
  const up = (dir: string): Command => {
    const cmd = { ...command(process.execPath, [cli, 'up']), cwd: project }
    cmd.env = { ...cmd.env, TINYMIGRATE_CACHE_DIR: dir }
    cmd.shown = `cd ${quoteArg(project.replaceAll(b.tmp, '<tmp>'))} && TINYMIGRATE_CACHE_DIR=${quoteArg(dir.replaceAll(b.tmp, '<tmp>'))} ${cmd.shown}`
    return cmd
  }
  const fresh = async () => { rmSync(path.join(project, '.tinymigrate'), { recursive: true, force: true }) }
  const cold = path.join(b.tmp, 'first-cold-cache')
  const empty = async () => { await fresh(); rmSync(cold, { recursive: true, force: true }) }
  const [warm, coldRun, ...baselines] = await interleaved(b, 'first embedded up', [
    { label: 'tinymigrate up', cmd: up(cache), before: fresh },
    { label: 'tinymigrate up, empty cache', cmd: up(cold), before: empty },
    { label: 'node -e 0', cmd: nodeNothing() },
    { label: 'PGlite start', cmd: command(process.execPath, ['--input-type=module', '-e', barePglite]) },
  ])
  const method = rssMethod()
  const mb: number[] = []
  for (let i = 0; i < b.runs; i++) {
    await fresh()
    mb.push((await peakRssKb(up(cache), method)) / 1024)
    stopIfInterrupted()
  }
  return [
    { kind: 'absolute', workload: 'first embedded up, example project (no data directory yet)', timed: warm!, baselines, limitMs: 2000 },
    { kind: 'memory', workload: 'peak RSS of that first embedded up', command: up(cache).shown, method, medianMb: median(mb), samplesMb: mb, limitMb: 400 },
    { kind: 'absolute', workload: 'the same with an empty cache (initdb in PGlite makes the snapshot)', timed: coldRun!, baselines, limitMs: 2000 },
  ]
}

/**
 * `check --url` and `diff --url` on 1,000 tables: scratch databases on the cluster. What they add
 * to loading both sides (psql creating a database and running the migrations into it, then
 * another for schema.sql) is reading both catalogs (the first while the second side loads),
 * comparing, dropping the two databases, and for diff drafting and checking the pair.
 */
async function schemaWork(b: Bench): Promise<Result[]> {
  const tables = 1000
  const project = writeSchemaProject(path.join(b.tmp, 'tables1000', 'migrations'), tables)
  const scripts = writeLoadScripts(path.join(b.tmp, 'tables1000', 'load_'), project, 'bench_load')
  const psql = (script: string) => `${quoteArg(b.psql)} -X -q -v ON_ERROR_STOP=1 -d ${quoteArg(dbUrl(b, 'postgres'))} -f ${quoteArg(script)}`
  const both = `${psql(scripts.migrated)} && ${psql(scripts.declared)}`
  const load: Step = {
    label: 'psql: load both',
    cmd: command('/bin/sh', ['-c', both]),
    after: async () => {
      await dropDb(b, 'bench_load_migrated')
      await dropDb(b, 'bench_load_declared')
    },
  }
  const verb = (...args: string[]) => command(process.execPath, [cli, ...args, '--url', dbUrl(b, 'postgres'), '--dir', project.dir])
  const [check, loaded] = await interleaved(b, 'check, 1,000 tables', [{ label: 'tinymigrate check', cmd: verb('check') }, load])
  const results: Result[] = [beyond('check --url, 1,000 tables: introspect + compare', check!, loaded!, 1000)]
  writeFileSync(project.schema, schemaText(tables, tables / 2))
  const [diff, loadedAgain] = await interleaved(b, 'diff, 1,000 tables, one changed', [{ label: 'tinymigrate diff', cmd: verb('diff', 'change', '--dry-run') }, load])
  results.push(beyond('diff --url, 1,000 tables, 1 changed: + draft + check the pair', diff!, loadedAgain!, null))
  return results
}

/**
 * `check --url` on a product's history (writeProductProject: 270 migrations) with the schema.sql
 * that `pull` writes from it, against psql loading both sides into new databases, each in one
 * session, one after the other. Measured twice: runs back to back, and runs each after a pause
 * in which the server finishes what the last one left (its checkpoints).
 */
async function productCheck(b: Bench): Promise<Result[]> {
  const dir = path.join(b.tmp, 'product_check', 'migrations')
  const project = writeProductProject(dir)
  const verb = (...args: string[]) => command(process.execPath, [cli, ...args, '--url', dbUrl(b, 'postgres'), '--dir', dir])
  outputOf(verb('pull'))
  const schema = path.join(dir, 'schema.sql')
  const statements = readFileSync(schema, 'utf8').split(/;\s*\n/).filter((s) => s.trim() && !/^\s*(--[^\n]*\n\s*)*$/.test(s)).length
  const scripts = writeLoadScripts(path.join(b.tmp, 'product_check', 'load_'), { dir, schema, files: project.files }, 'bench_prod')
  const psql = (script: string) => `${quoteArg(b.psql)} -X -q -v ON_ERROR_STOP=1 -d ${quoteArg(dbUrl(b, 'postgres'))} -f ${quoteArg(script)}`
  const load: Step = {
    label: 'psql: load both',
    cmd: command('/bin/sh', ['-c', `${psql(scripts.migrated)} && ${psql(scripts.declared)}`]),
    after: async () => {
      await dropDb(b, 'bench_prod_migrated')
      await dropDb(b, 'bench_prod_declared')
    },
  }
  const name = `check --url, a product: ${project.files.length} migrations, schema.sql of ${statements} statements`
  const [check, loaded] = await interleaved(b, 'check, product', [{ label: 'tinymigrate check', cmd: verb('check') }, load])
  const pause = async () => { await b.admin`checkpoint`; await new Promise((resolve) => setTimeout(resolve, 1000)) }
  const [spaced, loadedSpaced] = await interleaved(b, 'check, product, each after a pause', [
    { label: 'tinymigrate check', cmd: verb('check'), before: pause },
    { ...load, before: pause },
  ])
  return [
    ratio(name, [check!, loaded!], 1.3),
    ratio('the same, each run after a checkpoint and a second of rest', [spaced!, loadedSpaced!], 1.3),
  ]
}

function beyond(workload: string, timed: Sample, baseline: Sample, limitMs: number | null): Result {
  return { kind: 'beyond', workload, timed, baseline, beyondMs: timed.medianMs - baseline.medianMs, limitMs }
}

// --- lint ------------------------------------------------------------------

/** A command that may also exit with one of `codes`, run through sh so that those count as success. */
function allowingExit(cmd: Command, codes: number[]): Command {
  const ok = [0, ...codes]
  const script = `"$0" "$@"; s=$?; case $s in ${ok.join('|')}) exit 0;; esac; exit $s`
  return { ...cmd, file: '/bin/sh', args: ['-c', script, cmd.file, ...cmd.args], shown: `${cmd.shown}  (exit ${ok.join(' or ')})` }
}

/**
 * Two steps measured in the same runs, as one: what it takes to do both. Run k of the sum is run
 * k of each (interleaved times them in the same round).
 */
function sum(label: string, parts: Sample[]): Sample {
  return {
    label,
    command: parts.map((p) => p.command).join('  +  '),
    medianMs: parts.reduce((n, p) => n + p.medianMs, 0),
    samplesMs: parts[0]!.samplesMs.map((_, k) => parts.reduce((n, p) => n + p.samplesMs[k]!, 0)),
  }
}

/** Runs a tinymigrate command to completion and returns its stdout (for --json). */
function outputOf(cmd: Command): string {
  const r = spawnSync(cmd.file, cmd.args, { cwd: cmd.cwd, env: cmd.env, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd.shown}\nexited with ${r.status ?? r.signal}:\n${(r.stdout + r.stderr).trim()}`)
  return r.stdout
}

/**
 * `lint --url` on a product's history (bench/fixtures.ts: 270 migrations, some 60 tables, a
 * schema.sql that `pull` writes), the database at all but the last 5. lint replays the applied
 * migrations on a scratch database, then runs the 5 pending ones there while reading what they
 * lock, rewrite and scan, checks their down files, and reads sizes from the live database. What
 * it is held to: `check --url` on the same project (replaying the migrations too, loading
 * schema.sql and comparing), plus the pending migrations themselves: psql running the 5 up files
 * in one session on a copy of the database (CREATE DATABASE … TEMPLATE, untimed). The last 5
 * hold an index built without CONCURRENTLY, so lint exits 3; it may exit 0 or 3. Checking a down
 * file is work neither of those does (the schema read before the up and after the down: two
 * catalog reads per migration), so lint --skip-downs is measured too.
 */
async function lintPending(b: Bench): Promise<Result[]> {
  const project = writeProductProject(path.join(b.tmp, 'product', 'migrations'))
  const pending = project.pending
  const total = project.files.length
  const tm = (db: string, ...args: string[]) => command(process.execPath, [cli, ...args, '--url', dbUrl(b, db), '--dir', project.dir])
  const pulled = JSON.parse(outputOf(tm('postgres', 'pull', '--json'))) as { statements: number }
  const c = project.counts
  progress(`lint: ${total} migrations (${c.downs} with a down, ${c.noTransaction} without a transaction, ${c.dataMigrations} changing data): ` +
    `${c.tables} tables, ${c.indexes} indexes, ${c.foreignKeys} foreign keys, ${c.views} views, ${c.enums} enums, ${c.functions} functions, ` +
    `${c.triggers} triggers, ${c.policies} policies; schema.sql ${pulled.statements} statements`)
  await createDb(b, 'bench_lint')
  await timeRun(tm('bench_lint', 'up', String(total - pending)))
  const script = path.join(b.tmp, 'product', 'pending.psql')
  writePendingScript(script, project.dir, project.files.slice(-pending))
  const copy = 'bench_lint_copy'
  const [lint, skipping, check, apply] = await interleaved(b, `lint, ${pending} pending of ${total}`, [
    { label: 'tinymigrate lint', cmd: allowingExit(tm('bench_lint', 'lint'), [3]) },
    { label: 'tinymigrate lint --skip-downs', cmd: allowingExit(tm('bench_lint', 'lint', '--skip-downs'), [3]) },
    { label: 'tinymigrate check', cmd: tm('bench_lint', 'check') },
    {
      label: `psql: the ${pending} pending`,
      cmd: psqlScript(b, copy, script),
      before: async () => { await b.admin`create database ${b.admin(copy)} template ${b.admin('bench_lint')}` },
      after: () => dropDb(b, copy),
    },
  ])
  await dropDb(b, 'bench_lint')
  const both = sum(`check ${check!.medianMs.toFixed(1)} ms + pending ${apply!.medianMs.toFixed(1)} ms`, [check!, apply!])
  return [
    ratio(`lint --url, ${pending} pending of ${total} migrations, vs check + the pending`, [lint!, both], 1.0),
    ratio(`lint --url --skip-downs (no down file checked), vs check + the pending`, [skipping!, both], 1.0),
    ratio(`lint --url, ${pending} pending of ${total} migrations, vs check alone`, [lint!, check!], null),
  ]
}

// --- fleet -----------------------------------------------------------------

const fleetSize = 100
const fleetMigrations = 20

/**
 * `up --targets` on 100 empty databases, 20 small migrations each (writeMigrations: a table and a
 * row per file), at --parallel 1, 4 and 8, against what users do without it: a shell loop of 100
 * `tinymigrate up --url` runs, one after another. Every timed run gets 100 fresh databases
 * (CREATE DATABASE … TEMPLATE template0 before, DROP after, untimed); all steps share the names,
 * as they never run at once. For information, --parallel 4 is also held to one run's start-up
 * (`node -e 0`) plus the database work done by psql: one script that connects to each of the 100
 * databases in turn (\c) and there creates a history table and runs the 20 files, each in its own
 * transaction with a history insert (writePsqlScript, as in the apply figure), in one session per
 * database, sequentially.
 */
async function fleetUp(b: Bench): Promise<Result[]> {
  const base = path.join(b.tmp, 'fleet')
  const dir = path.join(base, 'migrations')
  const list = writeMigrations(dir, fleetMigrations)
  const width = String(fleetSize - 1).length
  const names = Array.from({ length: fleetSize }, (_, i) => `bench_fleet_${String(i).padStart(width, '0')}`)
  const urls = names.map((n) => dbUrl(b, n))
  const targets = path.join(base, 'targets.txt')
  writeFileSync(targets, `# ${fleetSize} empty databases\n${urls.join('\n')}\n`)
  // the shell loop users write today: a new tinymigrate process per database; stops at a failure
  const loop = path.join(base, 'loop.sh')
  writeFileSync(loop, [
    'set -e',
    `for url in $(grep -v '^#' ${quoteArg(targets)}); do`,
    `  ${quoteArg(process.execPath)} ${quoteArg(cli)} up --url "$url" --dir ${quoteArg(dir)}`,
    'done',
  ].join('\n') + '\n')
  // the database work alone: per database, \c to it and the apply script of the 20 files
  const perDb = path.join(base, 'apply20.psql')
  writePsqlScript(perDb, dir, list)
  const all = path.join(base, 'apply20_each.psql')
  writeFileSync(all, names.map((n) => `\\c ${n}\n\\ir ${path.basename(perDb)}\n`).join(''))
  const fleetDbs: Pick<Step, 'before' | 'after'> = {
    before: async () => { for (const n of names) await b.admin`create database ${b.admin(n)} template template0` },
    after: async () => { for (const n of names) await dropDb(b, n) },
  }
  const fleet = (parallel: number): Step => ({
    label: `up --targets --parallel ${parallel}`,
    cmd: command(process.execPath, [cli, 'up', '--targets', targets, '--dir', dir, '--parallel', String(parallel)]),
    ...fleetDbs,
  })
  const shown = (cmd: Command, text: string): Command => ({ ...cmd, shown: `${cmd.shown}  (${text})` })
  const what = `${fleetSize} databases x ${fleetMigrations} migrations`
  const [p1, p4, p8, shLoop, psqlAll, nothing] = await interleaved(b, `fleet, ${what}`, [
    fleet(1),
    fleet(4),
    fleet(8),
    { label: `sh loop: ${fleetSize} x up --url`, cmd: shown(command('/bin/sh', [loop]), `for each URL: node bin/tinymigrate.cjs up --url $url --dir <tmp>/fleet/migrations`), ...fleetDbs },
    { label: `psql: ${fleetSize} x \\c + ${fleetMigrations} files`, cmd: psqlScript(b, 'postgres', all), ...fleetDbs },
    { label: 'node -e 0', cmd: nodeNothing() },
  ])
  const floor = sum(`node -e 0 ${nothing!.medianMs.toFixed(1)} ms + psql ${psqlAll!.medianMs.toFixed(1)} ms`, [nothing!, psqlAll!])
  return [
    ratio(`fleet up --parallel 1, ${what}, vs sh loop of up --url`, [p1!, shLoop!], null),
    ratio(`fleet up --parallel 4, ${what}, vs sh loop of up --url`, [p4!, shLoop!], null),
    ratio(`fleet up --parallel 8, ${what}, vs sh loop of up --url`, [p8!, shLoop!], null),
    ratio(`fleet up --parallel 4, ${what}, vs one start-up + psql doing the work`, [p4!, floor], null),
  ]
}

async function runAll(b: Bench, only: string[]): Promise<Result[]> {
  const dir = path.join(b.tmp, 'apply1000')
  const wanted = (name: string) => only.length === 0 || only.includes(name)
  const results: Result[] = []
  if (wanted('noop')) results.push(...await noopUp(b))
  // memory reads the folder that apply writes.
  const list = wanted('apply') || wanted('memory') ? writeMigrations(dir, 1000) : []
  if (wanted('apply')) results.push(...await apply(b, dir, list))
  if (wanted('status')) results.push(await status(b))
  if (wanted('memory')) results.push(await memory(b, dir))
  if (wanted('check-embedded')) results.push(await checkEmbedded(b))
  if (wanted('first-embedded')) results.push(...await firstEmbedded(b))
  if (wanted('check-product')) results.push(...await productCheck(b))
  if (wanted('check-1000')) results.push(...await schemaWork(b))
  if (wanted('lint')) results.push(...await lintPending(b))
  if (wanted('fleet')) results.push(...await fleetUp(b))
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
  const only = argv.filter((a) => a !== '--json')
  const unknown = only.filter((a) => !workloadNames.includes(a))
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
    const results = await runAll(b, only)
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

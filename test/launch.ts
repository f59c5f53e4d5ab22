// Test launcher: owns the throwaway PostgreSQL clusters of a run, so tests never depend on (or
// damage) a database that happens to be around. Every selected test file runs against the
// machine's server (the newest under /usr/lib/postgresql, else PATH); the files that talk to a
// server through the runner, the lock or the draft run once more against PostgreSQL 18 from npm
// (test/packaged.ts). Each run has its own cluster, stopped and deleted as soon as it ends. The
// runs go side by side: the suite mostly waits (on servers, timeouts, child processes; about half
// a core on average), so the second run, niced with its server, fills the idle time without
// slowing the first one's timing-sensitive tests. The first run's report streams as usual; the
// second's is kept and printed after it, under a header naming its server, and a summary naming
// the server of every failure closes the output.
// Before any test runs, the launcher makes sure of what the selected files need: a PostgreSQL
// server, and PgBouncer for the files that start one (found, installed or fetched, see
// test/pgbouncer.ts); what cannot be had stops the run with the command that installs it.
// `npm test` compiles and runs this; extra argv entries select test files by substring, e.g.
// `node dist/test/launch.js harness cli`.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  adminUrl, cleanEnv, clusterOf, findPgBin, interrupt, interruption, logTail, missingBinaries, niced, printLogTail,
  scratchDir, serverVersion, signalChild, signalCurrent, signalExitCode, startCluster, stopCluster, track, untrack,
  type Cluster, type PgBin,
} from './cluster.js'
import { packagedPgDump, packagedServer } from './packaged.js'
import { installPgbouncer, obtainPgbouncer, pgbouncerEnv, pgbouncerLibrariesEnv } from './pgbouncer.js'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const testRoot = path.join(repoRoot, 'dist', 'test')

// What also runs on PostgreSQL 18: the runner and the lock on a server, the round trips of the
// draft (catalog queries are where server versions differ), and lint (the locks a statement takes
// and what it rewrites differ between versions). The rest is pure code, the CLI
// layer over the same library, slow fault injection, or (adapters) half PGlite, which does not
// depend on the server and is the most CPU-hungry part of the suite; it all stays on the
// machine's server.
const newerServerFiles = ['runner', 'lock', 'cases', 'migra', 'lint']
const newerMajor = 18
// failing test names listed per server in the closing summary, at most
const listedFailures = 40
// scheduling niceness of the runs after the first (tests and server alike)
const sideRunNice = 10

interface Run {
  label: string
  bin: PgBin
  files: string[]
  env: Record<string, string>
  notes: string[]
}

interface Counts {
  passed: number
  failed: number
  skipped: number
}

interface Outcome extends Counts {
  run: Run
  code: number
  failures: Failure[]
}

/** Where a run's files go: its TAP copy, and its report when it is not streamed to stdout. */
interface RunFiles {
  tap: string
  report?: string
}

// --- test files ------------------------------------------------------------

function walk(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    return e.isDirectory() ? walk(full) : [full]
  })
}

function selectTestFiles(filters: string[]): string[] {
  const all = walk(testRoot)
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.relative(repoRoot, f).split(path.sep).join('/'))
    .sort()
  return filters.length === 0 ? all : all.filter((f) => filters.some((s) => f.includes(s)))
}

// --- the servers -----------------------------------------------------------

function major(version: string | undefined): number {
  return Number(version?.split('.')[0] ?? NaN)
}

function systemRun(bin: PgBin, files: string[]): Run {
  return { label: `PostgreSQL ${serverVersion(bin) ?? '(unknown version)'} (${bin.dir})`, bin, files, env: {}, notes: [] }
}

interface NotRun {
  reason: string
  /** Expected to be there: its absence is a failure in CI. */
  expected: boolean
}

/** The PostgreSQL 18 run, or why there is none. */
function newerRun(system: PgBin, files: string[]): Run | NotRun {
  const systemVersion = serverVersion(system)
  if (major(systemVersion) >= newerMajor) return { reason: `the machine's server is already PostgreSQL ${systemVersion}`, expected: false }
  const server = packagedServer()
  if (!server.ok) return { reason: server.problem, expected: true }
  const run: Run = { label: `PostgreSQL ${serverVersion(server.value)} (npm ${server.note})`, bin: server.value, files, env: { TINYMIGRATE_TEST_SIDE_RUN: '1' }, notes: [] }
  if (!files.some((f) => /\/(cases|migra)\.test\.js$/.test(f))) return run
  const pgDump = packagedPgDump()
  if (pgDump.ok) {
    run.env.TINYMIGRATE_TEST_PG_DUMP = pgDump.value
    run.notes.push(`round trips judged by the catalog and by ${pgDump.note}`)
  } else {
    // set but empty: the round trips leave pg_dump out rather than run one older than the server
    run.env.TINYMIGRATE_TEST_PG_DUMP = ''
    run.notes.push(`round trips judged by the catalog only, not by pg_dump: ${pgDump.problem}`)
  }
  return run
}

// --- PgBouncer ---------------------------------------------------------------

/** The selected files that start a PgBouncer: those that import test/pgbouncer.ts. */
function pgbouncerFiles(files: string[]): string[] {
  return files.filter((f) => /from ['"]\.\/pgbouncer\.js['"]/.test(readFileSync(path.join(repoRoot, f), 'utf8')))
}

/** The variables that tell the tests which pgbouncer to run, or the message that stops the run. */
function pgbouncerFor(files: string[]): { env: Record<string, string> } | { problem: string } {
  const users = pgbouncerFiles(files)
  if (users.length === 0) return { env: {} }
  const cacheDir = path.join(repoRoot, 'node_modules', '.cache', 'tinymigrate-test', 'pgbouncer')
  const found = obtainPgbouncer(cacheDir, (line) => console.log(line))
  if (!found.ok) {
    const names = users.map((f) => path.basename(f, '.test.js')).join(', ')
    const details = found.problem.trim().split('\n').map((l) => `  ${l}`).join('\n')
    return { problem: `pgbouncer is missing: the PgBouncer tests (${names}) run a real one, and none could be installed or fetched:\n${details}\nInstall it, then run the tests again: ${installPgbouncer}` }
  }
  return { env: { [pgbouncerEnv]: found.binary, ...(found.libraryPath ? { [pgbouncerLibrariesEnv]: found.libraryPath } : {}) } }
}

// --- running the tests -----------------------------------------------------

function testEnv(run: Run, c: Cluster): NodeJS.ProcessEnv {
  return {
    ...cleanEnv(),
    TINYMIGRATE_TEST_ADMIN_URL: adminUrl(c),
    TINYMIGRATE_TEST_PG_BIN: run.bin.dir,
    TINYMIGRATE_TEST_SOCKET_DIR: c.dir,
    ...run.env,
  }
}

function runTests(files: string[], env: NodeJS.ProcessEnv, out: RunFiles, nice: number): Promise<number> {
  // node's report on stdout (or into the report file); a TAP copy, read back for the summary
  const args = [
    '--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${out.tap}`, '--test-concurrency=2', ...files,
  ]
  const report = out.report === undefined ? 'inherit' : openSync(out.report, 'w')
  return new Promise((resolve) => {
    // own process group, so a forwarded signal also reaches the per-file test processes
    const [cmd, argv] = niced(nice, process.execPath, args)
    const child = spawn(cmd, argv, { cwd: repoRoot, env, stdio: ['ignore', report, report], detached: true })
    track(child, true)
    child.on('error', (err) => {
      console.error(`could not start the test runner: ${err.message}`)
    })
    child.on('close', (code, signal) => {
      // sweep stragglers of an interrupted run before its cluster goes away
      if (interruption() || signal) signalChild(child, true, 'SIGKILL')
      untrack(child)
      if (typeof report === 'number') closeSync(report)
      resolve(code ?? signalExitCode(signal ?? 'SIGTERM'))
    })
  })
}

/** A failing test: its name, and where and why it failed (from the TAP report's YAML block). */
interface Failure {
  name: string
  location?: string
  error: string[]
}

// lines of a failure's error message kept for the closing summary, where a CI log's tail shows it
const errorLines = 12

/** Counts and failing tests from node's TAP report. */
function readTap(text: string): Counts & { failures: Failure[] } {
  const count = (key: string): number => {
    const all = [...text.matchAll(new RegExp(`^# ${key} (\\d+)$`, 'gm'))]
    return Number(all.at(-1)?.[1] ?? 0)
  }
  // A parent's line follows its children's, so a "not ok" right after a deeper test line is a
  // suite or a test with failing subtests: only the leaves are listed.
  const failures: Failure[] = []
  const lines = text.split('\n')
  let previousIndent = -1
  lines.forEach((line, i) => {
    const m = /^(\s*)(not )?ok \d+ - (.*)$/.exec(line)
    if (!m) return
    const indent = m[1]!.length
    if (m[2] && indent >= previousIndent && !/ # TODO\b/.test(m[3]!)) {
      const name = m[3]!.replace(/ # SKIP\b.*$/, '').replace(/\\([#\\])/g, '$1')
      failures.push({ name, ...failureDetail(lines, i + 1, indent + 2) })
    }
    previousIndent = indent
  })
  return {
    passed: count('pass'),
    failed: count('fail') + count('cancelled'),
    skipped: count('skipped') + count('todo'),
    failures,
  }
}

/** The `location` and `error` of the YAML block that follows a "not ok" line at `from`. */
function failureDetail(lines: string[], from: number, indent: number): { location?: string; error: string[] } {
  const pad = ' '.repeat(indent)
  if (lines[from] !== `${pad}---`) return { error: [] }
  let location: string | undefined
  const error: string[] = []
  for (let i = from + 1; i < lines.length && lines[i] !== `${pad}...`; i++) {
    const line = lines[i]!
    const key = new RegExp(`^${pad}(\\w+): ?(.*)$`).exec(line)
    if (key?.[1] === 'location') location = unquote(key[2]!)
    if (key?.[1] !== 'error') continue
    if (key[2] !== '|-') {
      error.push(unquote(key[2]!))
      continue
    }
    // a block scalar: the deeper-indented lines after it
    for (i++; i < lines.length && (lines[i]!.startsWith(`${pad}  `) || lines[i]!.trim() === ''); i++) {
      error.push(lines[i]!.slice(indent + 2))
    }
    i--
  }
  while (error.length > 0 && error.at(-1)!.trim() === '') error.pop()
  return { location, error }
}

function unquote(value: string): string {
  return /^'.*'$/.test(value) ? value.slice(1, -1).replace(/''/g, "'") : value
}

function header(run: Run, c: Cluster, after: string): void {
  console.log(`\n=== ${run.label} on 127.0.0.1:${c.port}: ${run.files.length} test file(s)${after} ===`)
  for (const note of run.notes) console.log(`    ${note}`)
}

/**
 * Start the run's cluster, run its files, stop the cluster. A streamed run prints its header,
 * report and (on failure) server log as it goes; a kept one (`out.report`) leaves that to `show`.
 */
async function runOn(run: Run, out: RunFiles): Promise<Outcome & { show: () => void }> {
  const outcome: Outcome = { run, code: 1, passed: 0, failed: 0, skipped: 0, failures: [] }
  const kept = out.report !== undefined
  const nice = kept ? sideRunNice : 0
  let c: Cluster | undefined
  let tail = ''
  let show = (): void => {}
  try {
    c = await startCluster(run.bin, { nice })
    if (interruption()) return { ...outcome, show }
    if (!kept) header(run, c, '')
    outcome.code = await runTests(run.files, testEnv(run, c), out, nice)
    if (interruption()) return { ...outcome, show }
    if (outcome.code !== 0) tail = logTail(c)
    const started = c
    show = () => {
      header(run, started, ', run alongside the one above')
      process.stdout.write(readText(out.report!))
      if (tail) console.error(tail)
    }
    if (!kept && tail) console.error(tail)
    Object.assign(outcome, readTap(readText(out.tap)))
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    tail = `${run.label}: ${message}${logTail(clusterOf(run.bin))}`
    show = () => console.error(tail)
    if (!kept) show()
    outcome.failures.push({ name: `the cluster did not start: ${message.split('\n')[0]}`, error: [] })
  } finally {
    // one that failed to start is removed with the rest at the end
    if (c) stopCluster(c)
  }
  // a runner that failed without a failing test (a crash, a file that did not load) still fails
  if (outcome.code !== 0 && outcome.failed === 0) {
    outcome.failed = 1
    if (outcome.failures.length === 0) outcome.failures.push({ name: `the test runner exited with code ${outcome.code}`, error: [] })
  }
  return { ...outcome, show: kept ? show : () => {} }
}

function readText(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : ''
}

function printSummary(outcomes: Outcome[], notRun: NotRun | undefined): Counts {
  const total: Counts = { passed: 0, failed: 0, skipped: 0 }
  console.log('\n=== summary ===')
  for (const o of outcomes) {
    total.passed += o.passed
    total.failed += o.failed
    total.skipped += o.skipped
    console.log(`${o.run.label}, ${o.run.files.length} file(s): ${o.passed} passed, ${o.failed} failed${o.skipped ? `, ${o.skipped} skipped` : ''}`)
    for (const note of o.run.notes) console.log(`  ${note}`)
    for (const f of o.failures.slice(0, listedFailures)) {
      console.log(`  ✖ ${f.name}${f.location ? `  (${path.relative(repoRoot, f.location)})` : ''}`)
      const shown = f.error.slice(0, errorLines)
      for (const line of shown) console.log(`      ${line}`.trimEnd())
      if (f.error.length > shown.length) console.log(`      … (${f.error.length - shown.length} more lines in the report above)`)
    }
    if (o.failures.length > listedFailures) console.log(`  … and ${o.failures.length - listedFailures} more (see the report above)`)
  }
  if (notRun) {
    // in CI the package is installed by `npm ci`, so its absence is a broken set-up, not a platform
    const required = notRun.expected && Boolean(process.env.CI)
    console.log(`PostgreSQL ${newerMajor}: NOT RUN: ${notRun.reason}${required ? ' (required when CI is set)' : ''}`)
    if (required) total.failed += 1
  }
  console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`)
  return total
}

function onSignal(sig: NodeJS.Signals): void {
  // a second signal means "stop waiting": kill whatever is still running
  if (interruption()) return signalCurrent('SIGKILL')
  interrupt(sig)
  console.error(`\nreceived ${sig}: stopping tests and the PostgreSQL clusters`)
  signalCurrent(sig)
}

async function main(argv: string[]): Promise<number> {
  const bin = findPgBin()
  if (!bin) {
    console.error(missingBinaries)
    return 1
  }
  const files = selectTestFiles(argv)
  if (files.length === 0) {
    console.error(`no test files under dist/test${argv.length ? ` match: ${argv.join(', ')}` : ''}`)
    return 1
  }
  const pgbouncer = pgbouncerFor(files)
  if ('problem' in pgbouncer) {
    console.error(pgbouncer.problem)
    return 1
  }
  try {
    const runs = [systemRun(bin, files)]
    const newerFiles = files.filter((f) => newerServerFiles.includes(path.basename(f, '.test.js')))
    let notRun: NotRun | undefined
    if (newerFiles.length > 0) {
      const newer = newerRun(bin, newerFiles)
      if ('reason' in newer) notRun = newer
      else runs.push(newer)
    }
    for (const run of runs) Object.assign(run.env, pgbouncer.env)
    const results = scratchDir('results')
    const outFiles = (i: number): RunFiles => ({
      tap: path.join(results, `run-${i + 1}.tap`),
      report: i === 0 ? undefined : path.join(results, `run-${i + 1}.txt`),
    })
    if (runs.length > 1) console.log(`${runs.slice(1).map((r) => r.label).join(', ')}: run alongside, reported after the first run`)
    const all = await Promise.all(runs.map((run, i) => runOn(run, outFiles(i))))
    const sig = interruption()
    if (sig) return signalExitCode(sig)
    for (const o of all) o.show()
    const outcomes: Outcome[] = all
    const total = printSummary(outcomes, notRun)
    return outcomes.find((o) => o.code !== 0)?.code ?? (total.failed > 0 ? 1 : 0)
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err))
    printLogTail()
    return 1
  } finally {
    stopCluster()
  }
}

process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)
process.on('exit', () => stopCluster())
main(process.argv.slice(2)).then((code) => process.exit(code))

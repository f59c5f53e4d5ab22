// Test launcher: owns one throwaway PostgreSQL cluster for the whole run, so
// tests never depend on (or damage) a database that happens to be around.
// `npm test` compiles and runs this; extra argv entries select test files by
// substring, e.g. `node dist/test/launch.js harness cli`.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  adminUrl, cleanEnv, findPgBin, interrupt, interruption, missingBinaries, printLogTail, signalCurrent,
  signalExitCode, startCluster, stopCluster, track, untrack, type Cluster, type PgBin,
} from './cluster.js'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const testRoot = path.join(repoRoot, 'dist', 'test')

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

// --- running the tests -----------------------------------------------------

function testEnv(b: PgBin, c: Cluster): NodeJS.ProcessEnv {
  return {
    ...cleanEnv(),
    TINYMIGRATE_TEST_ADMIN_URL: adminUrl(c),
    TINYMIGRATE_TEST_PG_BIN: b.dir,
    TINYMIGRATE_TEST_SOCKET_DIR: c.dir,
  }
}

function runTests(files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files]
  return new Promise((resolve) => {
    // own process group, so a forwarded signal also reaches the per-file test processes
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true })
    track(child, true)
    child.on('error', (err) => {
      console.error(`could not start the test runner: ${err.message}`)
    })
    child.on('close', (code, signal) => {
      // sweep stragglers of an interrupted run before the cluster goes away
      if (interruption() || signal) signalCurrent('SIGKILL')
      untrack(child)
      resolve(code ?? signalExitCode(signal ?? 'SIGTERM'))
    })
  })
}

function onSignal(sig: NodeJS.Signals): void {
  // a second signal means "stop waiting": kill whatever is still running
  if (interruption()) return signalCurrent('SIGKILL')
  interrupt(sig)
  console.error(`\nreceived ${sig}: stopping tests and the PostgreSQL cluster`)
  signalCurrent(sig)
}

async function withCluster(b: PgBin, files: string[]): Promise<number> {
  const c = await startCluster(b)
  const early = interruption()
  if (early) return signalExitCode(early)
  console.error(`tinymigrate tests: PostgreSQL from ${b.dir} on 127.0.0.1:${c.port}, ${files.length} test file(s)`)
  const code = await runTests(files, testEnv(b, c))
  const late = interruption()
  if (late) return signalExitCode(late)
  if (code !== 0) printLogTail()
  return code
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
  try {
    return await withCluster(bin, files)
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
process.on('exit', stopCluster)
main(process.argv.slice(2)).then((code) => process.exit(code))

// Whole-process measurements: wall time from spawn to close, and peak resident memory.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { track, untrack } from '../test/cluster.js'

export interface Command {
  file: string
  args: string[]
  cwd: string
  env: NodeJS.ProcessEnv
  /** How the command is printed: temp paths and the node binary shortened. */
  shown: string
}

interface Finished {
  ms: number
  stderr: string
}

const timeBin = '/usr/bin/time'
const tailChars = 4000
// dist/bench/measure.js -> dist/bench/maxrss.js, preloaded when /usr/bin/time is missing
const maxRssPreload = new URL('./maxrss.js', import.meta.url).href

function run(file: string, args: string[], cmd: Command, env: NodeJS.ProcessEnv = cmd.env): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(file, args, { cwd: cmd.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    track(child, false)
    // Output is drained (a full pipe would stall the child) and only its tail kept, for errors.
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-tailChars) })
    child.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-tailChars) })
    child.on('error', (e) => {
      untrack(child)
      reject(new Error(`could not run ${cmd.shown}: ${e.message}`))
    })
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      untrack(child)
      if (code === 0) return resolve({ ms, stderr: err })
      reject(new Error(`${cmd.shown}\nexited with ${code ?? signal}:\n${(out + err).trim()}`))
    })
  })
}

/** Wall time of one run in milliseconds; a failing command is an error, not a figure. */
export async function timeRun(cmd: Command): Promise<number> {
  return (await run(cmd.file, cmd.args, cmd)).ms
}

export type RssMethod = '/usr/bin/time -f %M' | 'process.resourceUsage().maxRSS'

/** GNU time reports the child's peak RSS in KiB with -f %M; BSD and BusyBox builds may not. */
export function rssMethod(): RssMethod {
  if (!existsSync(timeBin)) return 'process.resourceUsage().maxRSS'
  const probe = spawnSync(timeBin, ['-f', '%M', 'true'], { encoding: 'utf8' })
  return probe.status === 0 && /^\d+$/.test(probe.stderr.trim()) ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS'
}

/** Peak resident set size of one run, in KiB. The command must be a node process for the fallback. */
export async function peakRssKb(cmd: Command, method: RssMethod): Promise<number> {
  if (method === '/usr/bin/time -f %M') {
    const { stderr } = await run(timeBin, ['-f', '%M', cmd.file, ...cmd.args], cmd)
    // the child's own stderr comes first; time's figure is the last line
    const last = stderr.trimEnd().split('\n').at(-1) ?? ''
    if (!/^\d+$/.test(last)) throw new Error(`${timeBin} printed no figure for ${cmd.shown}:\n${stderr}`)
    return Number(last)
  }
  const file = path.join(os.tmpdir(), `tinymigrate-bench-rss-${process.pid}`)
  try {
    await run(cmd.file, ['--import', maxRssPreload, ...cmd.args], cmd, { ...cmd.env, BENCH_MAXRSS_FILE: file })
    return Number(readFileSync(file, 'utf8'))
  } finally {
    rmSync(file, { force: true })
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}


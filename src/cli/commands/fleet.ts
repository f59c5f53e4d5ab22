/**
 * Fleets: up, down, status, current, verify and check on many databases or tenant schemas.
 * Each command entry hands over here when a targets flag is given.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import * as lib from '../../index.js'
import { TinymigrateError } from '../../errors.js'
import { targetLines } from '../../fleet/targets.js'
import { stringFlag, usage, whole, type Flags } from '../args.js'
import { connectionFor, optionalUrl, type Context } from '../context.js'
import { errorJson, ms, renderEvent, type Output } from '../output.js'

export const FLEET_FLAGS = ['targets', 'targets-query', 'schemas', 'schemas-query', 'parallel', 'canary', 'continue-on-error']

export const FLEET = [
  '--targets <file>       run on every database of the file (a URL a line; # comments; - reads stdin)',
  '--targets-query <sql>  run on every database the query returns (a column url), run on --url',
  '--schemas <a,b,c>      run on these tenant schemas of --url\'s database, each with its own history table',
  '--schemas-query <sql>  run on the tenant schemas the query returns (first column), run on --url',
  '--parallel <n>         targets at a time (default 4)',
  '--canary <n>           run the first n targets on their own first; stop if one fails',
  '--continue-on-error    start every target, even after one failed (default: no new target after a failure)',
]

export function isFleet(f: Flags): boolean {
  return ['targets', 'targets-query', 'schemas', 'schemas-query'].some((k) => f[k] !== undefined)
}

/** The fleet's options for `command`: the single command's options, and where the targets come from. */
export function fleetOptions(f: Flags, ctx: Context, command: lib.FleetCommand, single: Partial<lib.FleetOptions>): lib.FleetOptions {
  if (f['dry-run'] === true) throw usage('--dry-run shows one database\'s statements; it does not take a fleet.', 'Run it on one target: tinymigrate up --dry-run --url <url>.')
  const targetsFile = stringFlag(f, 'targets')
  return {
    ...connectionFor(f, ctx, optionalUrl(f, ctx)),
    ...single,
    command,
    targets: targetsFile === undefined ? undefined : readTargets(targetsFile, ctx),
    targetsQuery: stringFlag(f, 'targets-query'),
    schemas: stringFlag(f, 'schemas')?.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    schemasQuery: stringFlag(f, 'schemas-query'),
    parallel: f.parallel === undefined ? undefined : atLeastOne(String(f.parallel), '--parallel'),
    canary: f.canary === undefined ? undefined : whole(String(f.canary), '--canary'),
    continueOnError: f['continue-on-error'] === true,
  }
}

function atLeastOne(text: string, what: string): number {
  const n = whole(text, what)
  if (n < 1) throw usage(`${what} must be at least 1.`)
  return n
}

function readTargets(file: string, ctx: Context): string[] {
  try {
    return targetLines(readFileSync(file === '-' ? 0 : resolve(ctx.cwd, file), 'utf8'))
  } catch (error) {
    throw new TinymigrateError('FILE_UNREADABLE', `Cannot read the targets file ${file}: ${(error as Error).message}`, {
      files: [file],
      next: 'Give a file with one database URL a line (or - to read them from stdin).',
    })
  }
}

/** Runs the fleet: a line per target as it finishes, a summary, the failures in full; exit 0 or 1. */
export async function runFleetCommand(options: lib.FleetOptions, ctx: Context): Promise<number> {
  const { out } = ctx
  const r = await lib.fleet({
    ...options,
    onTarget: (t) => { if (!out.json) out.result(targetLine(options.command, t)) },
    onTargetEvent: (t, e) => {
      if (out.json) return
      if (e.type === 'warning') out.warn(`${t.name}: ${e.message}`)
      else if (e.type === 'lock-wait' || e.type === 'connect-retry') out.progress(`${t.name}: ${renderEvent(e)}`)
    },
  })
  if (out.json) {
    out.document({ ok: r.ok, command: options.command, targets: r.targets.map(targetJson), summary: r.summary })
  } else {
    out.result(summaryLine(options.command, r))
    for (const t of r.targets.filter((x) => x.started && !x.ok)) printFailure(out, t)
  }
  if (ctx.signal.aborted) return 130
  return r.ok ? 0 : 1
}

function targetJson(t: lib.FleetTargetResult) {
  const { error, ...rest } = t
  return {
    ...rest,
    error: error === null ? null : error instanceof TinymigrateError ? errorJson(error) : { code: 'INTERNAL_ERROR', message: error instanceof Error ? error.message : String(error) },
  }
}

const WIDTH = 9

function targetLine(command: lib.FleetCommand, t: lib.FleetTargetResult): string {
  const head = (word: string) => `${word.padEnd(WIDTH)} ${t.target}`
  if (!t.started) return `${head('skipped')}  not started: the fleet stopped`
  if (t.error !== null) {
    const e = t.error
    const where = e instanceof TinymigrateError && e.location ? `  ${e.location.file}:${e.location.line}:${e.location.column}` : ''
    const code = e instanceof TinymigrateError ? e.code : 'INTERNAL_ERROR'
    return `${head(code === 'INTERRUPTED' ? 'stopped' : 'failed')}  ${code}${where}${t.applied.length ? `  (applied first: ${t.applied.join(', ')})` : ''}`
  }
  const time = `  (${ms(t.durationMs)})`
  switch (command) {
    case 'up': return t.applied.length
      ? `${head('migrated')}  applied ${t.applied.join(', ')}; current ${t.current}${time}`
      : `${head('current')}  up to date at ${t.current ?? 'none'}${time}`
    case 'down': return t.reverted.length
      ? `${head('reverted')}  reverted ${t.reverted.join(', ')}; current ${t.current ?? 'none'}${time}`
      : `${head('current')}  nothing to revert${time}`
    case 'status': {
      const s = t.result as lib.StatusResult
      const count = (state: string) => s.migrations.filter((m) => m.state === state).length
      const problems = ['changed', 'missing', 'out-of-order', 'failed'].filter((st) => count(st) > 0).map((st) => `${count(st)} ${st}`)
      return `${head(problems.length ? 'problems' : 'ok')}  current ${s.current ?? 'none'}, ${count('pending')} pending${problems.length ? `; ${problems.join(', ')}` : ''}`
    }
    case 'current': return `${head('current')}  ${t.current ?? 'none'}`
    case 'verify': {
      const v = t.result as lib.VerifyResult
      return v.ok ? `${head('ok')}  files and history agree` : `${head('failed')}  ${v.problems.map((p) => p.message).join('; ')}`
    }
    case 'check': {
      const c = t.result as lib.CheckResult
      return c.ok ? `${head('ok')}  the database has exactly the schema of schema.sql` : `${head('differs')}  ${c.differences.length} difference(s): ${c.differences.slice(0, 3).join('; ')}${c.differences.length > 3 ? '; …' : ''}`
    }
  }
}

function summaryLine(command: lib.FleetCommand, r: lib.FleetResult): string {
  const s = r.summary
  const parts = command === 'up' ? [`${s.migrated} migrated`, `${s.unchanged} up to date`]
    : command === 'down' ? [`${s.reverted} reverted`, `${s.unchanged} with nothing to revert`]
      : [`${s.targets - s.failed - s.notStarted} ok`]
  parts.push(`${s.failed} failed`)
  if (s.notStarted) parts.push(`${s.notStarted} not started`)
  return `fleet: ${parts.join(', ')} (${s.targets} target${s.targets === 1 ? '' : 's'})`
}

function printFailure(out: Output, t: lib.FleetTargetResult): void {
  if (t.error instanceof TinymigrateError) {
    out.progress(`${t.target}:`)
    out.error(t.error)
  } else if (t.error !== null) {
    out.warn(`${t.target}: internal error (please report it): ${t.error instanceof Error ? t.error.stack ?? t.error.message : String(t.error)}`, true)
  }
}

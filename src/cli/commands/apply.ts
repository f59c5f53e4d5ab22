/** The commands that run migrations: up, down, redo. */
import * as lib from '../../index.js'
import { count, onlyPositional, usage, version, type Flags } from '../args.js'
import { connection, type Command, type Context } from '../context.js'
import { CONNECTION, LOCKING, SAFETY, SAFETY_FLAGS } from '../flags.js'
import type { Output } from '../output.js'
import { FLEET, FLEET_FLAGS, fleetOptions, isFleet, runFleetCommand } from './fleet.js'
import { lintOptions, printLint } from './lint.js'

const DRY_RUN = '--dry-run              print every statement that would run; change nothing'

export const up: Command = {
  name: 'up',
  aliases: [{ name: 'upgrade', usage: 'tinymigrate upgrade head | +N | VERSION' }, { name: 'migrate' }],
  usage: 'tinymigrate up [N] [--to VERSION]',
  summary: 'Apply pending migrations: all of them, the next N (+N too, as in Alembic), or up to and including VERSION.',
  options: [
    '--to <version>         apply up to and including this version', DRY_RUN, '--allow-out-of-order   apply pending migrations older than the newest applied one',
    '--lint                 lint the pending migrations first (tinymigrate lint); apply nothing if it finds an error (exit 3)',
    '--shadow-url <url>     with --lint: server for the scratch database (default: the --url server)',
    '--prelude <path>       with --lint: SQL run on the scratch database first',
    ...LOCKING, ...SAFETY, ...CONNECTION, ...FLEET,
  ],
  example: 'tinymigrate up --wait 30',
  flags: ['to', 'dry-run', 'allow-out-of-order', 'lock-timeout', 'lock-mode', 'lint', 'shadow-url', 'prelude', 'strict', ...SAFETY_FLAGS, ...FLEET_FLAGS],
  async run(args, ctx) {
    const f = args.flags
    const arg = args.positional
    onlyPositional(args, 1)
    if (arg[0]?.startsWith('-')) throw wrongWay(args.invoked, arg[0])
    const fleet = isFleet(f)
    const request: lib.MigrateOptions = { ...(fleet ? {} : connection(f, ctx)), dryRun: f['dry-run'] === true, allowOutOfOrder: f['allow-out-of-order'] === true }
    if (args.invoked === 'upgrade' && arg[0] !== undefined && arg[0] !== 'head') {
      if (arg[0].startsWith('+')) request.count = count(arg[0].slice(1), 'The step count')
      else request.to = version(arg[0], 'The target')
    } else if (arg[0] !== undefined && arg[0] !== 'head') {
      // `up +2` is Alembic's `upgrade +2`: the sign only says which way, and up goes forwards.
      request.count = steps(arg[0], '+')
    }
    if (typeof f.to === 'string') {
      if (request.count !== undefined || request.to !== undefined) throw usage('Give either N or --to, not both.')
      request.to = version(f.to, '--to')
    }
    for (const flag of ['shadow-url', 'prelude', 'strict']) {
      if (f[flag] !== undefined && f.lint !== true) throw usage(`Option --${flag} needs --lint.`, 'Example: tinymigrate up --lint')
    }
    if (fleet) {
      if (f.lint === true) throw usage('--lint takes one database, not a fleet.', 'Lint once, on one of the databases: tinymigrate lint --url <url>; then run the fleet.')
      return runFleetCommand(fleetOptions(f, ctx, 'up', request), ctx)
    }
    if (f.lint === true) await lintFirst(f, ctx, request)
    report(ctx.out, 'up', await lib.migrate(request))
  },
}

export const down: Command = {
  name: 'down',
  aliases: [{ name: 'downgrade', usage: 'tinymigrate downgrade -N | VERSION | base' }, { name: 'rollback' }],
  usage: 'tinymigrate down [N] [--to VERSION] [--all]',
  summary: 'Roll back the last N applied migrations (default 1; -N too, as in Alembic), everything after VERSION, or everything.',
  options: ['--to <version>         roll back every migration after this version', '--all                  roll back every applied migration', DRY_RUN, ...LOCKING, ...SAFETY, ...CONNECTION, ...FLEET],
  example: 'tinymigrate down 1',
  flags: ['to', 'all', 'dry-run', 'lock-timeout', 'lock-mode', ...SAFETY_FLAGS, ...FLEET_FLAGS],
  async run(args, ctx) {
    const f = args.flags
    const arg = args.positional
    onlyPositional(args, 1)
    if (arg[0]?.startsWith('+')) throw wrongWay(args.invoked, arg[0])
    const fleet = isFleet(f)
    const request: lib.RollbackOptions = { ...(fleet ? {} : connection(f, ctx)), dryRun: f['dry-run'] === true }
    const choices = [arg[0] !== undefined, typeof f.to === 'string', f.all === true].filter(Boolean).length
    if (choices > 1) throw usage('Give one of N, --to or --all.')
    if (arg[0] !== undefined) {
      if (args.invoked === 'downgrade') {
        if (arg[0] === 'base') request.all = true
        else if (arg[0].startsWith('-')) request.count = count(arg[0].slice(1), 'The step count')
        else request.to = version(arg[0], 'The target')
      } else {
        // `down -1` is Alembic's `downgrade -1`: one step back, the same as `down 1`.
        request.count = steps(arg[0], '-')
      }
    }
    if (typeof f.to === 'string') request.to = version(f.to, '--to')
    if (f.all === true) request.all = true
    if (fleet) return runFleetCommand(fleetOptions(f, ctx, 'down', request), ctx)
    report(ctx.out, 'down', await lib.rollback(request))
  },
}

export const redo: Command = {
  name: 'redo',
  usage: 'tinymigrate redo',
  summary: 'Roll back the newest migration and apply it again.',
  options: [DRY_RUN, ...LOCKING, ...SAFETY, ...CONNECTION],
  example: 'tinymigrate redo',
  flags: ['dry-run', 'lock-timeout', 'lock-mode', ...SAFETY_FLAGS],
  async run(args, ctx) {
    const base = connection(args.flags, ctx)
    onlyPositional(args, 0)
    report(ctx.out, 'redo', await lib.redo({ ...base, dryRun: args.flags['dry-run'] === true }))
  },
}

/** N, or N signed the way the command goes (`up +2`, `down -1`); an error names the text as typed. */
function steps(text: string, sign: '+' | '-'): number {
  const n = text.startsWith(sign) ? text.slice(1) : text
  if (!/^\d+$/.test(n)) return count(text, 'N')
  if (/^0+$/.test(n)) throw usage(`N must be a positive whole number, not "${text}".`)
  return count(n, 'N')
}

/** `up -1` or `down +1`: a step count signed the other way. Say the command that goes that way. */
function wrongWay(invoked: string, arg: string): lib.TinymigrateError {
  const n = arg.slice(1)
  if (!/^\d+$/.test(n) || /^0+$/.test(n)) return usage(`N must be a positive whole number, not "${arg}".`)
  const back = arg.startsWith('-')
  const alembic = invoked === 'upgrade' || invoked === 'downgrade'
  const instead = back ? (alembic ? `tinymigrate downgrade -${n}` : `tinymigrate down ${n}`) : (alembic ? `tinymigrate upgrade +${n}` : `tinymigrate up ${n}`)
  return usage(`${invoked} ${arg} goes the wrong way: ${invoked} ${back ? 'only applies migrations' : 'only rolls migrations back'}.`, `To ${back ? 'roll back' : 'apply'} ${n === '1' ? 'one migration' : `${n} migrations`}, run ${instead}.`)
}

function report(out: Output, command: string, r: lib.RunResult): void {
  if (out.json) return out.document({ ok: true, command, ...r })
  if (r.dryRun) {
    out.result(r.statements.length ? r.statements.join('\n') : '-- nothing to do')
    return
  }
  if (r.applied.length === 0 && r.reverted.length === 0) out.result(`nothing to do; current: ${r.current ?? 'none'}`)
  else out.result(`current: ${r.current ?? 'none'}`)
}

/** `up --lint`: lint what this run would apply; stop before anything runs when lint fails. */
async function lintFirst(f: Flags, ctx: Context, request: lib.MigrateOptions): Promise<void> {
  // A down that does not undo its up is a warning: it stops a deploy only with --strict.
  const r = await lib.lint({ ...lintOptions(f, ctx), url: request.url, downs: f.strict === true })
  if (r.ok) {
    for (const finding of r.findings.filter((x) => !x.accepted)) ctx.out.warn(`lint: ${finding.rule}  ${finding.file}:${finding.line}:${finding.column}\n  ${finding.message.split('\n').join('\n  ')}`)
    return
  }
  if (!ctx.out.json) printLint(ctx.out, r)
  const failing = r.findings.filter((x) => !x.accepted && (x.severity === 'error' || f.strict === true))
  throw new lib.TinymigrateError('LINT_FAILED', `lint found ${r.summary.errors} error(s)${f.strict === true ? ` and ${r.summary.warnings} warning(s)` : ''} in the pending migrations; nothing was applied.`, {
    files: [...new Set(failing.map((x) => x.file))],
    detail: failing.map((x) => `${x.rule} ${x.file}:${x.line}:${x.column}: ${x.message.split('\n')[0]}`).join('\n'),
    next: 'Change the migrations as each finding\'s fix says, or accept a finding in its file with -- tinymigrate:allow <rule>; then run up --lint again.',
  })
}

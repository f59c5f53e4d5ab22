/** The commands that read and change nothing: status, current, history, verify. */
import { label } from '../../files.js'
import * as lib from '../../index.js'
import { onlyPositional } from '../args.js'
import { connection, dirOf, type Command } from '../context.js'
import { EXIT_CODES } from '../exit.js'
import { CONNECTION } from '../flags.js'
import { FLEET, FLEET_FLAGS, fleetOptions, isFleet, runFleetCommand } from './fleet.js'
import { migrationRows, table } from '../output.js'

export const status: Command = {
  name: 'status',
  usage: 'tinymigrate status',
  summary: 'List every migration: applied, pending, changed, missing, out-of-order or failed.',
  options: [...CONNECTION, ...FLEET],
  example: 'tinymigrate status --json',
  flags: FLEET_FLAGS,
  async run(args, ctx) {
    if (isFleet(args.flags)) {
      onlyPositional(args, 0)
      return runFleetCommand(fleetOptions(args.flags, ctx, 'status', {}), ctx)
    }
    const { out } = ctx
    const base = connection(args.flags, ctx)
    onlyPositional(args, 0)
    const s = await lib.status(base)
    if (out.json) return out.document({ ok: true, ...s })
    if (s.migrations.length === 0) return out.result(`No migrations in ${dirOf(args.flags)}.`)
    out.result(table(['version', 'name', 'state', 'applied at'], migrationRows(s.migrations, true)))
    const pending = s.migrations.filter((m) => m.state === 'pending').length
    out.result(`\ncurrent: ${s.current ?? 'none'}; ${pending} pending (history table ${s.table})`)
  },
}

export const current: Command = {
  name: 'current',
  usage: 'tinymigrate current',
  summary: 'Print the newest applied version.',
  options: [...CONNECTION, ...FLEET],
  example: 'tinymigrate current',
  flags: FLEET_FLAGS,
  async run(args, ctx) {
    if (isFleet(args.flags)) {
      onlyPositional(args, 0)
      return runFleetCommand(fleetOptions(args.flags, ctx, 'current', {}), ctx)
    }
    const { out } = ctx
    const base = connection(args.flags, ctx)
    onlyPositional(args, 0)
    const c = await lib.current(base)
    if (out.json) return out.document({ ok: true, current: c })
    out.result(c ? label(c) : 'none')
  },
}

export const history: Command = {
  name: 'history',
  usage: 'tinymigrate history',
  summary: 'List applied migrations with when, how long and by whom.',
  options: CONNECTION,
  example: 'tinymigrate history',
  flags: [],
  async run(args, ctx) {
    const { out } = ctx
    const base = connection(args.flags, ctx)
    onlyPositional(args, 0)
    const h = await lib.history(base)
    if (out.json) return out.document({ ok: true, migrations: h })
    if (h.length === 0) return out.result('No migration has been applied.')
    out.result(table(['version', 'name', 'applied at', 'took', 'by'], migrationRows(h, false)))
  },
}

export const verify: Command = {
  name: 'verify',
  usage: 'tinymigrate verify',
  summary: 'Check files and checksums against the history and change nothing; exit 3 on any problem.',
  options: [...CONNECTION, ...FLEET],
  example: 'tinymigrate verify --json',
  flags: FLEET_FLAGS,
  async run(args, ctx) {
    if (isFleet(args.flags)) {
      onlyPositional(args, 0)
      return runFleetCommand(fleetOptions(args.flags, ctx, 'verify', {}), ctx)
    }
    const { out } = ctx
    const base = connection(args.flags, ctx)
    onlyPositional(args, 0)
    const v = await lib.verify(base)
    if (out.json) out.document({ ok: v.ok, problems: v.problems, migrations: v.migrations })
    else if (v.ok) out.result(`ok: ${v.migrations.filter((m) => m.state === 'applied').length} applied migrations match their files`)
    if (v.ok) return
    if (!out.json) {
      for (const problem of v.problems) out.result(`${problem.code}  ${problem.message}`)
      out.warn('verification failed: see the README troubleshooting table for each code')
    }
    return EXIT_CODES.CHECKSUM_MISMATCH
  },
}

/** The commands that write history without running migrations: stamp, repair, adopt, baseline. */
import { label } from '../../files.js'
import * as lib from '../../index.js'
import { MIGRATOR_NAMES } from '../../migrators.js'
import { onlyPositional, stringFlag, usage, version } from '../args.js'
import { connection, type Command } from '../context.js'
import { CONNECTION, LOCKING } from '../flags.js'

export const stamp: Command = {
  name: 'stamp',
  usage: 'tinymigrate stamp <VERSION | head | base>',
  summary: 'Record migrations as applied up to VERSION (and later ones as not applied) without running them.',
  options: ['--dry-run              print the history writes; change nothing', ...LOCKING, ...CONNECTION],
  example: 'tinymigrate stamp head',
  flags: ['dry-run', 'lock-timeout', 'lock-mode'],
  async run(args, ctx) {
    const { out } = ctx
    const base = connection(args.flags, ctx)
    const dryRun = args.flags['dry-run'] === true
    onlyPositional(args, 1)
    const target = args.positional[0]
    if (!target) throw usage('stamp needs a target: a version, head or base.', 'Example: tinymigrate stamp head')
    if (target !== 'head' && target !== 'base') version(target, 'The stamp target')
    const r = await lib.stamp({ ...base, target, dryRun })
    if (out.json) return out.document({ ok: true, ...r })
    if (dryRun) return out.result(r.statements.join('\n'))
    for (const m of r.recorded) out.result(`recorded ${label(m)} as applied (not run)`)
    for (const m of r.forgotten) out.result(`forgot   ${label(m)} (not reverted)`)
    out.result(`current: ${r.current ?? 'none'}`)
  },
}

export const repair: Command = {
  name: 'repair',
  usage: 'tinymigrate repair <VERSION> --applied | --rolled-back\n       tinymigrate repair --checksums',
  summary: 'Settle a migration that stopped part-way outside a transaction, or accept edits to applied files.',
  options: ['--applied              it was finished by hand: record it as applied', '--rolled-back          its changes were undone: forget it, so up runs it again', '--checksums            store the checksums of edited applied files', ...LOCKING, ...CONNECTION],
  example: 'tinymigrate repair 004 --rolled-back',
  flags: ['applied', 'rolled-back', 'checksums', 'lock-timeout', 'lock-mode'],
  async run(args, ctx) {
    const { out } = ctx
    const f = args.flags
    const base = connection(f, ctx)
    onlyPositional(args, 1)
    const target = args.positional[0]
    const as = f.applied === true ? 'applied' : f['rolled-back'] === true ? 'rolled-back' : undefined
    if (f.applied === true && f['rolled-back'] === true) throw usage('Give either --applied or --rolled-back.')
    if (target === undefined && f.checksums !== true) throw usage('repair needs a version with --applied or --rolled-back, or --checksums.', 'Run tinymigrate repair --help.')
    if (target !== undefined && !as) throw usage(`Say how ${target} ended: --applied or --rolled-back.`)
    if (target === undefined && as) throw usage(`--${as} needs the version of the failed migration.`)
    if (target !== undefined) version(target, 'The version')
    const r = await lib.repair({ ...base, version: target, as, checksums: f.checksums === true })
    if (out.json) return out.document({ ok: true, ...r })
    if (r.settled) out.result(r.settled.as === 'applied' ? `recorded ${label(r.settled)} as applied` : `forgot ${label(r.settled)}: up will run it again`)
    if (f.checksums === true) out.result(r.checksums.length ? r.checksums.map((m) => `accepted the edited file of ${label(m)}`).join('\n') : 'no edited applied files')
  },
}

export const adopt: Command = {
  name: 'adopt',
  usage: 'tinymigrate adopt [--from golang-migrate|dbmate] [--from-table NAME]',
  summary: 'Record what golang-migrate or dbmate applied (read from its history table) as applied in tinymigrate\'s history, running nothing.',
  options: [
    '--from <tool>          golang-migrate or dbmate (default: told by the table\'s columns)',
    '--from-table <name>    the other tool\'s table, name or schema.name (default: schema_migrations)',
    '--dry-run              print the history writes; change nothing',
    ...LOCKING, ...CONNECTION,
  ],
  example: 'tinymigrate adopt --dry-run',
  flags: ['from', 'from-table', 'dry-run', 'lock-timeout', 'lock-mode'],
  async run(args, ctx) {
    const { out } = ctx
    const f = args.flags
    const base = connection(f, ctx)
    const dryRun = f['dry-run'] === true
    onlyPositional(args, 0)
    const from = f.from
    if (from !== undefined && from !== 'golang-migrate' && from !== 'dbmate') throw usage(`--from is golang-migrate or dbmate, not "${String(from)}".`)
    const r = await lib.adopt({ ...base, from, fromTable: stringFlag(f, 'from-table'), dryRun })
    if (out.json) return out.document({ ok: true, ...r })
    const source = `${r.from}'s history in ${r.fromTable}`
    if (dryRun) {
      out.result([`-- adopting ${source}`, ...(r.statements.length ? r.statements : ['-- nothing to record'])].join('\n'))
      return
    }
    if (r.recorded.length === 0 && r.alreadyRecorded.length === 0) out.result(`${source} records no applied migration: nothing to record`)
    for (const m of r.recorded) out.result(`recorded ${label(m)} as applied (not run)`)
    for (const m of r.alreadyRecorded) out.result(`already  ${label(m)} recorded`)
    out.result(`current: ${r.current ?? 'none'}`)
    out.result(`\n${source} is left in place. Once nothing runs ${r.from} any more, drop it:\n  ${r.drop}`)
  },
}

export const baseline: Command = {
  name: 'baseline',
  usage: 'tinymigrate baseline <name>',
  summary: 'Write the first migration from the schema of a database that no tool tracked (or Alembic or Flyway did), and record it as applied without running it.',
  options: [
    '--prelude <path>       SQL run on every scratch database first; what it creates is left out of the baseline',
    '--shadow-url <url>     server for the scratch databases (default: the --url server; none: the embedded engine)',
    '--dry-run              print both files and the history write; write and record nothing',
    ...LOCKING, ...CONNECTION,
  ],
  example: 'tinymigrate baseline initial && tinymigrate pull',
  flags: ['prelude', 'shadow-url', 'dry-run', 'lock-timeout', 'lock-mode'],
  async run(args, ctx) {
    const { out } = ctx
    const f = args.flags
    const base = connection(f, ctx)
    const dryRun = f['dry-run'] === true
    onlyPositional(args, 1)
    const name = args.positional[0]
    if (!name) throw usage('baseline needs a name for the migration it writes.', 'Example: tinymigrate baseline initial')
    const prelude = stringFlag(f, 'prelude')
    const r = await lib.baseline({ ...base, name, dryRun, prelude, shadowUrl: stringFlag(f, 'shadow-url') })
    if (out.json) return out.document({ ok: true, ...r })
    const owner = (t: lib.LeftOutTable) => MIGRATOR_NAMES[t.tool]
    if (dryRun) {
      out.result([
        r.sql.up, '-- ----- down -----', r.sql.down, '-- ----- then recorded as applied (not run) -----', ...r.statements,
        ...r.leftOut.map((t) => `-- left out: ${t.table} (${owner(t)}'s history); once nothing runs ${owner(t)} any more: ${t.drop}`),
      ].join('\n'))
    } else {
      out.result(`wrote ${r.up}\nwrote ${r.down}\nrecorded ${label(r)} as applied (not run)\ncurrent: ${r.current}`)
      for (const t of r.leftOut) {
        out.result(`\nleft out of the baseline: ${t.table} (${owner(t)}'s history). Once nothing runs ${owner(t)} any more, drop it:\n  ${t.drop}`)
      }
    }
    const skipped = Object.entries(r.notCompared).map(([kind, n]) => `${n} × ${kind}`)
    if (skipped.length) out.warn(`not in the baseline (tinymigrate does not read them; add them to it by hand): ${skipped.join(', ')}`)
    out.progress(`checked on a scratch database (${r.engine === 'server' ? 'on the server' : 'embedded engine'}): the up gives the database's schema, the down empties it again`)
    if (!dryRun) out.progress(`next: tinymigrate pull${prelude === undefined ? '' : ` --prelude ${prelude}`} writes schema.sql from it`)
  },
}

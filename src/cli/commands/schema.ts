/** The commands that write files: new, and those that compare with schema.sql: diff, check, pull. */
import * as lib from '../../index.js'
import { onlyPositional, seconds, stringFlag, usage, type Args, type Flags } from '../args.js'
import { dirOf, optionalUrl, resolveUrl, type Command, type Context } from '../context.js'
import { EXIT_CODES } from '../exit.js'
import { CONNECTION, SCHEMA, SCHEMA_FLAGS } from '../flags.js'
import { FLEET, FLEET_FLAGS, fleetOptions, isFleet, runFleetCommand } from './fleet.js'

export const create: Command = {
  name: 'new',
  aliases: [{ name: 'revision', usage: 'tinymigrate revision -m <name> [--autogenerate]' }],
  usage: 'tinymigrate new <name>',
  summary: 'Create an empty up/down pair with the next version (in a folder of dbmate files, one more such file).',
  options: ['--message <name>       the name, instead of the argument (also -m)', '--dir <path>           migrations directory (default: migrations)', '--json                 print one JSON document on stdout', '--quiet                print only errors'],
  example: 'tinymigrate new add_orders',
  flags: ['message', 'autogenerate', ...SCHEMA_FLAGS, 'from-db', 'dry-run', 'write-unverified'],
  async run(args, ctx) {
    const f = args.flags
    // Alembic's `revision --autogenerate` is diff.
    if (f.autogenerate === true) return draft(args, ctx)
    for (const flag of ['schema', 'shadow-url', 'prelude', 'from-db', 'dry-run', 'write-unverified']) {
      if (f[flag] !== undefined) throw usage(`Option --${flag} needs --autogenerate.`, 'Example: tinymigrate revision --autogenerate -m add_orders')
    }
    const name = typeof f.message === 'string' ? f.message : args.positional.join(' ')
    if (!name) throw usage('new needs a name.', 'Example: tinymigrate new add_orders')
    const created = lib.create({ dir: dirOf(f), name })
    if (ctx.out.json) ctx.out.document({ ok: true, ...created })
    else ctx.out.result(created.up === created.down ? `created ${created.up}` : `created ${created.up}\ncreated ${created.down}`)
  },
}

export const diff: Command = {
  name: 'diff',
  usage: 'tinymigrate diff <name> [--from-db]',
  summary: 'Draft the next up/down pair that turns the migrations\' schema into schema.sql, checked on scratch databases.',
  options: [
    ...SCHEMA,
    '--from-db              compare the live database (it must be up to date) instead of the replayed migrations',
    '--dry-run              print the drafted SQL; write nothing',
    '--write-unverified     write a pair that fails its check anyway, headed NOT VERIFIED with the reason, to fix by hand (exit 0, with a warning)',
    ...CONNECTION,
  ],
  example: 'tinymigrate diff add_orders',
  flags: [...SCHEMA_FLAGS, 'from-db', 'dry-run', 'message', 'write-unverified'],
  run: draft,
}

export const check: Command = {
  name: 'check',
  usage: 'tinymigrate check [--from-db]',
  summary: 'Exit 0 when the migrations (or the live database) give exactly schema.sql; else list the differences and exit 3.',
  options: [...SCHEMA, '--from-db              compare the live database instead of the replayed migrations', ...CONNECTION, ...FLEET.filter((row) => !row.startsWith('--schemas'))],
  example: 'tinymigrate check',
  flags: [...SCHEMA_FLAGS, 'from-db', ...FLEET_FLAGS],
  async run(args, ctx) {
    const { out } = ctx
    if (isFleet(args.flags)) {
      if (args.flags['from-db'] !== true) throw usage('A fleet is checked database by database: check takes targets with --from-db.', 'Example: tinymigrate check --from-db --targets targets.txt')
      onlyPositional(args, 0)
      const f = args.flags
      return runFleetCommand(fleetOptions(f, ctx, 'check', { schema: stringFlag(f, 'schema'), shadowUrl: stringFlag(f, 'shadow-url'), prelude: stringFlag(f, 'prelude') }), ctx)
    }
    const options = schemaOptions(args.flags, ctx)
    onlyPositional(args, 0)
    const r = await lib.check(options)
    const schema = schemaPath(args.flags)
    if (out.json) out.document({ ...r })
    else if (r.ok) out.result(`ok: ${r.source === 'database' ? 'the database has' : 'the migrations give'} exactly the schema of ${schema}${notCompared(r.notCompared)}`)
    else {
      out.result(r.differences.join('\n'))
      out.warn(`${r.source === 'database' ? 'the database differs' : 'the migrations differ'} from ${schema}: ${r.differences.length} difference(s)${notCompared(r.notCompared)}`)
      out.progress(r.source === 'database' ? 'run tinymigrate diff <name> --from-db to draft the migration that fixes the drift' : 'run tinymigrate diff <name> to draft the missing migration')
    }
    return r.ok ? 0 : EXIT_CODES.SCHEMA_DIFFERS
  },
}

export const pull: Command = {
  name: 'pull',
  usage: 'tinymigrate pull [--from-db]',
  summary: 'Write schema.sql from the replayed migrations (or the live database), in a stable order.',
  options: [...SCHEMA, '--from-db              read the live database instead of the replayed migrations', ...CONNECTION],
  example: 'tinymigrate pull --from-db',
  flags: [...SCHEMA_FLAGS, 'from-db'],
  async run(args, ctx) {
    const f = args.flags
    const options = schemaOptions(f, ctx)
    onlyPositional(args, 0)
    const r = await lib.pull(options)
    if (ctx.out.json) return ctx.out.document({ ok: true, ...r })
    ctx.out.result(`wrote ${r.path} (${r.statements} statements, from ${f['from-db'] === true ? 'the database' : `the migrations in ${dirOf(f)}`})${notCompared(r.notCompared)}`)
  },
}

/**
 * The options of diff, check and pull. A URL is needed only with --from-db, or to pick a server
 * for the scratch databases: without one the embedded engine hosts them.
 */
function schemaOptions(f: Flags, ctx: Context): lib.SchemaOptions {
  return {
    url: f['from-db'] === true ? resolveUrl(f, ctx) : optionalUrl(f, ctx),
    dir: dirOf(f),
    table: stringFlag(f, 'table'),
    wait: seconds(f, 'wait'),
    onEvent: ctx.onEvent,
    signal: ctx.signal,
    schema: stringFlag(f, 'schema'),
    shadowUrl: stringFlag(f, 'shadow-url'),
    prelude: stringFlag(f, 'prelude'),
    fromDb: f['from-db'] === true,
  }
}

function schemaPath(f: Flags): string {
  return stringFlag(f, 'schema') ?? `${dirOf(f)}/schema.sql`
}

function notCompared(counts: Record<string, number>): string {
  const list = Object.entries(counts).map(([kind, n]) => `${n} × ${kind}`)
  return list.length ? `\nnot compared: ${list.join(', ')}` : ''
}

/** `diff <name>` and `revision --autogenerate -m <name>`. */
async function draft(args: Args, ctx: Context): Promise<number | void> {
  const { out } = ctx
  const f = args.flags
  const name = typeof f.message === 'string' ? f.message : args.positional.join(' ')
  if (!name) throw usage(`${args.invoked === 'revision' ? 'revision --autogenerate needs -m <name>' : 'diff needs a name'}.`, 'Example: tinymigrate diff add_orders')
  if (typeof f.message === 'string' && args.positional.length) throw usage('Give the name once: as an argument or with -m.')
  const dryRun = f['dry-run'] === true
  const r = await lib.diff({ ...schemaOptions(f, ctx), name, dryRun, writeUnverified: f['write-unverified'] === true })
  // Asked for explicitly, an unverified pair is a success (exit 0), but never a quiet one.
  const unverified = () => {
    if (r.unverified) out.warn(unverifiedWarning(r.unverified, schemaPath(f), f['from-db'] === true ? 'the database' : `the migrations in ${dirOf(f)}`, dryRun), true)
  }
  if (out.json) {
    out.document({ ok: true, ...r })
    return unverified()
  }
  if (!r.changed) return out.result(`nothing to draft: ${f['from-db'] === true ? 'the database has' : 'the migrations give'} exactly the schema of ${schemaPath(f)}${notCompared(r.notCompared)}`)
  if (dryRun) out.result(`${r.sql!.up}\n-- ----- down -----\n${r.sql!.down}`)
  else out.result(`wrote ${r.up}\nwrote ${r.down}`)
  out.progress(`changes:\n${r.changes.map((c) => `  ${c}`).join('\n')}`)
  for (const w of r.warnings) out.warn(w)
  if (r.verified) out.progress(`checked on scratch databases (${r.engine === 'server' ? 'on the server' : 'embedded engine'}): the up gives the schema file's schema, the down gives back the current one${notCompared(r.notCompared)}`)
  else unverified()
  if (!dryRun && r.verified) out.progress('review the files, then run: tinymigrate up')
}

/** The warning of a pair written with --write-unverified: what failed, as in its files' header. */
function unverifiedWarning(u: lib.Unverified, schema: string, source: string, dryRun: boolean): string {
  const lines = [`NOT VERIFIED: the drafted pair did not pass its check on a scratch database; ${dryRun ? 'printed' : 'written'} only because of --write-unverified`]
  if (u.direction) {
    lines.push(`  the ${u.direction} fails${u.line === null ? '' : ` at line ${u.line} of ${u.file}`}: ${u.message}`)
    if (u.statement) lines.push(`    ${u.statement}`)
    if (u.detail) lines.push(`  detail: ${u.detail}`)
    if (u.hint) lines.push(`  hint: ${u.hint}`)
  }
  const list = (title: string, changes: string[]) => { if (changes.length) lines.push(`  ${title}`, ...changes.map((c) => `    ${c}`)) }
  list(`after the up, the schema still differs from ${schema}:`, u.stillDiffers.afterUp)
  list(`after the down, the schema still differs from ${source}:`, u.stillDiffers.afterDown)
  lines.push('  fix the pair by hand before running tinymigrate up; the NOT VERIFIED comments at the top of each file say what failed')
  return lines.join('\n')
}

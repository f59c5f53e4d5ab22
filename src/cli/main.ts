import { existsSync, readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import mri from 'mri'
import { TinymigrateError } from '../errors.js'
import type { Event } from '../events.js'
import * as lib from '../index.js'
import { label } from '../files.js'
import { MIGRATOR_NAMES } from '../migrators.js'
import { useBaselineCompiler } from '../embedded/engine.js'
import { commandHelp, findCommand, mainHelp, type CommandSpec } from './commands.js'
import { EXIT_CODES, INTERNAL_ERROR } from './exit.js'
import { BOOLEAN_FLAGS, GLOBAL_FLAGS, SHORT, STRING_FLAGS } from './flags.js'
import { createOutput, migrationRows, printEvents, table, type Output } from './output.js'

interface Env { [key: string]: string | undefined }

export interface MainOptions {
  env?: Env
  cwd?: string
  stdout?: (text: string) => void
  stderr?: (text: string) => void
  colour?: boolean
  signal?: AbortSignal
}

/**
 * The process entry point (bin/tinymigrate.cjs): main, with its result as the exit code. A run
 * that stops without settling (nothing left to wait for, yet no result) must never exit 0.
 */
export function start(argv: string[]): void {
  let settled = false
  process.exitCode = INTERNAL_ERROR
  // What is printed within 50 ms goes out in one write: 1,000 lines written one by one to a pipe
  // cost a tenth of a second here, and a person cannot tell. Whatever goes to stderr first sends
  // what stdout holds, so the order stays; so does the end of the process.
  let pending = ''
  const flush = () => {
    if (!pending) return
    const text = pending
    pending = ''
    process.stdout.write(text)
  }
  const stdout = (text: string) => {
    if (!pending) setTimeout(flush, 50).unref()
    pending += text
    if (pending.length >= 16384) flush()
  }
  const stderr = (text: string) => {
    flush()
    process.stderr.write(text)
  }
  process.on('exit', () => {
    flush()
    if (!settled) process.stderr.write('internal error (please report it): the run ended without a result\n')
  })
  void main(argv, { stdout, stderr }).then((code) => {
    settled = true
    process.exitCode = code
  })
}

export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  useBaselineCompiler()
  const env = options.env ?? process.env
  const stdout = options.stdout ?? ((t: string) => { process.stdout.write(t) })
  const stderr = options.stderr ?? ((t: string) => { process.stderr.write(t) })
  const colour = options.colour ?? (!!process.stderr.isTTY && !('NO_COLOR' in env) && env.TERM !== 'dumb')
  let out = createOutput({ stdout, stderr, colour }, argv.includes('--json'), false)
  const controller = new AbortController()
  const detach = options.signal ? forward(options.signal, controller) : onSignals(controller, stderr)
  try {
    const parsed = parse(argv)
    out = createOutput({ stdout, stderr, colour }, parsed.flags.json === true, parsed.flags.quiet === true)
    if (parsed.flags.version) {
      stdout(parsed.flags.json ? JSON.stringify({ ok: true, version: version() }) + '\n' : version() + '\n')
      return 0
    }
    if (parsed.invoked === 'help') {
      const topic = parsed.positional[0] ? findCommand(parsed.positional[0]) : undefined
      if (parsed.positional[0] && !topic) throw usage(`Unknown command "${parsed.positional[0]}".`, 'Run tinymigrate --help for the list of commands.')
      stdout(topic ? commandHelp(topic, parsed.positional[0]) : mainHelp())
      return 0
    }
    if (!parsed.command) {
      if (parsed.flags.help) { stdout(mainHelp()); return 0 }
      throw usage('No command given.', 'Run tinymigrate --help for the list of commands.')
    }
    if (parsed.flags.help) { stdout(commandHelp(parsed.command, parsed.invoked)); return 0 }
    return (await run(parsed, out, env, options.cwd ?? process.cwd(), controller.signal)) ?? 0
  } catch (error) {
    if (error instanceof TinymigrateError) {
      if (out.json) out.document({ ok: false, error: errorJson(error), applied: error.applied, reverted: error.reverted })
      else out.error(error)
      return EXIT_CODES[error.code] ?? 1
    }
    stderr(`internal error (please report it): ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
    return INTERNAL_ERROR
  } finally {
    detach()
  }
}

function errorJson(e: TinymigrateError) {
  return {
    code: e.code,
    message: e.message,
    next: e.next ?? null,
    location: e.location && e.location.line > 0 ? e.location : null,
    detail: e.detail ?? null,
    hint: e.hint ?? null,
    sqlState: e.sqlState ?? null,
    files: e.files,
    // DRAFT_UNVERIFIED from diff: the failing statement, or what still differs.
    ...(e.unverified ? { unverified: e.unverified } : {}),
  }
}

function onSignals(controller: AbortController, stderr: (t: string) => void): () => void {
  let count = 0
  const handler = (signal: NodeJS.Signals) => {
    count++
    if (count > 1) process.exit(130)
    stderr(`\n${signal === 'SIGINT' ? 'interrupted' : signal}: rolling back the current migration and releasing the lock (press Ctrl-C again to quit at once)\n`)
    controller.abort()
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return () => { process.off('SIGINT', handler); process.off('SIGTERM', handler) }
}

function forward(signal: AbortSignal, controller: AbortController): () => void {
  const f = () => controller.abort()
  signal.addEventListener('abort', f)
  return () => signal.removeEventListener('abort', f)
}

/** The package's version, from its package.json: found from the bundled CLI and the library alike. */
function version(): string {
  for (const up of ['../package.json', '../../../package.json']) {
    const file = new URL(up, import.meta.url)
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
  }
  return 'unknown'
}

interface Parsed {
  command: CommandSpec | undefined
  invoked: string
  positional: string[]
  flags: Record<string, string | boolean | undefined>
}

function usage(message: string, next?: string): TinymigrateError {
  return new TinymigrateError('USAGE', message, { next: next ?? 'Run tinymigrate --help.' })
}

function parse(argv: string[]): Parsed {
  // Alembic's `downgrade -1` and `upgrade +2` look like flags to a parser: take them out first.
  const steps = argv.filter((a) => /^[-+]\d+$/.test(a))
  let unknown: string | undefined
  const args = mri(argv.filter((a) => !steps.includes(a)), {
    // Copies: mri appends aliases to these arrays, which would grow the shared ones on every call.
    string: [...STRING_FLAGS],
    boolean: [...BOOLEAN_FLAGS],
    alias: aliasTable(),
    unknown: (flag) => { unknown ??= flag },
  })
  if (unknown) throw usage(`Unknown option ${unknown}.`)
  const [invoked = '', ...rest] = args._.map(String)
  const command = invoked && invoked !== 'help' ? findCommand(invoked) : undefined
  if (invoked && invoked !== 'help' && !command) throw usage(`Unknown command "${invoked}".`, 'Run tinymigrate --help for the list of commands.')
  const flags: Parsed['flags'] = {}
  for (const [key, value] of Object.entries(args)) {
    if (key === '_' || key.length === 1) continue
    if (value === undefined || value === false) continue
    if (Array.isArray(value)) throw usage(`--${key} was given more than once.`)
    if (STRING_FLAGS.includes(key) && (value === '' || value === true)) throw usage(`--${key} needs a value.`)
    flags[key] = value as string | boolean
  }
  if (command) {
    const allowed = new Set([...GLOBAL_FLAGS, ...command.flags])
    for (const key of Object.keys(flags)) {
      if (!allowed.has(key)) throw usage(`Option --${key} does not apply to ${command.name}.`, `Run tinymigrate ${command.name} --help.`)
    }
  }
  return { command, invoked, positional: [...rest, ...steps], flags }
}

/** mri only knows the flags named in `alias` when `unknown` is set: name every flag there. */
function aliasTable(): Record<string, string[]> {
  const table: Record<string, string[]> = {}
  for (const flag of [...STRING_FLAGS, ...BOOLEAN_FLAGS]) table[flag] = []
  for (const [short, long] of Object.entries(SHORT)) table[long]!.push(short)
  return table
}

function seconds(flags: Parsed['flags'], name: string): number | undefined {
  const v = flags[name]
  if (v === undefined) return undefined
  if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v)) throw usage(`--${name} takes a number of seconds, not "${String(v)}".`)
  return Number(v)
}

function lockMode(value: string | boolean | undefined): 'advisory' | 'lease' | undefined {
  if (value === undefined) return undefined
  if (value === 'advisory' || value === 'lease') return value
  throw usage(`--lock-mode is advisory or lease, not "${String(value)}".`)
}

function whole(text: string, what: string): number {
  if (!/^\d{1,6}$/.test(text)) throw usage(`${what} must be a whole number, not "${text}".`)
  return Number(text)
}

/** Versions are checked before connecting: a typo should not wait for a database. */
function version_(text: string, what: string): string {
  if (!/^\d+$/.test(text)) throw usage(`${what} must be a version (digits, like 001 or 20261124093000), not "${text}".`, 'Run tinymigrate status to see the versions.')
  return text
}

function count(text: string, what: string): number {
  if (!/^\d+$/.test(text) || BigInt(text) === 0n || BigInt(text) > 1_000_000n) throw usage(`${what} must be a positive whole number, not "${text}".`)
  return Number(text)
}

/** Where the embedded database lives when no URL is configured (git-ignore `.tinymigrate/`). */
export const EMBEDDED_URL = 'pglite:.tinymigrate/db'

function resolveUrl(flags: Parsed['flags'], env: Env, cwd: string, out: Output): string {
  const configured = optionalUrl(flags, env, cwd)
  if (configured) return configured
  // In CI or production a missing URL is a misspelt variable, not a wish for a scratch database:
  // migrating a throwaway database and reporting success would hide it.
  if (env.CI || env.NODE_ENV === 'production') {
    throw new TinymigrateError('NO_DATABASE_URL', `No database URL: --url is not given, DATABASE_URL is not set, and ./.env has no DATABASE_URL (the embedded database is not used when ${env.CI ? 'CI' : 'NODE_ENV=production'} is set).`, {
      next: 'Pass --url postgres://user@host:5432/db, or set DATABASE_URL.',
    })
  }
  out.progress(`no database URL configured: using the embedded database in .tinymigrate/db (${EMBEDDED_URL})`)
  return EMBEDDED_URL
}

function onlyPositional(p: Parsed, max: number): void {
  if (p.positional.length > max) throw usage(`Too many arguments for ${p.command!.name}: ${p.positional.join(' ')}.`, `Run tinymigrate ${p.command!.name} --help.`)
}

async function run(p: Parsed, out: Output, env: Env, cwd: string, signal: AbortSignal): Promise<number | void> {
  const command = p.command!
  const f = p.flags
  const dir = typeof f.dir === 'string' ? f.dir : lib.DEFAULT_DIR
  const onEvent = printEvents(out)
  if ((command.name === 'new' && f.autogenerate === true) || command.name === 'diff') return draft(p, out, env, cwd, dir, onEvent, signal)
  if (command.name === 'check' || command.name === 'pull') return schemaCommand(p, out, env, cwd, dir, onEvent, signal)
  if (command.name === 'new') {
    for (const flag of ['schema', 'shadow-url', 'prelude', 'from-db', 'dry-run', 'write-unverified']) {
      if (f[flag] !== undefined) throw usage(`Option --${flag} needs --autogenerate.`, 'Example: tinymigrate revision --autogenerate -m add_orders')
    }
    const name = typeof f.message === 'string' ? f.message : p.positional.join(' ')
    if (!name) throw usage('new needs a name.', 'Example: tinymigrate new add_orders')
    const created = lib.create({ dir, name })
    if (out.json) out.document({ ok: true, ...created })
    else out.result(created.up === created.down ? `created ${created.up}` : `created ${created.up}\ncreated ${created.down}`)
    return
  }
  const base: lib.Options = {
    url: resolveUrl(f, env, cwd, out),
    dir,
    table: typeof f.table === 'string' ? f.table : undefined,
    wait: seconds(f, 'wait'),
    lockTimeout: seconds(f, 'lock-timeout'),
    lockMode: lockMode(f['lock-mode']),
    ddlLockTimeout: seconds(f, 'ddl-lock-timeout'),
    statementTimeout: seconds(f, 'statement-timeout'),
    lockRetries: f['lock-retries'] === undefined ? undefined : whole(String(f['lock-retries']), '--lock-retries'),
    onEvent,
    signal,
  }
  const dryRun = f['dry-run'] === true
  switch (command.name) {
    case 'up': {
      const request: lib.MigrateOptions = { ...base, dryRun, allowOutOfOrder: f['allow-out-of-order'] === true }
      const arg = p.positional
      onlyPositional(p, 1)
      if (p.invoked === 'upgrade' && arg[0] !== undefined && arg[0] !== 'head') {
        if (arg[0].startsWith('+')) request.count = count(arg[0].slice(1), 'The step count')
        else request.to = version_(arg[0], 'The target')
      } else if (arg[0] !== undefined && arg[0] !== 'head') {
        request.count = count(arg[0], 'N')
      }
      if (typeof f.to === 'string') {
        if (request.count !== undefined || request.to !== undefined) throw usage('Give either N or --to, not both.')
        request.to = version_(f.to, '--to')
      }
      return report(out, 'up', await lib.migrate(request))
    }
    case 'down': {
      const request: lib.RollbackOptions = { ...base, dryRun }
      const arg = p.positional
      onlyPositional(p, 1)
      const choices = [arg[0] !== undefined, typeof f.to === 'string', f.all === true].filter(Boolean).length
      if (choices > 1) throw usage('Give one of N, --to or --all.')
      if (arg[0] !== undefined) {
        if (p.invoked === 'downgrade') {
          if (arg[0] === 'base') request.all = true
          else if (arg[0].startsWith('-')) request.count = count(arg[0].slice(1), 'The step count')
          else request.to = version_(arg[0], 'The target')
        } else {
          request.count = count(arg[0], 'N')
        }
      }
      if (typeof f.to === 'string') request.to = version_(f.to, '--to')
      if (f.all === true) request.all = true
      return report(out, 'down', await lib.rollback(request))
    }
    case 'redo':
      onlyPositional(p, 0)
      return report(out, 'redo', await lib.redo({ ...base, dryRun }))
    case 'status': {
      onlyPositional(p, 0)
      const s = await lib.status(base)
      if (out.json) return out.document({ ok: true, ...s })
      if (s.migrations.length === 0) return out.result(`No migrations in ${dir}.`)
      out.result(table(['version', 'name', 'state', 'applied at'], migrationRows(s.migrations, true)))
      const pending = s.migrations.filter((m) => m.state === 'pending').length
      out.result(`\ncurrent: ${s.current ?? 'none'}; ${pending} pending (history table ${s.table})`)
      return
    }
    case 'current': {
      onlyPositional(p, 0)
      const c = await lib.current(base)
      if (out.json) return out.document({ ok: true, current: c })
      return out.result(c ? label(c) : 'none')
    }
    case 'history': {
      onlyPositional(p, 0)
      const h = await lib.history(base)
      if (out.json) return out.document({ ok: true, migrations: h })
      if (h.length === 0) return out.result('No migration has been applied.')
      return out.result(table(['version', 'name', 'applied at', 'took', 'by'], migrationRows(h, false)))
    }
    case 'verify': {
      onlyPositional(p, 0)
      const v = await lib.verify(base)
      if (out.json) out.document({ ok: v.ok, problems: v.problems, migrations: v.migrations })
      else if (v.ok) out.result(`ok: ${v.migrations.filter((m) => m.state === 'applied').length} applied migrations match their files`)
      if (!v.ok) {
        if (!out.json) {
          for (const problem of v.problems) out.result(`${problem.code}  ${problem.message}`)
          out.warn('verification failed: see the README troubleshooting table for each code')
        }
        return EXIT_CODES.CHECKSUM_MISMATCH
      }
      return
    }
    case 'stamp': {
      onlyPositional(p, 1)
      const target = p.positional[0]
      if (!target) throw usage('stamp needs a target: a version, head or base.', 'Example: tinymigrate stamp head')
      if (target !== 'head' && target !== 'base') version_(target, 'The stamp target')
      const r = await lib.stamp({ ...base, target, dryRun })
      if (out.json) return out.document({ ok: true, ...r })
      if (dryRun) return out.result(r.statements.join('\n'))
      for (const m of r.recorded) out.result(`recorded ${label(m)} as applied (not run)`)
      for (const m of r.forgotten) out.result(`forgot   ${label(m)} (not reverted)`)
      return out.result(`current: ${r.current ?? 'none'}`)
    }
    case 'adopt': {
      onlyPositional(p, 0)
      const from = f.from
      if (from !== undefined && from !== 'golang-migrate' && from !== 'dbmate') throw usage(`--from is golang-migrate or dbmate, not "${String(from)}".`)
      const r = await lib.adopt({ ...base, from, fromTable: typeof f['from-table'] === 'string' ? f['from-table'] : undefined, dryRun })
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
      return
    }
    case 'baseline': {
      onlyPositional(p, 1)
      const name = p.positional[0]
      if (!name) throw usage('baseline needs a name for the migration it writes.', 'Example: tinymigrate baseline initial')
      const r = await lib.baseline({
        ...base, name, dryRun,
        prelude: typeof f.prelude === 'string' ? f.prelude : undefined,
        shadowUrl: typeof f['shadow-url'] === 'string' ? f['shadow-url'] : undefined,
      })
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
      if (!dryRun) out.progress(`next: tinymigrate pull${typeof f.prelude === 'string' ? ` --prelude ${f.prelude}` : ''} writes schema.sql from it`)
      return
    }
    case 'repair': {
      onlyPositional(p, 1)
      const version = p.positional[0]
      const as = f.applied === true ? 'applied' : f['rolled-back'] === true ? 'rolled-back' : undefined
      if (f.applied === true && f['rolled-back'] === true) throw usage('Give either --applied or --rolled-back.')
      if (version === undefined && f.checksums !== true) throw usage('repair needs a version with --applied or --rolled-back, or --checksums.', 'Run tinymigrate repair --help.')
      if (version !== undefined && !as) throw usage(`Say how ${version} ended: --applied or --rolled-back.`)
      if (version === undefined && as) throw usage(`--${as} needs the version of the failed migration.`)
      if (version !== undefined) version_(version, 'The version')
      const r = await lib.repair({ ...base, version, as, checksums: f.checksums === true })
      if (out.json) return out.document({ ok: true, ...r })
      if (r.settled) out.result(r.settled.as === 'applied' ? `recorded ${label(r.settled)} as applied` : `forgot ${label(r.settled)}: up will run it again`)
      if (f.checksums === true) out.result(r.checksums.length ? r.checksums.map((m) => `accepted the edited file of ${label(m)}`).join('\n') : 'no edited applied files')
      return
    }
  }
}

/** `check` and `pull`: like diff, a URL is needed only with --from-db. */
async function schemaCommand(p: Parsed, out: Output, env: Env, cwd: string, dir: string, onEvent: (e: Event) => void, signal: AbortSignal): Promise<number | void> {
  const f = p.flags
  const url = f['from-db'] === true ? resolveUrl(f, env, cwd, out) : optionalUrl(f, env, cwd)
  const base: lib.Options = { url, dir, table: typeof f.table === 'string' ? f.table : undefined, wait: seconds(f, 'wait'), onEvent, signal }
  switch (p.command!.name) {
    case 'check': {
      onlyPositional(p, 0)
      const r = await lib.check(schemaOptions(p, base))
      if (out.json) out.document({ ...r })
      else if (r.ok) out.result(`ok: ${r.source === 'database' ? 'the database has' : 'the migrations give'} exactly the schema of ${schemaPath(p, dir)}${notCompared(r.notCompared)}`)
      else {
        out.result(r.differences.join('\n'))
        out.warn(`${r.source === 'database' ? 'the database differs' : 'the migrations differ'} from ${schemaPath(p, dir)}: ${r.differences.length} difference(s)${notCompared(r.notCompared)}`)
        out.progress(r.source === 'database' ? 'run tinymigrate diff <name> --from-db to draft the migration that fixes the drift' : 'run tinymigrate diff <name> to draft the missing migration')
      }
      return r.ok ? 0 : EXIT_CODES.SCHEMA_DIFFERS
    }
    case 'pull': {
      onlyPositional(p, 0)
      const r = await lib.pull(schemaOptions(p, base))
      if (out.json) return out.document({ ok: true, ...r })
      return out.result(`wrote ${r.path} (${r.statements} statements, from ${f['from-db'] === true ? 'the database' : `the migrations in ${dir}`})${notCompared(r.notCompared)}`)
    }
  }
}

function schemaPath(p: Parsed, dir: string): string {
  return typeof p.flags.schema === 'string' ? p.flags.schema : `${dir}/schema.sql`
}

function schemaOptions(p: Parsed, base: lib.Options): lib.SchemaOptions {
  const f = p.flags
  return {
    ...base,
    schema: typeof f.schema === 'string' ? f.schema : undefined,
    shadowUrl: typeof f['shadow-url'] === 'string' ? f['shadow-url'] : undefined,
    prelude: typeof f.prelude === 'string' ? f.prelude : undefined,
    fromDb: f['from-db'] === true,
  }
}

function notCompared(counts: Record<string, number>): string {
  const list = Object.entries(counts).map(([kind, n]) => `${n} × ${kind}`)
  return list.length ? `\nnot compared: ${list.join(', ')}` : ''
}

/**
 * `diff <name>` and `revision --autogenerate -m <name>`. The URL is only needed with --from-db
 * or to pick a server for the scratch databases: without one the embedded engine hosts them.
 */
async function draft(p: Parsed, out: Output, env: Env, cwd: string, dir: string, onEvent: (e: Event) => void, signal: AbortSignal): Promise<number | void> {
  const f = p.flags
  const name = typeof f.message === 'string' ? f.message : p.positional.join(' ')
  if (!name) throw usage(`${p.invoked === 'revision' ? 'revision --autogenerate needs -m <name>' : 'diff needs a name'}.`, 'Example: tinymigrate diff add_orders')
  if (typeof f.message === 'string' && p.positional.length) throw usage('Give the name once: as an argument or with -m.')
  const url = f['from-db'] === true ? resolveUrl(f, env, cwd, out) : optionalUrl(f, env, cwd)
  const base: lib.Options = { url, dir, table: typeof f.table === 'string' ? f.table : undefined, wait: seconds(f, 'wait'), onEvent, signal }
  const r = await lib.diff({ ...schemaOptions(p, base), name, dryRun: f['dry-run'] === true, writeUnverified: f['write-unverified'] === true })
  // Asked for explicitly, an unverified pair is a success (exit 0), but never a quiet one.
  const unverified = () => {
    if (r.unverified) out.warn(unverifiedWarning(r.unverified, schemaPath(p, dir), f['from-db'] === true ? 'the database' : `the migrations in ${dir}`, f['dry-run'] === true), true)
  }
  if (out.json) {
    out.document({ ok: true, ...r })
    return unverified()
  }
  if (!r.changed) return out.result(`nothing to draft: ${f['from-db'] === true ? 'the database has' : 'the migrations give'} exactly the schema of ${schemaPath(p, dir)}${notCompared(r.notCompared)}`)
  if (f['dry-run'] === true) out.result(`${r.sql!.up}\n-- ----- down -----\n${r.sql!.down}`)
  else out.result(`wrote ${r.up}\nwrote ${r.down}`)
  out.progress(`changes:\n${r.changes.map((c) => `  ${c}`).join('\n')}`)
  for (const w of r.warnings) out.warn(w)
  if (r.verified) out.progress(`checked on scratch databases (${r.engine === 'server' ? 'on the server' : 'embedded engine'}): the up gives the schema file's schema, the down gives back the current one${notCompared(r.notCompared)}`)
  else unverified()
  if (f['dry-run'] !== true && r.verified) out.progress('review the files, then run: tinymigrate up')
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

/** A URL when one is configured; undefined (the embedded engine) otherwise, without a notice. */
function optionalUrl(flags: Parsed['flags'], env: Env, cwd: string): string | undefined {
  if (typeof flags.url === 'string') return flags.url
  if (env.DATABASE_URL) return env.DATABASE_URL
  const file = `${cwd}/.env`
  if (existsSync(file)) return parseEnv(readFileSync(file, 'utf8')).DATABASE_URL || undefined
  return undefined
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

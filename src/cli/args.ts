/** argv → command, positional arguments and flags; and the checks of their values (USAGE, exit 2). */
import mri from 'mri'
import { TinymigrateError } from '../errors.js'
import type { Command } from './context.js'
import { BOOLEAN_FLAGS, GLOBAL_FLAGS, SHORT, STRING_FLAGS } from './flags.js'

export type Flags = Record<string, string | boolean | undefined>

export interface Parsed {
  command: Command | undefined
  /** The name as typed: an alias (`upgrade`) changes how some arguments read. */
  invoked: string
  positional: string[]
  flags: Flags
}

/** What a command's `run` is given: the parse, with the command found. */
export interface Args extends Parsed {
  command: Command
}

export function usage(message: string, next?: string): TinymigrateError {
  return new TinymigrateError('USAGE', message, { next: next ?? 'Run tinymigrate --help.' })
}

/** `find` looks a command up by name or alias; given, not imported, as the commands use this module. */
export function parse(argv: string[], find: (name: string) => Command | undefined): Parsed {
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
  const command = invoked && invoked !== 'help' ? find(invoked) : undefined
  if (invoked && invoked !== 'help' && !command) throw usage(`Unknown command "${invoked}".`, 'Run tinymigrate --help for the list of commands.')
  const flags: Flags = {}
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

/** A flag that takes a value, when given. */
export function stringFlag(flags: Flags, name: string): string | undefined {
  const v = flags[name]
  return typeof v === 'string' ? v : undefined
}

export function seconds(flags: Flags, name: string): number | undefined {
  const v = flags[name]
  if (v === undefined) return undefined
  if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v)) throw usage(`--${name} takes a number of seconds, not "${String(v)}".`)
  return Number(v)
}

export function lockMode(value: string | boolean | undefined): 'advisory' | 'lease' | undefined {
  if (value === undefined) return undefined
  if (value === 'advisory' || value === 'lease') return value
  throw usage(`--lock-mode is advisory or lease, not "${String(value)}".`)
}

export function whole(text: string, what: string): number {
  if (!/^\d{1,6}$/.test(text)) throw usage(`${what} must be a whole number, not "${text}".`)
  return Number(text)
}

/** Versions are checked before connecting: a typo should not wait for a database. */
export function version(text: string, what: string): string {
  if (!/^\d+$/.test(text)) throw usage(`${what} must be a version (digits, like 001 or 20261124093000), not "${text}".`, 'Run tinymigrate status to see the versions.')
  return text
}

export function count(text: string, what: string): number {
  if (!/^\d+$/.test(text) || BigInt(text) === 0n || BigInt(text) > 1_000_000n) throw usage(`${what} must be a positive whole number, not "${text}".`)
  return Number(text)
}

export function onlyPositional(args: Args, max: number): void {
  if (args.positional.length > max) throw usage(`Too many arguments for ${args.command.name}: ${args.positional.join(' ')}.`, `Run tinymigrate ${args.command.name} --help.`)
}

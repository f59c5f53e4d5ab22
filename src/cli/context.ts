/** What a command entry is, what it runs with, and the parts of a run several commands share. */
import { existsSync, readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import { TinymigrateError } from '../errors.js'
import type { Event } from '../events.js'
import * as lib from '../index.js'
import { lockMode, seconds, stringFlag, usage, whole, type Args, type Flags } from './args.js'
import type { Output } from './output.js'

export interface Command {
  name: string
  /** Alembic's names for it; `usage`, when given, is what its help shows when called by that name. */
  aliases?: { name: string, usage?: string }[]
  usage: string
  summary: string
  options: string[]
  example: string
  /** Flags this command accepts besides the global ones. */
  flags: string[]
  /** Checks the arguments (USAGE), calls the library, prints; returns the exit code (none: 0). */
  run(args: Args, ctx: Context): Promise<number | void>
}

export interface Env { [key: string]: string | undefined }

export interface Context {
  out: Output
  env: Env
  cwd: string
  signal: AbortSignal
  /** The library's progress events, printed. */
  onEvent: (e: Event) => void
}

export function dirOf(flags: Flags): string {
  return stringFlag(flags, 'dir') ?? lib.DEFAULT_DIR
}

/** Where the embedded database lives when no URL is configured (git-ignore `.tinymigrate/`). */
export const EMBEDDED_URL = 'pglite:.tinymigrate/db'

export function resolveUrl(flags: Flags, ctx: Context): string {
  const { env } = ctx
  const configured = optionalUrl(flags, ctx)
  if (configured) return configured
  // In CI or production a missing URL is a misspelt variable, not a wish for a scratch database:
  // migrating a throwaway database and reporting success would hide it.
  if (env.CI || env.NODE_ENV === 'production') {
    throw new TinymigrateError('NO_DATABASE_URL', `No database URL: --url is not given, DATABASE_URL is not set, and ./.env has no DATABASE_URL (the embedded database is not used when ${env.CI ? 'CI' : 'NODE_ENV=production'} is set).`, {
      next: 'Pass --url postgres://user@host:5432/db, or set DATABASE_URL.',
    })
  }
  ctx.out.progress(`no database URL configured: using the embedded database in .tinymigrate/db (${EMBEDDED_URL})`)
  return EMBEDDED_URL
}

/** A URL when one is configured; undefined (the embedded engine) otherwise, without a notice. */
export function optionalUrl(flags: Flags, ctx: Context): string | undefined {
  if (typeof flags.url === 'string') return flags.url
  if (ctx.env.DATABASE_URL) return ctx.env.DATABASE_URL
  const file = `${ctx.cwd}/.env`
  if (existsSync(file)) return parseEnv(readFileSync(file, 'utf8')).DATABASE_URL || undefined
  return undefined
}

/**
 * The options of a command that works on the database: the URL (or the embedded database, said
 * on stderr), the history table and every timeout. The commands call it before checking their own
 * arguments, so a missing URL is what they report first.
 */
export function connection(flags: Flags, ctx: Context): lib.Options {
  // A single run: the flags that steer a fleet mean nothing here.
  for (const flag of ['parallel', 'canary', 'continue-on-error']) {
    if (flags[flag] !== undefined) throw usage(`--${flag} needs targets: --targets, --targets-query, --schemas or --schemas-query.`)
  }
  return connectionFor(flags, ctx, resolveUrl(flags, ctx))
}

/** The same, with the URL given (a fleet's control database, which may be none). */
export function connectionFor(flags: Flags, ctx: Context, url: string | undefined): lib.Options {
  return {
    url,
    dir: dirOf(flags),
    table: stringFlag(flags, 'table'),
    wait: seconds(flags, 'wait'),
    lockTimeout: seconds(flags, 'lock-timeout'),
    lockMode: lockMode(flags['lock-mode']),
    ddlLockTimeout: seconds(flags, 'ddl-lock-timeout'),
    statementTimeout: seconds(flags, 'statement-timeout'),
    lockRetries: flags['lock-retries'] === undefined ? undefined : whole(String(flags['lock-retries']), '--lock-retries'),
    onEvent: ctx.onEvent,
    signal: ctx.signal,
  }
}

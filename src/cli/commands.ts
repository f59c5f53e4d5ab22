/** The command table: names, Alembic aliases, help texts and the flags each command takes. */

import { CONNECTION, LOCKING, SAFETY, SAFETY_FLAGS, SCHEMA, SCHEMA_FLAGS } from './flags.js'

export interface CommandSpec {
  name: string
  usage: string
  summary: string
  options: string[]
  example: string
  /** Flags this command accepts besides the global ones. */
  flags: string[]
}

export const COMMANDS: CommandSpec[] = [
  {
    name: 'up',
    usage: 'tinymigrate up [N] [--to VERSION]',
    summary: 'Apply pending migrations: all of them, the next N, or up to and including VERSION.',
    options: ['--to <version>         apply up to and including this version', '--dry-run              print every statement that would run; change nothing', '--allow-out-of-order   apply pending migrations older than the newest applied one', ...LOCKING, ...SAFETY, ...CONNECTION],
    example: 'tinymigrate up --wait 30',
    flags: ['to', 'dry-run', 'allow-out-of-order', 'lock-timeout', 'lock-mode', ...SAFETY_FLAGS],
  },
  {
    name: 'down',
    usage: 'tinymigrate down [N] [--to VERSION] [--all]',
    summary: 'Roll back the last N applied migrations (default 1), everything after VERSION, or everything.',
    options: ['--to <version>         roll back every migration after this version', '--all                  roll back every applied migration', '--dry-run              print every statement that would run; change nothing', ...LOCKING, ...SAFETY, ...CONNECTION],
    example: 'tinymigrate down 1',
    flags: ['to', 'all', 'dry-run', 'lock-timeout', 'lock-mode', ...SAFETY_FLAGS],
  },
  {
    name: 'redo',
    usage: 'tinymigrate redo',
    summary: 'Roll back the newest migration and apply it again.',
    options: ['--dry-run              print every statement that would run; change nothing', ...LOCKING, ...SAFETY, ...CONNECTION],
    example: 'tinymigrate redo',
    flags: ['dry-run', 'lock-timeout', 'lock-mode', ...SAFETY_FLAGS],
  },
  {
    name: 'status',
    usage: 'tinymigrate status',
    summary: 'List every migration: applied, pending, changed, missing, out-of-order or failed.',
    options: CONNECTION,
    example: 'tinymigrate status --json',
    flags: [],
  },
  {
    name: 'current',
    usage: 'tinymigrate current',
    summary: 'Print the newest applied version.',
    options: CONNECTION,
    example: 'tinymigrate current',
    flags: [],
  },
  {
    name: 'history',
    usage: 'tinymigrate history',
    summary: 'List applied migrations with when, how long and by whom.',
    options: CONNECTION,
    example: 'tinymigrate history',
    flags: [],
  },
  {
    name: 'new',
    usage: 'tinymigrate new <name>',
    summary: 'Create an empty up/down pair with the next version (in a folder of dbmate files, one more such file).',
    options: ['--message <name>       the name, instead of the argument (also -m)', '--dir <path>           migrations directory (default: migrations)', '--json                 print one JSON document on stdout', '--quiet                print only errors'],
    example: 'tinymigrate new add_orders',
    flags: ['message', 'autogenerate', ...SCHEMA_FLAGS, 'from-db', 'dry-run', 'write-unverified'],
  },
  {
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
  },
  {
    name: 'check',
    usage: 'tinymigrate check [--from-db]',
    summary: 'Exit 0 when the migrations (or the live database) give exactly schema.sql; else list the differences and exit 3.',
    options: [...SCHEMA, '--from-db              compare the live database instead of the replayed migrations', ...CONNECTION],
    example: 'tinymigrate check',
    flags: [...SCHEMA_FLAGS, 'from-db'],
  },
  {
    name: 'pull',
    usage: 'tinymigrate pull [--from-db]',
    summary: 'Write schema.sql from the replayed migrations (or the live database), in a stable order.',
    options: [...SCHEMA, '--from-db              read the live database instead of the replayed migrations', ...CONNECTION],
    example: 'tinymigrate pull --from-db',
    flags: [...SCHEMA_FLAGS, 'from-db'],
  },
  {
    name: 'stamp',
    usage: 'tinymigrate stamp <VERSION | head | base>',
    summary: 'Record migrations as applied up to VERSION (and later ones as not applied) without running them.',
    options: ['--dry-run              print the history writes; change nothing', ...LOCKING, ...CONNECTION],
    example: 'tinymigrate stamp head',
    flags: ['dry-run', 'lock-timeout', 'lock-mode'],
  },
  {
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
  },
  {
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
  },
  {
    name: 'verify',
    usage: 'tinymigrate verify',
    summary: 'Check files and checksums against the history and change nothing; exit 3 on any problem.',
    options: CONNECTION,
    example: 'tinymigrate verify --json',
    flags: [],
  },
  {
    name: 'repair',
    usage: 'tinymigrate repair <VERSION> --applied | --rolled-back\n       tinymigrate repair --checksums',
    summary: 'Settle a migration that stopped part-way outside a transaction, or accept edits to applied files.',
    options: ['--applied              it was finished by hand: record it as applied', '--rolled-back          its changes were undone: forget it, so up runs it again', '--checksums            store the checksums of edited applied files', ...LOCKING, ...CONNECTION],
    example: 'tinymigrate repair 004 --rolled-back',
    flags: ['applied', 'rolled-back', 'checksums', 'lock-timeout', 'lock-mode'],
  },
]

/** Alembic's spellings, for people who have them in their fingers. */
export const ALIASES: Record<string, string> = {
  upgrade: 'up',
  downgrade: 'down',
  revision: 'new',
  migrate: 'up',
  rollback: 'down',
}

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === (ALIASES[name] ?? name))
}

/** Align "--flag <arg>   description" rows on one column. */
function option(row: string): string {
  const m = /^(\S+(?: <[^>]+>)?)\s+(.*)$/.exec(row)
  return m ? `  ${m[1]!.padEnd(27)}${m[2]}` : `  ${row}`
}

/** Alembic's forms, shown in the help of the commands they map to. */
const ALIAS_USAGE: Record<string, string> = {
  upgrade: 'tinymigrate upgrade head | +N | VERSION',
  downgrade: 'tinymigrate downgrade -N | VERSION | base',
  revision: 'tinymigrate revision -m <name> [--autogenerate]',
}

export function commandHelp(c: CommandSpec, invoked = c.name): string {
  const usage = ALIAS_USAGE[invoked] ? `${ALIAS_USAGE[invoked]}\n       (the same as ${c.usage.replace(/^tinymigrate /, '')})` : c.usage
  return `Usage: ${usage}\n\n${c.summary}\n\nOptions:\n${c.options.map(option).join('\n')}\n\nExample:\n  ${c.example}\n`
}

export function mainHelp(): string {
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(9)}${c.summary}`)
  return `Usage: tinymigrate <command> [options]

Plain SQL migrations for PostgreSQL: migrations/<version>_<name>.up.sql, with an optional .down.sql
(or dbmate's <version>_<name>.sql with -- migrate:up and -- migrate:down sections).

Commands:
${rows.join('\n')}

Alembic names work too: upgrade head, upgrade +1, downgrade -1, downgrade base, revision -m <name>,
revision --autogenerate -m <name> (the same as diff <name>).

Options for every command:
${[...CONNECTION, '--help  help for a command (also: tinymigrate help <command>)', '--version  print the version'].map(option).join('\n')}

Example:
  DATABASE_URL=postgres://app@localhost/app tinymigrate up
`
}

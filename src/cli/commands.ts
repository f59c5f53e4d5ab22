/** The command table: every command in the order help lists them, found by name or alias; help texts. */
import { down, redo, up } from './commands/apply.js'
import { current, history, status, verify } from './commands/inspect.js'
import { lint } from './commands/lint.js'
import { adopt, baseline, repair, stamp } from './commands/record.js'
import { check, create, diff, pull } from './commands/schema.js'
import type { Command } from './context.js'
import { CONNECTION } from './flags.js'

export const COMMANDS: Command[] = [up, down, redo, status, current, history, create, diff, check, lint, pull, stamp, adopt, baseline, verify, repair]

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name || c.aliases?.some((a) => a.name === name))
}

/** Align "--flag <arg>   description" rows on one column. */
function option(row: string): string {
  const m = /^(\S+(?: <[^>]+>)?)\s+(.*)$/.exec(row)
  return m ? `  ${m[1]!.padEnd(27)}${m[2]}` : `  ${row}`
}

/** Called by an Alembic name, the help shows that form too. */
export function commandHelp(c: Command, invoked = c.name): string {
  const alias = c.aliases?.find((a) => a.name === invoked)?.usage
  const usage = alias ? `${alias}\n       (the same as ${c.usage.replace(/^tinymigrate /, '')})` : c.usage
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

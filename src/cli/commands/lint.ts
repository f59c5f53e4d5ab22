/** lint: what the pending migrations will lock, rewrite, scan and destroy, measured on a scratch copy. */
import * as lib from '../../index.js'
import { seconds, stringFlag, type Flags } from '../args.js'
import { dirOf, optionalUrl, type Command, type Context } from '../context.js'
import { EXIT_CODES } from '../exit.js'
import { CONNECTION, SAFETY } from '../flags.js'
import type { Output } from '../output.js'

export const LINT_FLAGS = ['shadow-url', 'prelude', 'strict', 'skip-downs', 'ddl-lock-timeout', 'statement-timeout']

export const lint: Command = {
  name: 'lint',
  usage: 'tinymigrate lint [files...]',
  summary: 'Run the pending migrations on a scratch copy of the schema and report what they will lock, rewrite, scan and destroy (exit 3 on an error).',
  options: [
    'files                  migration files (or versions) to lint; default: every pending one (every one without a database)',
    '--strict               warnings fail too (exit 3)',
    '--skip-downs           do not check that each down file undoes its up (two catalog reads per migration)',
    '--shadow-url <url>     server for the scratch database (default: the --url server; none: the embedded engine)',
    '--prelude <path>       SQL run on the scratch database first: roles, extensions, what existed before the first migration',
    SAFETY[0]!,
    SAFETY[2]!,
    ...CONNECTION,
    'rules:                 accept a finding with -- tinymigrate:allow <rule> on or above its statement, or -- tinymigrate:allow-file <rule>',
    ...Object.entries(lib.LINT_RULES).map(([id, r]) => `${id}  ${r.severity}: ${r.summary}`),
  ],
  example: 'tinymigrate lint --url "$DATABASE_URL"',
  flags: LINT_FLAGS,
  async run(args, ctx) {
    const r = await lib.lint({ ...lintOptions(args.flags, ctx), files: args.positional })
    if (ctx.out.json) ctx.out.document(r)
    else printLint(ctx.out, r)
    return r.ok ? 0 : EXIT_CODES.LINT_FAILED
  },
}

/** The options of lint, also used by `up --lint`. A URL is optional: without one every migration is linted. */
export function lintOptions(f: Flags, ctx: Context): lib.LintOptions {
  return {
    url: optionalUrl(f, ctx),
    dir: dirOf(f),
    table: stringFlag(f, 'table'),
    wait: seconds(f, 'wait'),
    shadowUrl: stringFlag(f, 'shadow-url'),
    prelude: stringFlag(f, 'prelude'),
    ddlLockTimeout: seconds(f, 'ddl-lock-timeout'),
    statementTimeout: seconds(f, 'statement-timeout'),
    strict: f.strict === true,
    downs: f['skip-downs'] !== true,
    onEvent: ctx.onEvent,
    signal: ctx.signal,
  }
}

/** Findings on stdout, most serious first within each file's order; the summary on stderr. */
export function printLint(out: Output, r: lib.LintResult): void {
  const blocks = r.findings.map((f) => {
    const head = `${f.accepted ? 'accepted' : f.severity} ${f.rule}  ${f.file}:${f.line}:${f.column}`
    const lines = [head]
    if (f.statement) lines.push(`  ${f.statement}`)
    lines.push(...f.message.split('\n').map((l) => `  ${l}`))
    if (f.accepted) lines.push(`  accepted in the file (-- tinymigrate:allow ${f.rule})`)
    else lines.push(`  fix: ${f.fix}`)
    return lines.join('\n')
  })
  if (blocks.length) out.result(blocks.join('\n\n'))
  const linted = r.migrations.filter((m) => m.linted).length
  const skipped = r.migrations.length - linted
  const where = r.engine === 'server' ? 'a scratch database on the server' : 'the embedded engine'
  const counts = `${plural(r.summary.errors, 'error')}, ${plural(r.summary.warnings, 'warning')}${r.summary.accepted ? `, ${r.summary.accepted} accepted` : ''}`
  if (r.migrations.length === 0) return out.result('nothing to lint: no pending migrations')
  const line = `linted ${plural(linted, 'migration')} on ${where}${skipped ? ` (${skipped} not reached after a failure)` : ''}: ${counts}${r.weighed ? '; sizes from the live database' : ''}`
  if (r.ok) out.progress(line)
  else out.warn(line, true)
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

import pc from 'picocolors'
import type { TinymigrateError } from '../errors.js'
import type { Event } from '../events.js'
import type { MigrationInfo } from '../index.js'
import { redact, redactDeep } from '../redact.js'
import { caret } from '../sqltext.js'

export interface Output {
  json: boolean
  quiet: boolean
  /** A result line (stdout); suppressed by --json and --quiet. */
  result(line: string): void
  /** Progress, warnings (stderr); suppressed by --json? no: stderr stays free for humans, --quiet hides it. */
  progress(line: string): void
  /**
   * What a long statement is doing (stderr): on a terminal one line, rewritten in place; else a
   * line every five seconds at most. --quiet hides it.
   */
  status(line: string): void
  /** A warning (stderr); --quiet hides it unless `always`. */
  warn(line: string, always?: boolean): void
  error(err: TinymigrateError): void
  document(doc: unknown): void
}

export interface Streams {
  stdout: (text: string) => void
  stderr: (text: string) => void
  colour: boolean
  /** stderr is a terminal this many columns wide: status lines are rewritten in place. */
  terminal?: { columns: number }
}

/** Status lines where stderr is not a terminal (CI, a log file): one per this interval at most. */
const STATUS_EVERY_MS = 5000

export function createOutput(streams: Streams, json: boolean, quiet: boolean): Output {
  const c = pc.createColors(streams.colour)
  // A status line on the terminal is taken away before anything else is written.
  let shown = false
  let lastStatus = -Infinity
  const clear = () => {
    if (shown) streams.stderr('\r\x1b[2K')
    shown = false
  }
  const out = (text: string) => { clear(); streams.stdout(redact(text)) }
  const err = (text: string) => { clear(); streams.stderr(redact(text)) }
  return {
    json,
    quiet,
    result(line) { if (!json && !quiet) out(line + '\n') },
    progress(line) { if (!quiet) err(c.dim(line) + '\n') },
    status(line) {
      if (quiet) return
      if (streams.terminal) {
        // Cut to the width: a line that wraps could not be rewritten in place.
        const text = [...redact(line)].slice(0, Math.max(20, streams.terminal.columns - 1)).join('')
        streams.stderr('\r\x1b[2K' + c.dim(text))
        shown = true
      } else if (Date.now() - lastStatus >= STATUS_EVERY_MS) {
        lastStatus = Date.now()
        err(c.dim(line) + '\n')
      }
    },
    warn(line, always = false) { if (!quiet || always) err(c.yellow('warning ') + line + '\n') },
    error(e) { err(renderError(e, c) + '\n') },
    // Strings are redacted before serialising: JSON escaping could hide a password from `redact`.
    document(doc) { streams.stdout(JSON.stringify(redactDeep(doc), null, 2) + '\n') },
  }
}

type Colors = ReturnType<typeof pc.createColors>

export function renderError(e: TinymigrateError, c: Colors): string {
  const where = e.location && e.location.line > 0 ? `${e.location.file}:${e.location.line}:${e.location.column}` : e.location?.file ?? ''
  const lines = [`${c.red(c.bold('error'))} ${c.bold(e.code)}${where ? '  ' + where : ''}`]
  lines.push(indent(e.message))
  if (e.location && e.location.line > 0 && e.location.excerpt !== undefined) {
    lines.push(indent(caret({ line: e.location.line, column: e.location.column, excerpt: e.location.excerpt })))
  }
  if (e.detail) lines.push(indent(`detail: ${e.detail}`))
  if (e.hint) lines.push(indent(`hint: ${e.hint}`))
  if (e.next) lines.push(indent(e.next))
  return lines.join('\n')
}

function indent(text: string): string {
  return text.split('\n').map((l) => '  ' + l).join('\n')
}

/** The library's events: applied and reverted migrations are results, the rest stderr lines. */
export function printEvents(out: Output): (e: Event) => void {
  return (e) => {
    if (e.type === 'apply-done' && !out.json) out.result(`applied  ${e.version}_${e.name}  (${ms(e.durationMs)})`)
    else if (e.type === 'revert-done' && !out.json) out.result(`reverted ${e.version}_${e.name}  (${ms(e.durationMs)})`)
    else if (e.type === 'warning') out.warn(e.message)
    else if (e.type === 'progress') out.status(`${e.version}_${e.name}: ${e.activity} (${ms(e.elapsedMs)})`)
    else {
      const line = renderEvent(e)
      if (line) out.progress(line)
    }
  }
}

/** Progress events as stderr lines. */
export function renderEvent(e: Event): string | undefined {
  switch (e.type) {
    case 'notice': return `${e.severity.toLowerCase()}: ${e.message}`
    case 'connect-retry': return `waiting for the database (attempt ${e.attempt}: ${e.reason}); retrying in ${(e.delayMs / 1000).toFixed(1)}s`
    case 'lock-wait': return e.holder
      ? `waiting for the migration lock, held by process ${e.holder.pid} (${[e.holder.application || 'no application name', e.holder.user ? `user ${e.holder.user}` : '', e.holder.client ? `from ${e.holder.client}` : ''].filter(Boolean).join(', ').replace(', from', ' from')})`
      : 'waiting for the migration lock, held by another runner'
    case 'lock-acquired': return e.waited ? `got the migration lock after ${(e.waitedMs / 1000).toFixed(1)}s` : undefined
    case 'apply-start': return e.noTransaction ? `applying ${e.version}_${e.name} outside a transaction` : undefined
    case 'revert-start': return e.source === 'history' ? `reverting ${e.version}_${e.name} with the down SQL stored in history (no down file on disk)` : undefined
    case 'statement': return `  ${e.version}_${e.name}: statement ${e.index} of ${e.total}`
    case 'embedded-create': return `creating the embedded database in ${e.path} (the first run of this project)`
    default: return undefined
  }
}

export function ms(n: number | null): string {
  if (n === null) return ''
  return n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(1)} s`
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(headers), ...rows.map(line)].join('\n')
}

export function when(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''
}

export function migrationRows(list: MigrationInfo[], withState: boolean): string[][] {
  return list.map((m) => [
    m.version,
    m.name,
    ...(withState ? [m.state] : []),
    when(m.appliedAt),
    ...(withState ? [] : [ms(m.durationMs), m.appliedBy ?? '']),
  ])
}

/** A TinymigrateError as `--json` prints it. */
export function errorJson(e: TinymigrateError) {
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

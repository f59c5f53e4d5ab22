import { TinymigrateError } from './errors.js'

/** Quote an identifier the way PostgreSQL's quote_ident does, but always: no case folding surprises. */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new TinymigrateError('USAGE', 'An identifier cannot be empty.')
  if (name.includes('\0')) throw new TinymigrateError('USAGE', 'An identifier cannot contain a NUL character.')
  return '"' + name.replaceAll('"', '""') + '"'
}

/**
 * A string literal that reads the same whatever standard_conforming_strings says: plain quotes,
 * or an E'' string with backslashes doubled when the value has any.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new TinymigrateError('USAGE', 'A value cannot contain a NUL character.')
  const quoted = value.replaceAll("'", "''")
  return value.includes('\\') ? "E'" + quoted.replaceAll('\\', '\\\\') + "'" : "'" + quoted + "'"
}

/**
 * A parameterised statement with its values written in as literals. The history writes travel
 * this way inside a migration's transaction: a parameterised statement needs either a prepared
 * statement (which a migration's DEALLOCATE or DISCARD ALL, or a pooler, can take away, and the
 * driver then re-sends it on its own, outside the transaction) or a Describe round trip that
 * stalls the pipeline.
 */
export function inline(text: string, params: readonly unknown[] = []): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const v = params[Number(n) - 1]
    if (v === null || v === undefined) return 'null'
    if (typeof v === 'number' && Number.isFinite(v)) return String(v)
    return quoteLiteral(String(v))
  })
}

export interface QualifiedName {
  schema: string | undefined
  name: string
}

/**
 * Parse `name` or `schema.name` as given to --table. Double quotes allow dots and any other
 * character (`"my.schema"."history"`); unquoted parts are folded to lower case like SQL does.
 */
export function parseQualifiedName(input: string): QualifiedName {
  const parts: string[] = []
  let i = 0
  const bad = (why: string) =>
    new TinymigrateError('USAGE', `Invalid table name ${JSON.stringify(input)}: ${why}.`, {
      next: 'Use --table name or --table schema.name (double-quote parts that contain dots or capitals).',
    })
  while (i <= input.length) {
    let part = ''
    if (input[i] === '"') {
      i++
      for (;;) {
        if (i >= input.length) throw bad('unterminated double quote')
        if (input[i] === '"') {
          if (input[i + 1] === '"') { part += '"'; i += 2; continue }
          i++
          break
        }
        part += input[i++]
      }
    } else {
      const end = input.indexOf('.', i)
      part = (end === -1 ? input.slice(i) : input.slice(i, end)).trim().toLowerCase()
      if (part.includes('"')) throw bad('a double quote in the middle of a name')
      i = end === -1 ? input.length : end
    }
    if (part.length === 0) throw bad('empty part')
    if (part.includes('\0')) throw bad('a NUL character')
    parts.push(part)
    if (i >= input.length) break
    if (input[i] !== '.') throw bad('expected a dot after a quoted part')
    i++
    if (i >= input.length) throw bad('empty part')
  }
  if (parts.length === 1) return { schema: undefined, name: parts[0]! }
  if (parts.length === 2) return { schema: parts[0], name: parts[1]! }
  throw bad('more than two parts')
}

/** `"schema"."name"`, or just `"name"` when no schema was given (the search_path decides). */
export function qualified(q: QualifiedName): string {
  return q.schema === undefined ? quoteIdent(q.name) : `${quoteIdent(q.schema)}.${quoteIdent(q.name)}`
}

// pure text helpers for sql files: statement splitting, error positions, markers.
// no i/o here so every rule can be tested on literals.

export interface Statement {
  /**
   * the statement as written: starts at its first character that is neither whitespace nor
   * part of a comment, ends just before the terminating ';' (or the end of input) with trailing
   * whitespace removed. comments inside the statement are kept.
   */
  text: string
  /** index (utf-16 code units) in the source where `text` starts. */
  start: number
}

type Unterminated = { kind: 'string' | 'identifier' | 'dollar' | 'comment'; start: number }
type Spot = { line: number; column: number; excerpt: string }

// postgresql's lexer (scan.l) treats every byte >= 0x80 as a letter, so in utf-16 any unit
// from \u0080 up, surrogates included, can start or continue an identifier or a dollar tag
const identStart = /[A-Za-z_\u0080-\uffff]/
const identCont = /[A-Za-z_0-9$\u0080-\uffff]/
const dollarTag = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*)?\$/y

// the server's whitespace set: js's \s also matches nbsp and friends, which the server reads as letters
function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v'
}

function trimEndSpace(text: string): string {
  let end = text.length
  while (end > 0 && isSpace(text[end - 1]!)) end--
  return text.slice(0, end)
}

/**
 * split a sql script into statements the way postgresql sees them, so each one can be sent on
 * its own. understands '…' strings ('' escapes), E'…' strings (backslash escapes, assuming the
 * default standard_conforming_strings = on), "…" identifiers, $$…$$ and $tag$…$tag$ dollar
 * quoting (`$1` is a parameter, `a$b$` an identifier), -- line comments and nested block comments.
 *
 * like psql, a ';' inside parentheses or inside the begin … end body of
 * `create [or replace] function|procedure … begin atomic … end` does not end a statement.
 *
 * statements that are empty or only comments are dropped; a last statement without ';' is kept.
 * when the input ends inside a quote or comment, everything from the start of that statement
 * on is returned as the last statement and `unterminated` says where the open construct began.
 * a byte order mark at index 0 is skipped.
 */
export function splitStatements(sql: string): { statements: Statement[]; unterminated?: Unterminated } {
  const statements: Statement[] = []
  let unterminated: Unterminated | undefined

  // state of the statement being read
  let start = -1
  let parens = 0
  let beginDepth = 0
  let head: string[] = []

  const finish = (end: number) => {
    if (start >= 0) statements.push({ text: trimEndSpace(sql.slice(start, end)), start })
    start = -1
    parens = 0
    beginDepth = 0
    head = []
  }

  // psql's heuristic for sql-standard function bodies: once the statement began with
  // create [or replace] function|procedure, count begin/case … end at paren depth 0
  const onWord = (word: string) => {
    const w = word.toLowerCase()
    if (head.length < 4) head.push(w)
    const routine = /^create (?:or replace )?(?:function|procedure) /.test(head.join(' ') + ' ')
    if (!routine || parens > 0) return
    if (w === 'begin') beginDepth++
    else if (w === 'case' && beginDepth > 0) beginDepth++
    else if (w === 'end' && beginDepth > 0) beginDepth--
  }

  let i = sql.charCodeAt(0) === 0xfeff ? 1 : 0
  const n = sql.length
  while (i < n) {
    const ch = sql[i]!
    const next = sql[i + 1]

    if (isSpace(ch)) {
      i++
      continue
    }

    // comments never start a statement, but are kept once one has started
    if (ch === '-' && next === '-') {
      while (i < n && sql[i] !== '\n' && sql[i] !== '\r') i++
      continue
    }
    if (ch === '/' && next === '*') {
      const end = skipBlockComment(sql, i)
      if (end < 0) {
        unterminated = { kind: 'comment', start: i }
        break
      }
      i = end
      continue
    }

    if (ch === ';') {
      if (parens === 0 && beginDepth === 0) finish(i)
      i++
      continue
    }

    if (start < 0) start = i

    if (ch === "'") {
      const end = skipQuoted(sql, i + 1, "'", false)
      if (end < 0) {
        unterminated = { kind: 'string', start: i }
        break
      }
      i = end
    } else if (ch === '"') {
      const end = skipQuoted(sql, i + 1, '"', false)
      if (end < 0) {
        unterminated = { kind: 'identifier', start: i }
        break
      }
      i = end
    } else if (ch === '$') {
      dollarTag.lastIndex = i
      const tag = dollarTag.exec(sql)?.[0]
      if (tag !== undefined) {
        const close = sql.indexOf(tag, i + tag.length)
        if (close < 0) {
          unterminated = { kind: 'dollar', start: i }
          break
        }
        i = close + tag.length
      } else {
        // a parameter like $1 or a stray '$': no quote, and digits never start a word
        i++
      }
    } else if (identStart.test(ch)) {
      // read the whole word so a '$' or quote glued to it is not mistaken for an opener
      let end = i + 1
      while (end < n && identCont.test(sql[end]!)) end++
      const word = sql.slice(i, end)
      if ((word === 'e' || word === 'E') && sql[end] === "'") {
        const close = skipQuoted(sql, end + 1, "'", true)
        if (close < 0) {
          unterminated = { kind: 'string', start: i }
          break
        }
        i = close
      } else {
        onWord(word)
        i = end
      }
    } else {
      if (ch === '(') parens++
      else if (ch === ')' && parens > 0) parens--
      i++
    }
  }

  // an open quote or comment swallows the rest of the input, so its statement runs to the end;
  // an open comment before any statement leaves nothing to run
  finish(n)
  return unterminated ? { statements, unterminated } : { statements }
}

/** index just past the closing quote, or -1. a doubled quote is an escaped quote. */
function skipQuoted(sql: string, from: number, quote: string, backslashes: boolean): number {
  let i = from
  while (i < sql.length) {
    const ch = sql[i]
    if (backslashes && ch === '\\') {
      i += 2
    } else if (ch === quote) {
      if (sql[i + 1] !== quote) return i + 1
      i += 2
    } else {
      i++
    }
  }
  return -1
}

/** index just past the '*\/' that closes the comment opened at `from`, or -1. they nest. */
function skipBlockComment(sql: string, from: number): number {
  let depth = 0
  let i = from
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++
      i += 2
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--
      i += 2
      if (depth === 0) return i
    } else {
      i++
    }
  }
  return -1
}

/** index where the line holding `index` starts, plus its 1-based number. crlf is one break. */
function lineStart(source: string, index: number): { line: number; start: number } {
  let line = 1
  let start = 0
  for (let i = 0; i < index; i++) {
    const ch = source[i]
    if (ch === '\n' || (ch === '\r' && source[i + 1] !== '\n')) {
      line++
      start = i + 1
    }
  }
  return { line, start }
}

function clampIndex(source: string, index: number): number {
  if (!Number.isFinite(index) || index < 0) return 0
  return Math.min(Math.floor(index), source.length)
}

/** 1-based line of a code-unit index: crlf, lone lf and lone cr each end a line. */
export function lineOf(source: string, index: number): number {
  return lineStart(source, clampIndex(source, index)).line
}

/**
 * map a postgresql error `position` to line and column. the server counts characters (code
 * points) from 1 into the text that was sent, all statements of a multi-statement query
 * included, and cr and lf are a character each. `base` is the code-unit index in `source`
 * where the sent text began (0 when the whole file was sent). the position is only right for
 * a utf8 database: under sql_ascii the server counts bytes.
 *
 * returns a 1-based line and a 1-based column in code points. crlf, lone lf and lone cr end a
 * line, and a position on a line terminator lands just past the line's last character.
 * positions past the end clamp to the end of `source`.
 */
export function locate(source: string, position: number, base = 0): Spot {
  let index = clampIndex(source, base)
  // walk position - 1 code points so an astral character counts once, as the server does
  let steps = Number.isFinite(position) ? Math.floor(position) - 1 : 0
  while (steps > 0 && index < source.length) {
    index += (source.codePointAt(index) ?? 0) > 0xffff ? 2 : 1
    steps--
  }
  index = Math.min(index, source.length)

  const { line, start } = lineStart(source, index)
  let end = start
  while (end < source.length && source[end] !== '\n' && source[end] !== '\r') end++
  const excerpt = source.slice(start, end)
  // a position on the cr or lf of the terminator counts as just past the last character
  const column = Array.from(source.slice(start, Math.min(index, end))).length + 1
  return { line, column, excerpt }
}

/**
 * true when the file's first line (after an optional byte order mark) is exactly
 * `-- tinymigrate:no-transaction`, in any case, with trailing whitespace allowed. a section of
 * dbmate's one-file format starts with its own line, `-- migrate:up` or `-- migrate:down`: its
 * option `transaction:false` says the same, and so does the marker on the line after it.
 */
export function hasNoTransactionMarker(sql: string): boolean {
  const text = sql.charCodeAt(0) === 0xfeff ? sql.slice(1) : sql
  const [first = '', second = ''] = text.split(/\r\n|\r|\n/, 2)
  const marker = /^-- tinymigrate:no-transaction\s*$/i
  const section = /^--\s*migrate:(?:up|down)(\s.*)?$/.exec(first)
  if (!section) return marker.test(first)
  // dbmate reads the options as key:value words and runs without a transaction on transaction:false
  const options = (section[1] ?? '').trim().split(/\s+/)
  return options.includes('transaction:false') || marker.test(second)
}

/**
 * render a location for terminals:
 *   "  2 | alter table shops add check (phon <> '');\n    |                              ^"
 * the gutter is as wide as the line number. tabs before the caret are repeated in the caret
 * line so it stays aligned whatever the tab width; every other character counts as one cell.
 */
export function caret(loc: Spot): string {
  const number = String(loc.line)
  const before = Array.from(loc.excerpt).slice(0, Math.max(0, loc.column - 1))
  const pad = before.map((ch) => (ch === '\t' ? '\t' : ' ')).join('')
  // columns past the end of the excerpt (an error at end of line) still get their spaces
  const extra = ' '.repeat(Math.max(0, loc.column - 1 - before.length))
  return `  ${number} | ${loc.excerpt}\n  ${' '.repeat(number.length)} | ${pad}${extra}^`
}

/** Longest statement text shown in a message; longer ones end in an ellipsis. */
const STATEMENT_LENGTH = 160

/** A statement on one line, as messages show it: runs of whitespace as one space, cut at a readable length. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const statement = flat.endsWith(';') ? flat : `${flat};`
  return statement.length > STATEMENT_LENGTH ? `${statement.slice(0, STATEMENT_LENGTH - 1).trimEnd()}…` : statement
}

// Accept comments: `-- tinymigrate:allow <rule>[, <rule>…]` accepts those findings of the
// statement it sits on (after its `;`, or inside it) or of the statement right below it;
// `-- tinymigrate:allow-file <rule>…` accepts them in the whole file. Anything after the rule
// names (`: reason`, `-- reason`) is the author's note.
import type { Statement } from '../sqltext.js'

export interface Allowances {
  /** Rules accepted everywhere in the file. */
  file: Set<string>
  /** Statement start offset → rules accepted for that statement. */
  statements: Map<number, Set<string>>
  /** Every rule name written, with where: lint reports names that are no rule. */
  named: { rule: string; offset: number }[]
}

const COMMENT = /--[ \t]*tinymigrate:allow(-file)?\b([^\n]*)/g
const NAME = /^[a-z][a-z0-9-]*$/

export function readAllowances(text: string, statements: Statement[]): Allowances {
  const result: Allowances = { file: new Set(), statements: new Map(), named: [] }
  for (const m of text.matchAll(COMMENT)) {
    const offset = m.index
    const rules = ruleNames(m[2]!)
    for (const rule of rules) result.named.push({ rule, offset })
    const owner = m[1] ? undefined : ownerOf(text, statements, offset)
    const target = owner === undefined ? result.file : (result.statements.get(owner.start) ?? new Set())
    if (owner !== undefined) result.statements.set(owner.start, target)
    for (const rule of rules) target.add(rule)
  }
  return result
}

/** `rewrite-table, truncate: reason` → the names before the first word that is not one. */
function ruleNames(rest: string): string[] {
  const names: string[] = []
  for (const word of rest.replace(/(:|--).*$/, '').split(/[\s,]+/)) {
    if (word === '') continue
    if (!NAME.test(word)) break
    names.push(word)
  }
  return names
}

/**
 * The statement a comment at `offset` speaks for: the one it follows on the same line, the one it
 * sits inside, or the next one. None after the last statement: the comment is for the whole file.
 */
function ownerOf(text: string, statements: Statement[], offset: number): Statement | undefined {
  let previous: Statement | undefined
  for (const s of statements) {
    const end = s.start + s.text.length
    if (offset >= s.start && offset < end) return s
    if (s.start > offset) {
      if (previous && !text.slice(previous.start + previous.text.length, offset).includes('\n')) return previous
      return s
    }
    previous = s
  }
  if (previous && !text.slice(previous.start + previous.text.length, offset).includes('\n')) return previous
  return undefined
}

export function accepts(a: Allowances, statement: Statement | undefined, rule: string): boolean {
  return a.file.has(rule) || (statement !== undefined && (a.statements.get(statement.start)?.has(rule) ?? false))
}

/** Whether any accept comment of the file, for a statement or the whole file, names `rule`. */
export function namesRule(a: Allowances, rule: string): boolean {
  return a.named.some((n) => n.rule === rule)
}

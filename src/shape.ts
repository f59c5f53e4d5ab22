import { splitStatements, type Statement } from './sqltext.js'

/**
 * How a file must run, decided from its statements before anything is sent:
 * - `transaction`: inside the runner's transaction, together with its history row (the usual
 *   case). A file that brings its own BEGIN … COMMIT around everything runs this way too, without
 *   those two statements (`unwrapped`), so its history row still commits with it;
 * - `statements`: outside a transaction, statement by statement: the file has a statement that
 *   PostgreSQL refuses in a transaction block, or manages transactions in a way one block can't hold;
 * - `unbalanced`: a BEGIN that is never closed; refused before anything runs.
 */
export type Shape =
  | { mode: 'transaction'; statements: Statement[]; unwrapped: boolean }
  | { mode: 'statements'; statements: Statement[]; reason: string }
  | { mode: 'unbalanced'; at: number }

// Statements PostgreSQL refuses inside a transaction block.
const OUTSIDE: [RegExp, string][] = [
  [/^create\s+(unique\s+)?index\s+concurrently\b/, 'CREATE INDEX CONCURRENTLY'],
  [/^drop\s+index\s+concurrently\b/, 'DROP INDEX CONCURRENTLY'],
  [/^reindex\b.*\bconcurrently\b/, 'REINDEX … CONCURRENTLY'],
  [/^reindex\s+(\(.*\)\s*)?(database|system)\b/, 'REINDEX DATABASE/SYSTEM'],
  [/^vacuum\b/, 'VACUUM'],
  [/^alter\s+system\b/, 'ALTER SYSTEM'],
  [/^(create|drop)\s+database\b/, 'CREATE/DROP DATABASE'],
  [/^(create|drop)\s+tablespace\b/, 'CREATE/DROP TABLESPACE'],
  [/^(create|drop)\s+subscription\b/, 'CREATE/DROP SUBSCRIPTION'],
  [/^alter\s+subscription\b.*\b(refresh|enable|disable)\b/, 'ALTER SUBSCRIPTION'],
  [/^(commit|rollback)\s+prepared\b/, 'COMMIT/ROLLBACK PREPARED'],
  [/^cluster\s*$/, 'CLUSTER (all tables)'],
]

type Control = 'begin' | 'commit' | 'rollback' | 'other'

function control(head: string): Control | undefined {
  if (/^(begin(\s+(work|transaction))?(\s+isolation\b.*|\s+read\b.*|\s+(not\s+)?deferrable\b.*)?|start\s+transaction\b.*)$/.test(head)) return 'begin'
  if (/^(commit|end)(\s+(work|transaction))?$/.test(head)) return 'commit'
  if (/^(rollback|abort)(\s+(work|transaction))?$/.test(head)) return 'rollback'
  if (/^(commit|end|rollback|abort)\s+(work\s+|transaction\s+)?and\s+(no\s+)?chain$/.test(head) || /^(savepoint|release|rollback\s+to|prepare\s+transaction)\b/.test(head)) return 'other'
  return undefined
}

/** Lower case, comments dropped, runs of white space folded: enough to read a statement's keywords. */
export function keywords(statement: Statement): string {
  return statement.text
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
}

function refusedIn(head: string): string | undefined {
  return OUTSIDE.find(([pattern]) => pattern.test(head))?.[1]
}

/** What PostgreSQL refuses in a transaction block (`CREATE INDEX CONCURRENTLY`), when `statement` is one. */
export function refusedInTransaction(statement: Statement): string | undefined {
  return refusedIn(keywords(statement))
}

export function shapeOf(text: string): Shape {
  const { statements } = splitStatements(text)
  const heads = statements.map(keywords)
  for (const head of heads) {
    const name = refusedIn(head)
    if (name) return { mode: 'statements', statements, reason: `it contains ${name}, which PostgreSQL refuses in a transaction block` }
  }
  const controls = heads.map(control)
  if (controls.every((c) => c === undefined)) return { mode: 'transaction', statements, unwrapped: false }
  const n = statements.length
  const inner = controls.slice(1, -1)
  // BEGIN with options (isolation level, read only) is not ours to drop: it runs statement by statement.
  const plainBegin = /^(begin|start transaction)( work| transaction)?$/.test(heads[0] ?? '')
  if (n >= 2 && controls[0] === 'begin' && plainBegin && controls[n - 1] === 'commit' && inner.every((c) => c === undefined)) {
    return { mode: 'transaction', statements: statements.slice(1, -1), unwrapped: true }
  }
  // Run statement by statement, a BEGIN that is never closed would swallow the history write,
  // and the session's end would roll both back: refuse such a file before anything runs.
  let open: Statement | undefined
  for (const [i, c] of controls.entries()) {
    if (c === 'begin') open = statements[i]
    else if (c === 'commit' || c === 'rollback') open = undefined
  }
  if (open) return { mode: 'unbalanced', at: open.start }
  return { mode: 'statements', statements, reason: 'it manages its own transactions (BEGIN/COMMIT/ROLLBACK) in a way that cannot run inside one transaction' }
}

/**
 * How a migration file runs: as `shapeOf` says, except that a file marked to run outside a
 * transaction (`-- tinymigrate:no-transaction`, dbmate's `transaction:false`) always runs
 * statement by statement.
 */
export function shapeOfFile(file: { text: string; noTransaction: boolean }): Shape {
  if (file.noTransaction) return { mode: 'statements', statements: splitStatements(file.text).statements, reason: 'it is marked to run outside a transaction' }
  return shapeOf(file.text)
}

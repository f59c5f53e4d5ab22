// Names and comments as SQL, for every renderer.
import { quoteIdent, quoteLiteral } from '../../ident.js'
import type { Routine } from '../../catalog/model.js'
import type { Step, StepFn } from './step.js'

/** `schema.name` → `"schema"."name"`. Keys never contain a schema with a dot in practice; split at the first. */
export function quoteQualified(qualified: string): string {
  const i = qualified.indexOf('.')
  return `${quoteIdent(qualified.slice(0, i))}.${quoteIdent(qualified.slice(i + 1))}`
}

/** `"schema"."name"`. */
export function qi(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`
}

/** A routine's identity arguments, as DROP, COMMENT ON and GRANT name it. */
export function identityArgs(r: Routine): string {
  return r.signature.slice(r.name.length + 1, -1)
}

/** COMMENT ON, when there is a comment. */
export function comment(step: StepFn, phase: Step['phase'], kind: string, target: string, text: string | null, k: string) {
  if (text !== null && text !== undefined) step(phase, `COMMENT ON ${kind} ${target} IS ${quoteLiteral(text)};`, [k])
}

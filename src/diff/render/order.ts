// The order the steps run in, and the file they make.
import { quoteLiteral } from '../../ident.js'
import type { Catalog } from '../../catalog/model.js'
import type { Rendered, Step } from './step.js'

/**
 * Orders the steps: by phase, and within a phase by dependencies (pg_depend of the catalog the
 * phase works on), keeping the order of `steps` wherever dependencies allow, so related
 * statements stay together. A dependency cycle is broken at the earliest step.
 */
export function order(steps: Step[], a: Catalog, b: Catalog): Rendered {
  const depsOf = (catalog: Catalog) => {
    const map = new Map<string, Set<string>>()
    for (const d of catalog.dependencies) {
      // OWNED BY is rendered as its own statement after both exist.
      if (d.from.startsWith('sequence:') && d.to.startsWith('table:')) continue
      let set = map.get(d.from)
      if (!set) map.set(d.from, (set = new Set()))
      set.add(d.to)
    }
    return map
  }
  const before = depsOf(a)
  const after = depsOf(b)
  const out: Step[] = []
  for (const phase of [0, 1, 2, 3] as const) {
    const list = steps.filter((s) => s.phase === phase)
    const removing = phase === 1 || phase === 3
    const deps = removing ? before : after
    const providers = new Map<string, number[]>()
    list.forEach((s, i) => s.keys.forEach((k) => providers.set(k, [...(providers.get(k) ?? []), i])))
    // edges: i must come after j
    const after_ = list.map(() => new Set<number>())
    list.forEach((s, i) => {
      for (const k of s.keys) {
        for (const d of deps.get(k) ?? []) {
          if (s.keys.includes(d)) continue // a table's default depends on the table itself
          for (const j of providers.get(d) ?? []) {
            if (j === i) continue
            if (removing) after_[j]!.add(i) // drop dependants before what they depend on
            else after_[i]!.add(j)
          }
        }
      }
      for (const n of s.needs) for (const j of providers.get(n) ?? []) if (j !== i) after_[i]!.add(j)
      // Steps on the same key keep their order (a table's CREATE before its COMMENT).
      for (const k of s.keys) for (const j of providers.get(k) ?? []) if (j < i && !removing) after_[i]!.add(j)
    })
    const done = new Set<number>()
    while (done.size < list.length) {
      let pick = -1
      for (let i = 0; i < list.length; i++) {
        if (done.has(i)) continue
        if ([...after_[i]!].every((j) => done.has(j))) { pick = i; break }
      }
      if (pick < 0) pick = list.findIndex((_, i) => !done.has(i))
      done.add(pick)
      out.push(list[pick]!)
    }
  }
  // A function body may name tables created after it: pg_dump's way, bodies are checked at first call.
  const bodies: Step | undefined = out.some((s) => s.createsRoutine)
    ? { phase: 0, sql: 'SET LOCAL check_function_bodies = off;', keys: [], needs: [], warnings: [], notes: [] }
    : undefined
  if (bodies) out.unshift(bodies)
  // A value added to an enum cannot be used before its transaction commits: when another
  // statement uses one, the file runs without a transaction, statement by statement. A statement
  // uses a value when it names its literal (a default, a check, a view): pg_depend records the
  // type, not the value.
  const added = out.flatMap((s) => (s.addsEnumValue === undefined ? [] : [quoteLiteral(s.addsEnumValue)]))
  const noTransaction = added.length > 0 && out.some((s) => s.addsEnumValue === undefined && added.some((v) => s.sql.includes(v)))
  if (noTransaction && bodies) {
    bodies.sql = 'SET check_function_bodies = off;'
    out.push({ phase: 3, sql: 'RESET check_function_bodies;', keys: [], needs: [], warnings: [], notes: [] })
  }
  const warnings = out.flatMap((s) => s.warnings)
  const body = out.map((s) => [...s.warnings.map((w) => `-- WARNING: ${w}`), ...s.notes.map((n) => `-- NOTE: ${n}`), s.sql].join('\n')).join('\n\n')
  const sql = noTransaction
    ? `-- tinymigrate:no-transaction\n-- NOTE: runs statement by statement, outside a transaction: it adds enum values (${added.join(', ')}) and uses them, which PostgreSQL allows only after the values are committed.\n\n${body}`
    : body
  return { sql, statements: out, warnings, noTransaction }
}

// Pure: what one measured migration did, as findings. Each statement is judged by what changed
// between the snapshots around it (file nodes, scan and row counters, relations, columns and
// constraints) and by the locks the transaction held at its end; only relations that existed
// before the migration count (a table the migration creates is empty while it runs).
import type { Statement } from '../sqltext.js'
import type { Measured, MeasuredMigration } from './measure.js'
import { blockingMode, modeName, RULES, whoWaits, type RuleId } from './rules.js'
import { qualifiedName, type Rel, type Snapshot } from './snapshot.js'

/** A finding before it is placed in its file and weighed against the live database. */
export interface Draft {
  rule: RuleId
  statement: Statement
  /** The relation it is about (for a partitioned table: the table the statement named). */
  relation: { schema: string; name: string } | null
  /** Partitions taken along, counted in the message and in the live size. */
  partitions: { schema: string; name: string }[]
  /** The lock mode held on the relation (pg_locks name), when one matters. */
  lock: string | null
  rewrites: boolean
  /** What happens, without the size (added when the live database is known). */
  message: string
  /** Overrides the rule's fix where the statement tells a better one. */
  fix?: string
}

const TABLE = new Set(['r', 'p'])
const STORED = new Set(['r', 'm'])

export function findingsOf(m: MeasuredMigration): Draft[] {
  const existing = m.existing.rels
  return m.statements.flatMap((s) => judge(s, existing))
}

function judge(s: Measured, existing: Map<number, Rel>): Draft[] {
  const out: Draft[] = []
  const { before, after } = s
  const had = (oid: number) => existing.has(oid) && before.rels.has(oid)
  // One finding per relation and statement, the most specific first.
  const done = new Set<number>()
  const add = (oid: number, d: Omit<Draft, 'statement' | 'partitions' | 'relation'> & { partitions?: Rel[] }) => {
    const rel = before.rels.get(oid)!
    out.push({ ...d, statement: s.statement, relation: { schema: rel.schema, name: rel.name }, partitions: (d.partitions ?? []).map(({ schema, name }) => ({ schema, name })) })
    done.add(oid)
  }
  const held = (oid: number) => blockingMode(after.locks.get(oid))
  const meanwhile = (oid: number) => alsoHeld(after, existing, oid)

  // data loss: tables gone, truncated, columns gone
  const truncating = /^truncate\b/.test(s.keywords)
  const gone = [...before.rels.values()].filter((r) => had(r.oid) && TABLE.has(r.kind) && !after.rels.has(r.oid))
  for (const [root, parts] of byRoot(gone, before)) {
    add(root.oid, { rule: 'drop-table', lock: null, rewrites: false, message: `drops table ${qualifiedName(root)}${andPartitions(parts)}: its rows are lost`, partitions: parts })
  }
  const rewritten = [...before.rels.values()].filter((r) => had(r.oid) && STORED.has(r.kind) && after.rels.has(r.oid) && after.rels.get(r.oid)!.node !== r.node)
  const rewrittenSet = new Set(rewritten.map((r) => r.oid))
  for (const [root, parts] of byRoot(rewritten, before)) {
    if (truncating) {
      add(root.oid, { rule: 'truncate', lock: held(root.oid) ?? held(parts[0]?.oid ?? root.oid) ?? null, rewrites: false, message: `empties ${qualifiedName(root)}${andPartitions(parts)}: its rows are lost`, partitions: parts })
      continue
    }
    if (!s.observed) continue
    const lock = held(root.oid) ?? held(parts[0]?.oid ?? root.oid) ?? 'AccessExclusiveLock'
    add(root.oid, {
      rule: 'rewrite-table', lock, rewrites: true, partitions: parts,
      message: `rewrites ${qualifiedName(root)}${andPartitions(parts)} under ${modeName(lock)}: ${whoWaits(lock)}${meanwhile(root.oid)}`,
      fix: rewriteFix(s.keywords),
    })
  }
  for (const c of before.cols.values()) {
    if (!had(c.rel) || c.dropped || !TABLE.has(before.rels.get(c.rel)!.kind) || !after.rels.has(c.rel)) continue
    const now = after.cols.get(`${c.rel}:${c.num}`)
    const table = qualifiedName(before.rels.get(c.rel)!)
    if (!now || now.dropped) {
      // a partition's copy of the parent's column goes with the parent's
      if (before.rels.get(c.rel)!.parent && had(before.rels.get(c.rel)!.parent)) continue
      out.push({ rule: 'drop-column', statement: s.statement, relation: relationOf(before, c.rel), partitions: [], lock: null, rewrites: false, message: `drops column ${c.name} of ${table}: its data is lost` })
    } else if (now.name !== c.name && !(before.rels.get(c.rel)!.parent && had(before.rels.get(c.rel)!.parent))) {
      out.push({ rule: 'rename-column', statement: s.statement, relation: relationOf(before, c.rel), partitions: [], lock: null, rewrites: false, message: `renames column ${c.name} of ${table} to ${now.name}: the running application still uses ${c.name}` })
    }
  }
  for (const r of before.rels.values()) {
    const now = after.rels.get(r.oid)
    if (!had(r.oid) || !now || !['r', 'p', 'v', 'm', 'f'].includes(r.kind)) continue
    if (now.name !== r.name || now.schema !== r.schema) {
      const what = r.kind === 'v' ? 'view' : r.kind === 'm' ? 'materialized view' : 'table'
      out.push({ rule: 'rename-table', statement: s.statement, relation: { schema: r.schema, name: r.name }, partitions: [], lock: null, rewrites: false, message: `renames ${what} ${qualifiedName(r)} to ${qualifiedName(now)}: the running application still uses the old name` })
    }
  }
  for (const c of after.cols.values()) {
    if (!had(c.rel) || before.cols.has(`${c.rel}:${c.num}`) || c.dropped || !c.notNull || c.filled) continue
    const rel = before.rels.get(c.rel)!
    if (!TABLE.has(rel.kind) || (rel.parent && had(rel.parent))) continue
    out.push({ rule: 'not-null-no-default', statement: s.statement, relation: { schema: rel.schema, name: rel.name }, partitions: [], lock: null, rewrites: false, message: `adds NOT NULL column ${c.name} without a default to ${qualifiedName(rel)}: it fails where the table has rows, and inserts of the running application that leave it out fail` })
  }
  if (!s.observed) return out

  // indexes rebuilt on their own, and new ones built on existing tables
  for (const r of before.rels.values()) {
    const now = after.rels.get(r.oid)
    if (!had(r.oid) || r.kind !== 'i' || !now || now.node === r.node || rewrittenSet.has(r.table) || done.has(r.table)) continue
    const lock = held(r.table)
    if (!lock) continue
    add(r.table, { rule: 'rebuild-index', lock, rewrites: true, message: `rebuilds index ${qualifiedName(r)} of ${qualifiedName(before.rels.get(r.table)!)} under ${modeName(lock)}: ${whoWaits(lock)}${meanwhile(r.table)}` })
  }
  const attaching = /\battach\s+partition\b/.test(s.keywords)
  const built = [...after.rels.values()].filter((r) => !before.rels.has(r.oid) && r.kind === 'i' && had(r.table) && scanned(s, r.table))
  const builtOn = new Map<number, Rel[]>()
  for (const index of built) builtOn.set(index.table, [...(builtOn.get(index.table) ?? []), index])
  const tables = [...builtOn.keys()].map((oid) => before.rels.get(oid)!)
  for (const [root, parts] of byRoot(tables, before)) {
    if (done.has(root.oid)) continue
    const lock = [root, ...parts].map((t) => held(t.oid)).find(Boolean)
    if (!lock) continue
    const index = (builtOn.get(root.oid) ?? builtOn.get(parts[0]!.oid)!)[0]!
    const viaConstraint = /\badd\s+(constraint\s+\S+\s+)?(primary\s+key|unique|exclude)\b/.test(s.keywords)
    add(root.oid, {
      rule: 'index-not-concurrent', lock, rewrites: false, partitions: parts,
      message: `builds index ${root.oid === index.table ? qualifiedName(index) : `${index.name} and its partitions' indexes`} on ${qualifiedName(root)}${andPartitions(parts)} under ${modeName(lock)}: ${whoWaits(lock)}${meanwhile(root.oid)}`,
      fix: attaching
        ? 'Before attaching, create the partition\'s copy of each of the parent\'s indexes with CREATE INDEX CONCURRENTLY in a no-transaction migration: ATTACH PARTITION then adopts them instead of building them.'
        : viaConstraint
          ? 'Build the unique index with CREATE UNIQUE INDEX CONCURRENTLY in a no-transaction migration, then ADD CONSTRAINT … PRIMARY KEY / UNIQUE USING INDEX (a short lock, no scan).'
          : undefined,
    })
  }

  // whole-table reads under a lock that blocks writes
  const writes = new Set(s.plans.map((p) => `${p.schema}.${p.name}`))
  for (const r of before.rels.values()) {
    if (!had(r.oid) || !STORED.has(r.kind) || rewrittenSet.has(r.oid) || !scanned(s, r.oid)) continue
    // ATTACH PARTITION that builds indexes on the partition may also read it to check its bound:
    // one scan per index built, one more for the bound
    const boundChecked = attaching && scans(s, r.oid) > built.filter((i) => i.table === r.oid).length
    if (done.has(r.oid) && !boundChecked) continue
    if (writes.has(qualifiedName(r))) continue
    if (r.parent && had(r.parent) && done.has(r.parent)) continue
    const lock = held(r.oid)
    if (!lock) continue
    const table = qualifiedName(r)
    const tail = `${modeName(lock)}: ${whoWaits(lock)}${meanwhile(r.oid)}`
    // a new NOT NULL column without a default is checked for rows: not-null-no-default says so
    if ([...after.cols.values()].some((c) => c.rel === r.oid && c.notNull && !c.filled && !before.cols.has(`${c.rel}:${c.num}`))) continue
    const checked = [...after.cons.values()].filter((c) => c.rel === r.oid && c.validated && ['c', 'f'].includes(c.type) && !(before.cons.get(c.oid)?.validated ?? false))
    const notNull = [...after.cols.values()].filter((c) => c.rel === r.oid && c.notNull && before.cols.get(`${c.rel}:${c.num}`)?.notNull === false)
    if (checked.length) {
      const con = checked[0]!
      const other = con.type === 'f' ? after.rels.get(con.references) : undefined
      const validating = before.cons.has(con.oid)
      add(r.oid, {
        rule: 'constraint-scan', lock, rewrites: false,
        message: `checks every row of ${table} for ${con.type === 'f' ? `foreign key ${con.name} (to ${other ? qualifiedName(other) : 'another table'})` : `check constraint ${con.name}`} under ${tail}`,
        fix: validating ? 'Validate in a migration of its own, after the one that adds the constraint NOT VALID: alone, VALIDATE CONSTRAINT takes a lock that lets reads and writes through.' : undefined,
      })
    } else if (notNull.length) {
      add(r.oid, { rule: 'set-not-null-scan', lock, rewrites: false, message: `reads every row of ${table} to check that ${notNull.map((c) => c.name).join(', ')} ${notNull.length > 1 ? 'have' : 'has'} no NULL, under ${tail}` })
    } else if (attaching) {
      add(r.oid, { rule: 'attach-partition-scan', lock, rewrites: false, message: `reads every row of ${table} to check the partition bound, under ${tail}` })
    } else {
      add(r.oid, { rule: 'scan-under-lock', lock, rewrites: false, message: `reads every row of ${table} under ${tail}` })
    }
  }

  // data statements on existing tables
  for (const p of s.plans) {
    const rel = [...before.rels.values()].find((r) => r.schema === p.schema && r.name === p.name)
    if (!rel || !had(rel.oid) || p.operation === 'insert') continue
    const table = qualifiedName(rel)
    const blocking = held(rel.oid)
    // the lock a data statement takes, unless the migration already holds a stronger one
    const lock = blocking ?? 'RowExclusiveLock'
    const holding = blocking ? `, while the migration holds ${modeName(blocking)} on it (${whoWaits(blocking)})` : ''
    const finding = { statement: s.statement, relation: { schema: rel.schema, name: rel.name }, partitions: [], lock, rewrites: false }
    if (p.everyRow && p.operation === 'delete') {
      out.push({ ...finding, rule: 'delete-all-rows', message: `deletes every row of ${table}: its rows are lost${holding}` })
    } else if (p.everyRow) {
      out.push({ ...finding, rule: 'update-all-rows', message: `${p.operation === 'merge' ? 'merges into' : 'updates'} every row of ${table} in one statement: each row stays locked until it commits${holding}${meanwhile(rel.oid)}` })
    } else {
      out.push({ ...finding, rule: 'rows-locked', message: `${p.operation}s rows of ${table} inside the migration: each stays locked until it commits${holding}${meanwhile(rel.oid)}` })
    }
  }

  // a lock held on one table while the statement reads the whole of another
  const reported = new Set(out.filter((d) => RULES[d.rule].severity === 'error').map((d) => d.relation && qualifiedName(d.relation)))
  const read = [...before.rels.values()].filter((r) => had(r.oid) && STORED.has(r.kind) && scanned(s, r.oid) && !reported.has(qualifiedName(r)))
  if (read.length > 0) {
    for (const [oid, modes] of after.locks) {
      const other = existing.get(oid)
      const lock = blockingMode(modes)
      if (!lock || !other || !TABLE.has(other.kind) || done.has(oid) || reported.has(qualifiedName(other))) continue
      const reading = read.filter((r) => r.oid !== oid && r.parent !== oid && other.parent !== r.oid)
      if (reading.length === 0) continue
      add(oid, {
        rule: 'locked-during-scan', lock, rewrites: false,
        message: `holds ${modeName(lock)} on ${qualifiedName(other)} while the statement reads every row of ${reading.map(qualifiedName).join(', ')}: on ${qualifiedName(other)}, ${whoWaits(lock)}`,
      })
    }
  }
  return out
}

function scans(s: Measured, oid: number): number {
  return (s.after.rels.get(oid)?.scans ?? 0) - (s.before.rels.get(oid)?.scans ?? 0)
}

function scanned(s: Measured, oid: number): boolean {
  const a = s.after.rels.get(oid)
  const b = s.before.rels.get(oid)
  return a !== undefined && b !== undefined && a.scans > b.scans
}

function relationOf(snap: Snapshot, oid: number): { schema: string; name: string } {
  const r = snap.rels.get(oid)!
  return { schema: r.schema, name: r.name }
}

/**
 * Relations grouped under their topmost ancestor in the list (a partitioned table and its
 * partitions are one finding): root → the partitions below it. A root with no storage of its
 * own (a partitioned table) is looked up in the snapshot.
 */
function byRoot(rels: Rel[], snap: Snapshot): Map<Rel, Rel[]> {
  const groups = new Map<number, { root: Rel; parts: Rel[] }>()
  for (const r of rels) {
    let root = r
    while (root.parent && snap.rels.has(root.parent)) root = snap.rels.get(root.parent)!
    const g = groups.get(root.oid) ?? { root, parts: [] }
    if (r.oid !== root.oid) g.parts.push(r)
    groups.set(root.oid, g)
  }
  return new Map([...groups.values()].map((g) => [g.root, g.parts]))
}

function andPartitions(parts: Rel[]): string {
  return parts.length === 0 ? '' : ` (${parts.length} partition${parts.length > 1 ? 's' : ''})`
}

/** Other existing relations the transaction holds a write-blocking lock on, meanwhile. */
function alsoHeld(after: Snapshot, existing: Map<number, Rel>, except: number): string {
  const list: string[] = []
  for (const [oid, modes] of after.locks) {
    const rel = existing.get(oid)
    const mode = blockingMode(modes)
    if (oid === except || !rel || !mode || !TABLE.has(rel.kind) || rel.parent === except) continue
    list.push(`${modeName(mode)} on ${qualifiedName(rel)}`)
  }
  return list.length ? `; meanwhile the migration holds ${list.slice(0, 3).join(', ')}${list.length > 3 ? ` and ${list.length - 3} more` : ''}` : ''
}

function rewriteFix(kw: string): string | undefined {
  if (/\balter\s+(column\s+)?\S+\s+(set\s+data\s+)?type\b/.test(kw)) {
    return 'Add a new column of the new type, backfill it in batches, switch the application to it, and drop the old column in a later migration.'
  }
  if (/\badd\s+(column\s+)?.*\bdefault\b/.test(kw)) {
    return 'Add the column with a constant default (or none): only a volatile default rewrites the table. Then fill it in batches.'
  }
  if (/\bvacuum\s+full\b|\bcluster\b/.test(kw)) return 'Run it outside the deploy, in a maintenance window, or use pg_repack.'
  return undefined
}

// The rules lint reports, by stable id. An id is part of the public contract (`--json`, the
// accept comment `-- tinymigrate:allow <rule>`): never rename one once released.
//
// Severity: `error` for what holds a lock that blocks writes for a time that grows with the
// table, or loses data; `warning` for the rest.

export type Severity = 'error' | 'warning'

export interface Rule {
  severity: Severity
  /** One line for the rule list (`tinymigrate lint --help`, the README). */
  summary: string
  /** The safe way to write it. */
  fix: string
}

const AFTER_APP = 'in a later release, once no running version of the application uses it'

export const RULES = {
  'migration-fails': {
    severity: 'error',
    summary: 'the migration fails on a copy of the schema: up would stop there and roll it back',
    fix: 'Fix the statement, then lint again.',
  },
  'rewrite-table': {
    severity: 'error',
    summary: 'rewrites a whole table (a column type change, a volatile default, SET LOGGED, VACUUM FULL) under ACCESS EXCLUSIVE',
    fix: 'Add a new column instead, backfill it in batches, switch the application to it, and drop the old one in a later migration.',
  },
  'rebuild-index': {
    severity: 'error',
    summary: 'rebuilds an index while writes to its table wait (REINDEX, ALTER INDEX … SET TABLESPACE)',
    fix: 'Use REINDEX … CONCURRENTLY in a no-transaction migration (first line: -- tinymigrate:no-transaction).',
  },
  'index-not-concurrent': {
    severity: 'error',
    summary: 'builds an index on an existing table without CONCURRENTLY: writes wait for the whole build',
    fix: 'CREATE INDEX CONCURRENTLY in a no-transaction migration (first line: -- tinymigrate:no-transaction). For a primary key or unique constraint, build its unique index that way, then ADD CONSTRAINT … USING INDEX.',
  },
  'constraint-scan': {
    severity: 'error',
    summary: 'checks every row for a new CHECK or FOREIGN KEY constraint while writes wait',
    fix: 'Add the constraint NOT VALID, then VALIDATE CONSTRAINT in a later migration: validating takes a lock that lets reads and writes through.',
  },
  'set-not-null-scan': {
    severity: 'error',
    summary: 'SET NOT NULL reads every row under ACCESS EXCLUSIVE',
    fix: 'Add CHECK (column IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later migration, then SET NOT NULL (the valid check spares the scan) and drop the check.',
  },
  'attach-partition-scan': {
    severity: 'error',
    summary: 'ATTACH PARTITION reads the whole partition to check its bound while writes to it wait',
    fix: 'Before attaching, add a CHECK constraint that matches the partition bound (NOT VALID, then VALIDATE CONSTRAINT): ATTACH PARTITION then skips the scan. Drop the check afterwards.',
  },
  'scan-under-lock': {
    severity: 'error',
    summary: 'reads a whole table while holding a lock that blocks writes to it',
    fix: 'Split the change so that the part that reads every row takes a weaker lock (NOT VALID then VALIDATE, CONCURRENTLY), or runs in a migration of its own.',
  },
  'locked-during-scan': {
    severity: 'error',
    summary: 'holds a lock that blocks writes on one table while a statement reads the whole of another (an ALTER TABLE early in the transaction, a slow statement later)',
    fix: 'Put the slow statement in a migration of its own (or before the ALTER TABLE), so that the lock is held only for an instant.',
  },
  'update-all-rows': {
    severity: 'error',
    summary: 'updates every row of a table in one statement: each row stays locked, and the table bloats, until it commits',
    fix: 'Backfill in batches (a few thousand rows per transaction, by key range) in a no-transaction migration or a script, not in one statement.',
  },
  'delete-all-rows': {
    severity: 'error',
    summary: 'deletes every row of a table: the data is lost',
    fix: `Make sure the data is no longer needed (and backed up); delete it ${AFTER_APP}.`,
  },
  truncate: {
    severity: 'error',
    summary: 'TRUNCATE: every row of the table is lost',
    fix: `Make sure the data is no longer needed (and backed up); truncate ${AFTER_APP}.`,
  },
  'drop-table': {
    severity: 'error',
    summary: 'drops a table: its data is lost, and the running application may still use it',
    fix: `Stop using the table in the application first, back it up, and drop it ${AFTER_APP}.`,
  },
  'drop-column': {
    severity: 'error',
    summary: 'drops a column: its data is lost, and the running application may still read it',
    fix: `Stop reading and writing the column in the application first, back it up, and drop it ${AFTER_APP}.`,
  },
  'rows-locked': {
    severity: 'warning',
    summary: 'updates or deletes rows inside the migration: each stays locked until it commits',
    fix: 'Keep data changes small, or batch them in a no-transaction migration or a script.',
  },
  'rename-table': {
    severity: 'warning',
    summary: 'renames a table or view: the running application still uses the old name',
    fix: `Add the new name beside the old one (a view), switch the application, and drop the old name ${AFTER_APP}.`,
  },
  'rename-column': {
    severity: 'warning',
    summary: 'renames a column: the running application still uses the old name',
    fix: `Add a new column, write both, backfill, switch reads, and drop the old column ${AFTER_APP}.`,
  },
  'not-null-no-default': {
    severity: 'warning',
    summary: 'adds a NOT NULL column without a default to an existing table: fails where the table has rows, and breaks the running application\'s inserts',
    fix: 'Give the column a default, or add it nullable, backfill it, then SET NOT NULL the safe way.',
  },
  'down-not-inverse': {
    severity: 'warning',
    summary: 'the down file fails, or does not give back exactly the schema before the up',
    fix: 'Fix the down file so that up then down leaves the schema as it was (tinymigrate diff drafts a checked pair).',
  },
  'unknown-allow': {
    severity: 'warning',
    summary: 'a -- tinymigrate:allow comment names a rule that does not exist',
    fix: 'Correct the rule name (tinymigrate lint --help lists them).',
  },
} as const satisfies Record<string, Rule>

export type RuleId = keyof typeof RULES

export function isRule(id: string): id is RuleId {
  return Object.hasOwn(RULES, id)
}

/** Lock modes as pg_locks names them, weakest first. */
const MODES = [
  'AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock',
  'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock',
]

/** `AccessExclusiveLock` → `ACCESS EXCLUSIVE`, as PostgreSQL's documentation and LOCK TABLE name it. */
export function modeName(mode: string): string {
  return mode.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()
}

/** The strongest of `modes` that blocks writes to the relation (SHARE and stronger), if any. */
export function blockingMode(modes: Iterable<string> | undefined): string | undefined {
  let strongest = -1
  for (const m of modes ?? []) strongest = Math.max(strongest, MODES.indexOf(m))
  return strongest >= MODES.indexOf('ShareLock') ? MODES[strongest] : undefined
}

/** What waits behind a mode: writes only, or reads too. */
export function whoWaits(mode: string): string {
  return mode === 'AccessExclusiveLock' ? 'reads and writes wait until it ends' : 'writes wait until it ends'
}

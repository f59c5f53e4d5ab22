// What the renderers share: the steps they produce, and what each knows besides its change.
import type { Catalog } from '../../catalog/model.js'
import type { Change, ChangeKind, ColumnAspect } from '../compare.js'

export interface Step {
  phase: 0 | 1 | 2 | 3
  sql: string
  /** Keys this step creates (phase 2) or removes (phases 1, 3). */
  keys: string[]
  /** Keys that must exist first (phase 2), beyond the keys' own dependencies. */
  needs: string[]
  warnings: string[]
  notes: string[]
  /**
   * The value this step adds to an enum (ALTER TYPE … ADD VALUE). A statement that uses it must
   * run after the addition commits: the file then runs without a transaction.
   */
  addsEnumValue?: string
  /** Creates a function or procedure: its body may name what is created after it. */
  createsRoutine?: boolean
}

export interface Rendered {
  sql: string
  /** Must run outside a transaction: a step adds an enum value (`addsEnumValue`) that another uses. */
  noTransaction: boolean
  statements: Step[]
  warnings: string[]
}

/** Adds a step: its phase, its SQL, the keys it creates or removes, and the rest. */
export type StepFn = (phase: Step['phase'], sql: string, keys?: string[], extra?: Partial<Step>) => void

/**
 * What a renderer knows besides its change: the catalogs before (`a`) and after (`b`), every
 * change, and what the changes take along.
 */
export interface Context {
  step: StepFn
  a: Catalog
  b: Catalog
  changes: Change[]
  /** Tables dropped: their triggers, policies, indexes and owned sequences go with them. */
  dropped: Set<string>
  /**
   * What DROP TABLE, DROP INDEX or DROP CONSTRAINT takes along: the table's indexes and keys, a
   * partitioned index's partition indexes, a partitioned table's keys' copies on its partitions.
   */
  goneTables: Set<string>
  goneIndexes: Set<string>
  goneKeys: Set<string>
  /** Columns dropped (`schema.table.column`): a sequence they own goes with them. */
  droppedColumns: Set<string>
  /**
   * Sequences that go while a column of the same table becomes an identity whose sequence takes
   * their name: dropped just before it, not at the end.
   */
  replaced: Set<string>
  /** Whether a change of that kind names that object. */
  hasChange: (kind: ChangeKind, name: string) => boolean
  /** Whether the column `schema.table.column` has an ALTER of that aspect. */
  alters: (name: string, aspect: ColumnAspect) => boolean
}

/** Writes the steps of one kind of change. */
export type Renderer<K extends ChangeKind> = (change: Change<K>, ctx: Context) => void

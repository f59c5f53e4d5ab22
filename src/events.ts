import type { LockHolder } from './lock.js'

/** Progress the library reports; the CLI turns these into lines on stderr. */
export type Event =
  | { type: 'notice'; severity: string; message: string }
  | { type: 'connect-retry'; attempt: number; reason: string; delayMs: number }
  | { type: 'lock-wait'; holder: LockHolder | undefined }
  /** `waited`: another runner held it first (a slow first try alone is no wait). */
  | { type: 'lock-acquired'; waitedMs: number; waited: boolean }
  | { type: 'apply-start'; version: string; name: string; noTransaction: boolean }
  | { type: 'apply-done'; version: string; name: string; durationMs: number }
  | { type: 'revert-start'; version: string; name: string; source: 'file' | 'history'; path: string }
  | { type: 'revert-done'; version: string; name: string; durationMs: number }
  | { type: 'statement'; version: string; name: string; index: number; total: number }
  | { type: 'warning'; message: string }
  /**
   * A statement running for seconds, every two seconds (on a server): what PostgreSQL's progress
   * views say, or what it waits for. `activity` is that as one line.
   */
  | { type: 'progress'; version: string; name: string; elapsedMs: number; phase: string | null; relation: string | null; done: number | null; total: number | null; unit: string | null; waiting: boolean; activity: string }
  /** A new embedded database directory is being made (the first run of a project). */
  | { type: 'embedded-create'; path: string }

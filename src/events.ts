import type { LockHolder } from './lock.js'

/** Progress the library reports; the CLI turns these into lines on stderr. */
export type Event =
  | { type: 'notice'; severity: string; message: string }
  | { type: 'connect-retry'; attempt: number; reason: string; delayMs: number }
  | { type: 'lock-wait'; holder: LockHolder | undefined }
  | { type: 'lock-acquired'; waitedMs: number }
  | { type: 'apply-start'; version: string; name: string; noTransaction: boolean }
  | { type: 'apply-done'; version: string; name: string; durationMs: number }
  | { type: 'revert-start'; version: string; name: string; source: 'file' | 'history'; path: string }
  | { type: 'revert-done'; version: string; name: string; durationMs: number }
  | { type: 'statement'; version: string; name: string; index: number; total: number }
  | { type: 'warning'; message: string }

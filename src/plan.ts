import { TinymigrateError } from './errors.js'
import { canonicalVersion as canonical, compareVersions, label, type MigrationFile } from './files.js'
import type { HistoryRow } from './history.js'

export type State = 'applied' | 'pending' | 'changed' | 'missing' | 'out-of-order' | 'failed'

/** One migration as files and history see it together. */
export interface Entry {
  /** Canonical version (no leading zeros). */
  id: string
  /** Version as written in the file name, or in history when the file is gone. */
  version: string
  name: string
  state: State
  file: MigrationFile | undefined
  row: HistoryRow | undefined
}

/** Pure: pair files with history rows, in version order, and say what state each one is in. */
export function inspect(files: MigrationFile[], rows: HistoryRow[]): Entry[] {
  const byId = new Map<string, Entry>()
  for (const row of rows) {
    const id = canonical(row.version)
    byId.set(id, { id, version: row.version, name: row.name, state: row.state === 'failed' ? 'failed' : 'missing', file: undefined, row })
  }
  for (const file of files) {
    const entry = byId.get(file.id)
    if (!entry) {
      byId.set(file.id, { id: file.id, version: file.version, name: file.name, state: 'pending', file, row: undefined })
      continue
    }
    entry.file = file
    entry.version = file.version
    entry.name = file.name
    if (entry.state !== 'failed') entry.state = entry.row!.checksum === file.checksum ? 'applied' : 'changed'
  }
  const entries = [...byId.values()].sort((a, b) => compareVersions(a.id, b.id))
  const newest = newestApplied(entries)
  if (newest !== undefined) {
    for (const e of entries) if (e.state === 'pending' && BigInt(e.id) < BigInt(newest)) e.state = 'out-of-order'
  }
  return entries
}

function newestApplied(entries: Entry[]): string | undefined {
  let newest: string | undefined
  for (const e of entries) if (e.row) newest = e.id
  return newest
}

/** The newest applied version, as written, or null when nothing is applied. */
export function currentVersion(entries: Entry[]): Entry | undefined {
  let current: Entry | undefined
  for (const e of entries) if (e.row && e.row.state === 'applied') current = e
  return current
}

export function listLabels(entries: { version: string; name: string; file?: MigrationFile | undefined }[], max = 10): string {
  const shown = entries.slice(0, max).map((e) => '  ' + (e.file ? e.file.up.path : label(e)))
  if (entries.length > max) shown.push(`  … and ${entries.length - max} more`)
  return shown.join('\n')
}

/** Refuse to run on top of a history that does not tell the truth about the files. */
export function checkApplied(entries: Entry[]): void {
  const failed = entries.filter((e) => e.state === 'failed')
  if (failed.length > 0) {
    const first = failed[0]!
    throw new TinymigrateError('PARTIAL_MIGRATION',
      `${label(first)} did not finish: it ran outside a transaction and stopped part-way${first.row?.note ? ` (${first.row.note})` : ''}.`, {
        files: failed.map((e) => e.file?.up.path ?? label(e)),
        next: `Check what it changed in the database, then either finish it by hand and run: tinymigrate repair ${first.version} --applied\n` +
          `or undo its partial changes and run: tinymigrate repair ${first.version} --rolled-back (up then runs it again)`,
      })
  }
  const changed = entries.filter((e) => e.state === 'changed')
  if (changed.length > 0) {
    throw new TinymigrateError('CHECKSUM_MISMATCH',
      `Applied migration${changed.length > 1 ? 's were' : ' was'} edited after being applied:\n${listLabels(changed)}`, {
        files: changed.map((e) => e.file!.up.path),
        next: 'Restore the file from version control and put the change in a new migration (tinymigrate new <name>).\n' +
          'If the edit changes nothing that matters (comments, formatting), accept it with: tinymigrate repair --checksums',
      })
  }
}

export interface UpRequest {
  count?: number
  to?: string
  allowOutOfOrder?: boolean
}

/** Pure: which files `up` applies, in order. */
export function planUp(entries: Entry[], request: UpRequest): MigrationFile[] {
  checkCount(request.count)
  checkApplied(entries)
  let pending = entries.filter((e) => e.state === 'pending' || e.state === 'out-of-order')
  if (request.to !== undefined) {
    const to = findVersion(entries, request.to)
    pending = pending.filter((e) => BigInt(e.id) <= BigInt(to.id))
  }
  if (request.count !== undefined) pending = pending.slice(0, request.count)
  const early = pending.filter((e) => e.state === 'out-of-order')
  if (early.length > 0 && !request.allowOutOfOrder) {
    const newest = newestApplied(entries)!
    const last = entries.find((e) => e.id === newest)!
    throw new TinymigrateError('OUT_OF_ORDER',
      `Pending migration${early.length > 1 ? 's are' : ' is'} older than the newest applied one (${label(last)}):\n${listLabels(early)}`, {
        files: early.map((e) => e.file!.up.path),
        next: `Give ${early.length > 1 ? 'them versions' : 'it a version'} after ${last.version} (rename the files), or run with --allow-out-of-order if the order does not matter.`,
      })
  }
  return pending.map((e) => e.file!)
}

export interface DownRequest {
  count?: number
  to?: string
  all?: boolean
}

/** Pure: which applied migrations `down` reverts, newest first. */
export function planDown(entries: Entry[], request: DownRequest): Entry[] {
  checkCount(request.count)
  checkApplied(entries)
  const applied = entries.filter((e) => e.row).reverse()
  if (request.all) return applied
  if (request.to !== undefined) {
    const to = findVersion(entries, request.to)
    return applied.filter((e) => BigInt(e.id) > BigInt(to.id))
  }
  return applied.slice(0, request.count ?? 1)
}

function checkCount(count: number | undefined): void {
  if (count !== undefined && !(Number.isInteger(count) && count >= 0)) {
    throw new TinymigrateError('USAGE', `A migration count is a whole number, not ${count}.`, { next: 'Example: tinymigrate down 1' })
  }
}

export type StampTarget = 'head' | 'base' | string

/** Pure: what `stamp` records and forgets so that history says "applied up to target". */
export function planStamp(entries: Entry[], target: StampTarget): { record: MigrationFile[]; forget: Entry[] } {
  const limit = target === 'base' ? -1n : target === 'head' ? undefined : BigInt(findVersion(entries, target).id)
  const within = (e: Entry) => limit === undefined || BigInt(e.id) <= limit
  return {
    record: entries.filter((e) => within(e) && e.file && (!e.row || e.row.state === 'failed')).map((e) => e.file!),
    forget: entries.filter((e) => e.row && !within(e)),
  }
}

function findVersion(entries: Entry[], version: string): Entry {
  if (!/^\d+$/.test(version)) {
    throw new TinymigrateError('USAGE', `"${version}" is not a version: versions are digits, like 001 or 20261124093000.`, {
      next: 'Run tinymigrate status to see the versions.',
    })
  }
  const id = canonical(version)
  const entry = entries.find((e) => e.id === id)
  if (!entry) {
    throw new TinymigrateError('UNKNOWN_VERSION', `No migration has version ${version}.`, {
      next: 'Run tinymigrate status to see the versions.',
    })
  }
  return entry
}

export type Tool = 'golang-migrate' | 'dbmate'

/** What another tool's history table says is applied. */
export type ForeignHistory =
  /** One row: every migration up to and including `version` is applied (null: the table is empty). */
  | { tool: 'golang-migrate'; table: { schema: string; name: string }; version: string | null; dirty: boolean }
  /** One row per applied migration, the version as written in its file name. */
  | { tool: 'dbmate'; table: { schema: string; name: string }; versions: string[] }

/**
 * Pure: what `adopt` records so that tinymigrate's history says what the other tool's says:
 * `record` the files to write rows for, `already` those tinymigrate's history has already.
 * Refuses a dirty golang-migrate history, versions without a file, and a tinymigrate history that
 * says something else (a row the other tool does not have, or a failed one).
 */
export function planAdopt(entries: Entry[], foreign: ForeignHistory, historyName: string): { record: MigrationFile[]; already: Entry[] } {
  const source = `${foreign.tool}'s history (${foreign.table.schema}.${foreign.table.name})`
  const withFile = entries.filter((e) => e.file)
  let applied: Entry[]
  let orphans: string[]
  if (foreign.tool === 'golang-migrate') {
    const version = foreign.version
    if (foreign.dirty) {
      const previous = version === null ? undefined : withFile.filter((e) => BigInt(e.id) < BigInt(version)).at(-1)
      const file = version === null ? undefined : withFile.find((e) => e.id === canonicalOrNull(version))
      throw new TinymigrateError('ADOPT_DIRTY',
        `${source} says version ${version ?? '(none)'} is dirty: ${file ? label(file) : 'that migration'} failed part-way, so the database may hold only part of it. Nothing was recorded.`, {
          files: file ? [file.file!.up.path] : [],
          next: `Look at what it changed and finish or undo it by hand, then record how it ended with golang-migrate: migrate -path <dir> -database <url> force ${version ?? '-1'} (finished)` +
            ` or force ${previous ? previous.version : '-1'} (undone). Then run tinymigrate adopt again.`,
        })
    }
    const limit = version === null || BigInt(version) < 0n ? undefined : BigInt(version)
    applied = limit === undefined ? [] : withFile.filter((e) => BigInt(e.id) <= limit)
    orphans = limit !== undefined && !withFile.some((e) => BigInt(e.id) === limit) ? [version!] : []
  } else {
    const byId = new Map(withFile.map((e) => [e.id, e]))
    const found = new Set<Entry>()
    orphans = []
    for (const v of foreign.versions) {
      const e = /^\d+$/.test(v) ? byId.get(canonical(v)) : undefined
      if (e) found.add(e)
      else orphans.push(v)
    }
    applied = withFile.filter((e) => found.has(e))
  }
  if (orphans.length > 0) {
    orphans.sort((a, b) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? compareVersions(a, b) : a < b ? -1 : 1))
    throw new TinymigrateError('ADOPT_MISSING_FILES',
      `${source} records ${orphans.length > 1 ? 'versions' : 'a version'} with no migration file in this directory:\n${orphans.slice(0, 20).map((v) => `  ${v}`).join('\n')}` +
      `${orphans.length > 20 ? `\n  … and ${orphans.length - 20} more` : ''}\nNothing was recorded.`, {
        files: orphans,
        next: 'Point --dir at the folder that tool migrates from, or restore the missing files (an older checkout has them), then run tinymigrate adopt again.',
      })
  }
  const failed = entries.filter((e) => e.row?.state === 'failed')
  if (failed.length > 0) {
    const first = failed[0]!
    throw new TinymigrateError('ADOPT_CONFLICT', `tinymigrate's history (${historyName}) has ${label(first)} as failed: it ran outside a transaction and stopped part-way. Nothing was recorded.`, {
      files: failed.map((e) => label(e)),
      next: `Settle it first: tinymigrate repair ${first.version} --applied or --rolled-back, then run tinymigrate adopt again.`,
    })
  }
  const ours = new Set(applied)
  const extra = entries.filter((e) => e.row && !ours.has(e))
  if (extra.length > 0) {
    throw new TinymigrateError('ADOPT_CONFLICT',
      `tinymigrate's history (${historyName}) records ${extra.length > 1 ? 'migrations' : 'a migration'} that ${source} does not:\n${listLabels(extra)}\nNothing was recorded.`, {
        files: extra.map((e) => label(e)),
        next: 'If the switch to tinymigrate happened already, its history is the one that counts: there is nothing to adopt, and the old table can be dropped.\n' +
          'Otherwise make tinymigrate\'s history empty without reverting anything (tinymigrate stamp base), then run tinymigrate adopt again.',
      })
  }
  return {
    record: applied.filter((e) => !e.row).map((e) => e.file!),
    already: applied.filter((e) => e.row),
  }
}

function canonicalOrNull(version: string): string | undefined {
  return /^\d+$/.test(version) ? canonical(version) : undefined
}

import { isUtf8 } from 'node:buffer'
import { hash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { TinymigrateError } from './errors.js'
import { hasNoTransactionMarker } from './sqltext.js'

export interface SqlFile {
  /** Path as shown to the user: the migrations directory joined with the file name. */
  path: string
  /** Text as sent to the server: BOM removed, line endings untouched. */
  text: string
  /** First line is `-- tinymigrate:no-transaction` (or a dbmate section line with `transaction:false`). */
  noTransaction: boolean
  /**
   * Set when the text is one section of a dbmate one-file migration: which one, and the line of
   * the file it starts on (its `-- migrate:up` line), so errors point into the file as written.
   */
  section?: { name: 'up' | 'down'; line: number }
}

export interface MigrationFile {
  /** Version as written in the file name (`001`, `20261124093000`). */
  version: string
  /** Canonical version: no leading zeros. `001` and `1` are the same migration. */
  id: string
  name: string
  up: SqlFile
  down: SqlFile | undefined
  /** SHA-256 (hex) of the up file (or up section) with BOM removed and CRLF turned into LF. */
  checksum: string
}

// <version>_<name>.up.sql / .down.sql; the name is letters, digits, '_', '-', '.'.
const MIGRATION = /^(\d+)_([\p{L}\p{M}\p{N}_.-]+)\.(up|down)\.sql$/u
// dbmate's one-file form, <version>_<name>.sql: a migration only if its text has a -- migrate:up line.
const ONE_FILE = /^(\d+)_([\p{L}\p{M}\p{N}_.-]+)\.sql$/u

/** A name that looks like it wants to be a migration: a .sql file starting with a digit, or an .up/.down file. */
function looksLikeMigration(file: string): boolean {
  return /\.sql$/i.test(file) && (/^\d/.test(file) || /\.(up|down)\.sql$/i.test(file))
}

export interface ParsedName {
  version: string
  id: string
  name: string
  direction: 'up' | 'down'
}

/** Pure: a file name → its parts, `undefined` for files that are not migrations, an Error string for malformed ones. */
export function parseFileName(file: string): ParsedName | string | undefined {
  // Hidden files are editors' and operating systems' (.#001_x.up.sql, ._001_x.up.sql), not ours.
  if (file.startsWith('.')) return undefined
  const m = MIGRATION.exec(file)
  if (m) {
    if (!/[\p{L}\p{N}]/u.test(m[2]!)) return 'the name after the version needs a letter or digit, like 001_create_users.up.sql'
    const version = m[1]!
    return { version, id: canonicalVersion(version), name: m[2]!, direction: m[3] as 'up' | 'down' }
  }
  if (!looksLikeMigration(file)) return undefined
  if (/^\d+_.+\.sql$/i.test(file) && !/\.(up|down)\.sql$/.test(file)) {
    return /\.(up|down)\.sql$/i.test(file)
      ? 'the ending must be lower case: .up.sql or .down.sql'
      : 'a migration file ends in .up.sql or .down.sql'
  }
  if (/^\d+_\.(up|down)\.sql$/.test(file)) return 'the name after the version is missing, like 001_create_users.up.sql'
  if (!/^\d+_/.test(file)) return 'a migration file name starts with digits and an underscore, like 001_create_users.up.sql'
  return 'the name after the version may hold only letters, digits, "_", "-" and "."'
}

/** A version's digits without leading zeros: 001 and 1 are the same version. */
export function canonicalVersion(version: string): string {
  const at = version.search(/[^0]/)
  return at === -1 ? '0' : version.slice(at)
}

/** Numeric order of two versions (digit strings of any length). */
export function compareVersions(a: string, b: string): number {
  const x = canonicalVersion(a)
  const y = canonicalVersion(b)
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0)
}

/** Pure: the checksum that history stores. BOM and CRLF never make a file look changed. */
export function checksum(text: string): string {
  const normal = stripBom(text).replaceAll('\r\n', '\n')
  // One call: a Hash object per file costs more than the hashing of a small migration.
  return hash('sha256', normal, 'hex')
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** Decode a file strictly: invalid UTF-8 or a NUL byte is an error naming the file. */
export function decodeSql(path: string, bytes: Uint8Array): string {
  // isUtf8 validates without building a string (much faster than a fatal TextDecoder).
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (!isUtf8(buffer)) {
    throw new TinymigrateError('BAD_ENCODING', `${path} is not valid UTF-8.`, {
      files: [path],
      next: 'Save the file as UTF-8 (PostgreSQL receives migrations as UTF-8 text).',
    })
  }
  return checkedText(path, buffer.toString('utf8'))
}

/** Valid UTF-8 already: refuse a NUL byte, drop a BOM. */
function checkedText(path: string, decoded: string): string {
  const text = stripBom(decoded)
  const nul = text.indexOf('\0')
  if (nul !== -1) {
    throw new TinymigrateError('BAD_ENCODING', `${path} contains a NUL byte (at character ${[...text.slice(0, nul)].length + 1}); PostgreSQL cannot receive it.`, {
      files: [path],
      next: 'Remove the NUL byte; the file may be binary or saved as UTF-16.',
    })
  }
  return stripBom(text)
}

function readSql(path: string): SqlFile {
  let text: string
  try {
    // Read as text in one call (about twice as fast as bytes, then a check, then a string). A
    // replacement character means invalid UTF-8, or a file that really holds one: only then
    // are the bytes read and checked.
    text = readFileSync(path, 'utf8')
    text = text.includes('\uFFFD') ? decodeSql(path, readFileSync(path)) : checkedText(path, text)
  } catch (error) {
    if (error instanceof TinymigrateError) throw error
    const why = (error as { code?: string }).code === 'EISDIR' ? 'it is a directory' : (error as Error).message
    throw new TinymigrateError('FILE_UNREADABLE', `Cannot read ${path}: ${why}.`, {
      files: [path],
      next: 'Make it a readable regular file, or move it out of the migrations directory.',
    })
  }
  return { path, text, noTransaction: hasNoTransactionMarker(text) }
}

/**
 * Find and read every migration in `dir`, sorted by version. Other files (README, schema.sql) are
 * left alone; files that look like migrations but are malformed are errors, all named at once.
 */
export function loadMigrations(dir: string): MigrationFile[] {
  let names: string[]
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory')
    names = readdirSync(dir)
  } catch {
    throw new TinymigrateError('DIR_NOT_FOUND', `Migrations directory ${dir} does not exist or is not a directory.`, {
      files: [dir],
      next: 'Create it (tinymigrate new <name> does), or pass --dir <path>.',
    })
  }
  // join() once: the names readdir gives have no separators, and joining each costs on 1,000 files.
  const prefix = join(dir, '_').slice(0, -1)
  return collectMigrations(dir, names.sort(), (file) => readSql(prefix + file))
}

/**
 * Pure given `read`: pair up and down files by version (or split dbmate's one-file migrations into
 * their sections) and report every naming problem. A `<version>_<name>.sql` file is read to
 * decide: with a `-- migrate:up` line it is a migration, without one it is a malformed name.
 */
export function collectMigrations(dir: string, names: string[], read: (file: string) => SqlFile): MigrationFile[] {
  const malformed: { path: string; why: string }[] = []
  const ups = new Map<string, { file: string; parsed: ParsedName }[]>()
  const downs = new Map<string, { file: string; parsed: ParsedName }[]>()
  const candidates: string[] = []
  for (const file of names) {
    const parsed = parseFileName(file)
    if (parsed === undefined) continue
    if (typeof parsed === 'string') {
      if (ONE_FILE.test(file) && !/\.(up|down)\.sql$/i.test(file)) candidates.push(file)
      else malformed.push({ path: join(dir, file), why: parsed })
      continue
    }
    const into = parsed.direction === 'up' ? ups : downs
    const list = into.get(parsed.id) ?? []
    list.push({ file, parsed })
    into.set(parsed.id, list)
  }
  const ones = new Map<string, { file: string; version: string; name: string; sections: Sections }[]>()
  for (const file of candidates) {
    const sql = read(file)
    const sections = splitSections(sql.path, sql.text)
    // Without a -- migrate:up line it is what it was before dbmate's format was read: a bad name.
    if (!sections) {
      malformed.push({ path: sql.path, why: parseFileName(file) as string })
      continue
    }
    const [, version, name] = ONE_FILE.exec(file)!
    const id = canonicalVersion(version!)
    const list = ones.get(id) ?? []
    list.push({ file, version: version!, name: name!, sections })
    ones.set(id, list)
  }
  if (malformed.length > 0) {
    malformed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    throw new TinymigrateError('BAD_FILENAME', `Malformed migration file name${malformed.length > 1 ? 's' : ''}:\n${malformed.map((m) => `  ${m.path}: ${m.why}`).join('\n')}`, {
      files: malformed.map((m) => m.path),
      next: 'Rename to <version>_<name>.up.sql (and .down.sql), for example 001_create_users.up.sql.',
    })
  }
  if (ones.size > 0 && (ups.size > 0 || downs.size > 0)) throw mixedFormats(dir, [...ups.values(), ...downs.values()], [...ones.values()])
  const duplicates = duplicateVersions(dir, [ups, downs, ones], ones.size > 0)
  if (duplicates) throw duplicates
  const orphans = [...downs.keys()].filter((id) => !ups.has(id)).map((id) => join(dir, downs.get(id)![0]!.file))
  if (orphans.length > 0) {
    throw new TinymigrateError('ORPHAN_DOWN', `Down file${orphans.length > 1 ? 's' : ''} without an up file:\n${orphans.map((o) => '  ' + o).join('\n')}`, {
      files: orphans,
      next: 'Add the matching .up.sql file, or delete the stray .down.sql.',
    })
  }
  const migrations: MigrationFile[] = []
  for (const [id, [entry]] of ups) {
    const { file, parsed } = entry!
    const up = read(file)
    const downEntry = downs.get(id)?.[0]
    migrations.push({
      version: parsed.version,
      id,
      name: parsed.name,
      up,
      down: downEntry ? lazy(join(dir, downEntry.file), () => read(downEntry.file)) : undefined,
      checksum: checksum(up.text),
    })
  }
  for (const [id, [entry]] of ones) {
    const { version, name, sections } = entry!
    migrations.push({ version, id, name, up: sections.up, down: sections.down, checksum: checksum(sections.up.text) })
  }
  return migrations.sort((a, b) => compareVersions(a.id, b.id))
}

/**
 * Files that share a version, one line per version. "001 and 1 are the same version" is said only
 * when the spellings differ; two files both written 004 are plainly two files with version 004.
 */
function duplicateVersions(dir: string, maps: Map<string, { file: string; version?: string; parsed?: ParsedName }[]>[], oneFile: boolean): TinymigrateError | undefined {
  const byId = new Map<string, { path: string; version: string }[]>()
  const written: string[] = []
  for (const map of maps) {
    for (const [id, list] of map) {
      for (const e of list) written.push(e.version ?? e.parsed!.version)
      if (list.length < 2) continue
      const group = byId.get(id) ?? []
      group.push(...list.map((e) => ({ path: join(dir, e.file), version: e.version ?? e.parsed!.version })))
      byId.set(id, group)
    }
  }
  if (byId.size === 0) return undefined
  const groups = [...byId.entries()].sort(([a], [b]) => compareVersions(a, b)).map(([, g]) => g.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)))
  const lines = groups.map((g) => {
    const paths = g.map((e) => e.path)
    const spellings = [...new Set(g.map((e) => e.version))].sort()
    return spellings.length === 1
      ? `${and(paths)} ${paths.length === 2 ? 'both' : 'all'} have version ${spellings[0]}`
      : `${and(paths)} have the same version (${and(spellings)} are the same version)`
  })
  // The next free versions: after the newest, in the width the newest is written in.
  let newest = written[0]!
  for (const v of written) if (compareVersions(v, newest) > 0 || (compareVersions(v, newest) === 0 && v.length > newest.length)) newest = v
  const free = groups.map((_, i) => (BigInt(newest) + BigInt(i + 1)).toString().padStart(newest.length, '0'))
  const count = groups.reduce((n, g) => n + g.length, 0)
  const rename = oneFile ? 'rename its file to <version>_<name>.sql' : 'rename its .up.sql and .down.sql to <version>_<name>'
  return new TinymigrateError('DUPLICATE_VERSION', `${count === 2 ? 'Two' : count} migration files have the same version:\n${lines.map((l) => '  ' + l).join('\n')}`, {
    files: groups.flatMap((g) => g.map((e) => e.path)),
    next: groups.length === 1
      ? `Renumber the one that no database has applied yet to the next free version, ${free[0]}: ${rename.replace('<version>', free[0]!)}.`
      : `Renumber one migration of each version (the one that no database has applied yet) to the next free versions, ${and(free)}: ${rename}.`,
  })
}

/** `a`, `a and b`, `a, b and c`. */
function and(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

/** One folder, one format: which files are which, and the two ways to make it one. */
function mixedFormats(dir: string, pairs: { file: string }[][], ones: { file: string }[][]): TinymigrateError {
  const pairFiles = pairs.flat().map((e) => join(dir, e.file)).sort()
  const oneFiles = ones.flat().map((e) => join(dir, e.file)).sort()
  const some = (list: string[]) => list.slice(0, 3).map((f) => `    ${f}`).join('\n') + (list.length > 3 ? `\n    … and ${list.length - 3} more` : '')
  return new TinymigrateError('MIXED_FORMATS', `${dir} mixes two migration formats; one folder uses one:\n` +
    `  ${pairFiles.length} up/down file${pairFiles.length > 1 ? 's' : ''} (<version>_<name>.up.sql, .down.sql):\n${some(pairFiles)}\n` +
    `  ${oneFiles.length} dbmate one-file migration${oneFiles.length > 1 ? 's' : ''} (<version>_<name>.sql with -- migrate:up and -- migrate:down):\n${some(oneFiles)}`, {
    files: [...pairFiles, ...oneFiles],
    next: 'Convert the fewer ones to the other format: split a dbmate file into <version>_<name>.up.sql (its -- migrate:up section) and .down.sql (its -- migrate:down section), ' +
      'or join an up/down pair into <version>_<name>.sql under -- migrate:up and -- migrate:down lines. Converting an applied migration changes its checksum: run tinymigrate repair --checksums afterwards.',
  })
}

/** A dbmate section line: `-- migrate:up` or `-- migrate:down`, then options such as `transaction:false`. */
const SECTION = /^--\s*migrate:(up|down)(?:\s.*)?$/

export interface Sections {
  up: SqlFile
  /** Undefined when the file has no `-- migrate:down` line. */
  down: SqlFile | undefined
}

/**
 * Pure: dbmate's one-file migration split into its sections, or undefined when the text has no
 * `-- migrate:up` line (it is then no migration). A section runs from its own line (a comment,
 * sent along as dbmate sends it, so the checksum also covers its options) to the next section
 * line or the end. Blank and `--` comment lines may come before `-- migrate:up`, as dbmate allows;
 * they belong to neither section. Later section lines of the same kind are comments, as in dbmate.
 */
export function splitSections(path: string, text: string): Sections | undefined {
  const lines = splitLines(text)
  const up = lines.findIndex((l) => SECTION.exec(l.text)?.[1] === 'up')
  if (up === -1) return undefined
  const down = lines.findIndex((l) => SECTION.exec(l.text)?.[1] === 'down')
  if (down !== -1 && down < up) {
    throw new TinymigrateError('BAD_SECTIONS', `${path}: its -- migrate:down line (line ${down + 1}) comes before -- migrate:up (line ${up + 1}).`, {
      files: [path],
      location: { file: path, line: down + 1, column: 1, excerpt: lines[down]!.text },
      next: 'Put the -- migrate:up section first and the -- migrate:down section after it (dbmate requires that order too).',
    })
  }
  const stray = lines.slice(0, up).findIndex((l) => !/^\s*(--.*)?$/.test(l.text))
  if (stray !== -1) {
    throw new TinymigrateError('BAD_SECTIONS', `${path} has SQL before its -- migrate:up line (line ${up + 1}); in dbmate's one-file format every statement belongs to a section.`, {
      files: [path],
      location: { file: path, line: stray + 1, column: 1, excerpt: lines[stray]!.text },
      next: 'Move it below -- migrate:up (or into the -- migrate:down section).',
    })
  }
  const section = (name: 'up' | 'down', from: number, to: number | undefined): SqlFile => {
    const body = text.slice(lines[from]!.start, to === undefined ? text.length : lines[to]!.start)
    return { path, text: body, noTransaction: hasNoTransactionMarker(body), section: { name, line: from + 1 } }
  }
  return {
    up: section('up', up, down === -1 ? undefined : down),
    down: down === -1 ? undefined : section('down', down, undefined),
  }
}

/** Lines with where each starts; CRLF, LF and a lone CR each end one, as in error positions. */
function splitLines(text: string): { start: number; text: string }[] {
  const lines: { start: number; text: string }[] = []
  const breaks = /\r\n|\n|\r/g
  let start = 0
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    lines.push({ start, text: text.slice(start, m.index) })
    start = m.index + m[0].length
  }
  if (start < text.length) lines.push({ start, text: text.slice(start) })
  return lines
}

/** How a file or section is named in messages: `migrations/1_a.sql (-- migrate:down)` for a section. */
export function describeFile(file: SqlFile): string {
  return file.section ? `${file.path} (its -- migrate:${file.section.name} section)` : file.path
}

/**
 * A down file is read when it is first needed: `status` and a no-op `up` never open one.
 * Runs that use them read them all before anything runs, so a bad one still stops them early.
 */
function lazy(path: string, load: () => SqlFile): SqlFile {
  let loaded: SqlFile | undefined
  const get = () => (loaded ??= load())
  return {
    path,
    get text() { return get().text },
    get noTransaction() { return get().noTransaction },
  }
}

/** `001_users`: how a migration is named in messages. */
export function label(m: { version: string; name: string }): string {
  return `${m.version}_${m.name}`
}

/**
 * Pure: the version for `tinymigrate new`. Folders that number their files in a short sequence
 * (001, 002…) continue it with the same width; otherwise a UTC timestamp, bumped past the newest.
 */
export function nextVersion(existing: string[], now: Date): string {
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14)
  if (existing.length === 0) return stamp
  let max = 0n
  let width = 0
  for (const v of existing) {
    const n = BigInt(v)
    if (n >= max) { max = n; width = v.length }
  }
  if (max < 10_000_000n) return (max + 1n).toString().padStart(width, '0')
  const next = BigInt(stamp) > max ? BigInt(stamp) : max + 1n
  return next.toString()
}

/** Pure: `Add Users!` → `add_users`. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{M}\p{N}]+/gu, '_').replace(/^_+|_+$/g, '')
}

// Scratch engines: `check`, `diff` and `pull` without a server replay SQL into in-memory PGlite.
// A new instance runs initdb, seconds of WebAssembly; the files of a freshly initialised data
// directory, made once per PGlite version and kept on disk, written into a new instance's memory
// before PostgreSQL starts, give the same database in a fraction of that.
import { createHash } from 'node:crypto'
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Db, OpenOptions } from '../driver.js'
import { TinymigrateError } from '../errors.js'
import { wrapPglite } from './adapter.js'
import { importPglite, loadExtensions, type EmscriptenOptions, type PgliteLike, type PgliteModule } from './engine.js'
import { readTar, type TarEntry } from './tar.js'

/** Changes whenever the way a snapshot is made changes: an older one is then made again. */
const SNAPSHOT_LAYOUT = 1
const SNAPSHOT_HEADER = 'tinymigrate pglite data directory'
/** Where PGlite keeps the data directory in its virtual file system. */
const PGDATA = '/pglite/data'
// Scratch databases are small: 16 MB of shared buffers, not PGlite's 128 MB, which PostgreSQL
// zeroes at every start (about 0.3 s of each start here).
const SCRATCH_SETTINGS = ['-c', 'shared_buffers=16MB']
// 1 MB WAL segments instead of 16: the snapshot keeps one, so it is 15 MB smaller to read.
const SCRATCH_INITDB = ['--wal-segsize=1']

/** Files as an uncompressed tar (as PGlite's dumpDataDir writes it), and its entries. */
interface Part {
  tar: Uint8Array
  entries: TarEntry[]
}

/**
 * A data directory in two parts: the files of template0 and template1 (two thirds of it) apart,
 * read only for a whole start.
 */
interface Snapshot {
  base: Part
  templates(): Part
}

/** Where a snapshot is kept: candidate files, best first. */
interface SnapshotStore {
  version: string
  files: string[]
}

let savedSnapshot: Snapshot | undefined

export interface ScratchPgliteOptions {
  /** Extensions the SQL creates, loaded when PGlite ships them. */
  extensions?: string[]
  /**
   * Leave out the files of template0 and template1. The catalogs still list both, as on any
   * fresh instance; only what reads their files (CREATE DATABASE) fails, so a caller that runs
   * such SQL again on a whole instance loses nothing.
   */
  lean?: boolean
  onNotice?: OpenOptions['onNotice']
}

/**
 * A new in-memory PGlite for scratch work, the same as a fresh `pglite:memory` but started from
 * the snapshot of a freshly initialised data directory, which is made (and saved) when it is
 * missing, damaged or does not start.
 */
export async function openScratchPglite(options: ScratchPgliteOptions = {}): Promise<Db> {
  const module = await importPglite()
  const create = { extensions: await loadExtensions(options.extensions ?? [], 'scratch'), ...startParams(module) }
  const store = snapshotStore()
  let db: PgliteLike | undefined
  savedSnapshot ??= readSnapshot(store)
  if (savedSnapshot) {
    try {
      db = await startFrom(module, savedSnapshot, create, options.lean === true)
    } catch {
      // Damaged after all (its template part), or it passed its checksum yet does not start
      // (another build of PGlite with this version number, say): make it again.
      savedSnapshot = undefined
      for (const file of store.files) rmSync(file, { force: true })
    }
  }
  try {
    db ??= await freshEngine(module, create, store)
  } catch (error) {
    if (error instanceof TinymigrateError) throw error
    throw new TinymigrateError('CONNECT_FAILED', `Cannot start the embedded database for scratch work: ${(error as Error).message}`, {
      next: 'Check that @electric-sql/pglite is installed correctly, or use a server: --url postgres://… or --shadow-url.',
    })
  }
  const opened = db
  return wrapPglite(opened, options, () => opened.close())
}

/**
 * A new on-disk data directory (`pglite:<dir>` that does not exist yet) written from the snapshot
 * instead of made by initdb in PGlite: the first `up` of a project then starts in about a second,
 * not four, in a third of the memory. The snapshot is made first when there is none (that run
 * costs what initdb does). Written beside the directory and renamed into place, so a run that
 * stops half-way leaves no half directory; false when no snapshot can be had, or another run
 * made the directory first: PGlite then opens the directory as it finds it.
 */
export async function seedDataDirectory(dir: string): Promise<boolean> {
  if (existsSync(dir)) return false
  const store = snapshotStore()
  savedSnapshot ??= readSnapshot(store)
  if (!savedSnapshot) {
    const module = await importPglite()
    const db = await freshEngine(module, startParams(module), store)
    await db.close()
  }
  const snapshot = savedSnapshot
  if (!snapshot) return false
  const temp = `${dir}.${process.pid}.new`
  try {
    for (const { tar, entries } of [snapshot.base, snapshot.templates()]) {
      for (const e of entries) {
        const path = join(temp, e.name)
        if (e.directory) mkdirSync(path, { recursive: true, mode: 0o700 })
        else {
          mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
          writeFileSync(path, tar.subarray(e.start, e.end), { mode: 0o600 })
        }
      }
    }
    renameSync(temp, dir)
    return true
  } catch {
    rmSync(temp, { recursive: true, force: true })
    return false
  }
}

function startParams(module: PgliteModule): { startParams?: string[] } {
  const defaults = module.PGlite.defaultStartParams
  return defaults ? { startParams: [...defaults, ...SCRATCH_SETTINGS] } : {}
}

/** Starts PostgreSQL on the snapshot's files, written into PGlite's memory before it starts. */
async function startFrom(module: PgliteModule, snapshot: Snapshot, create: object, lean: boolean): Promise<PgliteLike> {
  const parts = lean ? [snapshot.base] : [snapshot.base, snapshot.templates()]
  const MemoryFS = module.MemoryFS
  // Without a file system to extend, PGlite's own loader reads the same files (slower).
  if (!MemoryFS) return module.PGlite.create({ ...create, loadDataDir: new Blob(parts.map((p) => p.tar)) })
  class Preloaded extends MemoryFS {
    override async init(pg: unknown, emscripten: EmscriptenOptions) {
      const result = await super.init(pg, emscripten)
      const opts = result.emscriptenOpts
      opts.preRun = [...(opts.preRun ?? []), ({ FS }) => {
        const made = new Set<string>()
        const directory = (path: string) => {
          if (!made.has(path)) FS.mkdirTree(path)
          made.add(path)
        }
        directory(PGDATA)
        for (const { tar, entries } of parts) {
          for (const e of entries) {
            const path = `${PGDATA}/${e.name}`
            if (e.directory) {
              directory(path)
            } else {
              directory(path.slice(0, path.lastIndexOf('/')))
              FS.writeFile(path, tar.subarray(e.start, e.end))
            }
          }
        }
      }]
      return result
    }
  }
  return module.PGlite.create({ ...create, fs: new Preloaded() })
}

/** initdb, then the snapshot of what it made, saved for the next run. */
async function freshEngine(module: PgliteModule, create: object, store: SnapshotStore): Promise<PgliteLike> {
  const db = await module.PGlite.create({ ...create, initDbStartParams: SCRATCH_INITDB })
  try {
    const made = await snapshotOf(db)
    if (made) {
      saveSnapshot(store, made)
      savedSnapshot = { base: made.base, templates: () => made.templates }
    }
  } catch {
    // The run goes on without a snapshot: the next one tries again.
  }
  return db
}

/**
 * The data directory without what a start does not need (WAL segments before the last
 * checkpoint or after the end of the WAL, kept only for reuse; postmaster.pid), split into the
 * template databases' files and the rest.
 */
async function snapshotOf(db: PgliteLike): Promise<{ base: Part; templates: Part } | undefined> {
  if (!db.dumpDataDir) return undefined
  await db.exec('checkpoint')
  const [wal] = (await db.query<{ first: string; last: string }>(
    `select redo_wal_file as first, pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_insert_lsn()) as last
     from pg_catalog.pg_control_checkpoint()`)).rows
  const templates = (await db.query<{ dir: string }>(
    "select 'base/' || oid as dir from pg_catalog.pg_database where datistemplate")).rows.map((r) => `${r.dir}/`)
  const tar = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer())
  const kept = readTar(tar).filter((e) => {
    const segment = /^pg_wal\/([0-9A-F]{24})$/.exec(e.name)?.[1]
    if (segment && wal && (segment < wal.first || segment > wal.last)) return false
    return e.name !== 'postmaster.pid'
  })
  const part = (list: TarEntry[]): Part => {
    const bytes = Buffer.concat(list.map((e) => tar.subarray(e.header, e.header + 512 + Math.ceil((e.end - e.start) / 512) * 512)))
    return { tar: bytes, entries: readTar(bytes) }
  }
  const template = (e: TarEntry) => templates.some((dir) => `${e.name}/`.startsWith(dir))
  return { base: part(kept.filter((e) => !template(e))), templates: part(kept.filter(template)) }
}

/**
 * The snapshot belongs to the PGlite version (its data directory layout), not to the extensions:
 * those are loaded when an instance starts and leave nothing in a fresh data directory. Kept in
 * TINYMIGRATE_CACHE_DIR when set, else in node_modules/.cache/tinymigrate beside PGlite, else in
 * a directory of the user's own in the temp directory.
 */
function snapshotStore(): SnapshotStore {
  let version: string
  let nodeModules: string | undefined
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')))
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
    version = String(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version)
    const at = dir.lastIndexOf(`${sep}node_modules${sep}`)
    if (at >= 0) nodeModules = dir.slice(0, at + `${sep}node_modules`.length)
  } catch {
    // No version to key a snapshot by: every run makes its own.
    return { version: 'unknown', files: [] }
  }
  const name = `pglite-${version.replace(/[^\w.-]/g, '_')}-datadir-${SNAPSHOT_LAYOUT}.snapshot`
  const chosen = process.env.TINYMIGRATE_CACHE_DIR
  const dirs = chosen ? [resolve(chosen)] : [
    ...(nodeModules ? [join(nodeModules, '.cache', 'tinymigrate')] : []),
    join(tmpdir(), `tinymigrate-${process.getuid?.() ?? 'user'}`),
  ]
  return { version, files: dirs.map((d) => join(d, name)) }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/**
 * One line, then the two parts: what it is, for which PGlite, and each part's length and
 * checksum, so a damaged or cut-off file is never started from.
 */
function headerOf(version: string, base: Uint8Array, templates: Uint8Array): string {
  return `${SNAPSHOT_HEADER} ${SNAPSHOT_LAYOUT} pglite ${version} base ${base.length} ${sha256(base)} templates ${templates.length} ${sha256(templates)}\n`
}

/** The first snapshot whose base part is whole; a damaged file is removed. */
function readSnapshot(store: SnapshotStore): Snapshot | undefined {
  const pattern = new RegExp(`^${SNAPSHOT_HEADER} ${SNAPSHOT_LAYOUT} pglite (\\S+) base (\\d+) ([0-9a-f]{64}) templates (\\d+) ([0-9a-f]{64})\\n`)
  for (const file of store.files) {
    let fd: number
    try {
      if (!ownDirectory(dirname(file))) continue
      fd = openSync(file, 'r')
    } catch {
      continue
    }
    try {
      const read = (at: number, length: number) => {
        const bytes = Buffer.alloc(length)
        if (readSync(fd, bytes, 0, length, at) !== length) throw new Error('cut off')
        return bytes
      }
      const head = Buffer.alloc(512)
      const line = head.subarray(0, readSync(fd, head, 0, 512, 0)).toString('latin1').split('\n')[0] + '\n'
      const m = pattern.exec(line)
      if (!m || m[1] !== store.version) throw new Error('not this snapshot')
      const base = read(line.length, Number(m[2]))
      if (sha256(base) !== m[3]) throw new Error('checksum')
      const at = line.length + base.length
      const size = Number(m[4])
      if (fstatSync(fd).size !== at + size) throw new Error('cut off')
      let templates: Part | undefined
      return {
        base: { tar: base, entries: readTar(base) },
        // Read on first use; a damaged part throws, and the snapshot is made again.
        templates() {
          if (templates) return templates
          const bytes = readFileSync(file).subarray(at)
          if (bytes.length !== size || sha256(bytes) !== m[5]) throw new Error('checksum')
          templates = { tar: bytes, entries: readTar(bytes) }
          return templates
        },
      }
    } catch {
      rmSync(file, { force: true })
    } finally {
      closeSync(fd)
    }
  }
  return undefined
}

/** Written under a temporary name and renamed, so a reader never sees half a file. */
function saveSnapshot(store: SnapshotStore, { base, templates }: { base: Part; templates: Part }): void {
  for (const file of store.files) {
    const temp = `${file}.${process.pid}.tmp`
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
      if (!ownDirectory(dirname(file))) continue
      writeFileSync(temp, Buffer.concat([Buffer.from(headerOf(store.version, base.tar, templates.tar), 'latin1'), base.tar, templates.tar]), { mode: 0o600 })
      renameSync(temp, file)
      return
    } catch {
      rmSync(temp, { force: true })
    }
  }
}

/** In the shared temp directory, only a directory of the user's own: another user's could lie. */
function ownDirectory(dir: string): boolean {
  if (!dir.startsWith(tmpdir() + sep) || !process.getuid) return true
  return statSync(dir).uid === process.getuid()
}

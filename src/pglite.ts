import { createHash } from 'node:crypto'
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PartError, type Db, type OpenOptions, type Statement } from './driver.js'
import { TinymigrateError } from './errors.js'
import { sleep, throwIfAborted } from './sleep.js'

/** The part of a PGlite instance tinymigrate uses; no PGlite types leak into the public API. */
export interface PgliteLike {
  query<T>(text: string, params?: unknown[], options?: { onNotice?: (n: { severity?: string; message?: string }) => void }): Promise<{ rows: T[] }>
  exec(text: string, options?: { onNotice?: (n: { severity?: string; message?: string }) => void }): Promise<unknown>
  close(): Promise<void>
  dumpDataDir?(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob>
}

export const PGLITE_INSTALL = 'npm install @electric-sql/pglite'

/** `pglite:memory` or `pglite:<directory>`. */
export function isPgliteUrl(url: string | undefined): url is string {
  return url !== undefined && url.startsWith('pglite:')
}

export interface PgliteOpenOptions extends OpenOptions {
  /** Extensions the migrations create (`create extension …`), loaded when PGlite ships them. */
  extensions?: string[]
  /** Seconds to wait for another process using the same data directory. */
  exclusiveTimeout?: number
  /** Another run has the database: called once, with the owner's pid when known. */
  onWait?: (owner: number | undefined) => void
}

/**
 * Open PGlite: the embedded engine is imported only here, so `up` against a server never pays
 * for its WebAssembly. An on-disk directory is held with a lock file: PGlite is one process's.
 */
// PGlite is one session: an advisory lock there excludes nobody, so runs that share an instance
// take turns here, from open to close.
const turns = new WeakMap<object, Promise<void>>()

async function takeTurn(instance: object, onWait: PgliteOpenOptions['onWait']): Promise<() => void> {
  const before = turns.get(instance)
  let release!: () => void
  const mine = new Promise<void>((r) => { release = r })
  const chained = (before ?? Promise.resolve()).then(() => mine)
  turns.set(instance, chained)
  if (before) {
    onWait?.(undefined)
    await before
  }
  return () => {
    release()
    if (turns.get(instance) === chained) turns.delete(instance)
  }
}

export async function openPglite(options: PgliteOpenOptions): Promise<Db> {
  if (options.pglite) {
    const instance = options.pglite as PgliteLike
    const done = await takeTurn(instance, options.onWait)
    try {
      return await wrapPglite(instance, options, async () => done())
    } catch (error) {
      done()
      throw error
    }
  }
  const target = options.url!.slice('pglite:'.length)
  const memory = target === 'memory' || target === ''
  const dir = memory ? undefined : resolve(target)
  const module = await importPglite()
  const unlock = dir ? await lockDirectory(dir, options.exclusiveTimeout ?? 300, options.signal, options.onWait) : () => {}
  try {
    if (dir) mkdirSync(dirname(dir), { recursive: true })
    const wanted = new Set(options.extensions ?? [])
    let db = await module.PGlite.create(dir, { extensions: await loadExtensions([...wanted]) })
    // A database that already has extensions (created by migrations whose files are gone, say)
    // needs them loaded too, or every use of their types fails: reopen with them.
    const installed = (await db.query<{ name: string }>("select extname as name from pg_catalog.pg_extension where extname <> 'plpgsql'")).rows.map((r) => r.name)
    if (installed.some((name) => !wanted.has(name))) {
      await db.close()
      for (const name of installed) wanted.add(name)
      db = await module.PGlite.create(dir, { extensions: await loadExtensions([...wanted]) })
    }
    const opened = db
    return await wrapPglite(opened, options, async () => {
      try { await opened.close() } finally { unlock() }
    })
  } catch (error) {
    unlock()
    if (error instanceof TinymigrateError) throw error
    throw new TinymigrateError('CONNECT_FAILED', `Cannot open the embedded database ${options.url}: ${(error as Error).message}`, {
      next: memory ? 'Check that @electric-sql/pglite is installed correctly.' : `Check that ${dir} is a PGlite data directory (or does not exist yet) and is writable.`,
    })
  }
}

/** The parts of the `@electric-sql/pglite` module tinymigrate uses. */
interface PgliteModule {
  PGlite: {
    create(dataDir?: string, options?: object): Promise<PgliteLike>
    create(options: object): Promise<PgliteLike>
    defaultStartParams?: string[]
  }
  /** The in-memory file system; a subclass preloads the snapshot (without it, PGlite's loadDataDir does). */
  MemoryFS?: new () => { init(pg: unknown, options: EmscriptenOptions): Promise<{ emscriptenOpts: EmscriptenOptions }> }
}

/**
 * `import()`, or the loader that the CLI's entry point provides: it compiles the bundled CLI
 * with V8's code cache, and code compiled that way has no `import()` of its own.
 */
function load<T>(specifier: string): Promise<T> {
  const hook = (globalThis as Record<symbol, unknown>)[Symbol.for('tinymigrate.import')] as ((s: string) => Promise<unknown>) | undefined
  return (hook ? hook(specifier) : import(specifier)) as Promise<T>
}

let pgliteModule: Promise<PgliteModule> | undefined
let baselineOnly = false

/**
 * Compile PGlite's WebAssembly with V8's baseline compiler alone (the CLI asks for it). A command
 * runs it for seconds at most: it then starts and replays with a third of the CPU time that
 * optimising it in the background costs (on 2 cores, that compilation also competes for the
 * CPU). The flag is set when PGlite is first loaded, so other commands never load `node:v8`.
 */
export function useBaselineCompiler(): void {
  baselineOnly = true
}

async function importPglite(): Promise<PgliteModule> {
  if (baselineOnly && !pgliteModule) (await load<typeof import('node:v8')>('node:v8')).setFlagsFromString('--liftoff-only')
  pgliteModule ??= load<PgliteModule>('@electric-sql/pglite')
  try {
    return await pgliteModule
  } catch {
    pgliteModule = undefined
    throw new TinymigrateError('PGLITE_MISSING', 'The embedded database needs the optional package @electric-sql/pglite, which is not installed.', {
      next: `Install it with: ${PGLITE_INSTALL}\nor point tinymigrate at a PostgreSQL server with --url or DATABASE_URL.`,
    })
  }
}

/** `scratch`: for the scratch databases of check, diff and pull, which a server can host instead. */
async function loadExtensions(names: string[], use: 'database' | 'scratch' = 'database'): Promise<Record<string, unknown>> {
  const loaded: Record<string, unknown> = {}
  for (const name of new Set(names)) {
    if (name === 'plpgsql') continue
    try {
      // PGlite names its modules and exports with '_' where the extension has '-' (uuid-ossp).
      const id = name.replaceAll('-', '_')
      const mod = await load<Record<string, unknown>>(`@electric-sql/pglite/contrib/${id}`)
      loaded[id] = mod[id] ?? Object.values(mod)[0]
    } catch {
      if (use === 'scratch') {
        throw new TinymigrateError('PGLITE_EXTENSION', `The SQL to compare creates the extension "${name}", which the embedded database (PGlite) does not ship, so the scratch databases need a server.`, {
          next: 'Give a PostgreSQL server that has it: --url postgres://… (the scratch databases go on its server), or --shadow-url postgres://… for another server.',
        })
      }
      throw new TinymigrateError('PGLITE_EXTENSION', `The migrations create the extension "${name}", which the embedded database (PGlite) does not ship.`, {
        next: 'Run against a PostgreSQL server that has it: --url postgres://… or DATABASE_URL.',
      })
    }
  }
  return loaded
}

// --- scratch engines ----------------------------------------------------------------------------
//
// `check`, `diff` and `pull` without a server replay SQL into in-memory PGlite. A new instance
// runs initdb, seconds of WebAssembly; the files of a freshly initialised data directory, made
// once per PGlite version and kept on disk, written into a new instance's memory before
// PostgreSQL starts, give the same database in a fraction of that.

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

interface EmscriptenModule {
  FS: { mkdirTree(path: string): void; writeFile(path: string, data: Uint8Array): void }
}
interface EmscriptenOptions {
  preRun?: ((module: EmscriptenModule) => void)[]
  [key: string]: unknown
}

interface TarEntry {
  /** Relative to the data directory, without a leading '/'. */
  name: string
  directory: boolean
  /** Where its header block starts, and its data. */
  header: number
  start: number
  end: number
}

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

/** The entries of an uncompressed ustar archive. */
function readTar(tar: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = []
  const text = new TextDecoder()
  let at = 0
  while (at + 512 <= tar.length && tar[at] !== 0) {
    const field = (offset: number, length: number) => {
      const from = at + offset
      let to = from
      while (to < from + length && tar[to] !== 0) to++
      return text.decode(tar.subarray(from, to))
    }
    if (!field(257, 6).startsWith('ustar')) throw new Error(`no tar header at byte ${at}`)
    const prefix = field(345, 155)
    const name = `${prefix ? `${prefix}/` : ''}${field(0, 100)}`.replace(/^\/+/, '').replace(/\/+$/, '')
    const size = parseInt(field(124, 12).trim() || '0', 8)
    const start = at + 512
    if (!Number.isSafeInteger(size) || start + size > tar.length) throw new Error(`truncated tar entry ${name}`)
    if (name.split('/').includes('..')) throw new Error(`tar entry ${name} leaves the data directory`)
    const type = String.fromCharCode(tar[at + 156]!)
    if (name && (type === '5' || type === '0' || type === '\0')) entries.push({ name, directory: type === '5', header: at, start, end: start + size })
    at = start + Math.ceil(size / 512) * 512
  }
  return entries
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

/** Names from `create extension [if not exists] name` in the given SQL texts. */
export function extensionsIn(texts: string[]): string[] {
  const names: string[] = []
  for (const text of texts) {
    for (const m of text.matchAll(/\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?("?)([A-Za-z0-9_-]+)\1/gi)) names.push(m[2]!.toLowerCase())
  }
  return names
}

/**
 * One process at a time per data directory. The lock file holds the owner's pid, so a lock left
 * by a process that died is taken over instead of blocking forever.
 */
async function lockDirectory(dir: string, timeout: number, signal: AbortSignal | undefined, onWait: PgliteOpenOptions['onWait']): Promise<() => void> {
  let announced = false
  const file = `${dir}.lock`
  mkdirSync(dirname(file), { recursive: true })
  const deadline = Date.now() + timeout * 1000
  for (;;) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error
    }
    const owner = Number(readFileSync(file, 'utf8').trim() || '0')
    if (!alive(owner)) {
      rmSync(file, { force: true })
      continue
    }
    if (!announced) {
      onWait?.(owner)
      announced = true
    }
    if (Date.now() >= deadline) {
      throw new TinymigrateError('LOCK_TIMEOUT', `Process ${owner} still has the embedded database ${dir} open after ${timeout}s.`, {
        next: `Wait for it to finish, or stop process ${owner}.`,
      })
    }
    await sleep(100, signal)
    throwIfAborted(signal, 'waiting for the embedded database')
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'
  }
}

/** PGlite reports camelCase error fields; the runner reads the wire protocol's names. */
function normalise(error: unknown): unknown {
  const e = error as Record<string, unknown> | null
  if (!e || typeof e !== 'object' || typeof e.code !== 'string') return error
  return Object.assign(e, {
    internal_position: e.internalPosition,
    internal_query: e.internalQuery,
  })
}

async function wrapPglite(db: PgliteLike, options: OpenOptions, end: () => Promise<void>): Promise<Db> {
  const onNotice = (n: { severity?: string; message?: string }) => options.onNotice?.({ severity: String(n.severity ?? 'NOTICE'), message: String(n.message ?? '') })
  // A statement inside WebAssembly cannot be interrupted, and while PGlite works no timer or
  // signal handler gets a turn. So every statement yields to the event loop first, and a cancel
  // takes effect there: the statement fails as a server-side cancel would (SQLSTATE 57014).
  let cancelled = false
  const run = async <T>(f: () => Promise<T>): Promise<T> => {
    await new Promise((r) => setImmediate(r))
    if (cancelled) {
      cancelled = false
      throw Object.assign(new Error('canceling statement due to user request'), { code: '57014', severity: 'ERROR' })
    }
    try {
      return await f()
    } catch (error) {
      throw normalise(error)
    }
  }
  const [row] = (await db.query<{ pid: number }>('select pg_catalog.pg_backend_pid() as pid')).rows
  const wrapped: Db = {
    engine: 'pglite',
    pid: Number(row?.pid ?? 0),
    async query<T>(text: string, params: unknown[] = []) {
      return run(async () => (await db.query<T>(text, params, { onNotice })).rows)
    },
    async exec(text: string) {
      await run(() => db.exec(text, { onNotice }))
    },
    async transactions(list, onCommitted) {
      for (const [at, tx] of list.entries()) {
        try {
          await wrapped.transaction(tx.prefix, tx.script, tx.after)
        } catch (error) {
          if (error instanceof PartError) error.at = at
          throw error
        }
        onCommitted?.(at)
      }
    },
    // No pipelining in an embedded engine: the parts run one after another, same semantics.
    async transaction(prefix: string, script: string[], after: Statement[]) {
      let part: 'prefix' | 'script' | 'after' | 'commit' = 'prefix'
      let index = -1
      try {
        await run(() => db.exec('begin;' + prefix, { onNotice }))
        part = 'script'
        for (const [i, text] of script.entries()) {
          index = i
          await run(() => db.exec(text, { onNotice }))
        }
        part = 'after'
        for (const s of after) await run(() => db.query(s.text, [...(s.params ?? [])], { onNotice }))
        part = 'commit'
        await run(() => db.exec('commit', { onNotice }))
      } catch (error) {
        await db.exec('rollback').catch(() => {})
        const failed = new PartError(part, error)
        if (part === 'script') failed.index = index
        throw failed
      }
    },
    async cancel() {
      cancelled = true
    },
    close: end,
  }
  return wrapped
}

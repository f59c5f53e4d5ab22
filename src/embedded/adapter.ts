// The embedded adapter: a Db over a PGlite instance, given (`pglite`) or opened from a URL
// (`pglite:memory`, `pglite:<directory>`).
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { PartError, type Db, type OpenOptions, type Statement } from '../driver.js'
import { TinymigrateError } from '../errors.js'
import { importPglite, loadExtensions, type PgliteLike } from './engine.js'
import { lockDirectory } from './lockfile.js'

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
  /** Writes a new data directory that does not exist yet (true), so that PGlite need not run initdb. */
  seed?: (dir: string) => Promise<boolean>
  /** The data directory does not exist yet and is being made (`path` as the URL gives it). */
  onCreate?: (path: string) => void
}

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

/**
 * Open PGlite: the embedded engine is imported only on this path, so `up` against a server never
 * pays for its WebAssembly. An on-disk directory is held with a lock file: PGlite is one process's.
 */
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
    // An extension PGlite does not have is refused first: nothing is made then.
    const extensions = await loadExtensions([...wanted])
    if (dir && !existsSync(dir)) options.onCreate?.(target)
    const seeded = dir && options.seed ? await options.seed(dir).catch(() => false) : false
    let db = await module.PGlite.create(dir, { extensions }).catch(async (error: unknown) => {
      if (!seeded) throw error
      // A written directory that does not start (a damaged snapshot): initdb, as without one.
      rmSync(dir!, { recursive: true, force: true })
      return module.PGlite.create(dir, { extensions })
    })
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

/** PGlite reports camelCase error fields; the runner reads the wire protocol's names. */
function normalise(error: unknown): unknown {
  const e = error as Record<string, unknown> | null
  if (!e || typeof e !== 'object' || typeof e.code !== 'string') return error
  return Object.assign(e, {
    internal_position: e.internalPosition,
    internal_query: e.internalQuery,
  })
}

/** The Db over an open instance; `end` is what `close` does (the caller's instance stays open). */
export async function wrapPglite(db: PgliteLike, options: OpenOptions, end: () => Promise<void>): Promise<Db> {
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

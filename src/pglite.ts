import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { PartError, type Db, type OpenOptions, type Statement } from './db.js'
import { TinymigrateError } from './errors.js'
import { sleep, throwIfAborted } from './sleep.js'

/** The part of a PGlite instance tinymigrate uses; no PGlite types leak into the public API. */
export interface PgliteLike {
  query<T>(text: string, params?: unknown[], options?: { onNotice?: (n: { severity?: string; message?: string }) => void }): Promise<{ rows: T[] }>
  exec(text: string, options?: { onNotice?: (n: { severity?: string; message?: string }) => void }): Promise<unknown>
  close(): Promise<void>
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
  let module: { PGlite: { create(dataDir?: string, options?: object): Promise<PgliteLike> } }
  try {
    module = await import('@electric-sql/pglite') as unknown as typeof module
  } catch {
    throw new TinymigrateError('PGLITE_MISSING', 'The embedded database needs the optional package @electric-sql/pglite, which is not installed.', {
      next: `Install it with: ${PGLITE_INSTALL}\nor point tinymigrate at a PostgreSQL server with --url or DATABASE_URL.`,
    })
  }
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

async function loadExtensions(names: string[]): Promise<Record<string, unknown>> {
  const loaded: Record<string, unknown> = {}
  for (const name of new Set(names)) {
    if (name === 'plpgsql') continue
    try {
      // PGlite names its modules and exports with '_' where the extension has '-' (uuid-ossp).
      const id = name.replaceAll('-', '_')
      const mod = await import(`@electric-sql/pglite/contrib/${id}`) as Record<string, unknown>
      loaded[id] = mod[id] ?? Object.values(mod)[0]
    } catch {
      throw new TinymigrateError('PGLITE_EXTENSION', `The migrations create the extension "${name}", which the embedded database (PGlite) does not ship.`, {
        next: 'Run against a PostgreSQL server that has it: --url postgres://… or DATABASE_URL.',
      })
    }
  }
  return loaded
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

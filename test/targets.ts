// The adapters tinymigrate supports, as test targets: one behaviour test runs against each.
// A target is what a test needs to call the library (`options`, spread into every call) and to
// look at the database without the library (`query`).
import path from 'node:path'
import { after } from 'node:test'
import { PGlite } from '@electric-sql/pglite'
import { quoteIdent } from '../src/ident.js'
import { freshDatabase, tempDir, type HookScope } from './helpers.js'

export interface Target {
  name: 'postgres' | 'pglite'
  /** Spread into every library call: `migrate({ ...target.options, dir })`. */
  options: { url?: string; pglite?: unknown }
  /** A parameterised query, outside the library: what the test reads to judge the library. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>
}

export type MakeTarget = (t: HookScope) => Promise<Target>

/** A fresh database on the test cluster, dropped after the test. */
export async function postgresTarget(t: HookScope): Promise<Target> {
  const db = await freshDatabase(t)
  return {
    name: 'postgres',
    options: { url: db.url },
    async query<T>(text: string, params: unknown[] = []) {
      return [...await db.sql.unsafe(text, params as never[])] as T[]
    },
  }
}

// PGlite runs initdb in WebAssembly at every start (3–8 s), so a test file shares one in-memory
// instance and each test starts from a reset of it. Tests in a file run one after another, so no
// two tests see it at once. Each test file is a process of its own: this is one per file.
let shared: Promise<PGlite> | undefined

after(async () => {
  const pg = await shared?.catch(() => undefined)
  shared = undefined
  await pg?.close()
})

/** The file's shared in-memory PGlite, passed to the library as an instance, reset to empty. */
export async function pgliteTarget(_t: HookScope): Promise<Target> {
  shared ??= PGlite.create()
  const pg = await shared
  await reset(pg)
  return {
    name: 'pglite',
    options: { pglite: pg },
    async query<T>(text: string, params: unknown[] = []) {
      return (await pg.query<T>(text, params)).rows
    },
  }
}

/**
 * Back to an empty database: whatever a failed test left open is rolled back, session state and
 * advisory locks let go, and every schema a test created (public included) dropped with all in it.
 */
async function reset(pg: PGlite): Promise<void> {
  // "no transaction in progress" is only a warning: nothing to undo then.
  await pg.exec('rollback; reset all; select pg_catalog.pg_advisory_unlock_all();')
  const schemas = await pg.query<{ name: string }>(`
    select nspname as name
    from pg_catalog.pg_namespace
    -- the system's own schemas, and the temporary ones of this session
    where nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
      and nspname not like 'pg\\_temp\\_%'
      and nspname not like 'pg\\_toast\\_temp\\_%'`)
  const drops = schemas.rows.map((s) => `drop schema ${quoteIdent(s.name)} cascade;`).join('\n')
  await pg.exec(`set client_min_messages = warning;\n${drops}\ncreate schema public;\nreset client_min_messages;`)
}

/**
 * An embedded database in a temporary directory, opened by the library from its URL
 * (`pglite:<dir>`): the only way it loads extensions the migrations create. Each `query` opens
 * the directory, runs one statement and closes it again (about half a second), so use it only
 * between library calls, never during one: PGlite is one process's at a time.
 */
export async function pgliteDirTarget(t: HookScope): Promise<Target & { dir: string }> {
  const root = await tempDir(t, 'tm-pglite-')
  const dir = path.join(root, 'db')
  return {
    name: 'pglite',
    dir,
    options: { url: `pglite:${dir}` },
    async query<T>(text: string, params: unknown[] = []) {
      const pg = await PGlite.create(dir)
      try {
        return (await pg.query<T>(text, params)).rows
      } finally {
        await pg.close()
      }
    },
  }
}

// --- reading a target without the library ---------------------------------------------------------

export interface HistoryRecord {
  version: string
  name: string
  checksum: string
  down_sql: string | null
  state: string
}

/** tinymigrate's history rows in version order (times and durations left out). */
export async function historyRows(target: Target, table = 'tinymigrate_history'): Promise<HistoryRecord[]> {
  return target.query<HistoryRecord>(`
    select version, name, checksum, down_sql, state
    from ${table}
    order by version::numeric`)
}

/** Whether a relation exists (`name` or `schema.name`, as to_regclass reads it). */
export async function relationExists(target: Target, relation: string): Promise<boolean> {
  const [row] = await target.query<{ oid: string | null }>('select pg_catalog.to_regclass($1)::text as oid', [relation])
  return row!.oid !== null
}

/** Ordinary tables of the public schema, tinymigrate's history and `except` left out. */
export async function tableNames(target: Target, except: string[] = []): Promise<string[]> {
  const found = await target.query<{ name: string }>(`
    select c.relname::text as name
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public'
      and c.relkind = 'r'
      -- tinymigrate's own table
      and c.relname <> 'tinymigrate_history'
    order by 1`)
  return found.map((r) => r.name).filter((n) => !except.includes(n))
}

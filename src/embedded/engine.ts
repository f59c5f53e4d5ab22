// Loading the embedded engine: the optional package @electric-sql/pglite and the extensions it
// ships, imported on first use only, so a command against a server never pays for their
// WebAssembly; and the V8 flag the CLI asks for before that WebAssembly is compiled.
import { TinymigrateError } from '../errors.js'

/** The part of a PGlite instance tinymigrate uses; no PGlite types leak into the public API. */
export interface PgliteLike {
  query<T>(text: string, params?: unknown[], options?: { onNotice?: (n: { severity?: string; message?: string }) => void }): Promise<{ rows: T[] }>
  exec(text: string, options?: { onNotice?: (n: { severity?: string; message?: string }) => void }): Promise<unknown>
  close(): Promise<void>
  dumpDataDir?(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob>
}

export interface EmscriptenModule {
  FS: { mkdirTree(path: string): void; writeFile(path: string, data: Uint8Array): void }
}
export interface EmscriptenOptions {
  preRun?: ((module: EmscriptenModule) => void)[]
  [key: string]: unknown
}

/** The parts of the `@electric-sql/pglite` module tinymigrate uses. */
export interface PgliteModule {
  PGlite: {
    create(dataDir?: string, options?: object): Promise<PgliteLike>
    create(options: object): Promise<PgliteLike>
    defaultStartParams?: string[]
  }
  /** The in-memory file system; a subclass preloads the snapshot (without it, PGlite's loadDataDir does). */
  MemoryFS?: new () => { init(pg: unknown, options: EmscriptenOptions): Promise<{ emscriptenOpts: EmscriptenOptions }> }
}

export const PGLITE_INSTALL = 'npm install @electric-sql/pglite'

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

export async function importPglite(): Promise<PgliteModule> {
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
export async function loadExtensions(names: string[], use: 'database' | 'scratch' = 'database'): Promise<Record<string, unknown>> {
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

/** Names from `create extension [if not exists] name` in the given SQL texts. */
export function extensionsIn(texts: string[]): string[] {
  const names: string[] = []
  for (const text of texts) {
    for (const m of text.matchAll(/\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?("?)([A-Za-z0-9_-]+)\1/gi)) names.push(m[2]!.toLowerCase())
  }
  return names
}

// The targets of a fleet run: databases (URLs from a list or from a query on a control database)
// or tenant schemas of one database (names from a list or from a query). Each target is named by
// host, port and database (and schema): never by its URL, which may hold a password.
import { openDb, validateUrl } from '../db.js'
import { classify } from '../classify.js'
import { TinymigrateError } from '../errors.js'
import { redactUrl } from '../redact.js'

export interface Target {
  /** `host:5432/db`, or `host:5432/db schema tenant_a`: what output shows. */
  name: string
  url: string
  /** A tenant schema of the database at `url`. */
  schema?: string
}

export interface TargetSource {
  /** Database URLs, one a target. */
  targets?: string[]
  /** SQL run on `url` (a control database): one row a target, in a column `url`. */
  targetsQuery?: string
  /** Tenant schemas of the database at `url`. */
  schemas?: string[]
  /** SQL run on `url`: one row a schema, its name in the first column. */
  schemasQuery?: string
  /** The control database (for the queries) or the database of the tenant schemas. */
  url?: string
  wait?: number
  signal?: AbortSignal
}

/** The lines of a targets file: blank lines and `#` comments left out. */
export function targetLines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter((l) => l !== '')
}

/** `host:port/database`, from a URL, with no user or password. */
export function targetName(url: string, schema?: string): string {
  let name: string
  if (url.startsWith('pglite:')) {
    name = url
  } else {
    try {
      const u = new URL(url)
      name = `${u.hostname || 'localhost'}${u.port ? `:${u.port}` : ''}/${decodeURIComponent(u.pathname.replace(/^\//, '')) || u.username || 'postgres'}`
    } catch {
      name = redactUrl(url)
    }
  }
  return schema === undefined ? name : `${name} schema ${schema}`
}

export async function resolveTargets(source: TargetSource): Promise<Target[]> {
  const given = [source.targets, source.targetsQuery, source.schemas, source.schemasQuery].filter((x) => x !== undefined).length
  if (given !== 1) {
    throw new TinymigrateError('USAGE', 'Give one source of targets: a list of URLs, a query for them, a list of schemas, or a query for those.', {
      next: 'Use one of --targets FILE, --targets-query SQL, --schemas a,b,c or --schemas-query SQL.',
    })
  }
  let targets: Target[]
  if (source.targets) {
    targets = source.targets.map((url) => {
      validateUrl(url)
      return { name: targetName(url), url }
    })
  } else if (source.targetsQuery) {
    const rows = await control(source, source.targetsQuery, 'the targets query')
    if (rows.length > 0 && !('url' in rows[0]!)) {
      throw new TinymigrateError('USAGE', `The targets query returns no column named url (it returns ${Object.keys(rows[0]!).join(', ')}).`, {
        next: 'Select the connection URL of each target as url, e.g. --targets-query "select url from tenants where active".',
      })
    }
    targets = rows.map((r) => {
      const url = String(r.url)
      validateUrl(url)
      return { name: targetName(url), url }
    })
  } else {
    const url = needUrl(source)
    const names = source.schemas ?? (await control(source, source.schemasQuery!, 'the schemas query')).map((r) => String(Object.values(r)[0]))
    targets = names.map((schema) => {
      if (schema === '' || schema.includes('\0')) throw new TinymigrateError('USAGE', `Not a schema name: ${JSON.stringify(schema)}.`, { next: 'List schema names, separated by commas.' })
      return { name: targetName(url, schema), url, schema }
    })
  }
  // The same target twice would be one run waiting for the other: once is what was meant.
  const seen = new Set<string>()
  targets = targets.filter((t) => {
    const key = `${t.url}\u0000${t.schema ?? ''}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  if (targets.length === 0) {
    throw new TinymigrateError('USAGE', 'The fleet has no targets: the list is empty, or the query returned no rows.', {
      next: 'Check the targets file or query.',
    })
  }
  return targets
}

function needUrl(source: TargetSource): string {
  if (!source.url) {
    throw new TinymigrateError('NO_DATABASE_URL', 'No database URL: a targets or schemas query runs on --url, and tenant schemas live in its database.', {
      next: 'Pass --url postgres://user@host:5432/db, or set DATABASE_URL.',
    })
  }
  return source.url
}

/** Runs a query of the user's on the control database; only reads. */
async function control(source: TargetSource, sql: string, what: string): Promise<Record<string, unknown>[]> {
  const db = await openDb({ url: needUrl(source), wait: source.wait, signal: source.signal })
  try {
    return await db.query<Record<string, unknown>>(sql)
  } catch (error) {
    throw classify(error, {
      what: `running ${what}`,
      permission: 'Run the query as a role that may read what it reads.',
      otherwise: `Fix ${what}, then run the command again.`,
    })
  } finally {
    await db.close().catch(() => {})
  }
}

// A baseline: the live schema of a database that no migrator tracked (or Alembic or Flyway did) as
// one up file, rendered from an empty database to the live one, and a down that drops it all again.
// Both files are proved on a scratch database before anything is written: the up, as written,
// gives exactly the live schema; the down gives back the empty database.
import { introspect } from '../catalog/introspect.js'
import { TinymigrateError } from '../errors.js'
import { quoteIdent } from '../ident.js'
import { describeChange, describeNotCompared, draftPair, emptySide, readScratch, verify } from './draft.js'
import { withHost, type ProjectContext } from './project.js'

export interface BaselineRequest {
  /** `<version>_<name>`: the files' common name. */
  base: string
  /** Tables left out, as the up file's header names them: `public.alembic_version (Alembic's history)`. */
  leftOut: string[]
  /**
   * The schema of tinymigrate's history table: `up` creates it before any migration runs, so the
   * baseline never creates or drops it (only its comment and privileges, when they differ).
   */
  historySchema: string
}

export interface BaselineSql {
  up: string
  down: string
  /** What the comparison does not cover, by kind: present in the database, absent from the files. */
  notCompared: Record<string, number>
  engine: 'server' | 'embedded'
}

export async function draftBaseline(ctx: ProjectContext & { live: NonNullable<ProjectContext['live']> }, request: BaselineRequest): Promise<BaselineSql> {
  const live = await introspect(ctx.live.db, { exclude: ctx.live.exclude })
  // The embedded engine loads the extensions the database has.
  const extensions = [...live.extensions.keys()].map((name) => `create extension ${quoteIdent(name)};`)
  return withHost(ctx, extensions, async (host, prelude) => {
    const empty = await emptySide(host, prelude)
    await empty.db.exec(`create schema if not exists ${quoteIdent(request.historySchema)}`)
    empty.catalog = await readScratch(empty.db)
    const pair = draftPair(empty.catalog, live)
    if (pair.changes.length === 0) {
      throw new TinymigrateError('BASELINE_EMPTY', `${ctx.live.label[0]!.toUpperCase()}${ctx.live.label.slice(1)} has no schema objects to write a baseline of${prelude ? ` beyond what ${prelude.path} creates` : ''}${request.leftOut.length ? ` (left out: ${request.leftOut.join(', ')})` : ''}. Nothing was written or recorded.`, {
        next: 'Start with a first migration instead: tinymigrate new <name>, then tinymigrate up.',
      })
    }
    const notCompared = pair.notCompared.size ? describeNotCompared(pair.notCompared) : ''
    const header = [
      `-- ${request.base}: the schema of ${ctx.live.label} when tinymigrate took it over, written by tinymigrate baseline.`,
      '-- Recorded as applied there without running: tinymigrate up runs it only on a database that starts',
      '-- empty (a new environment, CI), and a down of it drops everything it creates.',
      ...(request.leftOut.length ? [`-- Left out: ${request.leftOut.join(', ')}.`] : []),
      ...(prelude ? [`-- Left out: what ${prelude.path} (the prelude) creates; it exists before the first migration.`] : []),
      ...(notCompared ? [`-- Not included (tinymigrate does not read them): ${notCompared}.`] : []),
      '-- Checked on a scratch database: it gives that schema, and the down file empties it again.',
      '',
    ]
    // The no-transaction marker must be the first line, above the header.
    const marker = (outside: boolean) => (outside ? ['-- tinymigrate:no-transaction'] : [])
    const body = (sql: string) => sql.replace(/^-- tinymigrate:no-transaction\n/, '')
    const up = [...marker(pair.up.noTransaction), ...header, body(pair.up.sql), ''].join('\n')
    const down = [
      ...marker(pair.down.noTransaction),
      `-- ${request.base}: drops everything ${request.base}.up.sql creates, data included. Written by tinymigrate baseline.`,
      '',
      body(pair.down.sql),
      '',
    ].join('\n')
    // The check runs the files exactly as written, headers included.
    const check = await verify(empty, live, { ...pair, up: { ...pair.up, sql: up }, down: { ...pair.down, sql: down } })
    if (!check.ok) {
      const lines = check.failed
        ? [`the ${check.failed.direction} file fails: ${check.failed.message}`]
        : [...check.afterUp.map((c) => `after the up: ${describeChange(c)}`), ...check.afterDown.map((c) => `after the down: ${describeChange(c)}`)]
      throw new TinymigrateError('DRAFT_UNVERIFIED', `The baseline of ${ctx.live.label} did not pass its check on a scratch database (the up must give the same schema, the down an empty one), so nothing was written or recorded.`, {
        detail: `${lines.join('\n')}\n--- up\n${up}\n--- down\n${down}`,
        next: 'Report the case. Meanwhile write the baseline by hand (pg_dump --schema-only gives a start), then record it with tinymigrate stamp.',
      })
    }
    return { up, down, notCompared: Object.fromEntries(pair.notCompared), engine: host.engine }
  })
}

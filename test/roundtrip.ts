// The round-trip harness shared by the team's cases (test/cases) and the public migra corpus:
// load A and B into two databases, draft A → B and B → A, apply the up to A and require that it
// equals B, apply the down and require that it equals A again. Equality is judged twice: by the
// tool's own catalog, and by pg_dump --schema-only, so a blind spot of the introspection cannot
// hide itself in its own tests.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { introspect } from '../src/catalog/introspect.js'
import { compare } from '../src/diff/compare.js'
import { describeChange, draftPair } from '../src/diff/draft.js'
import { runScript, scratchHost, type ScratchDb, type ScratchHost } from '../src/diff/scratch.js'
import type { Catalog } from '../src/catalog/model.js'
import { adminUrl } from './helpers.js'

const run = promisify(execFile)

export interface Case {
  name: string
  a: string
  b: string
  dir: string
}

export function readCases(dir: string): Case[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'a.sql')))
    .map((d) => ({
      name: d.name,
      dir: path.join(dir, d.name),
      a: readFileSync(path.join(dir, d.name, 'a.sql'), 'utf8'),
      b: readFileSync(path.join(dir, d.name, 'b.sql'), 'utf8'),
    }))
    .sort((x, y) => (x.name < y.name ? -1 : 1))
}

/**
 * The pg_dump to judge with: one at least as new as the server (an older one refuses to dump
 * it). The launcher names it in TINYMIGRATE_TEST_PG_DUMP when the server's bin dir has none;
 * set but empty, there is none for this server and the round trips judge by the catalog only
 * (the launcher says so). Unset: the one beside the server, else PATH.
 */
export function pgDumpPath(): string | undefined {
  const named = process.env.TINYMIGRATE_TEST_PG_DUMP
  if (named !== undefined) return named || undefined
  const bin = process.env.TINYMIGRATE_TEST_PG_BIN
  return bin ? path.join(bin, 'pg_dump') : 'pg_dump'
}

/** pg_dump of the database, schema only, normalised for ordering and noise. */
export async function dumpSchema(url: string): Promise<string> {
  const pgDump = pgDumpPath()
  if (!pgDump) throw new Error('no pg_dump for this server (TINYMIGRATE_TEST_PG_DUMP is empty)')
  const { stdout } = await run(pgDump, ['--schema-only', '--no-owner', '--dbname', url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .catch((error: { stderr?: string }) => { throw new Error(`pg_dump failed: ${error.stderr ?? String(error)}`) })
  return normaliseDump(stdout)
}

/**
 * Noise: comments, SET lines, pg_dump's \restrict keys, blank lines. Ordering: statements are
 * sorted, and so are the lines inside CREATE TABLE (column order is not compared: PostgreSQL
 * cannot insert a column between others without recreating the table, so the draft appends).
 */
export function normaliseDump(text: string): string {
  const lines = text.split('\n').filter((l) => !l.startsWith('--') && !/^\\(un)?restrict /.test(l) &&
    !/^SET /.test(l) && !/^SELECT pg_catalog\.set_config/.test(l))
  const blocks = lines.join('\n').split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean).map((block) => {
    // The GRANTs of one object come in the order of its ACL, which follows the order of grants.
    if (block.split('\n').every((l) => /^(GRANT|REVOKE) /.test(l))) return block.split('\n').sort().join('\n')
    const m = /^(CREATE (?:UNLOGGED )?TABLE [^\n]*\(\n)([\s\S]*?)(\n\)[\s\S]*)$/.exec(block)
    if (!m) return block
    const columns = m[2]!.split('\n').map((l) => l.trim().replace(/,$/, '')).sort()
    return `${m[1]}${columns.join('\n')}${m[3]}`
  })
  return blocks.sort().join('\n\n')
}

/** Cluster-wide roles the corpora expect (roles are not part of a database's schema). */
export const roles = ['schemainspect_test_role', 'app_reader', 'app_writer', 'app_admin']

export async function ensureRoles(host: ScratchHost): Promise<void> {
  const db = await host.create()
  for (const role of roles) {
    await db.exec(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role}; END IF; END $$`)
      .catch(() => {}) // two test files may race to create the same role
  }
}

export async function serverHost(): Promise<ScratchHost> {
  return scratchHost({ url: adminUrl() })
}

/** One case, both directions. Throws an assertion error that shows the drafted SQL. */
export async function roundTrip(c: Case, options: { pgDump: boolean }): Promise<void> {
  // A host per case: its databases are dropped as soon as the case ends.
  const host = await serverHost()
  try {
    await roundTripOn(host, c, { pgDump: options.pgDump && pgDumpPath() !== undefined })
  } finally {
    await host.close()
  }
}

/** One case on a given host (a server, or PGlite without pg_dump). Returns the catalog version read. */
export async function roundTripOn(host: ScratchHost, c: Case, options: { pgDump: boolean }): Promise<number> {
  const a = await host.create()
  const b = await host.create()
  await runScript(a, { path: `${c.name}/a.sql`, text: c.a })
  await runScript(b, { path: `${c.name}/b.sql`, text: c.b })
  const ca = await introspect(a)
  const cb = await introspect(b)
  const pair = draftPair(ca, cb)
  const show = `--- up\n${pair.up.sql}\n--- down\n${pair.down.sql}`
  const [dumpA, dumpB] = options.pgDump ? await Promise.all([dumpSchema(dbUrl(a)), dumpSchema(dbUrl(b))]) : ['', '']
  // Before anything runs, the judges must agree on whether A and B differ at all.
  const judgeB = { catalog: cb, dump: dumpB }
  await judge(c.name, 'before the up, A against B', a, judgeB, options, show, { expectEqual: null, before: { catalog: ca, dump: dumpA } })
  try {
    await runScript(a, { path: `${c.name}: drafted up`, text: pair.up.sql })
  } catch (error) {
    assert.fail(`${c.name}: the drafted up fails: ${(error as Error).message} ${JSON.stringify((error as any).location ?? '')}\n${show}`)
  }
  await judge(c.name, 'after the up, A against B', a, judgeB, options, show, { expectEqual: true })
  try {
    await runScript(a, { path: `${c.name}: drafted down`, text: pair.down.sql })
  } catch (error) {
    assert.fail(`${c.name}: the drafted down fails: ${(error as Error).message} ${JSON.stringify((error as any).location ?? '')}\n${show}`)
  }
  await judge(c.name, 'after the down, A against what it was', a, { catalog: ca, dump: dumpA }, options, show, { expectEqual: true })
  return ca.version
}

/**
 * Two judges of one state: the tool's own catalog comparison and normalised pg_dump output.
 * Any disagreement between them fails the case (a blind spot of either is a defect to mend),
 * and so does a difference where equality is expected. `before` judges two given states.
 */
async function judge(name: string, when: string, db: unknown, wanted: { catalog: Catalog; dump: string }, options: { pgDump: boolean },
  show: string, how: { expectEqual: boolean | null; before?: { catalog: Catalog; dump: string } }): Promise<void> {
  const have = how.before ?? { catalog: await introspect(db as ScratchDb), dump: options.pgDump ? await dumpSchema(dbUrl(db)) : '' }
  const catalogDiff = compare(have.catalog, wanted.catalog).changes.map(describeChange)
  const catalogEqual = catalogDiff.length === 0
  if (options.pgDump) {
    const dumpEqual = have.dump === wanted.dump
    if (catalogEqual !== dumpEqual) {
      assert.fail(`${name}: ${when}: the judges disagree: the catalog finds ${catalogEqual ? 'no difference' : catalogDiff.join('; ')}, pg_dump ${dumpEqual ? 'finds none' : `finds:\n${firstDifference(have.dump, wanted.dump)}`}\n${show}`)
    }
  }
  if (how.expectEqual) {
    assert.deepEqual(catalogDiff, [], `${name}: ${when}: still differs (catalog)\n${show}`)
    if (options.pgDump) assert.equal(have.dump, wanted.dump, `${name}: ${when}: pg_dump differs\n${show}`)
  }
}

/** The first blocks in which two normalised dumps differ, for a readable failure. */
function firstDifference(x: string, y: string): string {
  const xs = new Set(x.split('\n\n'))
  const ys = new Set(y.split('\n\n'))
  const only = (p: Set<string>, q: Set<string>, sign: string) => [...p].filter((b) => !q.has(b)).slice(0, 3).map((b) => `${sign} ${b}`)
  return [...only(xs, ys, '-'), ...only(ys, xs, '+')].join('\n')
}

function dbUrl(db: unknown): string {
  const url = (db as { url?: string }).url
  if (!url) throw new Error('scratch database without a URL')
  return url
}

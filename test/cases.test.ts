// The team's round-trip corpus (test/cases/<case>/a.sql, b.sql): every object kind the draft
// covers and their interactions, each drafted both ways and judged by catalog and pg_dump.
import assert from 'node:assert/strict'
import path from 'node:path'
import { before, suite, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ensureRoles, readCases, roundTrip, serverHost } from './roundtrip.js'

// dist/test/cases.test.js → <repo>/test/cases
const dir = fileURLToPath(new URL('../../test/cases', import.meta.url))
// TINYMIGRATE_CASES=<regexp> runs only the cases whose name matches (while working on one).
const only = process.env.TINYMIGRATE_CASES ? new RegExp(process.env.TINYMIGRATE_CASES) : null
const cases = readCases(dir).filter((c) => !only || only.test(c.name))

before(async () => {
  const host = await serverHost()
  await ensureRoles(host)
  await host.close()
})

// (not declared at all when a subset is selected: a skipped test would read as a pass)
if (!only) {
  test('the corpus has at least 60 cases', () => {
    assert.ok(cases.length >= 60, `${cases.length} cases in ${path.basename(dir)}`)
  })
}

// A few at a time: most of a case is waiting for the server and pg_dump.
suite('team round-trip cases', { concurrency: 3 }, () => {
  for (const c of cases) {
    test(`case: ${c.name} round-trips`, () => roundTrip(c, { pgDump: true }))
  }
})

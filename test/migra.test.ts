// The public migra corpus (26 cases from another project's test suite), read where it lives and
// run through the same round-trip harness as the team's cases. A case the tool cannot handle
// fails; none is skipped.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { before, suite, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ensureRoles, readCases, roundTrip, serverHost } from './roundtrip.js'

// dist/test/migra.test.js → <repo>/../shared/corpus/migra, unless the variable points elsewhere.
const corpus = process.env.TINYMIGRATE_MIGRA_CORPUS ??
  path.resolve(fileURLToPath(new URL('../../../shared/corpus/migra', import.meta.url)))

before(async () => {
  const host = await serverHost()
  await ensureRoles(host)
  await host.close()
})

test('the migra corpus is where the tests expect it', () => {
  assert.ok(existsSync(corpus), `the migra corpus is missing at ${corpus}: set TINYMIGRATE_MIGRA_CORPUS to its path`)
  assert.equal(readCases(corpus).length, 26)
})

suite('migra round-trip cases', { concurrency: 3 }, () => {
  for (const c of existsSync(corpus) ? readCases(corpus) : []) {
    test(`migra: ${c.name} round-trips`, () => roundTrip(c, { pgDump: true }))
  }
})

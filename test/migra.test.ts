// The public migra corpus (26 cases from another project's test suite), read where it lives and
// run through the same round-trip harness as the team's cases. A case the tool cannot handle
// fails; none is skipped.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { before, suite, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ensureRoles, readCases, roundTrip, serverHost } from './roundtrip.js'

// <repo>/../shared/corpus/migra (looked for upwards from the repository, for a checkout nested
// deeper), unless TINYMIGRATE_MIGRA_CORPUS points elsewhere.
const repo = fileURLToPath(new URL('../../', import.meta.url))
const corpus = process.env.TINYMIGRATE_MIGRA_CORPUS ?? findUp(path.dirname(path.resolve(repo)), path.join('shared', 'corpus', 'migra'))

function findUp(from: string, relative: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, relative))) return path.join(dir, relative)
    if (path.dirname(dir) === dir) return path.join(from, relative)
  }
}

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

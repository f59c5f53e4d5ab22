// The draft engine on the embedded engine: PGlite is PostgreSQL 18 while the test server is 15,
// so these cases prove that the catalog queries and the drafted SQL work on both. A sample of
// the team's cases that between them touch every object kind; equality is judged by the catalog.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { scratchHost } from '../src/diff/scratch.js'
import { extensionsIn } from '../src/embedded/engine.js'
import { readCases, roundTripOn } from './roundtrip.js'

const sample = [
  'mixed_shop_everything_changes', 'mixed_empty_to_full', 'enum_remove_value_used_by_column', 'partition_detach',
  'rls_policies_kinds',
]
const cases = readCases(fileURLToPath(new URL('../../test/cases', import.meta.url))).filter((c) => sample.includes(c.name))

test('every sampled case exists', () => {
  assert.deepEqual(cases.map((c) => c.name).sort(), [...sample].sort())
})

for (const c of cases) {
  test(`pglite: ${c.name} round-trips`, async () => {
    const host = await scratchHost({ extensions: extensionsIn([c.a, c.b]) })
    assert.equal(host.engine, 'embedded')
    try {
      const version = await roundTripOn(host, c, { pgDump: false })
      assert.ok(version >= 180000, `PGlite reports PostgreSQL ${version}`)
    } finally {
      await host.close()
    }
  })
}

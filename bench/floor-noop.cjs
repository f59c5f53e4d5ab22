// The floor of a no-op `up`: the simplest program that does its work and nothing else. It reads
// and hashes every up file of the folder, connects, reads the history table's versions and
// checksums in one query, compares, and prints one line. CommonJS, as tinymigrate's own start.
// usage: node bench/floor-noop.cjs <url> <dir>
'use strict'
const { hash } = require('node:crypto')
const { readdirSync, readFileSync } = require('node:fs')
const path = require('node:path')
const postgres = require('postgres')

async function main() {
  const [url, dir] = process.argv.slice(2)
  const files = new Map()
  for (const file of readdirSync(dir)) {
    const m = /^(\d+)_.+\.up\.sql$/.exec(file)
    if (m) files.set(m[1], hash('sha256', readFileSync(path.join(dir, file), 'utf8'), 'hex'))
  }
  const sql = postgres(url, { max: 1, prepare: false, fetch_types: false, onnotice: () => {} })
  const [row] = await sql.unsafe("select json_agg(json_build_array(version, checksum))::text as rows from tinymigrate_history")
  await sql.end()
  const applied = JSON.parse(row.rows)
  const edited = applied.filter(([version, checksum]) => files.get(version) !== checksum)
  const pending = files.size - applied.length
  process.stdout.write(edited.length || pending ? `${edited.length} edited, ${pending} pending\n` : 'nothing to do\n')
}
main()

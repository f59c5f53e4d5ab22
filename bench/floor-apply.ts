// The floor of "apply": the simplest program that does the work `tinymigrate up` does on an empty
// database, and nothing else. It reads and hashes every file, connects, creates a history table
// of the same layout, and sends each file in a transaction of its own with its history row, all
// pipelined, in batches of 50 as tinymigrate sends them. Nothing is checked: no lock, no
// guard, no chain between transactions, no error handling beyond stopping. `npm run bench`
// times it beside tinymigrate, so the gap between the two is what tinymigrate's safety and
// structure cost.
// usage: node dist/bench/floor-apply.js <url> <dir>
import { hash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import postgres from 'postgres'

const [url, dir] = process.argv.slice(2) as [string, string]
const files = readdirSync(dir).filter((f) => f.endsWith('.up.sql')).sort()
const migrations = files.map((file) => {
  const text = readFileSync(path.join(dir, file), 'utf8')
  const [, version, name] = /^(\d+)_(.+)\.up\.sql$/.exec(file)!
  return { version: version!, name: name!, text, checksum: hash('sha256', text, 'hex') }
})
const sql = postgres(url, { max: 1, prepare: false, fetch_types: false, onnotice: () => {} })
await sql.unsafe(`create table tinymigrate_history (
  version text not null, name text not null, checksum text not null, down_sql text,
  state text not null default 'applied' check (state in ('applied', 'failed')),
  applied_at timestamptz not null default now(), duration_ms integer not null default 0,
  applied_by text not null default current_user, note text,
  constraint tinymigrate_history_version_digits check (version ~ '^[0-9]+$'));
  create unique index tinymigrate_history_version on tinymigrate_history ((version::numeric))`)
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`
for (let from = 0; from < migrations.length; from += 50) {
  const replies: Promise<unknown>[] = []
  for (const m of migrations.slice(from, from + 50)) {
    replies.push(sql.unsafe('begin'))
    for (const statement of m.text.split(/;\s*\n/).filter((s) => s.trim())) replies.push(sql.unsafe(statement))
    replies.push(sql.unsafe(`insert into tinymigrate_history (version, name, checksum, down_sql) values (${literal(m.version)}, ${literal(m.name)}, ${literal(m.checksum)}, null)`))
    replies.push(sql.unsafe('commit'))
  }
  await Promise.all(replies)
}
await sql.end()

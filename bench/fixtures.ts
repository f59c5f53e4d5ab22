// Generated inputs: folders of small migrations, and the psql script that is the baseline for
// applying them (each file in its own transaction with a history insert, in one session).
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export interface Migration {
  version: string
  name: string
  file: string
  text: string
}

function migration(n: number, width: number): Migration {
  const version = String(n).padStart(width, '0')
  const name = `create_t_${n}`
  return {
    version,
    name,
    file: `${version}_${name}.up.sql`,
    text: `create table t_${n} (id int primary key, v text);\ninsert into t_${n} values (1, 'x');\n`,
  }
}

/** Write `count` migrations into `dir` (created); versions are zero-padded so names sort. */
export function writeMigrations(dir: string, count: number): Migration[] {
  mkdirSync(dir, { recursive: true })
  const width = String(count).length
  const list = Array.from({ length: count }, (_, i) => migration(i + 1, width))
  for (const m of list) writeFileSync(path.join(dir, m.file), m.text)
  return list
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/**
 * The hand-written equivalent of `tinymigrate up`: a history table, then per file
 * `begin; \ir file; insert into history …; commit;`. `\ir` resolves next to the script, so the
 * script names the migrations folder relative to itself.
 */
export function writePsqlScript(script: string, dir: string, list: Migration[]): void {
  const folder = path.relative(path.dirname(script), dir).split(path.sep).join('/')
  const lines = [
    'create table bench_history (',
    '  version    text        primary key,',
    '  name       text        not null,',
    '  checksum   text        not null,',
    '  applied_at timestamptz not null default now()',
    ');',
  ]
  for (const m of list) {
    const checksum = createHash('sha256').update(m.text).digest('hex')
    lines.push(
      'begin;',
      `\\ir ${folder}/${m.file}`,
      `insert into bench_history (version, name, checksum) values (${literal(m.version)}, ${literal(m.name)}, ${literal(checksum)});`,
      'commit;',
    )
  }
  writeFileSync(script, lines.join('\n') + '\n')
}

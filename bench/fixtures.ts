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

// --- a project for check and diff: many tables, migrations and schema.sql that agree -----------

export interface SchemaProject {
  /** The migrations folder, schema.sql included. */
  dir: string
  schema: string
  /** Migration files in order, names only. */
  files: string[]
}

const tableName = (n: number) => `t_${String(n).padStart(4, '0')}`

/**
 * Table n as schema.sql declares it: 5 columns, a primary key, 1 foreign key (to table n - 1; the
 * first table to itself) and 2 indexes.
 */
function declared(n: number, changed: boolean): string {
  const t = tableName(n)
  const parent = tableName(Math.max(1, n - 1))
  return [
    `create table public.${t} (`,
    '    id bigint generated always as identity primary key,',
    `    parent_id bigint references public.${parent} (id) on delete cascade,`,
    '    name text not null,',
    '    created_at timestamptz not null default now(),',
    `    amount numeric(12, 2) not null default 0${changed ? ',' : ''}`,
    ...(changed ? ['    note text'] : []),
    ');',
    `create index ${t}_parent_idx on public.${t} (parent_id);`,
    changed ? `create index ${t}_name_idx on public.${t} (name);` : `create index ${t}_name_idx on public.${t} (name, created_at);`,
  ].join('\n')
}

/** schema.sql for `tables` tables; `changed`: one table (the middle one) gets a column and another index. */
export function schemaText(tables: number, changed?: number): string {
  const parts = ['-- Generated: the schema the migrations give.', '']
  for (let n = 1; n <= tables; n++) parts.push(declared(n, n === changed), '')
  return parts.join('\n')
}

/**
 * `tables` tables in migrations the way a project grows: files of `perFile` tables with four
 * columns, one index and the foreign key, then files that add the fifth column and the second
 * index to `perFile * 10` tables at a time. schema.sql declares the same tables at once.
 */
export function writeSchemaProject(dir: string, tables: number, perFile = 10): SchemaProject {
  mkdirSync(dir, { recursive: true })
  const files: string[] = []
  const write = (name: string, text: string) => {
    files.push(name)
    writeFileSync(path.join(dir, name), text)
  }
  const creating = Math.ceil(tables / perFile)
  const adding = Math.ceil(tables / (perFile * 10))
  const width = String(creating + adding).length
  const version = () => String(files.length + 1).padStart(width, '0')
  for (let first = 1; first <= tables; first += perFile) {
    const last = Math.min(tables, first + perFile - 1)
    const sql: string[] = []
    for (let n = first; n <= last; n++) {
      const t = tableName(n)
      sql.push(
        `create table ${t} (`,
        '    id bigint generated always as identity primary key,',
        `    parent_id bigint references ${tableName(Math.max(1, n - 1))} (id) on delete cascade,`,
        '    name text not null,',
        '    created_at timestamptz not null default now()',
        ');',
        `create index ${t}_parent_idx on ${t} (parent_id);`,
        '',
      )
    }
    write(`${version()}_tables_${tableName(first)}_${tableName(last)}.up.sql`, sql.join('\n'))
  }
  for (let first = 1; first <= tables; first += perFile * 10) {
    const last = Math.min(tables, first + perFile * 10 - 1)
    const sql: string[] = []
    for (let n = first; n <= last; n++) {
      const t = tableName(n)
      sql.push(`alter table ${t} add column amount numeric(12, 2) not null default 0;`, `create index ${t}_name_idx on ${t} (name, created_at);`)
    }
    write(`${version()}_amounts_${tableName(first)}_${tableName(last)}.up.sql`, sql.join('\n') + '\n')
  }
  const schema = path.join(dir, 'schema.sql')
  writeFileSync(schema, schemaText(tables))
  return { dir, schema, files }
}

/**
 * The psql scripts that load each side into a new database, as check does on scratch databases:
 * the migrations (`<prefix>migrated.psql` into database `<name>_migrated`) and schema.sql
 * (`<prefix>declared.psql` into `<name>_declared`).
 */
export function writeLoadScripts(prefix: string, project: SchemaProject, name: string): { migrated: string; declared: string } {
  const folder = path.relative(path.dirname(prefix), project.dir).split(path.sep).join('/')
  const script = (side: string, files: string[]) => {
    const file = `${prefix}${side}.psql`
    const lines = [`create database ${name}_${side};`, `\\c ${name}_${side}`, ...files.map((f) => `\\ir ${folder}/${f}`)]
    writeFileSync(file, lines.join('\n') + '\n')
    return file
  }
  return { migrated: script('migrated', project.files), declared: script('declared', ['schema.sql']) }
}

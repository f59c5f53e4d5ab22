import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import {
  canonicalVersion, checksum, collectMigrations, compareVersions, decodeSql, label, nextVersion, parseFileName, slug,
  type ParsedName, type SqlFile,
} from '../src/files.js'
import { throwsCode } from './assertions.js'

// --- parseFileName -------------------------------------------------------------------------------

const wellFormed: [string, ParsedName][] = [
  ['001_create_users.up.sql', { version: '001', id: '1', name: 'create_users', direction: 'up' }],
  ['001_create_users.down.sql', { version: '001', id: '1', name: 'create_users', direction: 'down' }],
  ['1_x.up.sql', { version: '1', id: '1', name: 'x', direction: 'up' }],
  ['0_init.up.sql', { version: '0', id: '0', name: 'init', direction: 'up' }],
  ['000_init.up.sql', { version: '000', id: '0', name: 'init', direction: 'up' }],
  ['0010_ten.up.sql', { version: '0010', id: '10', name: 'ten', direction: 'up' }],
  ['20261124093000_add_index.up.sql', { version: '20261124093000', id: '20261124093000', name: 'add_index', direction: 'up' }],
  // 2^64 and beyond: no double, no bigint64 truncation
  ['18446744073709551616_big.up.sql', { version: '18446744073709551616', id: '18446744073709551616', name: 'big', direction: 'up' }],
  [
    '000123456789012345678901234567890_huge.down.sql',
    { version: '000123456789012345678901234567890', id: '123456789012345678901234567890', name: 'huge', direction: 'down' },
  ],
  ['001_add-users.v2.up.sql', { version: '001', id: '1', name: 'add-users.v2', direction: 'up' }],
  ['001_café_crème.up.sql', { version: '001', id: '1', name: 'café_crème', direction: 'up' }],
  ['001_日本語.up.sql', { version: '001', id: '1', name: '日本語', direction: 'up' }],
  // Flyway's double underscore habit: the name starts with "_"
  ['001__init.up.sql', { version: '001', id: '1', name: '_init', direction: 'up' }],
  ['001_a..b.up.sql', { version: '001', id: '1', name: 'a..b', direction: 'up' }],
]

for (const [file, expected] of wellFormed) {
  test(`parseFileName: ${file} is a migration`, () => {
    assert.deepEqual(parseFileName(file), expected)
  })
}

// malformed: the reason returned must point at the problem
const malformed: [string, string, RegExp][] = [
  ['dash instead of underscore', '1-x.up.sql', /starts with digits and an underscore/],
  ['no .up/.down', '001_x.sql', /ends in \.up\.sql or \.down\.sql/],
  ['dbmate-style single file', '20240101120000_create.sql', /ends in \.up\.sql or \.down\.sql/],
  ['upper-case UP', '001_x.UP.sql', /lower case/],
  ['mixed-case Down', '001_x.Down.sql', /lower case/],
  ['upper-case SQL', '001_x.up.SQL', /lower case/],
  ['space in the name', '001_add users.up.sql', /only letters, digits/],
  ['leading space', ' 001_x.up.sql', /starts with digits and an underscore/],
  ['negative version', '-1_x.up.sql', /starts with digits and an underscore/],
  ['missing name', '001_.up.sql', /name/],
  ['no name and no underscore', '001.up.sql', /starts with digits and an underscore/],
  ['no version', '_x.up.sql', /starts with digits and an underscore/],
  ['letters for a version', 'x.down.sql', /starts with digits and an underscore/],
  ['name is only dots', '001_..up.sql', /name/],
]

for (const [title, file, reason] of malformed) {
  test(`parseFileName: ${title} (${JSON.stringify(file)}) is malformed`, () => {
    const parsed = parseFileName(file)
    assert.equal(typeof parsed, 'string', `expected a reason, got ${JSON.stringify(parsed)}`)
    assert.match(parsed as string, reason)
  })
}

const notMigrations = [
  'README.md', 'schema.sql', 'Schema.SQL', 'notes.txt', 'seed.sql', '.gitkeep', 'V1__init.sql',
  '001_x.up.sql.bak', '001_x.up.sql~', '001_x.up', '001_x',
  // hidden files: an Emacs lock file while 001_x.up.sql is being edited, a macOS AppleDouble file
  '.#001_x.up.sql', '._001_x.up.sql',
]

for (const file of notMigrations) {
  test(`parseFileName: ${JSON.stringify(file)} is left alone`, () => {
    assert.equal(parseFileName(file), undefined)
  })
}

const versions: [string, string, string, number][] = [
  ['1', '001', '1', 0],
  ['2', '10', '2', -1],
  ['124', '10', '124', 1],
  ['18446744073709551615', '18446744073709551616', '18446744073709551615', -1],
  ['0000', '0', '0', 0],
]

for (const [a, b, canonical, order] of versions) {
  test(`canonicalVersion/compareVersions: ${a} vs ${b}`, () => {
    assert.equal(canonicalVersion(a), canonical)
    assert.equal(compareVersions(a, b), order)
    assert.equal(compareVersions(b, a), -order || 0)
  })
}

test('label: version as written, then name', () => {
  assert.equal(label({ version: '001', name: 'users' }), '001_users')
})

// --- collectMigrations ---------------------------------------------------------------------------

const dir = 'migrations'

/** A fake `read` over literal texts that records what it was asked for. */
function reader(texts: Record<string, string> = {}): { read: (file: string) => SqlFile; reads: string[] } {
  const reads: string[] = []
  const read = (file: string): SqlFile => {
    reads.push(file)
    return { path: join(dir, file), text: texts[file] ?? `-- ${file}\n`, noTransaction: false }
  }
  return { read, reads }
}

test('collectMigrations: no files, no migrations', () => {
  assert.deepEqual(collectMigrations(dir, [], reader().read), [])
})

test('collectMigrations: pairs up and down, sorts numerically (1, 2, 10, 124), leaves other files alone', () => {
  const names = [
    '10_c.up.sql', '124_d.up.sql', '1_a.down.sql', '1_a.up.sql', '2_b.down.sql', '2_b.up.sql',
    'README.md', 'schema.sql', 'seed.sql', 'notes.txt',
  ]
  const { read, reads } = reader({ '1_a.up.sql': '\ufeffcreate table a (id int);\r\n' })
  const migrations = collectMigrations(dir, names, read)
  assert.deepEqual(
    migrations.map((m) => [m.version, m.id, m.name, m.up.path, m.down?.path]),
    [
      ['1', '1', 'a', 'migrations/1_a.up.sql', 'migrations/1_a.down.sql'],
      ['2', '2', 'b', 'migrations/2_b.up.sql', 'migrations/2_b.down.sql'],
      ['10', '10', 'c', 'migrations/10_c.up.sql', undefined],
      ['124', '124', 'd', 'migrations/124_d.up.sql', undefined],
    ],
  )
  assert.equal(migrations[0]!.checksum, checksum('create table a (id int);\n'))
  assert.equal(migrations[2]!.checksum, checksum('-- 10_c.up.sql\n'))
  // Down files are read only when their text is first needed (status never needs it).
  assert.deepEqual([...reads].sort(), ['10_c.up.sql', '124_d.up.sql', '1_a.up.sql', '2_b.up.sql'])
  assert.equal(migrations[0]!.down!.text, '-- 1_a.down.sql\n')
  assert.deepEqual([...reads].sort(), ['10_c.up.sql', '124_d.up.sql', '1_a.down.sql', '1_a.up.sql', '2_b.up.sql'])
})

test('collectMigrations: sorts versions beyond 2^64 exactly', () => {
  const names = ['18446744073709551616_b.up.sql', '18446744073709551615_a.up.sql', '9_z.up.sql']
  assert.deepEqual(
    collectMigrations(dir, names, reader().read).map((m) => m.version),
    ['9', '18446744073709551615', '18446744073709551616'],
  )
})

test('collectMigrations: a down file written 1 pairs with the up file written 001', () => {
  const [m] = collectMigrations(dir, ['001_a.up.sql', '1_a.down.sql'], reader().read)
  assert.equal(m!.version, '001')
  assert.equal(m!.id, '1')
  assert.equal(m!.down?.path, 'migrations/1_a.down.sql')
})

test('collectMigrations: a migration without a down file has down undefined', () => {
  const migrations = collectMigrations(dir, ['001_a.up.sql'], reader().read)
  assert.equal(migrations.length, 1)
  assert.equal(migrations[0]!.down, undefined)
})

test('collectMigrations: 1 and 001 are a duplicate version, and the message says why', () => {
  const { read, reads } = reader()
  throwsCode(() => collectMigrations(dir, ['001_b.up.sql', '1_a.up.sql'], read), 'DUPLICATE_VERSION', (e) => {
    assert.equal(e.message, 'Two migration files have the same version:\n  migrations/001_b.up.sql and migrations/1_a.up.sql have the same version (001 and 1 are the same version)')
    assert.deepEqual(e.files, ['migrations/001_b.up.sql', 'migrations/1_a.up.sql'])
    assert.equal(e.next, 'Renumber the one that no database has applied yet to the next free version, 002: rename its .up.sql and .down.sql to 002_<name>.')
  })
  assert.deepEqual(reads, [], 'nothing is read before the names are known to be good')
})

test('collectMigrations: 004_d and 004_e both have version 004, said plainly, with the next free version', () => {
  const names = ['001_a.up.sql', '002_b.up.sql', '003_c.up.sql', '004_d.up.sql', '004_e.up.sql']
  throwsCode(() => collectMigrations(dir, names, reader().read), 'DUPLICATE_VERSION', (e) => {
    assert.equal(e.message, 'Two migration files have the same version:\n  migrations/004_d.up.sql and migrations/004_e.up.sql both have version 004')
    assert.doesNotMatch(e.message, /are the same version/)
    assert.deepEqual(e.files, ['migrations/004_d.up.sql', 'migrations/004_e.up.sql'])
    assert.equal(e.next, 'Renumber the one that no database has applied yet to the next free version, 005: rename its .up.sql and .down.sql to 005_<name>.')
  })
})

test('collectMigrations: two pairs with one version are one line; the next free version is after the newest, in its width', () => {
  const names = ['004_d.down.sql', '004_d.up.sql', '004_e.down.sql', '004_e.up.sql', '009_z.up.sql']
  throwsCode(() => collectMigrations(dir, names, reader().read), 'DUPLICATE_VERSION', (e) => {
    assert.equal(e.message, '4 migration files have the same version:\n  migrations/004_d.down.sql, migrations/004_d.up.sql, migrations/004_e.down.sql and migrations/004_e.up.sql all have version 004')
    assert.match(e.next ?? '', /the next free version, 010: rename its \.up\.sql and \.down\.sql to 010_<name>\.$/)
  })
})

test('collectMigrations: two down files for one version are a duplicate', () => {
  const names = ['001_a.down.sql', '001_a.up.sql', '001_b.down.sql']
  throwsCode(() => collectMigrations(dir, names, reader().read), 'DUPLICATE_VERSION', (e) => {
    assert.deepEqual([...e.files].sort(), ['migrations/001_a.down.sql', 'migrations/001_b.down.sql'])
    assert.match(e.message, /migrations\/001_a\.down\.sql and migrations\/001_b\.down\.sql/)
    assert.ok(e.next)
  })
})

test('collectMigrations: every duplicate is named at once', () => {
  const names = ['001_a.up.sql', '1_b.up.sql', '002_c.up.sql', '002_d.up.sql']
  throwsCode(() => collectMigrations(dir, names, reader().read), 'DUPLICATE_VERSION', (e) => {
    assert.equal(e.files.length, 4)
    assert.equal(e.message, [
      '4 migration files have the same version:',
      '  migrations/001_a.up.sql and migrations/1_b.up.sql have the same version (001 and 1 are the same version)',
      '  migrations/002_c.up.sql and migrations/002_d.up.sql both have version 002',
    ].join('\n'))
    assert.equal(e.next, 'Renumber one migration of each version (the one that no database has applied yet) to the next free versions, 003 and 004: rename its .up.sql and .down.sql to <version>_<name>.')
  })
})

test('collectMigrations: a down file without an up file', () => {
  const names = ['001_a.up.sql', '002_b.down.sql', '003_c.down.sql']
  throwsCode(() => collectMigrations(dir, names, reader().read), 'ORPHAN_DOWN', (e) => {
    assert.deepEqual(e.files, ['migrations/002_b.down.sql', 'migrations/003_c.down.sql'])
    assert.match(e.message, /Down files without an up file/)
    assert.match(e.message, /migrations\/002_b\.down\.sql/)
    assert.match(e.next ?? '', /\.up\.sql/)
  })
})

test('collectMigrations: every malformed name is listed at once, with its reason, before any up or down file is read', () => {
  const names = ['-1_x.up.sql', '001_x.UP.sql', '001_x.sql', '002_ok.up.sql', '1-x.up.sql', 'README.md', 'schema.sql']
  const { read, reads } = reader()
  throwsCode(() => collectMigrations(dir, names, read), 'BAD_FILENAME', (e) => {
    assert.deepEqual(e.files, ['migrations/-1_x.up.sql', 'migrations/001_x.UP.sql', 'migrations/001_x.sql', 'migrations/1-x.up.sql'])
    assert.match(e.message, /^Malformed migration file names:/)
    assert.match(e.message, /migrations\/001_x\.UP\.sql: the ending must be lower case: \.up\.sql or \.down\.sql/)
    assert.match(e.message, /migrations\/001_x\.sql: a migration file ends in \.up\.sql or \.down\.sql/)
    assert.match(e.message, /migrations\/1-x\.up\.sql: a migration file name starts with digits/)
    assert.doesNotMatch(e.message, /README|schema|002_ok/)
    assert.match(e.next ?? '', /Rename to <version>_<name>\.up\.sql/)
  })
  // only the <version>_<name>.sql file is read: its text says whether it is dbmate's one-file format
  assert.deepEqual(reads, ['001_x.sql'])
})

test('collectMigrations: one malformed name is singular', () => {
  throwsCode(() => collectMigrations(dir, ['001_x.sql'], reader().read), 'BAD_FILENAME', (e) => {
    assert.match(e.message, /^Malformed migration file name:/)
    assert.deepEqual(e.files, ['migrations/001_x.sql'])
  })
})

// --- checksum ------------------------------------------------------------------------------------

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')
const base = 'create table users (id int);\nselect 1;\n'

test('checksum: sha256 hex of the text', () => {
  assert.equal(checksum(base), sha256(base))
  // the same value from `printf 'create table users (id int);\nselect 1;\n' | sha256sum`
  assert.equal(checksum(base), 'ddc39985cf5e83d94f9a01051175eeed5ea2fca6f218397e763d8cb667891921')
  assert.equal(checksum(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
})

const sameChecksum: [string, string][] = [
  ['BOM', '\ufeff' + base],
  ['CRLF', base.replaceAll('\n', '\r\n')],
  ['BOM and CRLF', '\ufeff' + base.replaceAll('\n', '\r\n')],
  ['CRLF on one line only', 'create table users (id int);\r\nselect 1;\n'],
]

for (const [title, text] of sameChecksum) {
  test(`checksum: ${title} does not change it`, () => {
    assert.equal(checksum(text), checksum(base))
  })
}

const edits: [string, string][] = [
  ['a changed type', 'create table users (id bigint);\nselect 1;\n'],
  ['an added statement', base + 'select 2;\n'],
  ['a changed comment', '-- users\n' + base],
  ['a changed letter case', base.toUpperCase()],
  ['a non-ASCII change', 'create table usérs (id int);\nselect 1;\n'],
]

for (const [title, text] of edits) {
  test(`checksum: ${title} changes it`, () => {
    assert.notEqual(checksum(text), checksum(base))
    assert.equal(checksum(text), sha256(text))
  })
}

// --- decodeSql -----------------------------------------------------------------------------------

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p)))

const decoded: [string, Uint8Array, string][] = [
  ['plain ASCII', bytes('select 1;\n'), 'select 1;\n'],
  ['BOM stripped', bytes([0xef, 0xbb, 0xbf], 'select 1;'), 'select 1;'],
  ['CRLF kept as is', bytes('select 1;\r\nselect 2;\r\n'), 'select 1;\r\nselect 2;\r\n'],
  ['non-ASCII and astral', bytes("select 'café 🎉';"), "select 'café 🎉';"],
  ['empty', bytes(), ''],
  ['a BOM that is not first is kept', bytes('a', [0xef, 0xbb, 0xbf]), 'a\ufeff'],
]

for (const [title, input, expected] of decoded) {
  test(`decodeSql: ${title}`, () => {
    assert.equal(decodeSql('migrations/001_a.up.sql', input), expected)
  })
}

const notUtf8: [string, Uint8Array][] = [
  ['a lone 0xff', bytes('select 1;', [0xff])],
  ['Latin-1 é', bytes("select 'caf", [0xe9], "';")],
  ['a truncated sequence', bytes('select ', [0xe2, 0x82])],
  ['an encoded surrogate', bytes([0xed, 0xa0, 0x80])],
  ['an overlong /', bytes([0xc0, 0xaf])],
  ['UTF-16LE with its BOM', bytes([0xff, 0xfe, 0x73, 0x00])],
]

for (const [title, input] of notUtf8) {
  test(`decodeSql: ${title} is BAD_ENCODING naming the file`, () => {
    throwsCode(() => decodeSql('migrations/001_a.up.sql', input), 'BAD_ENCODING', (e) => {
      assert.match(e.message, /^migrations\/001_a\.up\.sql is not valid UTF-8/)
      assert.deepEqual(e.files, ['migrations/001_a.up.sql'])
      assert.match(e.next ?? '', /UTF-8/)
    })
  })
}

// the position of the NUL counts characters (code points) from 1, as an editor does
const nuls: [string, Uint8Array, number][] = [
  ['at the end', bytes('select 1;', [0]), 10],
  ['first', bytes([0], 'select 1;'), 1],
  ['after a BOM (the BOM is not a character of the text)', bytes([0xef, 0xbb, 0xbf, 0]), 1],
  ['UTF-16LE without a BOM', bytes([0x73, 0x00, 0x65, 0x00]), 2],
  ['after é', bytes('é', [0]), 2],
  ['after an astral character', bytes('🎉', [0]), 2],
]

for (const [title, input, at] of nuls) {
  test(`decodeSql: a NUL byte ${title} is BAD_ENCODING at character ${at}`, () => {
    throwsCode(() => decodeSql('migrations/001_a.up.sql', input), 'BAD_ENCODING', (e) => {
      assert.match(e.message, /^migrations\/001_a\.up\.sql contains a NUL byte/)
      assert.match(e.message, new RegExp(`\\(at character ${at}\\)`))
      assert.deepEqual(e.files, ['migrations/001_a.up.sql'])
      assert.match(e.next ?? '', /Remove the NUL byte/)
    })
  })
}

// --- nextVersion ---------------------------------------------------------------------------------

const at = (iso: string) => new Date(iso)

const next: [string, string[], Date, string][] = [
  ['empty folder: UTC timestamp, milliseconds dropped', [], at('2026-11-24T09:30:00.987Z'), '20261124093000'],
  ['empty folder: zero-padded fields', [], at('2026-01-05T03:04:05Z'), '20260105030405'],
  ['empty folder: UTC, not local time', [], at('2026-06-30T23:59:59-02:00'), '20260701015959'],
  ['sequence 001, 002', ['001', '002'], at('2026-11-24T09:30:00Z'), '003'],
  ['sequence, unsorted input', ['002', '001'], at('2026-11-24T09:30:00Z'), '003'],
  ['width kept: 0009', ['0008', '0009'], at('2026-11-24T09:30:00Z'), '0010'],
  ['width grows when it must: 999', ['998', '999'], at('2026-11-24T09:30:00Z'), '1000'],
  ['unpadded sequence', ['1', '2', '9'], at('2026-11-24T09:30:00Z'), '10'],
  ['sequence from 000', ['000'], at('2026-11-24T09:30:00Z'), '001'],
  ['timestamps, clock ahead: now', ['20261124093000'], at('2026-11-25T10:00:00Z'), '20261125100000'],
  ['timestamps, clock behind: max + 1', ['20261124093000', '20261120000000'], at('2026-11-24T09:29:59Z'), '20261124093001'],
  ['timestamps, same second: max + 1', ['20261124093000'], at('2026-11-24T09:30:00Z'), '20261124093001'],
  ['beyond 2^64: max + 1, exact', ['99999999999999999999999'], at('2026-11-24T09:30:00Z'), '100000000000000000000000'],
]

for (const [title, existing, now, expected] of next) {
  test(`nextVersion: ${title}`, () => {
    const version = nextVersion(existing, now)
    assert.equal(version, expected)
    // what `new` writes parses back as a migration with that version
    assert.deepEqual(parseFileName(`${version}_x.up.sql`), { version, id: BigInt(version).toString(), name: 'x', direction: 'up' })
  })
}

// --- slug ----------------------------------------------------------------------------------------

const slugs: [string, string][] = [
  ['Add Users!', 'add_users'],
  ['add_users', 'add_users'],
  ['  Create   orders table  ', 'create_orders_table'],
  ['add-index.on.users', 'add_index_on_users'],
  ['__a__b__', 'a_b'],
  ['Über Größe', 'über_größe'],
  ['日本語 テーブル', '日本語_テーブル'],
  ['2fa codes', '2fa_codes'],
  ['!!!', ''],
  ['', ''],
  // combining marks belong to their letter: decomposed (NFD) input, and Turkish İ, whose
  // lower case is i + U+0307
  ['Cre\u0300me bru\u0302le\u0301e', 'crème_brûlée'],
  ['İzmir', 'i\u0307zmir'],
]

for (const [name, expected] of slugs) {
  test(`slug: ${JSON.stringify(name)} → ${JSON.stringify(expected)}`, () => {
    const s = slug(name)
    assert.equal(s.normalize('NFC'), expected.normalize('NFC'))
    if (s) {
      // every slug makes a valid file name
      const parsed = parseFileName(`001_${s}.up.sql`)
      assert.equal(typeof parsed, 'object', `001_${s}.up.sql: ${String(parsed)}`)
      assert.equal((parsed as ParsedName).name, s)
    }
  })
}

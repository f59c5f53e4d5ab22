import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ErrorCode } from '../src/errors.js'
import { checksum, type MigrationFile } from '../src/files.js'
import type { HistoryRow } from '../src/history.js'
import {
  currentVersion, inspect, listLabels, planDown, planStamp, planUp, type DownRequest, type Entry, type State, type UpRequest,
} from '../src/plan.js'
import { throwsCode } from './assertions.js'

// A file's text, and so its checksum, depends only on its name: a row written with another
// spelling of the version ('1' for '001') still matches.
const textOf = (name: string) => `create table ${name} (id int);\n`

/** `001_a` → a migration file with an up and a down. */
function file(spec: string): MigrationFile {
  const [, version, name] = /^(\d+)_(.+)$/.exec(spec)!
  const text = textOf(name!)
  return {
    version: version!,
    id: BigInt(version!).toString(),
    name: name!,
    up: { path: `migrations/${spec}.up.sql`, text, noTransaction: false },
    down: { path: `migrations/${spec}.down.sql`, text: `drop table ${name};\n`, noTransaction: false },
    checksum: checksum(text),
  }
}

/** `001_a` → its history row; `001_a!` was applied with other text, `001_a?` failed. */
function row(spec: string, note: string | null = null): HistoryRow {
  const [, version, name, marks] = /^(\d+)_([^!?]+)([!?]*)$/.exec(spec)!
  return {
    version: version!,
    name: name!,
    checksum: marks!.includes('!') ? checksum('-- the text before the edit\n') : checksum(textOf(name!)),
    state: marks!.includes('?') ? 'failed' : 'applied',
    appliedAt: new Date('2026-11-24T09:30:00Z'),
    durationMs: 5,
    appliedBy: 'test',
    note,
  }
}

const entries = (files: string[], rows: string[]) => inspect(files.map(file), rows.map((r) => row(r)))
const versions = (list: { version: string }[]) => list.map((m) => m.version)

// --- inspect -------------------------------------------------------------------------------------

const states: [string, string[], string[], [string, State][]][] = [
  ['nothing at all', [], [], []],
  ['all pending', ['001_a', '002_b'], [], [['001', 'pending'], ['002', 'pending']]],
  ['applied then pending', ['001_a', '002_b'], ['001_a'], [['001', 'applied'], ['002', 'pending']]],
  ['all applied', ['001_a', '002_b'], ['001_a', '002_b'], [['001', 'applied'], ['002', 'applied']]],
  ['edited after applying', ['001_a', '002_b'], ['001_a!', '002_b'], [['001', 'changed'], ['002', 'applied']]],
  ['applied, file gone', ['001_a'], ['001_a', '002_b'], [['001', 'applied'], ['002', 'missing']]],
  ['pending below the newest applied', ['001_a', '002_b', '003_c'], ['001_a', '003_c'], [['001', 'applied'], ['002', 'out-of-order'], ['003', 'applied']]],
  ['pending below a missing one', ['001_a', '002_b'], ['001_a', '005_e'], [['001', 'applied'], ['002', 'out-of-order'], ['005', 'missing']]],
  ['pending below a failed one', ['001_a', '002_b', '003_c'], ['001_a', '003_c?'], [['001', 'applied'], ['002', 'out-of-order'], ['003', 'failed']]],
  ['failed, file unchanged', ['001_a', '002_b'], ['001_a', '002_b?'], [['001', 'applied'], ['002', 'failed']]],
  ['failed, file since edited', ['001_a', '002_b'], ['001_a', '002_b?!'], [['001', 'applied'], ['002', 'failed']]],
  ['failed, file gone', ['001_a'], ['001_a', '002_b?'], [['001', 'applied'], ['002', 'failed']]],
  ['file 001, row 1: one entry, the file\'s spelling', ['001_a', '002_b'], ['1_a'], [['001', 'applied'], ['002', 'pending']]],
  ['file 1, row 0001', ['1_a'], ['0001_a'], [['1', 'applied']]],
  ['numeric order 9, 10, 100', ['100_c', '9_a', '10_b'], ['10_b'], [['9', 'out-of-order'], ['10', 'applied'], ['100', 'pending']]],
  [
    'beyond 2^64',
    ['18446744073709551616_b', '18446744073709551615_a'],
    ['18446744073709551616_b'],
    [['18446744073709551615', 'out-of-order'], ['18446744073709551616', 'applied']],
  ],
]

for (const [title, files, rows, expected] of states) {
  test(`inspect: ${title}`, () => {
    assert.deepEqual(entries(files, rows).map((e) => [e.version, e.state]), expected)
  })
}

test('inspect: file 001 and row 1 share an entry holding both', () => {
  const f = file('001_a')
  const r = row('1_a')
  const [e, ...rest] = inspect([f], [r])
  assert.deepEqual(rest, [])
  assert.equal(e!.id, '1')
  assert.equal(e!.version, '001')
  assert.equal(e!.name, 'a')
  assert.equal(e!.file, f)
  assert.equal(e!.row, r)
})

test('inspect: a missing entry takes its version and name from history', () => {
  const [e] = inspect([], [row('007_gone')])
  assert.deepEqual([e!.id, e!.version, e!.name, e!.state, e!.file], ['7', '007', 'gone', 'missing', undefined])
})

test('currentVersion: the newest applied row, failed rows and pending files aside', () => {
  assert.equal(currentVersion(entries(['001_a', '002_b', '003_c'], ['001_a', '002_b?']))?.version, '001')
  assert.equal(currentVersion(entries(['001_a'], [])), undefined)
  assert.equal(currentVersion(entries(['001_a'], ['001_a', '004_d']))?.version, '004')
})

test('listLabels: ten shown, then a count', () => {
  const list = Array.from({ length: 12 }, (_, i) => ({ version: String(i + 1).padStart(3, '0'), name: 'm' }))
  assert.equal(listLabels(list.slice(0, 2)), '  001_m\n  002_m')
  const long = listLabels(list).split('\n')
  assert.equal(long.length, 11)
  assert.equal(long[9], '  010_m')
  assert.equal(long[10], '  … and 2 more')
})

// --- planUp --------------------------------------------------------------------------------------

const five = ['001_a', '002_b', '003_c', '004_d', '005_e']

const ups: [string, string[], string[], UpRequest, string[]][] = [
  ['everything pending', five, [], {}, ['001', '002', '003', '004', '005']],
  ['the rest', five, ['001_a', '002_b'], {}, ['003', '004', '005']],
  ['nothing to do', five, five, {}, []],
  ['count 1', five, ['001_a'], { count: 1 }, ['002']],
  ['count 2', five, ['001_a'], { count: 2 }, ['002', '003']],
  ['count beyond the pending ones', five, ['001_a'], { count: 10 }, ['002', '003', '004', '005']],
  ['to, inclusive', five, ['001_a'], { to: '003' }, ['002', '003']],
  ['to, other spelling', five, ['001_a'], { to: '3' }, ['002', '003']],
  ['to, padded more', five, ['001_a'], { to: '00003' }, ['002', '003']],
  ['to the last', five, [], { to: '005' }, ['001', '002', '003', '004', '005']],
  ['to an applied version', five, ['001_a', '002_b'], { to: '002' }, []],
  ['to and count', five, [], { to: '004', count: 2 }, ['001', '002']],
  ['numeric order', ['10_j', '2_b', '124_x', '1_a'], [], {}, ['1', '2', '10', '124']],
  ['applied rows without files do not stop up', ['001_a', '003_c'], ['001_a', '002_b'], {}, ['003']],
  ['out of order, allowed', ['001_a', '002_b', '003_c', '004_d'], ['001_a', '003_c'], { allowOutOfOrder: true }, ['002', '004']],
  ['out of order, allowed, with count', ['001_a', '002_b', '003_c', '004_d'], ['001_a', '003_c'], { allowOutOfOrder: true, count: 1 }, ['002']],
]

for (const [title, files, rows, request, expected] of ups) {
  test(`planUp: ${title}`, () => {
    const todo = planUp(entries(files, rows), request)
    assert.deepEqual(versions(todo), expected)
    for (const m of todo) assert.equal(m.up.path, `migrations/${m.version}_${m.name}.up.sql`)
  })
}

test('planUp: a pending file older than the newest applied one is refused', () => {
  throwsCode(() => planUp(entries(['001_a', '002_b', '003_c', '004_d'], ['001_a', '003_c']), {}), 'OUT_OF_ORDER', (e) => {
    assert.match(e.message, /^Pending migration is older than the newest applied one \(003_c\):\n {2}migrations\/002_b\.up\.sql$/)
    assert.deepEqual(e.files, ['migrations/002_b.up.sql'])
    assert.match(e.next ?? '', /Give it a version after 003 \(rename the files\)/)
    assert.match(e.next ?? '', /--allow-out-of-order/)
  })
})

test('planUp: out-of-order files are all named, plural', () => {
  throwsCode(() => planUp(entries(['001_a', '002_b', '003_c', '009_i'], ['009_i']), {}), 'OUT_OF_ORDER', (e) => {
    assert.match(e.message, /^Pending migrations are older than the newest applied one \(009_i\):/)
    assert.match(e.message, /001_a\.up\.sql\n {2}migrations\/002_b\.up\.sql\n {2}migrations\/003_c\.up\.sql/)
    assert.deepEqual(e.files, ['migrations/001_a.up.sql', 'migrations/002_b.up.sql', 'migrations/003_c.up.sql'])
    assert.match(e.next ?? '', /Give them versions after 009/)
  })
})

test('planUp: out of order against a row whose file is gone', () => {
  throwsCode(() => planUp(entries(['001_a', '002_b'], ['001_a', '005_e']), {}), 'OUT_OF_ORDER', (e) => {
    assert.match(e.message, /\(005_e\)/)
    assert.match(e.next ?? '', /after 005/)
  })
})

test('planUp: an edited applied file is refused, naming the file and the way out', () => {
  throwsCode(() => planUp(entries(five, ['001_a!', '002_b']), {}), 'CHECKSUM_MISMATCH', (e) => {
    assert.match(e.message, /^Applied migration was edited after being applied:\n {2}migrations\/001_a\.up\.sql$/)
    assert.deepEqual(e.files, ['migrations/001_a.up.sql'])
    assert.match(e.next ?? '', /Restore the file from version control/)
    assert.match(e.next ?? '', /tinymigrate new <name>/)
    assert.match(e.next ?? '', /tinymigrate repair --checksums/)
  })
})

test('planUp: several edited files are all named, plural', () => {
  throwsCode(() => planUp(entries(five, ['001_a!', '002_b', '003_c!']), { count: 1 }), 'CHECKSUM_MISMATCH', (e) => {
    assert.match(e.message, /^Applied migrations were edited after being applied:\n {2}migrations\/001_a\.up\.sql\n {2}migrations\/003_c\.up\.sql$/)
    assert.deepEqual(e.files, ['migrations/001_a.up.sql', 'migrations/003_c.up.sql'])
  })
})

test('planUp: a failed no-transaction migration is refused, with both ways to repair it', () => {
  const list = inspect(five.map(file), [row('001_a'), row('002_b?', 'canceling statement due to statement timeout')])
  throwsCode(() => planUp(list, {}), 'PARTIAL_MIGRATION', (e) => {
    assert.match(e.message, /^002_b did not finish: it ran outside a transaction and stopped part-way \(canceling statement due to statement timeout\)\.$/)
    assert.deepEqual(e.files, ['migrations/002_b.up.sql'])
    assert.match(e.next ?? '', /tinymigrate repair 002 --applied/)
    assert.match(e.next ?? '', /tinymigrate repair 002 --rolled-back/)
  })
})

test('planUp: a failed row is reported before an edited file', () => {
  throwsCode(() => planUp(entries(five, ['001_a!', '002_b?']), {}), 'PARTIAL_MIGRATION', (e) => {
    assert.doesNotMatch(e.message, /\(/, 'no note, no parentheses')
  })
})

test('planUp: a failed row whose file is gone is still refused', () => {
  throwsCode(() => planUp(entries(['001_a'], ['001_a', '002_b?']), {}), 'PARTIAL_MIGRATION', (e) => {
    assert.match(e.message, /^002_b did not finish/)
  })
})

const badUpTargets: [string, string, ErrorCode, RegExp][] = [
  ['unknown version', '9', 'UNKNOWN_VERSION', /^No migration has version 9\.$/],
  ['unknown, padded', '0009', 'UNKNOWN_VERSION', /^No migration has version 0009\.$/],
  ['a word', 'head', 'USAGE', /^"head" is not a version: versions are digits/],
  ['a negative number', '-1', 'USAGE', /^"-1" is not a version/],
  ['a decimal', '1.5', 'USAGE', /^"1\.5" is not a version/],
  ['a space', ' 1', 'USAGE', /^" 1" is not a version/],
  ['empty', '', 'USAGE', /^"" is not a version/],
]

for (const [title, to, code, message] of badUpTargets) {
  test(`planUp: --to ${title} is ${code}`, () => {
    throwsCode(() => planUp(entries(five, ['001_a']), { to }), code, (e) => {
      assert.match(e.message, message)
      assert.match(e.next ?? '', /tinymigrate status/)
    })
  })
}

test('planUp: a negative count is a usage error, not "all but the last"', () => {
  throwsCode(() => planUp(entries(five, []), { count: -1 }), 'USAGE')
})

// --- planDown ------------------------------------------------------------------------------------

const three = ['001_a', '002_b', '003_c']

const downs: [string, string[], string[], DownRequest, string[]][] = [
  ['nothing applied', three, [], {}, []],
  ['default: the newest one', three, three, {}, ['003']],
  ['count 1', three, three, { count: 1 }, ['003']],
  ['count 2, newest first', three, three, { count: 2 }, ['003', '002']],
  ['count beyond the applied ones', three, three, { count: 10 }, ['003', '002', '001']],
  ['all, newest first', three, three, { all: true }, ['003', '002', '001']],
  ['all with nothing applied', three, [], { all: true }, []],
  ['to: everything after it', three, three, { to: '001' }, ['003', '002']],
  ['to, other spelling', three, three, { to: '1' }, ['003', '002']],
  ['to the newest: nothing', three, three, { to: '003' }, []],
  ['to a pending version: nothing', three, ['001_a'], { to: '003' }, []],
  ['pending files are not reverted', [...three, '004_d'], ['001_a', '002_b'], { all: true }, ['002', '001']],
  ['an applied row without a file is reverted (from history)', ['001_a', '002_b'], three, {}, ['003']],
  ['numeric order 9, 10, 100', ['9_a', '10_b', '100_c'], ['9_a', '10_b', '100_c'], { all: true }, ['100', '10', '9']],
  ['to with numeric order', ['9_a', '10_b', '100_c'], ['9_a', '10_b', '100_c'], { to: '9' }, ['100', '10']],
]

for (const [title, files, rows, request, expected] of downs) {
  test(`planDown: ${title}`, () => {
    const todo = planDown(entries(files, rows), request)
    assert.deepEqual(versions(todo), expected)
    for (const e of todo) assert.ok(e.row, `${e.version} has a history row`)
  })
}

const downRefusals: [string, string[], DownRequest, ErrorCode][] = [
  ['a failed row', ['001_a', '002_b', '003_c?'], {}, 'PARTIAL_MIGRATION'],
  ['an edited applied file', ['001_a!', '002_b', '003_c'], {}, 'CHECKSUM_MISMATCH'],
  ['an edited applied file, even with --all', ['001_a', '002_b!', '003_c'], { all: true }, 'CHECKSUM_MISMATCH'],
  ['an unknown --to', ['001_a', '002_b', '003_c'], { to: '7' }, 'UNKNOWN_VERSION'],
  ['--to base (the CLI turns base into --all)', ['001_a', '002_b', '003_c'], { to: 'base' }, 'USAGE'],
  ['--to -1', ['001_a', '002_b', '003_c'], { to: '-1' }, 'USAGE'],
]

for (const [title, rows, request, code] of downRefusals) {
  test(`planDown: refused on ${title} (${code})`, () => {
    throwsCode(() => planDown(entries(three, rows), request), code, (e) => {
      assert.ok(e.next, 'says what to do next')
    })
  })
}

test('planDown: a negative count is a usage error, not "all but the oldest"', () => {
  throwsCode(() => planDown(entries(three, three), { count: -1 }), 'USAGE')
})

// --- planStamp -----------------------------------------------------------------------------------

const stamps: [string, string[], string[], string, string[], string[]][] = [
  ['head on an empty history', three, [], 'head', ['001', '002', '003'], []],
  ['head records what is pending', three, ['001_a'], 'head', ['002', '003'], []],
  ['head with everything applied: nothing', three, three, 'head', [], []],
  ['head records out-of-order files too', three, ['001_a', '003_c'], 'head', ['002'], []],
  ['head keeps rows whose file is gone', ['001_a'], ['001_a', '002_b'], 'head', [], []],
  ['head ignores edited files', three, ['001_a!'], 'head', ['002', '003'], []],
  ['base forgets everything', three, three, 'base', [], ['001', '002', '003']],
  ['base forgets rows without files too', ['001_a'], ['001_a', '002_b'], 'base', [], ['001', '002']],
  ['base on an empty history: nothing', three, [], 'base', [], []],
  ['a version records up to it', three, [], '002', ['001', '002'], []],
  ['a version, other spelling', three, [], '2', ['001', '002'], []],
  ['a version forgets after it', three, three, '001', [], ['002', '003']],
  ['a version, both ways', [...three, '004_d'], ['001_a', '003_c', '004_d'], '002', ['002'], ['003', '004']],
  ['the version of a row whose file is gone', ['001_a'], ['001_a', '002_b', '003_c'], '002', [], ['003']],
]

for (const [title, files, rows, target, record, forget] of stamps) {
  test(`planStamp: ${title}`, () => {
    const plan = planStamp(entries(files, rows), target)
    assert.deepEqual(versions(plan.record), record)
    // the order of forgetting does not matter: all go in one transaction
    assert.deepEqual(versions(plan.forget).sort(), forget)
  })
}

test('planStamp: a failed row is recorded as finished by head and by a version at or past it', () => {
  const list = entries(three, ['001_a', '002_b?'])
  assert.deepEqual(versions(planStamp(list, 'head').record), ['002', '003'])
  assert.deepEqual(versions(planStamp(list, '002').record), ['002'])
  assert.deepEqual(planStamp(list, '002').forget, [])
})

test('planStamp: a failed row past the target, or with base, is forgotten', () => {
  const list = entries(three, ['001_a', '002_b?'])
  assert.deepEqual(versions(planStamp(list, '001').forget), ['002'])
  assert.deepEqual(versions(planStamp(list, 'base').forget).sort(), ['001', '002'])
})

test('planStamp: a failed row whose file is gone cannot be recorded, only kept or forgotten', () => {
  const list = entries(['001_a'], ['001_a', '002_b?'])
  assert.deepEqual(planStamp(list, 'head'), { record: [], forget: [] })
})

test('planStamp: records return files, forgets return entries', () => {
  const plan = planStamp(entries(three, ['001_a', '002_b']), '001')
  const f: Entry = plan.forget[0]!
  assert.equal(f.row?.version, '002')
  const again = planStamp(entries(three, []), '001')
  assert.equal(again.record[0]!.up.path, 'migrations/001_a.up.sql')
})

const badStamps: [string, string, ErrorCode, RegExp][] = [
  ['unknown version', '9', 'UNKNOWN_VERSION', /^No migration has version 9\.$/],
  ['HEAD in capitals', 'HEAD', 'USAGE', /^"HEAD" is not a version/],
  ['a word', 'latest', 'USAGE', /^"latest" is not a version/],
  ['a negative number', '-1', 'USAGE', /^"-1" is not a version/],
]

for (const [title, target, code, message] of badStamps) {
  test(`planStamp: ${title} is ${code}`, () => {
    throwsCode(() => planStamp(entries(three, ['001_a']), target), code, (e) => {
      assert.match(e.message, message)
      assert.match(e.next ?? '', /tinymigrate status/)
    })
  })
}

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { splitStatements, locate, lineOf, hasNoTransactionMarker, caret } from '../src/sqltext.js'

// each case: input, then the statement texts expected
const splits: [string, string, string[]][] = [
  ['two statements', 'select 1; select 2', ['select 1', 'select 2']],
  ['; in a string', "insert into t values ('a;b'); select 2", ["insert into t values ('a;b')", 'select 2']],
  ["'' escape", "select 'it''s; fine'; select 2", ["select 'it''s; fine'", 'select 2']],
  ['backslash is plain in a standard string', "select 'a\\'; select 2", ["select 'a\\'", 'select 2']],
  ['; in an identifier, "" escape', 'select 1 as "a;""b"; select 2', ['select 1 as "a;""b"', 'select 2']],
  ['; in a line comment', 'select 1 -- not; here\n; select 2', ['select 1 -- not; here', 'select 2']],
  ['; in a block comment', 'select /* ; */ 1; select 2', ['select /* ; */ 1', 'select 2']],
  ['nested block comments', 'select /* a /* b; */ still; */ 1; select 2', ['select /* a /* b; */ still; */ 1', 'select 2']],
  ['/* inside a string', "select '/*'; select 2", ["select '/*'", 'select 2']],
  ['-- inside a string', "select '--'; select 2", ["select '--'", 'select 2']],
  ["' inside a comment", "select 1 /* it's */; select 2 -- don't\n", ['select 1 /* it\'s */', "select 2 -- don't"]],
  ['E string with \\\'', "select E'it\\'s; ok'; select 2", ["select E'it\\'s; ok'", 'select 2']],
  ['e string with \\\\ before the quote', "select e'\\\\'; select 2", ["select e'\\\\'", 'select 2']],
  ["E string with '' then \\'", "select E'a''\\'; b'; select 2", ["select E'a''\\'; b'", 'select 2']],
  ['a word ending in e is no E prefix', "select one'\\'; select 2", ["select one'\\'", 'select 2']],
  [
    '$$ body',
    'create function f() returns int language sql as $$ select 1; $$; select 2',
    ['create function f() returns int language sql as $$ select 1; $$', 'select 2'],
  ],
  [
    'custom tag holding $$',
    'do $migration$ begin perform 1; raise notice $$;$$; end $migration$; select 2',
    ['do $migration$ begin perform 1; raise notice $$;$$; end $migration$', 'select 2'],
  ],
  ['tags are case-sensitive', 'select $A$ ; $a$ ; $A$; select 2', ['select $A$ ; $a$ ; $A$', 'select 2']],
  ['a longer tag ending in the tag does not close', 'select $a$ $ba$ ; $a$; select 2', ['select $a$ $ba$ ; $a$', 'select 2']],
  ['non-ascii tags', 'select $é$;$é$, $🎉$;$🎉$; select 2', ['select $é$;$é$, $🎉$;$🎉$', 'select 2']],
  ['$1 is a parameter', 'prepare p as select $1 || $2; execute p(1, 2)', ['prepare p as select $1 || $2', 'execute p(1, 2)']],
  ['$ inside a word is no quote', 'select a$b$ ; select 2', ['select a$b$', 'select 2']],
  ['non-ascii text', "select '🎉;' as café; select 'é'", ["select '🎉;' as café", "select 'é'"]],
  ['crlf', 'select 1;\r\nselect 2\r\n;\r\n', ['select 1', 'select 2']],
  ['last statement without ;', 'select 1;\nselect 2\n', ['select 1', 'select 2']],
  ['leading comments are not part of the text', '-- header\n/* doc */ select 1; -- c\nselect 2', ['select 1', 'select 2']],
  ['inner comments kept, trailing space trimmed', 'select 1 /* keep */ \n\t;', ['select 1 /* keep */']],
  ['trailing comment after the last ;', 'select 1; -- the end\n/* really */\n', ['select 1']],
  ['empty input', '', []],
  ['whitespace only', ' \r\n\t\f', []],
  ['empty statements', ';; ;\n;', []],
  ['comments only', '-- a\n/* b /* c */ */\n-- d', []],
  ['nbsp is a letter to the server, not space', '\u00a0;', ['\u00a0']],
  [
    '; inside parentheses, like psql',
    'create rule r as on insert to t do also (insert into a values (1); insert into b values (2)); select 2',
    ['create rule r as on insert to t do also (insert into a values (1); insert into b values (2))', 'select 2'],
  ],
  [
    'begin atomic body',
    'create function f() returns int language sql begin atomic select 1; select 2; end; select 3',
    ['create function f() returns int language sql begin atomic select 1; select 2; end', 'select 3'],
  ],
  [
    'begin atomic with case … end inside',
    'CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC select case when true then 1 end; END; select 3',
    ['CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC select case when true then 1 end; END', 'select 3'],
  ],
  ['plain begin/end are statements of their own', 'begin; select 1; end;', ['begin', 'select 1', 'end']],
]

for (const [name, sql, texts] of splits) {
  test(`splitStatements: ${name}`, () => {
    const result = splitStatements(sql)
    assert.deepEqual(result.statements.map((s) => s.text), texts)
    assert.equal(result.unterminated, undefined)
    // start always points at the text inside the source
    for (const s of result.statements) assert.equal(sql.slice(s.start, s.start + s.text.length), s.text)
  })
}

test('splitStatements: starts are code-unit indexes past comments, bom and crlf', () => {
  assert.deepEqual(splitStatements('\ufeffselect 1;\r\n-- c\r\n/* 🎉 */ select 2').statements, [
    { text: 'select 1', start: 1 },
    { text: 'select 2', start: 27 },
  ])
})

const unterminated: [string, string, string[], 'string' | 'identifier' | 'dollar' | 'comment', number][] = [
  ['string', "select 1; select 'abc;", ['select 1', "select 'abc;"], 'string', 17],
  ['E string ended by \\\'', "select E'abc\\'", ["select E'abc\\'"], 'string', 7],
  ['identifier', 'select "abc', ['select "abc'], 'identifier', 7],
  ['$$', 'select $$abc;', ['select $$abc;'], 'dollar', 7],
  ['tag closed with the wrong case', 'select $t$abc $T$', ['select $t$abc $T$'], 'dollar', 7],
  ['nested comment closed once', 'select 1 /* a /* b */', ['select 1 /* a /* b */'], 'comment', 9],
  ['comment after the last statement', 'select 1; /* open', ['select 1'], 'comment', 10],
]

for (const [name, sql, texts, kind, start] of unterminated) {
  test(`splitStatements: unterminated ${name}`, () => {
    const result = splitStatements(sql)
    assert.deepEqual(result.statements.map((s) => s.text), texts)
    assert.deepEqual(result.unterminated, { kind, start })
  })
}

// the first six positions were returned by a postgresql 15 server (utf8) for these very texts,
// sent whole as one simple query
const locations: [string, string, number, number, { line: number; column: number; excerpt: string }][] = [
  ['ascii', 'select 1;\nselect nope from x;', 28, 0, { line: 2, column: 18, excerpt: 'select nope from x;' }],
  [
    'crlf and emoji on earlier lines',
    "select '😀😀';\r\nselect '🎉' ,\r\n  nope from x;",
    41,
    0,
    { line: 3, column: 13, excerpt: '  nope from x;' },
  ],
  ['emoji earlier on the same line', "select '😀' fromm x where;", 18, 0, { line: 1, column: 18, excerpt: "select '😀' fromm x where;" }],
  [
    'emoji on the line and in a comment',
    "create temp table t(a int);\r\n-- 😀 comment\r\ninsert into t values ('😀', 1);",
    71,
    0,
    { line: 3, column: 28, excerpt: "insert into t values ('😀', 1);" },
  ],
  ['lone cr', 'select 1;\rselect nope;', 18, 0, { line: 2, column: 8, excerpt: 'select nope;' }],
  ['end of input is one past the last character', 'select (\n', 10, 0, { line: 2, column: 1, excerpt: '' }],
  ['base: only the third statement was sent', 'select 1;\nselect 2;\nselect nope;\n', 8, 20, { line: 3, column: 8, excerpt: 'select nope;' }],
  ['base after an emoji', "select '🎉';\r\nselect nope;", 8, 14, { line: 2, column: 8, excerpt: 'select nope;' }],
  ['base mid-line', "select '🎉'; select nope;", 8, 13, { line: 1, column: 20, excerpt: "select '🎉'; select nope;" }],
  ['on the cr of crlf', 'ab\r\ncd', 3, 0, { line: 1, column: 3, excerpt: 'ab' }],
  ['on the lf of crlf', 'ab\r\ncd', 4, 0, { line: 1, column: 3, excerpt: 'ab' }],
  ['just after crlf', 'ab\r\ncd', 5, 0, { line: 2, column: 1, excerpt: 'cd' }],
  ['past the end clamps', 'select 1', 999, 0, { line: 1, column: 9, excerpt: 'select 1' }],
  ['past the end with a base', 'x;\nselect 1', 999, 3, { line: 2, column: 9, excerpt: 'select 1' }],
  ['position 0 is read as 1', 'select 1', 0, 0, { line: 1, column: 1, excerpt: 'select 1' }],
  ['NaN is read as 1', 'a\nb', NaN, 2, { line: 2, column: 1, excerpt: 'b' }],
]

for (const [name, source, position, base, expected] of locations) {
  test(`locate: ${name}`, () => {
    assert.deepEqual(locate(source, position, base), expected)
  })
}

test('locate: base defaults to 0', () => {
  assert.deepEqual(locate('a\nbc', 4), { line: 2, column: 2, excerpt: 'bc' })
})

test('lineOf: crlf, lone cr and lone lf each end a line', () => {
  const source = 'a\r\nb\rc\nd'
  const lines = [-5, 0, 1, 2, 3, 4, 5, 6, 7, 8, 100].map((i) => lineOf(source, i))
  assert.deepEqual(lines, [1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 4])
})

const markers: [string, boolean][] = [
  ['-- tinymigrate:no-transaction\ncreate index concurrently i on t (a);', true],
  ['-- TinyMigrate:No-Transaction \t\r\nselect 1', true],
  ['\ufeff-- tinymigrate:no-transaction\rselect 1', true],
  ['-- tinymigrate:no-transaction', true],
  [' -- tinymigrate:no-transaction\n', false],
  ['\n-- tinymigrate:no-transaction\n', false],
  ['--tinymigrate:no-transaction\n', false],
  ['-- tinymigrate:no-transactions\n', false],
  ['-- tinymigrate:no-transaction please\n', false],
  ['select 1;\n-- tinymigrate:no-transaction\n', false],
  ['/* -- tinymigrate:no-transaction */\n', false],
  ['', false],
]

for (const [sql, expected] of markers) {
  test(`hasNoTransactionMarker: ${JSON.stringify(sql)}`, () => {
    assert.equal(hasNoTransactionMarker(sql), expected)
  })
}

const carets: [string, { line: number; column: number; excerpt: string }, string][] = [
  [
    'the documented example',
    { line: 2, column: 30, excerpt: "alter table shops add check (phon <> '');" },
    "  2 | alter table shops add check (phon <> '');\n    |                              ^",
  ],
  ['gutter follows the digits', { line: 10, column: 1, excerpt: 'x' }, '  10 | x\n     | ^'],
  ['tabs are repeated', { line: 3, column: 4, excerpt: '\t\tx nope' }, '  3 | \t\tx nope\n    | \t\t ^'],
  ['an astral character is one cell', { line: 1, column: 3, excerpt: '🎉 x' }, '  1 | 🎉 x\n    |   ^'],
  ['past the end of the line', { line: 1, column: 5, excerpt: 'ab' }, '  1 | ab\n    |     ^'],
]

for (const [name, loc, expected] of carets) {
  test(`caret: ${name}`, () => {
    assert.equal(caret(loc), expected)
  })
}

test('caret of locate, end to end', () => {
  const source = "create table shops (id int);\r\n\talter table shops add check (phon <> '');\r\n"
  // the server counts the cr and lf of line 1 as two characters
  const loc = locate(source, 30 + 1 + 29 + 1)
  const excerpt = "\talter table shops add check (phon <> '');"
  assert.deepEqual(loc, { line: 2, column: 31, excerpt })
  assert.equal(caret(loc), `  2 | ${excerpt}\n    | \t${' '.repeat(29)}^`)
})

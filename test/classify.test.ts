// The one classifier of driver and server errors, fed literal errors.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { classify, errorCode, isConnectionGone, isServerError, locateIn } from '../src/classify.js'
import { TinymigrateError } from '../src/errors.js'

const doing = { what: 'while reading or writing the history table public.h', permission: 'Grant it.', otherwise: 'Check it.' }

test('a missing privilege is PERMISSION_DENIED, with what was being done and what to do', () => {
  const e = classify({ code: '42501', message: 'permission denied for table h', severity: 'ERROR' }, doing)
  assert.ok(e instanceof TinymigrateError)
  assert.equal(e.code, 'PERMISSION_DENIED')
  assert.equal(e.message, 'permission denied for table h (while reading or writing the history table public.h).')
  assert.equal(e.next, 'Grant it.')
  assert.equal(e.sqlState, '42501')
})

test('another server error is DATABASE_ERROR only where the caller says what to do next', () => {
  const server = { code: '42P01', message: 'relation "h" does not exist', severity: 'ERROR' }
  const e = classify(server, doing)
  assert.ok(e instanceof TinymigrateError)
  assert.equal(e.code, 'DATABASE_ERROR')
  assert.equal(e.sqlState, '42P01')
  assert.equal(e.next, 'Check it.')
  assert.equal(classify(server, { what: 'x', permission: 'y' }), server)
})

test('a session the driver lost is CONNECTION_LOST; a TinymigrateError and anything else pass through', () => {
  for (const code of ['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE']) {
    const e = classify(Object.assign(new Error('gone'), { code }), doing)
    assert.ok(e instanceof TinymigrateError && e.code === 'CONNECTION_LOST', code)
  }
  const own = new TinymigrateError('LOCK_TIMEOUT', 'x', { next: 'y' })
  assert.equal(classify(own, doing), own)
  const bug = new TypeError('undefined is not a function')
  assert.equal(classify(bug, doing), bug)
})

test('error codes: SQLSTATEs, driver codes, and nothing from what has none', () => {
  assert.equal(errorCode({ code: '57P01' }), '57P01')
  assert.equal(errorCode({ code: 7 }), '')
  assert.equal(errorCode(null), '')
  assert.equal(errorCode('text'), '')
  assert.ok(isConnectionGone({ code: '57P01' }), 'an administrator ending the session')
  assert.ok(!isConnectionGone({ code: '57014' }), 'a cancelled statement leaves the session')
  assert.ok(isServerError({ code: '23505', severity: 'ERROR' }))
  assert.ok(!isServerError({ code: 'ECONNRESET' }))
})

test('a server position is a line and column of the file, counted in code points, CRLF as one break', () => {
  const text = 'select 1;\r\nselect "😀", nope;\r\n'
  // The statement starts after "select 1;\r\n" (11 UTF-16 units); "nope" is its 14th code point.
  const at = locateIn({ path: 'm/001_a.up.sql', text }, 14, 11)
  assert.deepEqual(at, { file: 'm/001_a.up.sql', line: 2, column: 14, excerpt: 'select "😀", nope;' })
})

test('in a section of a dbmate file, lines count from the line the section starts on', () => {
  const section = 'alter table t add column x nope;\n'
  const at = locateIn({ path: 'db/migrations/1_a.sql', text: section, section: { line: 7 } }, 29)
  assert.equal(at.line, 7)
  assert.equal(at.column, 29)
})

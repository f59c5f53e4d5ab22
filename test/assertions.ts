// Shared assertion helpers: each checks how a call fails and hands back the error.
import assert from 'node:assert/strict'
import { TinymigrateError, type ErrorCode } from '../src/errors.js'

/** The error a promise rejects with; fails the test when it resolves instead */
export async function rejection(promise: Promise<unknown>): Promise<TinymigrateError> {
  try {
    await promise
  } catch (error) {
    return error as TinymigrateError
  }
  assert.fail('expected the call to fail')
}

/** Assert that `fn` throws a TinymigrateError with `code`, then run the extra checks on it. */
export function throwsCode(fn: () => unknown, code: ErrorCode, check: (e: TinymigrateError) => void = () => {}): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TinymigrateError, `expected a TinymigrateError, got ${String(e)}`)
    assert.equal(e.code, code, e.message)
    check(e)
    return true
  })
}

// The one writer of new migration files: all or none, never over an existing file.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { writeNewFiles } from '../src/writer.js'
import { TinymigrateError } from '../src/errors.js'
import { tempDir } from './helpers.js'

test('writes every file, creating the folder, and undo removes them', async (t) => {
  const dir = join(await tempDir(t, 'tm-writer-'), 'migrations')
  const files = [{ path: join(dir, '001_a.up.sql'), text: 'create table a ();\n' }, { path: join(dir, '001_a.down.sql'), text: 'drop table a;\n' }]
  const { undo } = writeNewFiles(files)
  assert.equal(readFileSync(files[0]!.path, 'utf8'), 'create table a ();\n')
  assert.equal(readFileSync(files[1]!.path, 'utf8'), 'drop table a;\n')
  undo()
  assert.ok(!existsSync(files[0]!.path) && !existsSync(files[1]!.path))
})

test('a file that exists: FILE_EXISTS naming it, nothing written, nothing overwritten', async (t) => {
  const dir = await tempDir(t, 'tm-writer-')
  mkdirSync(dir, { recursive: true })
  const down = join(dir, '002_b.down.sql')
  writeFileSync(down, 'mine\n')
  const up = join(dir, '002_b.up.sql')
  assert.throws(() => writeNewFiles([{ path: up, text: 'x' }, { path: down, text: 'y' }], 'Move it away.'), (e: unknown) => {
    assert.ok(e instanceof TinymigrateError)
    assert.equal(e.code, 'FILE_EXISTS')
    assert.deepEqual(e.files, [down])
    assert.equal(e.next, 'Move it away.')
    return true
  })
  assert.ok(!existsSync(up), 'the first file is not written either')
  assert.equal(readFileSync(down, 'utf8'), 'mine\n')
})

// The one place new migration files are written: all of them or none, never over a file that
// exists (a version can be taken by a file written a moment ago by someone else).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { TinymigrateError } from './errors.js'

export interface NewFile {
  path: string
  text: string
}

/**
 * Writes each file, creating its folder; FILE_EXISTS (nothing written) when one is there already.
 * Returns `undo`, which removes what was written: for a caller whose next step fails.
 */
export function writeNewFiles(files: NewFile[], next = 'Pick another name.'): { undo: () => void } {
  for (const f of files) {
    if (existsSync(f.path)) throw exists(f.path, next)
  }
  const written: string[] = []
  const undo = () => { for (const path of written) rmSync(path, { force: true }) }
  try {
    for (const f of files) {
      mkdirSync(dirname(f.path), { recursive: true })
      writeFileSync(f.path, f.text, { flag: 'wx' })
      written.push(f.path)
    }
  } catch (error) {
    undo()
    throw (error as { code?: string }).code === 'EEXIST' ? exists(files[written.length]!.path, next) : error
  }
  return { undo }
}

function exists(path: string, next: string): TinymigrateError {
  return new TinymigrateError('FILE_EXISTS', `${path} already exists.`, { files: [path], next })
}

// The lock file of an on-disk PGlite data directory: PGlite is one process's, so a second run
// against the same directory waits for the first.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { TinymigrateError } from '../errors.js'
import { sleep, throwIfAborted } from '../sleep.js'

/**
 * One process at a time per data directory. The lock file holds the owner's pid, so a lock left
 * by a process that died is taken over instead of blocking forever.
 */
export async function lockDirectory(dir: string, timeout: number, signal: AbortSignal | undefined, onWait: ((owner: number | undefined) => void) | undefined): Promise<() => void> {
  let announced = false
  const file = `${dir}.lock`
  mkdirSync(dirname(file), { recursive: true })
  const deadline = Date.now() + timeout * 1000
  for (;;) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error
    }
    const owner = Number(readFileSync(file, 'utf8').trim() || '0')
    if (!alive(owner)) {
      rmSync(file, { force: true })
      continue
    }
    if (!announced) {
      onWait?.(owner)
      announced = true
    }
    if (Date.now() >= deadline) {
      throw new TinymigrateError('LOCK_TIMEOUT', `Process ${owner} still has the embedded database ${dir} open after ${timeout}s.`, {
        next: `Wait for it to finish, or stop process ${owner}.`,
      })
    }
    await sleep(100, signal)
    throwIfAborted(signal, 'waiting for the embedded database')
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'
  }
}

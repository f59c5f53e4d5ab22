import { TinymigrateError } from './errors.js'

/** Wait `ms`, or less if `signal` aborts: a Ctrl-C must not sit out a retry delay. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

export function throwIfAborted(signal: AbortSignal | undefined, while_: string): void {
  if (signal?.aborted) {
    throw new TinymigrateError('INTERRUPTED', `Interrupted while ${while_}.`, { next: 'Nothing was changed. Run the command again.' })
  }
}

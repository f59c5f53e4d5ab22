// Runs one command on many targets: N at a time, an optional canary stage, no new target after
// the first failure unless told to go on, and an abort that stops starting targets and reaches
// the running ones (each cancels its migration as a single run does). Each target's run is an
// ordinary run with its own connection, history table and lock: the fleet only coordinates.
import { TinymigrateError } from '../errors.js'
import type { Target } from './targets.js'

export interface FleetControl {
  /** Targets run at the same time (default 4). */
  parallel?: number
  /** The first N targets run first, on their own; a failure among them stops the fleet. */
  canary?: number
  /** Start every target even after one failed (default: no new target after a failure). */
  continueOnError?: boolean
  signal?: AbortSignal
  /** Called as each target finishes (or is left out). */
  onTarget?: (outcome: Outcome<unknown>) => void
}

export interface Outcome<T> {
  target: Target
  /** False when the fleet stopped before this target started (after a failure, or Ctrl-C). */
  started: boolean
  ok: boolean
  result?: T
  error?: unknown
  durationMs: number
}

export const DEFAULT_PARALLEL = 4

/**
 * `run` is one target's run; it fails by throwing (or by a result `failed` says is a failure).
 * Outcomes come back in the targets' order.
 */
export async function runFleet<T>(
  targets: Target[],
  control: FleetControl,
  run: (target: Target, signal: AbortSignal | undefined) => Promise<T>,
  failed: (result: T) => boolean = () => false,
): Promise<Outcome<T>[]> {
  const parallel = control.parallel ?? DEFAULT_PARALLEL
  if (!Number.isInteger(parallel) || parallel < 1) throw new TinymigrateError('USAGE', `The parallel count must be a whole number of at least 1, not ${parallel}.`)
  const outcomes: (Outcome<T> | undefined)[] = targets.map(() => undefined)
  let stop = false
  const one = async (i: number) => {
    const target = targets[i]!
    const started = performance.now()
    let outcome: Outcome<T>
    try {
      const result = await run(target, control.signal)
      outcome = { target, started: true, ok: !failed(result), result, durationMs: Math.round(performance.now() - started) }
    } catch (error) {
      outcome = { target, started: true, ok: false, error, durationMs: Math.round(performance.now() - started) }
    }
    outcomes[i] = outcome
    if (!outcome.ok && !control.continueOnError) stop = true
    control.onTarget?.(outcome as Outcome<unknown>)
  }
  const stage = async (from: number, to: number) => {
    let next = from
    const worker = async () => {
      while (next < to && !stop && !control.signal?.aborted) await one(next++)
    }
    await Promise.all(Array.from({ length: Math.min(parallel, to - from) }, worker))
  }
  const canary = Math.min(control.canary ?? 0, targets.length)
  if (canary > 0) {
    await stage(0, canary)
    // a canary that fails stops the fleet, even with continueOnError
    if (outcomes.slice(0, canary).some((o) => o && !o.ok)) stop = true
  }
  await stage(canary, targets.length)
  return outcomes.map((o, i) => {
    if (o) return o
    const left: Outcome<T> = { target: targets[i]!, started: false, ok: false, durationMs: 0 }
    control.onTarget?.(left as Outcome<unknown>)
    return left
  })
}

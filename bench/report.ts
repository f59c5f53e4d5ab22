// The benchmark's results as data, and its two renderings: a small text table and --json.

export interface Sample {
  /** Short name for the table: `tinymigrate up`, `node -e 0`, `psql -f script`. */
  label: string
  /** The exact command line, temp paths shortened to <tmp>. */
  command: string
  medianMs: number
  samplesMs: number[]
}

export type Result =
  | { kind: 'ratio'; workload: string; timed: Sample; baseline: Sample; ratio: number; target: number | null }
  | { kind: 'memory'; workload: string; command: string; method: string; medianMb: number; samplesMb: number[]; limitMb: number }
  /** A wall time under a limit, with baselines printed beside it. */
  | { kind: 'absolute'; workload: string; timed: Sample; baselines: Sample[]; limitMs: number }
  /** What a command takes beyond a baseline it includes (loading the schemas it compares). */
  | { kind: 'beyond'; workload: string; timed: Sample; baseline: Sample; beyondMs: number; limitMs: number | null }

export interface Environment {
  date: string
  cores: number
  cpu: string
  node: string
  postgres: string
  command: string
  runs: number
  /** Where the cluster's data dir and the generated files live. */
  scratch: string
  tmp: string
}

function ok(r: Result): boolean | null {
  if (r.kind === 'ratio') return r.target === null ? null : r.ratio <= r.target
  if (r.kind === 'memory') return r.medianMb < r.limitMb
  if (r.kind === 'absolute') return r.timed.medianMs < r.limitMs
  return r.limitMs === null ? null : r.beyondMs < r.limitMs
}

function ms(n: number): string {
  return `${n.toFixed(1)} ms`
}

function row(r: Result): string[] {
  const pass = ok(r)
  const verdict = pass === null ? '' : pass ? 'ok' : 'MISSED'
  switch (r.kind) {
    case 'ratio':
      return [r.workload, ms(r.timed.medianMs), `${ms(r.baseline.medianMs)} (${r.baseline.label})`, `${r.ratio.toFixed(2)}x`,
        r.target === null ? 'info' : `≤ ${r.target.toFixed(1)}x`, verdict]
    case 'memory':
      return [r.workload, `${r.medianMb.toFixed(1)} MB`, '', '', `< ${r.limitMb} MB`, verdict]
    case 'absolute':
      return [r.workload, ms(r.timed.medianMs), r.baselines.map((x) => `${ms(x.medianMs)} (${x.label})`).join(', '), '', `< ${ms(r.limitMs)}`, verdict]
    case 'beyond':
      return [r.workload, ms(r.timed.medianMs), `${ms(r.baseline.medianMs)} (${r.baseline.label})`, `+${ms(r.beyondMs)}`,
        r.limitMs === null ? 'info' : `< +${ms(r.limitMs)}`, verdict]
  }
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

export function renderText(env: Environment, results: Result[]): string {
  const head = [
    `date      ${env.date}`,
    `cores     ${env.cores} (${env.cpu})`,
    `postgres  ${env.postgres}`,
    `node      ${env.node}`,
    `command   ${env.command}`,
    `scratch   ${env.scratch} (cluster data dir and generated files)`,
    `runs      ${env.runs} per figure (median; whole-process wall time, spawn to exit), after one warm-up`,
  ]
  const body = table(['workload', 'timed (median)', 'baseline (median)', 'ratio / beyond', 'target', 'ok'], results.map(row))
  const commands = results.flatMap((r) => {
    if (r.kind === 'ratio' || r.kind === 'beyond') return [`${r.workload}:`, `  timed     ${r.timed.command}`, `  baseline  ${r.baseline.command}`]
    if (r.kind === 'absolute') return [`${r.workload}:`, `  timed     ${r.timed.command}`, ...r.baselines.map((x) => `  baseline  ${x.command}`)]
    return [`${r.workload}:`, `  measured  ${r.method}: ${r.command}`]
  })
  return [...head, '', body, '', `commands (<tmp> = ${env.tmp}, removed after the run):`, ...commands].join('\n') + '\n'
}

export function renderJson(env: Environment, results: Result[]): string {
  const round = (n: number) => Math.round(n * 100) / 100
  const sample = (s: Sample) => ({ ...s, medianMs: round(s.medianMs), samplesMs: s.samplesMs.map(round) })
  const doc = {
    ...env,
    results: results.map((r) => {
      switch (r.kind) {
        case 'ratio':
          return { workload: r.workload, timed: sample(r.timed), baseline: sample(r.baseline), ratio: round(r.ratio), target: r.target, ok: ok(r) }
        case 'memory':
          return { workload: r.workload, command: r.command, method: r.method, medianMb: round(r.medianMb), samplesMb: r.samplesMb.map(round), limitMb: r.limitMb, ok: ok(r) }
        case 'absolute':
          return { workload: r.workload, timed: sample(r.timed), baselines: r.baselines.map(sample), limitMs: r.limitMs, ok: ok(r) }
        case 'beyond':
          return { workload: r.workload, timed: sample(r.timed), baseline: sample(r.baseline), beyondMs: round(r.beyondMs), limitMs: r.limitMs, ok: ok(r) }
      }
    }),
  }
  return JSON.stringify(doc, null, 2) + '\n'
}

// Preloaded with `node --import` when /usr/bin/time is missing: writes the process's peak RSS
// (KiB) to BENCH_MAXRSS_FILE as it exits, so the benchmark can read it without a wrapper binary.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  const file = process.env.BENCH_MAXRSS_FILE
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS))
})

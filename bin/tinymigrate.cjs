#!/usr/bin/env node
'use strict'
// Starts the CLI: one bundled CommonJS file (dist/cli.cjs), so Node resolves one module instead
// of twenty and never starts its ES module loader for a command that needs none.
//
// V8's compiled code is kept between runs: compiling the bundle and the functions a command calls
// costs a no-op `up` about as much as its own work. Node 22.1 and later keep it themselves; on
// older Node the bundle is compiled here with V8's code cache, one file per command. The cache
// is kept in TINYMIGRATE_CACHE_DIR, else in node_modules/.cache/tinymigrate; when it cannot be
// written, nothing is cached and nothing else changes.
const fs = require('node:fs')
const Module = require('node:module')
const path = require('node:path')

const bundle = path.join(__dirname, '..', 'dist', 'cli.cjs')
const argv = process.argv.slice(2)

function cacheDir() {
  if (process.env.TINYMIGRATE_CACHE_DIR) return process.env.TINYMIGRATE_CACHE_DIR
  // Installed: <x>/node_modules/tinymigrate/bin; a checkout: <repo>/bin with <repo>/node_modules.
  const root = path.dirname(__dirname)
  const modules = path.basename(path.dirname(root)) === 'node_modules' ? path.dirname(root) : path.join(root, 'node_modules')
  return fs.existsSync(modules) ? path.join(modules, '.cache', 'tinymigrate') : undefined
}

function withCodeCache(dir) {
  const vm = require('node:vm')
  const { hash } = require('node:crypto')
  const source = fs.readFileSync(bundle, 'utf8')
  // V8 checks its own version and flags, and only the length of the source: the name has the rest.
  // One file per command: V8 reads a cache whole, and `up` should not read what `diff` compiled.
  const key = hash('sha256', `${process.version} ${process.arch}\n${source}`, 'hex').slice(0, 24)
  const command = argv.find((a) => /^[a-z][a-z-]{0,15}$/.test(a)) ?? 'none'
  const file = path.join(dir, `cli-${key}-${command}.v8cache`)
  // V8 does not check the data itself, and damaged data can crash it: the file starts with the
  // SHA-256 of the rest, and data that does not match it is not used.
  let cachedData
  try {
    const bytes = fs.readFileSync(file)
    const data = bytes.subarray(64)
    if (hash('sha256', data, 'hex') === bytes.toString('latin1', 0, 64)) cachedData = data
  } catch {}
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData })
  // Code compiled from a vm.Script has no import() of its own: the bundle imports through this.
  let flagsChanged = false
  globalThis[Symbol.for('tinymigrate.import')] = (specifier) => {
    // The embedded engine sets a V8 flag; a cache written after that would not match the next start.
    if (specifier === 'node:v8') flagsChanged = true
    return import(specifier)
  }
  process.on('exit', () => {
    // A cache that was used is kept as it is: making new data to compare costs more (10 to 20 ms)
    // than the functions it would add (an error path not taken before, say) save later.
    if (flagsChanged || (cachedData && !script.cachedDataRejected)) return
    try {
      const data = script.createCachedData()
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
      // Written whole and then renamed: a run starting meanwhile reads the old file or the new one.
      const temp = `${file}.${process.pid}.tmp`
      fs.writeFileSync(temp, Buffer.concat([Buffer.from(hash('sha256', data, 'hex'), 'latin1'), data]))
      fs.renameSync(temp, file)
      for (const old of fs.readdirSync(dir)) {
        // Files of another build or Node version.
        if (old.startsWith('cli-') && old.endsWith('.v8cache') && !old.startsWith(`cli-${key}-`)) fs.rmSync(path.join(dir, old), { force: true })
      }
    } catch {
      // A cache that cannot be written is only a slower start next time.
    }
  })
  const mod = { exports: {} }
  script.runInThisContext()(mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle))
  return mod.exports
}

const dir = cacheDir()
let cli
if (Module.enableCompileCache) {
  if (dir) Module.enableCompileCache(path.join(dir, 'node'))
  cli = require(bundle)
} else {
  cli = dir ? withCodeCache(dir) : require(bundle)
}
cli.start(argv)

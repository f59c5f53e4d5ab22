// The import graph of src/: no module may reach itself through its imports. A cycle makes the
// order in which modules start depend on which one is imported first, and a dynamic `import()`
// closes a cycle as surely as a static one: it is followed too. Type-only imports are erased at
// compile time and left out.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

// dist/test/imports.test.js → <repo>/src
const srcRoot = fileURLToPath(new URL('../../src', import.meta.url))

/** The relative specifiers a module loads when it runs: static, re-exported and dynamic. */
function importsOf(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause
      // `import type …`, and `import { type A, type B }` with nothing else: erased entirely.
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (!clause.name && clause.namedBindings !== undefined &&
        ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((e) => e.isTypeOnly)))
      if (!typeOnly) found.push(node.moduleSpecifier.text)
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) &&
        node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly))
      if (!typeOnly) found.push(node.moduleSpecifier.text)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      // `import('./x.js')` as an expression; `import('./x.js').T` in a type is an ImportTypeNode.
      const [arg] = node.arguments
      if (arg && ts.isStringLiteralLike(arg)) found.push(arg.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found.filter((s) => s.startsWith('./') || s.startsWith('../'))
}

/** Every .ts file under `dir`, relative to it, with '/' separators. */
function sources(dir: string, under = ''): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((e) => {
    const rel = under ? `${under}/${e.name}` : e.name
    if (e.isDirectory()) return sources(dir, rel)
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : []
  })
}

/** File → the files of src/ it imports (a `./x.js` specifier names `x.ts`). */
function importGraph(files: Record<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const [file, text] of Object.entries(files)) {
    const targets = importsOf(file, text)
      .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)).replace(/\.js$/, '.ts'))
      .filter((t) => t in files)
    graph.set(file, [...new Set(targets)].sort())
  }
  return graph
}

/** One cycle per edge that closes one, each as the path `a → b → … → a`. */
function cyclesOf(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const cycles: string[] = []
  const visit = (file: string): void => {
    state.set(file, 'open')
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '))
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file)
  return cycles
}

test('which imports count as edges', () => {
  const cases: [string, string[]][] = [
    ["import { a } from './a.js'", ['./a.js']],
    ["import a from '../a.js'", ['../a.js']],
    ["import * as a from './a.js'", ['./a.js']],
    ["import './a.js'", ['./a.js']],
    ["import { a, type B } from './a.js'", ['./a.js']],
    ["export { a } from './a.js'", ['./a.js']],
    ["export * from './a.js'", ['./a.js']],
    ["const { a } = await import('./a.js')", ['./a.js']],
    ["async function f() { return (await import('../x/a.js')).a }", ['../x/a.js']],
    // erased at compile time
    ["import type { A } from './a.js'", []],
    ["import { type A, type B } from './a.js'", []],
    ["export type { A } from './a.js'", []],
    ["export { type A } from './a.js'", []],
    ["let x: import('./a.js').A", []],
    ["function f(): Promise<import('./a.js').A> { return g() }", []],
    // not a module of src/
    ["import postgres from 'postgres'", []],
    ["import { readFileSync } from 'node:fs'", []],
    ["const m = await import('@electric-sql/pglite')", []],
    // text that only looks like an import
    ["// import { a } from './a.js'", []],
    ["const s = \"import('./a.js')\"", []],
  ]
  for (const [text, expected] of cases) assert.deepEqual(importsOf('x.ts', text), expected, text)
})

test('cycles are found, through directories and dynamic imports', () => {
  const graph = importGraph({
    'a.ts': "import { b } from './sub/b.js'",
    'sub/b.ts': "export async function b() { return (await import('../c.js')).c }",
    'c.ts': "import type { A } from './a.js'\nimport { a } from './a.js'",
    'd.ts': "import type { D } from './e.js'",
    'e.ts': "import { d } from './d.js'",
  })
  assert.deepEqual(graph.get('sub/b.ts'), ['c.ts'])
  assert.deepEqual(cyclesOf(graph), ['a.ts → sub/b.ts → c.ts → a.ts'])
})

test('src/ has no import cycle', () => {
  const files = Object.fromEntries(sources(srcRoot).map((f) => [f, readFileSync(path.join(srcRoot, f), 'utf8')]))
  const graph = importGraph(files)
  // The check reads the real tree: most modules import something.
  assert.ok(graph.size >= 10 && [...graph.values()].filter((t) => t.length > 0).length >= graph.size / 2, `${graph.size} modules read`)
  const cycles = cyclesOf(graph)
  assert.deepEqual(cycles, [], `import cycles in src/:\n  ${cycles.join('\n  ')}`)
})

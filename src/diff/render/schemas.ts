// Schemas, extensions and collations: created before everything, dropped after everything.
import { quoteIdent, quoteLiteral } from '../../ident.js'
import { key } from '../../catalog/model.js'
import type { Change } from '../compare.js'
import { grantsOn } from './grants.js'
import { comment, qi } from './sql.js'
import type { Context } from './step.js'

export function renderSchema(c: Change<'schema'>, { step }: Context) {
  if (c.action === 'create') {
    step(0, `CREATE SCHEMA ${quoteIdent(c.name)};`, [c.key])
    comment(step, 2, 'SCHEMA', quoteIdent(c.name), c.to.comment, c.key)
    grantsOn(step, 'SCHEMA', quoteIdent(c.name), [], c.to.grants, c.key)
  } else step(3, `DROP SCHEMA ${quoteIdent(c.name)};`, [c.key], { warnings: [`drops schema ${c.name}`] })
}

export function renderExtension(c: Change<'extension'>, { step }: Context) {
  if (c.action === 'create') {
    // The version is named only when it is not the one the server installs by default: a file
    // that names one fails on an engine that ships another (pgcrypto 1.3 here, 1.4 there).
    const version = c.to.version === c.to.defaultVersion ? '' : ` VERSION ${quoteLiteral(c.to.version)}`
    step(0, `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(c.name)} WITH SCHEMA ${quoteIdent(c.to.schema)}${version};`, [c.key], { needs: [key('schema', c.to.schema)] })
  } else if (c.action === 'drop') {
    step(3, `DROP EXTENSION ${quoteIdent(c.name)};`, [c.key], { warnings: [`drops extension ${c.name}`] })
  } else {
    if (c.from.schema !== c.to.schema) step(0, `ALTER EXTENSION ${quoteIdent(c.name)} SET SCHEMA ${quoteIdent(c.to.schema)};`, [c.key])
    if (c.from.version === c.to.version) return
    if (c.from.updates.includes(c.to.version)) {
      step(0, `ALTER EXTENSION ${quoteIdent(c.name)} UPDATE TO ${quoteLiteral(c.to.version)};`, [c.key])
    } else {
      // No update path (a downgrade, usually): the extension is dropped and created at that version.
      step(0, `DROP EXTENSION ${quoteIdent(c.name)};`, [], { warnings: [`${c.name} has no update path from ${c.from.version} to ${c.to.version}: it is dropped and created again, which fails while columns or indexes use it`] })
      step(0, `CREATE EXTENSION ${quoteIdent(c.name)} WITH SCHEMA ${quoteIdent(c.to.schema)} VERSION ${quoteLiteral(c.to.version)};`, [c.key])
    }
  }
}

export function renderCollation(c: Change<'collation'>, { step }: Context) {
  const name = qi((c.to ?? c.from).schema, (c.to ?? c.from).name)
  if (c.action !== 'create') step(c.action === 'drop' ? 3 : 1, `DROP COLLATION ${name};`, [c.key])
  if (c.action !== 'drop') {
    step(c.action === 'create' ? 0 : 2, `CREATE COLLATION ${name} (${c.to.options});`, [c.key])
    comment(step, 2, 'COLLATION', name, c.to.comment, c.key)
  }
}

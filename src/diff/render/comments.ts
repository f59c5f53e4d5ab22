// COMMENT ON an object that stays: set, changed or removed.
import { quoteIdent, quoteLiteral } from '../../ident.js'
import type { Change, CommentOn } from '../compare.js'
import { identityArgs, qi, quoteQualified } from './sql.js'
import type { Context } from './step.js'

export function renderComment(c: Change<'comment'>, { step }: Context) {
  const value = c.to === null ? 'NULL' : quoteLiteral(c.to)
  step(2, `COMMENT ON ${commentTarget(c.on, c.name)} IS ${value};`, [c.key])
}

/** What COMMENT ON names; `name` is the change's (`schema.name`, or a schema's name). */
function commentTarget(on: CommentOn, name: string): string {
  switch (on.kind) {
    case 'schema': return `SCHEMA ${quoteIdent(name)}`
    case 'collation': return `COLLATION ${quoteQualified(name)}`
    case 'sequence': return `SEQUENCE ${quoteQualified(name)}`
    case 'index': return `INDEX ${quoteQualified(name)}`
    case 'table': return `TABLE ${quoteQualified(name)}`
    case 'view': return `${on.object.kind === 'materialized view' ? 'MATERIALIZED VIEW' : 'VIEW'} ${quoteQualified(name)}`
    case 'type': return `${on.object.kind === 'domain' ? 'DOMAIN' : 'TYPE'} ${quoteQualified(name)}`
    case 'function': return `${on.object.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${qi(on.object.schema, on.object.name)}(${identityArgs(on.object)})`
    case 'column': return `COLUMN ${quoteQualified(on.table)}.${quoteIdent(on.object.name)}`
    case 'constraint': return `CONSTRAINT ${quoteIdent(on.object.name)} ON ${quoteQualified(on.table)}`
    case 'trigger': return `TRIGGER ${quoteIdent(on.object.name)} ON ${quoteQualified(on.table)}`
    case 'policy': return `POLICY ${quoteIdent(on.object.name)} ON ${quoteQualified(on.table)}`
    case 'domain constraint': return `CONSTRAINT ${quoteIdent(on.object.name)} ON DOMAIN ${qi(on.domain.schema, on.domain.name)}`
  }
}

/**
 * Every flag of the CLI: whether it takes a value, its short form, which ones every command
 * takes, and the help rows that several commands share. A flag means the same for every
 * command that takes it, so this is decided once; which commands take it, each command says.
 */

export const SAFETY_FLAGS = ['ddl-lock-timeout', 'lock-retries', 'statement-timeout']
export const SCHEMA_FLAGS = ['schema', 'shadow-url', 'prelude']

export const STRING_FLAGS = ['url', 'dir', 'table', 'wait', 'lock-timeout', 'lock-mode', 'to', 'message', 'from', 'from-table', 'targets', 'targets-query', 'schemas', 'schemas-query', 'parallel', 'canary', ...SAFETY_FLAGS, ...SCHEMA_FLAGS]
export const BOOLEAN_FLAGS = ['json', 'quiet', 'dry-run', 'all', 'allow-out-of-order', 'applied', 'rolled-back', 'checksums', 'help', 'version', 'from-db', 'autogenerate', 'write-unverified', 'strict', 'lint', 'skip-downs', 'continue-on-error']
export const GLOBAL_FLAGS = ['url', 'dir', 'table', 'wait', 'json', 'quiet', 'help', 'version']
export const SHORT: Record<string, string> = { h: 'help', v: 'version', m: 'message', q: 'quiet' }

export const CONNECTION = [
  '--url <url>            database URL (else DATABASE_URL, else DATABASE_URL in ./.env)',
  '--dir <path>           migrations directory (default: migrations)',
  '--table <name>         history table, name or schema.name (default: tinymigrate_history)',
  '--wait <seconds>       retry the first connection while the server starts (default: 0)',
  '--json                 print one JSON document on stdout',
  '--quiet                print only errors',
]
export const LOCKING = [
  '--lock-timeout <seconds>  wait this long for another runner (default: 300)',
  '--lock-mode <mode>     advisory (default), or lease behind a transaction-mode pooler such as PgBouncer',
]
export const SAFETY = [
  '--ddl-lock-timeout <s>  a migration waits at most this long for a table lock, then rolls back (default: 10; 0: no limit)',
  '--lock-retries <n>      try a migration stopped by --ddl-lock-timeout again n times (default: 2)',
  '--statement-timeout <s> a statement of a migration runs at most this long (default: 0, no limit)',
]
export const SCHEMA = [
  '--schema <path>        the schema file (default: <dir>/schema.sql)',
  '--shadow-url <url>     server for the scratch databases (default: the --url server; none: the embedded engine)',
  '--prelude <path>       SQL run on every scratch database first: roles, extensions, what existed before the first migration',
]

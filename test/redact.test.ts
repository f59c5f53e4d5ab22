// Redaction is pure text work: literals in, literals out. Each secret here is distinct, because
// redactUrl remembers the passwords it sees for the rest of the process.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { redact, redactUrl } from '../src/redact.js'

const cases: [string, string, string][] = [
  ['a userinfo password, then ": " and the reason',
    'Cannot connect to postgres://u:Ui-secret-1@h/db: connection refused',
    'Cannot connect to postgres://u:***@h/db: connection refused'],
  ['a query-string password, then ": " and the reason',
    'Cannot connect to postgres://u@h/db?password=Qs-secret-2: connection refused',
    'Cannot connect to postgres://u@h/db?password=***: connection refused'],
  ['a query-string password that is already *** (a redacted URL inside a message)',
    'Cannot connect to postgres://u@h/db?password=***: connection refused',
    'Cannot connect to postgres://u@h/db?password=***: connection refused'],
  ['sslpassword, then password, the last parameter followed by text',
    'postgres://u@h/db?sslmode=require&sslpassword=Ssl-secret-3&password=Qs-secret-4 was refused.',
    'postgres://u@h/db?sslmode=require&sslpassword=***&password=*** was refused.'],
  ['a URL-encoded value, then more parameters',
    'postgres://u@h/db?password=Qs%3Asecret%2F5&application_name=app: no',
    'postgres://u@h/db?password=***&application_name=app: no'],
  ['a value with ":" inside, at the end of a sentence',
    'Tried postgres://u@h/db?password=Qs:secret-6.',
    'Tried postgres://u@h/db?password=***.'],
  ['the last parameter at the very end', 'postgres://u@h/db?password=Qs-secret-7', 'postgres://u@h/db?password=***'],
  ['a fragment after the value', 'postgres://u@h/db?password=Qs-secret-8#x', 'postgres://u@h/db?password=***#x'],
  ['inside a JSON string', '{"message":"postgres://u@h/db?password=Qs-secret-9: refused","next":null}',
    '{"message":"postgres://u@h/db?password=***: refused","next":null}'],
  ['libpq keywords, quoted and not', "host=h password='a b c' dbname=x sslpassword=Kw-secret-10 port=5",
    'host=h password=*** dbname=x sslpassword=*** port=5'],
  ['PGPASSWORD in a command line', 'PGPASSWORD=Env-secret-11 psql -h h', 'PGPASSWORD=*** psql -h h'],
]

for (const [title, text, expected] of cases) {
  test(`redact: ${title}`, () => {
    assert.equal(redact(text), expected)
  })
}

test('redactUrl hides the query-string password and remembers it, so text outside the URL loses it whole', () => {
  assert.equal(redactUrl('postgres://u@h/db?password=Qs-secret-12%3A&sslpassword=Ssl-secret-13'), 'postgres://u@h/db?password=***&sslpassword=***')
  // the decoded password ends in ':', which the pattern alone would leave standing
  assert.equal(redact('the server said: Qs-secret-12: is wrong; Ssl-secret-13 too'), 'the server said: *** is wrong; *** too')
})

test('redactUrl hides the userinfo password and keeps the rest of the URL', () => {
  assert.equal(redactUrl('postgres://app:Ui%2Fsecret-14@db.example:5433/shop?sslmode=require'), 'postgres://app:***@db.example:5433/shop?sslmode=require')
  assert.equal(redact('password Ui/secret-14 was rejected'), 'password *** was rejected')
})

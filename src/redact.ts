/**
 * Passwords must never leave the process: every string the CLI prints passes through here.
 * A password is hidden wherever it appears in a URL, and a known password anywhere at all.
 */
// user:password@ in a URL; the password may hold '/' and ':' when it is not percent-encoded,
// so it runs to the last '@' before white space.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s]*)(@)/gi
// password=… in a query string or a libpq keyword string; sslpassword and PGPASSWORD too. The
// value runs to white space, '&', '#' or '"' (the end of a JSON string; a URL writes '"' in a
// query as %22). Punctuation right before white space or the end belongs to the message: the
// ": " of "Cannot connect to <url>: …", a full stop. Remembered passwords are replaced whole
// before this runs, so a password that ends in such punctuation still does not show it.
const KEYWORD_PASSWORD = /(\b(?:ssl|pg)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&#"]+?(?=[:;,.)\]']*(?:[\s&#"]|$)))/gi
const QUERY_SECRETS = ['password', 'sslpassword']
// Words a password may equal that must not be blanked out everywhere they appear.
const COMMON = new Set(['postgres', 'postgresql', 'password', 'true', 'false', 'null'])

const known = new Set<string>()

/** Remember a password so that it is hidden even where it appears outside a URL. */
export function rememberSecret(secret: string | undefined, user?: string): void {
  // Very short secrets, common words and a password equal to the user name would blank out
  // ordinary text; they are still hidden inside URLs.
  if (secret && secret.length >= 4 && !COMMON.has(secret.toLowerCase()) && secret !== user) {
    known.add(secret)
    try {
      const decoded = decodeURIComponent(secret)
      if (decoded.length >= 4) known.add(decoded)
    } catch {
      // not percent-encoded: nothing else to remember
    }
  }
}

export function redact(text: string): string {
  let out = text
  for (const secret of known) out = out.split(secret).join('***')
  return out.replace(URL_PASSWORD, '$1***$3').replace(KEYWORD_PASSWORD, '$1***')
}

/** A URL as it may be shown: the password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) {
      rememberSecret(u.password, u.username)
      u.password = '***'
    }
    for (const key of QUERY_SECRETS) {
      for (const value of u.searchParams.getAll(key)) rememberSecret(value, u.username)
    }
    return redact(u.toString())
  } catch {
    return redact(url)
  }
}

/** Redact every string inside a JSON-ready value, so no password survives JSON escaping. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map(redactDeep) as T
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T
  }
  return value
}

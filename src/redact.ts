/**
 * Passwords must never leave the process: every string the CLI prints passes through here.
 * A password is hidden wherever it appears in a URL, and a known password anywhere at all.
 */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]*)(@)/gi
const KEYWORD_PASSWORD = /(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi

const known = new Set<string>()

/** Remember a password so that it is hidden even where it appears outside a URL. */
export function rememberSecret(secret: string | undefined): void {
  // Very short secrets would blank out ordinary words; they are still hidden inside URLs.
  if (secret && secret.length >= 4) {
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
  let out = text.replace(URL_PASSWORD, '$1***$3').replace(KEYWORD_PASSWORD, '$1***')
  for (const secret of known) out = out.split(secret).join('***')
  return out
}

/** A URL as it may be shown: the password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) {
      rememberSecret(u.password)
      u.password = '***'
    }
    return redact(u.toString())
  } catch {
    return redact(url)
  }
}

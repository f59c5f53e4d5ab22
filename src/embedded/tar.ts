// Reading an uncompressed ustar archive, as PGlite's dumpDataDir writes one: where each entry's
// header and data are, so a part of it can be cut out or written elsewhere without copying.

export interface TarEntry {
  /** Relative to the data directory, without a leading '/'. */
  name: string
  directory: boolean
  /** Where its header block starts, and its data. */
  header: number
  start: number
  end: number
}

/** The entries of an uncompressed ustar archive. */
export function readTar(tar: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = []
  const text = new TextDecoder()
  let at = 0
  while (at + 512 <= tar.length && tar[at] !== 0) {
    const field = (offset: number, length: number) => {
      const from = at + offset
      let to = from
      while (to < from + length && tar[to] !== 0) to++
      return text.decode(tar.subarray(from, to))
    }
    if (!field(257, 6).startsWith('ustar')) throw new Error(`no tar header at byte ${at}`)
    const prefix = field(345, 155)
    const name = `${prefix ? `${prefix}/` : ''}${field(0, 100)}`.replace(/^\/+/, '').replace(/\/+$/, '')
    const size = parseInt(field(124, 12).trim() || '0', 8)
    const start = at + 512
    if (!Number.isSafeInteger(size) || start + size > tar.length) throw new Error(`truncated tar entry ${name}`)
    if (name.split('/').includes('..')) throw new Error(`tar entry ${name} leaves the data directory`)
    const type = String.fromCharCode(tar[at + 156]!)
    if (name && (type === '5' || type === '0' || type === '\0')) entries.push({ name, directory: type === '5', header: at, start, end: start + size })
    at = start + Math.ceil(size / 512) * 512
  }
  return entries
}

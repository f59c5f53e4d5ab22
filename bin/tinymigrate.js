#!/usr/bin/env node
// The CLI is one bundled file: Node starts faster when it resolves one module instead of twenty.
import { main } from '../dist/cli.js'

main(process.argv.slice(2)).then((code) => { process.exitCode = code })

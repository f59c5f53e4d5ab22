#!/usr/bin/env node
// The CLI is one bundled file: Node starts faster when it resolves one module instead of twenty.
import { start } from '../dist/cli.js'

start(process.argv.slice(2))

// Stands in for node:tls in the bundled CLI. The driver loads node:tls when it starts but only
// uses it for ssl connections; loading it costs about a tenth of Node's own start (10 to 15 ms
// here), so it is loaded on the first ssl connection instead.
'use strict'
module.exports = {
  connect: (...args) => require('node:tls').connect(...args),
}

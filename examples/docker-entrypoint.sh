#!/bin/sh
# Apply the migrations, then become the image's CMD (the server). This shell is PID 1: it gets
# docker stop's SIGTERM alone and passes it on, so tinymigrate rolls back, releases the lock and
# exits 130, and the server is not started. A SIGINT is passed on as SIGTERM: a Ctrl-C reaches
# tinymigrate from the terminal too, and a second SIGINT would make it quit without rolling back.
set -u
migrate=
stopped=
stop() {
  stopped=1
  [ -z "$migrate" ] || kill -s TERM "$migrate" 2>/dev/null
}
trap stop TERM INT

node_modules/.bin/tinymigrate up --wait 30 &
migrate=$!
[ -z "$stopped" ] || kill -s TERM "$migrate" 2>/dev/null

# A trapped signal ends a wait early: wait until tinymigrate has exited, then once more for its
# exit status (dash, bash and BusyBox sh keep it).
wait "$migrate"
while kill -0 "$migrate" 2>/dev/null; do wait "$migrate"; done
wait "$migrate" || exit $?
[ -z "$stopped" ] || exit 130

trap - TERM INT
exec "$@"

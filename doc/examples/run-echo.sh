#!/bin/bash
# run-echo.sh SERVER CLIENT [MESSAGE]
#
# Runs the echo example end to end: starts SERVER on 127.0.0.1 port 0,
# reads the port it reports, runs CLIENT against it with MESSAGE (printable
# ASCII without quotes or backslashes, so its repr is itself) and checks
# what both sides print. Every step is bounded in time.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 SERVER CLIENT [MESSAGE]" >&2
  exit 2
fi

server=$1
client=$2
message=${3-Hello, world}

tmp=$(mktemp -d)
server_pid=

cleanup () {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

fail () {
  echo "FAIL: $*" >&2
  for f in server.out server.err client.out client.err; do
    if [ -s "$tmp/$f" ]; then
      echo "--- $f" >&2
      cut -c 1-300 "$tmp/$f" >&2
    fi
  done
  exit 1
}

# The background job opens its output files itself, possibly after we
# first look at them: create them now so that looking never races it.
: >"$tmp/server.out"
: >"$tmp/server.err"
timeout 20 "$server" 127.0.0.1 0 >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!

# Wait up to 10 s for the server to report its port.
port=
for _ in $(seq 100); do
  port=$(sed -n 's/^Listening on port \([0-9][0-9]*\)$/\1/p' "$tmp/server.out")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || fail "the server did not report a port"
[ "$port" -gt 0 ] || fail "the server reported port $port"

timeout 10 "$client" 127.0.0.1 "$port" "$message" \
  >"$tmp/client.out" 2>"$tmp/client.err" \
  || fail "the client exited with status $?"

set +e
wait "$server_pid"
status=$?
set -e
server_pid=
[ "$status" -eq 0 ] || fail "the server exited with status $status"

expected="Received '$message'"
received=$(cat "$tmp/client.out")
[ "$received" = "$expected" ] \
  || fail "the client printed '${received:0:200}', expected '${expected:0:200}'"

peer=$(sed -n "s/^Connected by \(('127\.0\.0\.1', [0-9][0-9]*)\)$/\1/p" "$tmp/server.out")
[ -n "$peer" ] || fail "the server did not print \"Connected by ('127.0.0.1', PORT)\""

# A transcript in the order things happened; long messages are cut short.
echo "server: Listening on port $port"
echo "client: connecting to 127.0.0.1 port $port, sending ${#message} bytes"
echo "server: Connected by $peer"
echo "client: ${received:0:200}"
echo "ok: ${#message} bytes went to the server and came back"

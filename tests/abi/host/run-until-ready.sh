#!/bin/sh
# run-until-ready.sh SIGNAL LOG HOST [ARGS...]
# Starts the host program with ARGS, its stdout and stderr in LOG; waits (up
# to 60 s) until it logs that it is running, then sends SIGNAL (INT or TERM)
# and waits for it to exit. Exits with the host's status, or 99 when it never
# got ready (LOG says why). Leaves no process behind.
sig=$1; log=$2; shift 2
"$@" >"$log" 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ]; do
  if grep -q "running; stop with SIGINT or SIGTERM" "$log"; then
    kill -"$sig" "$pid"
    wait "$pid"
    exit $?
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid"
    rc=$?
    echo "run-until-ready: host exited with status $rc before it was ready" >>"$log"
    exit 99
  fi
  sleep 0.1
  i=$((i + 1))
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
echo "run-until-ready: host not ready after 60 s" >>"$log"
exit 99

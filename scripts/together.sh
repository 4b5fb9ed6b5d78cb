#!/usr/bin/env bash
# Run commands side by side and stop them together: scripts/together.sh 'CMD' 'CMD' ...
#
# Each command (a string, run by bash) gets a process group of its own, so stopping it stops
# what it started too (the development server's and the worker's autoreloaders). When one of
# them exits, or on Ctrl-C or SIGTERM, every other one is sent SIGTERM by its process group id
# and waited for; the script exits with the status of the first one to end.
# `make run` runs the development server, the task worker and the periodic jobs this way;
# `make worker` the task worker and the periodic jobs.
set -uo pipefail

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  wait
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

for command in "$@"; do
  # setsid: a new session and process group whose id is the command's own pid.
  setsid bash -c "exec $command" &
  pids+=($!)
done

wait -n
status=$?
stop
exit "$status"

#!/usr/bin/env bash
# One line for one stage of `make run`; the stage's own output goes to its log file.
#
#   bot/tools/stage.sh "model training" var/log/train.log rasa train ...
#
# Prints the stage and its log, then how long it took. On a terminal the line is
# redrawn every second with the seconds so far and the log's latest line (pip's
# package, Rasa's epoch bar). On failure: the log's last lines and its path.
set -u
name=$1 log=$2
shift 2
mkdir -p "$(dirname "$log")"
printf '\n== %s ==\n' "$(date -u +%FT%TZ)" >>"$log"
start=$SECONDS
"$@" >>"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' INT TERM HUP

latest() {  # the log's last non-blank line, progress bars' \r updates included
  tail -c 2000 "$log" | tr '\r' '\n' | grep -v '^[[:space:]]*$' | tail -n 1 | cut -c 1-60
}

if [ -t 1 ]; then
  while kill -0 $pid 2>/dev/null; do
    printf '\r\033[K%-24s %4d s  %s' "$name" $((SECONDS - start)) "$(latest)"
    sleep 1
  done
  printf '\r\033[K'
else
  printf '%-24s started (log: %s)\n' "$name" "$log"
fi
wait $pid
rc=$?
if [ $rc -eq 0 ]; then
  printf '%-24s done in %d s (log: %s)\n' "$name" $((SECONDS - start)) "$log"
else
  printf '%-24s FAILED after %d s (exit %d). Last lines of %s:\n' "$name" $((SECONDS - start)) $rc "$log"
  tail -n 40 "$log" | tr '\r' '\n' | grep -v '^[[:space:]]*$' | tail -n 20 | sed 's/^/    /'
fi
exit $rc

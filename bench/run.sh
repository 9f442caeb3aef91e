#!/usr/bin/env bash
# HTTP benchmarks of a release build against the demo school, each next to the server's own
# plain-text /healthz measured in the same run (the ceiling), with wrk on loopback.
# Usage: bench/run.sh [seconds per scenario, default 10]. Needs wrk (apt-get install wrk).
# BENCH_BIN=path runs another build of the server (an older one, to compare in the same session).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
PORT=18181
BASE="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
BIN="${BENCH_BIN:-target/release/boiduong}"
cargo build --release --quiet --example import_bench
BOIDUONG_BIND="127.0.0.1:$PORT" BOIDUONG_PUBLIC_URL="$BASE" \
BOIDUONG_DATABASE_URL="sqlite://$WORK/bench.db" BOIDUONG_OUTBOX_DIR="$WORK/outbox" \
BOIDUONG_DEMO_PASSWORD=bench-password-2026 BOIDUONG_LOG=warn \
BOIDUONG_SECRET_KEY="$(head -c 64 /dev/zero | tr '\0' k)" \
  "$BIN" serve --demo > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done

# Logs in and prints the session cookie.
login() {
  local jar="$WORK/$1.jar"
  local token
  token=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=$1" --data-urlencode "password=bench-password-2026" "$BASE/login"
  grep boiduong "$jar" | awk '{print "boiduong=" $7}'
}

# Runs wrk and prints "requests/s p99(ms) non-2xx/3xx".
measure() {
  local path=$1 cookie=${2:-}
  local out
  out=$(wrk -t2 -c64 -d"${DURATION}s" --latency ${cookie:+-H "Cookie: $cookie"} "$BASE$path")
  local rps p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx or 3xx/ {print $5}')
  echo "$rps ${p99} ${errors:-0}"
}

# A class of 200 learners for the roster page: made in the demo database, filled with the command
# line import (its invitations are written out by the mail worker before the runs start).
read -r ROSTER_CLASS ROSTER_CSV < <(target/release/examples/import_bench --setup-roster "sqlite://$WORK/bench.db" 200)
BOIDUONG_DATABASE_URL="sqlite://$WORK/bench.db" BOIDUONG_LOG=warn \
  "$BIN" import roster "$ROSTER_CSV" --class "$ROSTER_CLASS" --commit > "$WORK/import.log"
rm -f "$ROSTER_CSV"
sleep 3

LEARNER=$(login hocvien@boiduong.test)
STAFF=$(login giaovu@boiduong.test)
SECRETARY=$(login bithu@boiduong.test)

CEILING=($(measure /healthz))
HOME_LEARNER=($(measure / "$LEARNER"))
RESULTS_LEARNER=($(measure /me/results "$LEARNER"))
CALENDAR_LEARNER=($(measure /calendar "$LEARNER"))
HOME_SECRETARY=($(measure / "$SECRETARY"))
PEOPLE=($(measure "/people" "$STAFF"))
PEOPLE_SEARCH=($(measure "/people?q=nguyen+thi" "$STAFF"))
SECRETARY_PEOPLE=($(measure "/people" "$SECRETARY"))
ROSTER=($(measure "/classes/$ROSTER_CLASS/roster" "$STAFF"))
RSS_KB=$(ps -o rss= -p "$SERVER" | tr -d ' ')

# Then a burst of 100 failed logins sent at once (each with its own session and CSRF token),
# and the resident memory 2 s after it.
for i in $(seq 1 100); do
  curl -s -c "$WORK/burst$i" "$BASE/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 \
    | sed 's/.*value="//;s/"$//' > "$WORK/burst$i.token"
done
seq 1 100 | xargs -P 100 -I{} sh -c 'curl -s -o /dev/null -w "%{http_code}\n" -b "$0/burst{}" \
  --data-urlencode "email=giaovu@boiduong.test" --data-urlencode "password=wrong-{}" \
  --data-urlencode "csrf_token=$(cat "$0/burst{}.token")" "$1/login"' "$WORK" "$BASE" > "$WORK/burst.codes"
sleep 2
BURST_RSS_KB=$(ps -o rss= -p "$SERVER" | tr -d ' ')
PEAK_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo "scenario | req/s | p99 | errors | × /healthz"
echo "--- | --- | --- | --- | ---"
echo "GET /healthz (ceiling) | ${CEILING[0]} | ${CEILING[1]} | ${CEILING[2]} | 1"
echo "learner home, logged in | ${HOME_LEARNER[0]} | ${HOME_LEARNER[1]} | ${HOME_LEARNER[2]} | $(ratio "${HOME_LEARNER[0]}" "${CEILING[0]}")"
echo "learner results page | ${RESULTS_LEARNER[0]} | ${RESULTS_LEARNER[1]} | ${RESULTS_LEARNER[2]} | $(ratio "${RESULTS_LEARNER[0]}" "${CEILING[0]}")"
echo "learner calendar, this week | ${CALENDAR_LEARNER[0]} | ${CALENDAR_LEARNER[1]} | ${CALENDAR_LEARNER[2]} | $(ratio "${CALENDAR_LEARNER[0]}" "${CEILING[0]}")"
echo "secretary home | ${HOME_SECRETARY[0]} | ${HOME_SECRETARY[1]} | ${HOME_SECRETARY[2]} | $(ratio "${HOME_SECRETARY[0]}" "${CEILING[0]}")"
echo "people list, 50 rows (staff) | ${PEOPLE[0]} | ${PEOPLE[1]} | ${PEOPLE[2]} | $(ratio "${PEOPLE[0]}" "${CEILING[0]}")"
echo "people search 'nguyen thi' (staff) | ${PEOPLE_SEARCH[0]} | ${PEOPLE_SEARCH[1]} | ${PEOPLE_SEARCH[2]} | $(ratio "${PEOPLE_SEARCH[0]}" "${CEILING[0]}")"
echo "people list of one cell (secretary) | ${SECRETARY_PEOPLE[0]} | ${SECRETARY_PEOPLE[1]} | ${SECRETARY_PEOPLE[2]} | $(ratio "${SECRETARY_PEOPLE[0]}" "${CEILING[0]}")"
echo "class roster, 200 learners (staff) | ${ROSTER[0]} | ${ROSTER[1]} | ${ROSTER[2]} | $(ratio "${ROSTER[0]}" "${CEILING[0]}")"
echo
echo "server resident memory after the runs: $((RSS_KB / 1024)) MB; 2 s after a burst of 100 failed logins: $((BURST_RSS_KB / 1024)) MB (peak of the whole run $((PEAK_KB / 1024)) MB; answers: $(sort "$WORK/burst.codes" | uniq -c | awk '{printf "%s×%s ", $1, $2}'))"

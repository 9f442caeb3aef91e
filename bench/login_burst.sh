#!/usr/bin/env bash
# Resident memory of a release build before, during and after a burst of 100 failed logins sent
# at once (DESIGN target: ≤ 64 MB). The throttle limits are raised so that every attempt reaches
# the password hasher; what bounds memory is then the hasher (one Argon2id hash of 19 MiB per
# core, a short queue, 503 beyond) and the allocator returning large blocks to the system.
# Usage: bench/login_burst.sh [binary, default target/release/boiduong] [VAR=value …]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-target/release/boiduong}"
shift || true
[ -x "$BIN" ] || cargo build --release --quiet
PORT=18182
BASE="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"
trap 'kill "$SERVER" "$SAMPLER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
SAMPLER=""

env BOIDUONG_BIND="127.0.0.1:$PORT" BOIDUONG_PUBLIC_URL="$BASE" \
  BOIDUONG_DATABASE_URL="sqlite://$WORK/bench.db" BOIDUONG_OUTBOX_DIR="$WORK/outbox" \
  BOIDUONG_DEMO_PASSWORD=bench-password-2026 BOIDUONG_LOG=warn BOIDUONG_WORKERS=2 \
  BOIDUONG_SECRET_KEY="$(head -c 64 /dev/zero | tr '\0' k)" \
  BOIDUONG_LOGIN_MAX_FAILURES_PER_ACCOUNT=10000 BOIDUONG_LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL=10000 \
  BOIDUONG_LOGIN_MAX_FAILURES_PER_ADDRESS=10000 "$@" \
  "$BIN" serve --demo > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
sleep 3

# A session and its CSRF token for client $1; then its failed login.
prepare() {
  curl -s -c "$WORK/jar$1" "$BASE/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 \
    | sed 's/.*value="//;s/"$//' > "$WORK/token$1"
}
attempt() {
  curl -s -o /dev/null -w '%{http_code}\n' -b "$WORK/jar$1" --data-urlencode "email=admin@boiduong.test" \
    --data-urlencode "password=wrong-$1" --data-urlencode "csrf_token=$(cat "$WORK/token$1")" "$BASE/login"
}
export -f prepare attempt
export WORK BASE

prepare 0 && attempt 0 >/dev/null # warm up: the dummy hash, templates
sleep 1
before=$(ps -o rss= -p "$SERVER")
for i in $(seq 1 100); do prepare "$i"; done
(while kill -0 "$SERVER" 2>/dev/null; do ps -o rss= -p "$SERVER"; sleep 0.05; done) > "$WORK/rss" &
SAMPLER=$!
started=$(date +%s%N)
seq 1 100 | xargs -P 100 -I{} bash -c 'attempt {}' > "$WORK/codes"
took=$(( ($(date +%s%N) - started) / 1000000 ))
sleep 2
after=$(ps -o rss= -p "$SERVER")
peak=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
echo "resident memory: before $((before / 1024)) MB, peak $((peak / 1024)) MB, 2 s after $((after / 1024)) MB"
echo "burst of 100 failed logins took ${took} ms; answers: $(sort "$WORK/codes" | uniq -c | awk '{printf "%s×%s ", $1, $2}')"

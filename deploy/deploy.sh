#!/usr/bin/env bash
# A local test deployment, as production runs it but on one machine: a development Lightning node
# (phoenixd's HTTP API) as its own process, the server as its own process pointed at it with a
# webhook secret and an L402 root key, on PostgreSQL (DATABASE_URL) or the embedded PGlite store.
#
#   deploy/deploy.sh local start    start both (idempotent), wait until /api/v1/health answers
#   deploy/deploy.sh local check    health, a top-up paid through the node and claimed, the ledger audit
#   deploy/deploy.sh local status   what runs (exit 0 when both run, 3 otherwise)
#   deploy/deploy.sh local stop     SIGTERM (graceful), SIGKILL after a grace period
#
# Settings (environment):
#   ABL_DEPLOY_DIR           state, logs, pids and generated secrets   default ./data/deploy-local
#   ABL_DEPLOY_PORT          the server's port                         default 3000
#   ABL_DEPLOY_DEVNODE_PORT  the development node's port               default 9740
#   DATABASE_URL             PostgreSQL (Supabase included); unset: PGlite in $ABL_DEPLOY_DIR/data
#   OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY, ... passed to the server as they are
#   ABL_DEPLOY_SKIP_BUILD=1  do not run scripts/ensure-built.mjs (install + web build) first
# Secrets (node password, webhook secret, L402 root key) are generated once into
# $ABL_DEPLOY_DIR/secrets.env (mode 0600). Logs: $ABL_DEPLOY_DIR/{server,devnode}.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

usage() {
  sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}
[ "${1:-}" = "local" ] || usage
COMMAND="${2:-}"

DIR="${ABL_DEPLOY_DIR:-$ROOT/data/deploy-local}"
PORT="${ABL_DEPLOY_PORT:-3000}"
DEVNODE_PORT="${ABL_DEPLOY_DEVNODE_PORT:-9740}"
URL="http://127.0.0.1:$PORT"
DEVNODE_URL="http://127.0.0.1:$DEVNODE_PORT"
SERVER_PID="$DIR/server.pid"
DEVNODE_PID="$DIR/devnode.pid"

say() { printf '%s\n' "$*"; }
die() { printf 'deploy: %s\n' "$*" >&2; exit 1; }
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];if(v===undefined)process.exit(1);console.log(v)})' "$1"; }

load_secrets() {
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  if [ ! -f "$DIR/secrets.env" ]; then
    local hex='console.log(require("crypto").randomBytes(+process.argv[1]).toString("hex"))'
    (
      umask 077
      {
        echo "DEVNODE_PASSWORD=$(node -e "$hex" 24)"
        echo "PHOENIXD_WEBHOOK_SECRET=$(node -e "$hex" 32)"
        echo "L402_ROOT_KEY=$(node -e "$hex" 32)"
      } >"$DIR/secrets.env"
    )
  fi
  set -a
  # shellcheck disable=SC1091
  . "$DIR/secrets.env"
  set +a
}

wait_until() { # description, seconds, pidfile, log, command...
  local what="$1" seconds="$2" pidfile="$3" log="$4"
  shift 4
  local until=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ! running "$pidfile"; then
      tail -n 30 "$log" >&2 || true
      die "$what exited; log above ($log)"
    fi
    [ "$SECONDS" -lt "$until" ] || { tail -n 30 "$log" >&2 || true; die "$what did not answer within ${seconds}s"; }
    sleep 0.2
  done
}

devnode_get() { curl -sf -u ":$DEVNODE_PASSWORD" "$DEVNODE_URL/$1"; }

start() {
  load_secrets
  if [ "${ABL_DEPLOY_SKIP_BUILD:-}" != "1" ]; then node scripts/ensure-built.mjs; fi

  if running "$DEVNODE_PID"; then
    say "devnode: already running (pid $(cat "$DEVNODE_PID"))"
  else
    # the password travels in the environment, not on the command line
    DEVNODE_PASSWORD="$DEVNODE_PASSWORD" nohup node --import tsx server/lightning/devnode/cli.ts \
      --host 127.0.0.1 --port "$DEVNODE_PORT" --data-dir "$DIR/devnode" \
      --webhook-secret "$PHOENIXD_WEBHOOK_SECRET" >>"$DIR/devnode.log" 2>&1 </dev/null &
    echo $! >"$DEVNODE_PID"
    wait_until "the development node" 60 "$DEVNODE_PID" "$DIR/devnode.log" devnode_get getinfo
    say "devnode: $DEVNODE_URL (pid $(cat "$DEVNODE_PID"))"
  fi

  if running "$SERVER_PID"; then
    say "server: already running (pid $(cat "$SERVER_PID"))"
  else
    env NODE_ENV=production PORT="$PORT" HOST=127.0.0.1 ABL_DATA_DIR="$DIR/data" ABL_PUBLIC_URL="$URL" \
      PHOENIXD_URL="$DEVNODE_URL" PHOENIXD_PASSWORD="$DEVNODE_PASSWORD" \
      PHOENIXD_WEBHOOK_SECRET="$PHOENIXD_WEBHOOK_SECRET" L402_ROOT_KEY="$L402_ROOT_KEY" \
      nohup node --import tsx server/main.ts >>"$DIR/server.log" 2>&1 </dev/null &
    echo $! >"$SERVER_PID"
    wait_until "the server" 120 "$SERVER_PID" "$DIR/server.log" curl -sf "$URL/api/v1/health"
    say "server: $URL (pid $(cat "$SERVER_PID")), store: ${DATABASE_URL:+PostgreSQL}${DATABASE_URL:-PGlite in $DIR/data}"
  fi
  say "health: $(curl -sf "$URL/api/v1/health")"
}

stop_one() { # name, pidfile
  local name="$1" pidfile="$2"
  if ! running "$pidfile"; then
    rm -f "$pidfile"
    say "$name: not running"
    return
  fi
  local pid
  pid="$(cat "$pidfile")"
  kill -TERM "$pid"
  local until=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$until" ]; then
      say "$name: still running after 30s, SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$pidfile"
  say "$name: stopped"
}

stop() {
  stop_one server "$SERVER_PID" # first: requests in flight finish while the node is still there
  stop_one devnode "$DEVNODE_PID"
}

status() {
  local ok=0
  if running "$DEVNODE_PID"; then say "devnode: running (pid $(cat "$DEVNODE_PID")) at $DEVNODE_URL"; else say "devnode: stopped"; ok=3; fi
  if running "$SERVER_PID"; then
    say "server: running (pid $(cat "$SERVER_PID")) at $URL"
    say "health: $(curl -sf "$URL/api/v1/health" || echo 'not answering')"
  else
    say "server: stopped"
    ok=3
  fi
  return $ok
}

check() {
  load_secrets
  running "$SERVER_PID" || die "the server is not running: deploy/deploy.sh local start"
  say "health: $(curl -sf "$URL/api/v1/health")"
  local created invoice paid preimage claimed token balance
  created="$(curl -sf -X POST "$URL/api/v1/topup" -H 'content-type: application/json' -d '{"amount_sats":100}')" || die "the top-up invoice was refused"
  invoice="$(json invoice <<<"$created")"
  paid="$(curl -sf -u ":$DEVNODE_PASSWORD" -X POST "$DEVNODE_URL/payinvoice" --data-urlencode "invoice=$invoice")"
  preimage="$(json paymentPreimage <<<"$paid")" || die "the node could not pay: $paid"
  claimed="$(curl -sf -X POST "$URL/api/v1/topup/claim" -H 'content-type: application/json' -d "{\"preimage\":\"$preimage\"}")" || die "the claim was refused"
  token="$(json token <<<"$claimed")"
  balance="$(curl -sf "$URL/api/v1/balance" -H "x-token: $token" | json balance_sats)"
  [ "$balance" = "100" ] || die "the new token holds $balance sats, not 100"
  say "top-up: 100 sats invoiced, paid through the node, claimed: balance $balance sats"
  env ABL_DATA_DIR="$DIR/data" node --import tsx scripts/ledger-audit.ts
  say "check: OK"
}

case "$COMMAND" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  check) check ;;
  *) usage ;;
esac

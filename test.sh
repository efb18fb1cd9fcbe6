#!/usr/bin/env bash
# The default test suite, on a fresh machine too: installs what the integration tests need when it is missing
# (redis-server and chromium, with apt-get), starts a throwaway Redis on a free loopback port for them, runs the test
# assemblies one after another (soak tests excluded), and stops Redis. Arguments, if any, go to `dotnet test` instead
# of the default filter (e.g. --filter "FullyQualifiedName~DiskFull").
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

redis_dir=$(mktemp -d)
redis_port=""
cleanup() {
  if [ -n "$redis_port" ]; then
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    if [ -f "$redis_dir/redis.pid" ]; then kill "$(cat "$redis_dir/redis.pid")" 2>/dev/null || true; fi
  fi
  rm -rf "$redis_dir"
}
trap cleanup EXIT

as_root=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then as_root=(sudo); fi
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (the integration tests use them)" >&2
  { "${as_root[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null; } \
    || { echo "cannot install ${missing[*]}: run 'sudo apt-get install -y ${missing[*]}' and try again" >&2; exit 1; }
fi

# Redis with every acknowledged write on disk, as the README tells a cluster to run it.
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 20000))
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi   # taken
  redis-server --port "$port" --bind 127.0.0.1 --appendonly yes --appendfsync always --save "" \
    --daemonize yes --dir "$redis_dir" --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log" || continue
  for _ in $(seq 50); do
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ] && [ -s "$redis_dir/redis.pid" ] && break
    sleep 0.2
  done
  if [ -s "$redis_dir/redis.pid" ] && redis-cli -p "$port" info server 2>/dev/null | grep -q "^process_id:$(cat "$redis_dir/redis.pid")"; then
    redis_port=$port
    break
  fi
done
if [ -z "$redis_port" ]; then
  echo "could not start redis-server on a loopback port" >&2
  cat "$redis_dir/redis.log" >&2 2>/dev/null
  exit 1
fi
export RAFT_ORLEANS_TEST_REDIS="127.0.0.1:$redis_port"
echo "redis-server $(redis-server --version | grep -oE 'v=[0-9.]+') on $RAFT_ORLEANS_TEST_REDIS (appendonly, appendfsync always)" >&2

# SIGINT at its default for the tests' processes: a script run in the background (`./test.sh &`) inherits it ignored,
# and the client's Ctrl+C tests then send a signal nobody hears.
if [ $# -gt 0 ]; then
  env --default-signal=INT dotnet test Raft.Orleans.sln -m:1 "$@"
else
  env --default-signal=INT dotnet test Raft.Orleans.sln --filter "Category!=Soak" -m:1
fi

#!/usr/bin/env bash
# load.sh — `make load`: web load on a national-scale database, with wrk (Debian).
#
# 1. Finds PostgreSQL as `make run` does (scripts/with-db.sh) and uses its database
#    khung_load, filled once by scripts/nationaldb (every province of the planning generator,
#    100,000 proposals, one published plan; later runs reuse it).
# 2. Serves that database with `khung serve` on 127.0.0.1 (jobs off), logs in as the demo
#    unit user (Quận Ba Đình) and the demo planner, and saves the unit's calendar JSON.
# 3. Serves that same JSON document with a bare Fiber handler (scripts/barefiber).
# 4. Runs wrk against each, at 8 and 64 connections, and prints requests/s and p99 and the
#    calendar JSON's throughput as a share of bare Fiber's.
# Everything listens on 127.0.0.1 only; each wrk run lasts LOAD_DURATION (default 10s).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ "${1:-}" != --inside ]; then
	if ! command -v wrk >/dev/null; then
		echo "load: installing wrk (Debian package)"
		if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
		$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
	fi
	go build -o bin/khung . && go build -o bin/barefiber ./scripts/barefiber && go build -o bin/nationaldb ./scripts/nationaldb
	exec scripts/with-db.sh run -- "$0" --inside
fi

duration=${LOAD_DURATION:-10s}
app_port=${LOAD_APP_PORT:-18090}
bare_port=${LOAD_BARE_PORT:-18099}
year=2027
work=$(mktemp -d /tmp/khung-load.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

base_url=${DATABASE_URL%%\?*}
load_url="${base_url%/*}/khung_load?sslmode=disable"
psql "${base_url%/*}/postgres" -Atqc "select 1 from pg_database where datname = 'khung_load'" | grep -q 1 ||
	psql "${base_url%/*}/postgres" -qc "create database khung_load"
echo "load: database khung_load (${load_url})"
DATABASE_URL=$load_url bin/nationaldb -year $year

DATABASE_URL=$load_url ADDR=127.0.0.1:$app_port JOBS_ENABLED=false bin/khung serve >"$work/serve.out" 2>"$work/serve.log" &
pids+=($!)
for _ in $(seq 100); do
	curl -fsS -o /dev/null "http://127.0.0.1:$app_port/readyz" 2>/dev/null && break
	sleep 0.2
done

# login EMAIL → prints the session cookie "khung_session=…"
login() {
	local jar="$work/jar-$1" csrf
	csrf=$(curl -fsS -c "$jar" "http://127.0.0.1:$app_port/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
	curl -fsS -o /dev/null -b "$jar" -c "$jar" --data-urlencode "email=$1" --data-urlencode 'password=Khung@2026!' \
		--data-urlencode "_csrf=$csrf" "http://127.0.0.1:$app_port/login"
	awk '$6 == "khung_session" { print $6 "=" $7 }' "$jar"
}
unit_cookie=$(login unit@khung.vn)
planner_cookie=$(login planner@khung.vn)
[ -n "$unit_cookie" ] && [ -n "$planner_cookie" ] || { echo "load: FAIL: cannot log in" >&2; exit 1; }
version=$(psql "$load_url" -Atqc "select v.id from plan_versions v join plans p on p.id = v.plan_id where p.year = $year and v.status = 'published'")

json_path="/api/v1/visits?year=$year"
page_path="/calendar?year=$year&month=3"
board_path="/plans/versions/$version/board?area=001" # one district (Ba Đình): the whole board takes seconds
curl -fsS -H "Cookie: $unit_cookie" "http://127.0.0.1:$app_port$json_path" >"$work/doc.json"
bin/barefiber -addr 127.0.0.1:$bare_port -file "$work/doc.json" &
pids+=($!)
for _ in $(seq 50); do
	curl -fsS -o /dev/null "http://127.0.0.1:$bare_port/" 2>/dev/null && break
	sleep 0.1
done

total=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$work/doc.json")
echo "load: calendar JSON of unit@khung.vn: $(wc -c <"$work/doc.json") bytes, $total visits in the year"

# bench NAME CONNECTIONS URL [COOKIE] → one line: name conns req/s p99 non-2xx
results=()
bench() {
	local name=$1 conns=$2 url=$3 cookie=${4:-} out
	local args=(-t"$((conns < 2 ? conns : 2))" -c"$conns" -d"$duration" --latency --timeout 30s)
	[ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
	out=$(wrk "${args[@]}" "$url")
	local rps p99 errs
	rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
	p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
	errs=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
	results+=("$(printf '%-22s %5s %10s %10s %6s' "$name" "$conns" "$rps" "$p99" "${errs:-0}")")
	echo "${results[-1]}"
}
# p99 in milliseconds from wrk's "12.34ms" / "1.20s" / "850.00us".
ms() { awk -v v="$1" 'BEGIN { if (v ~ /ms$/) print v + 0; else if (v ~ /us$/) print v / 1000; else if (v ~ /s$/) print v * 1000; else print v }'; }

echo "load: wrk -t2 -d$duration on 127.0.0.1 ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-22s %5s %10s %10s %6s\n' endpoint conns "req/s" p99 non2xx
bench "bare Fiber (same doc)" 8 "http://127.0.0.1:$bare_port$json_path"
bench "calendar JSON" 8 "http://127.0.0.1:$app_port$json_path" "$unit_cookie"
bench "bare Fiber (same doc)" 64 "http://127.0.0.1:$bare_port$json_path"
bench "calendar JSON" 64 "http://127.0.0.1:$app_port$json_path" "$unit_cookie"
bench "calendar page" 8 "http://127.0.0.1:$app_port$page_path" "$unit_cookie"
bench "calendar page" 64 "http://127.0.0.1:$app_port$page_path" "$unit_cookie"
bench "planner board (area)" 1 "http://127.0.0.1:$app_port$board_path" "$planner_cookie"
curl -fsS -o /dev/null -w "whole planner board (no filter), one request: %{time_total} s, %{size_download} bytes\n" \
	-H "Cookie: $planner_cookie" "http://127.0.0.1:$app_port/plans/versions/$version/board"

# The runs above mostly hit the calendar's cache (one user, one query). After a change to a table
# the calendar shows, the next request of each visibility class reads everything again: time one.
psql "$load_url" -qc "UPDATE plans SET symbol = symbol WHERE year = $year"
curl -fsS -o /dev/null -w "calendar JSON after a change (cache miss), one request: %{time_total} s\n" \
	-H "Cookie: $unit_cookie" "http://127.0.0.1:$app_port$json_path"
curl -fsS -o /dev/null -w "calendar JSON again (cache hit), one request: %{time_total} s\n" \
	-H "Cookie: $unit_cookie" "http://127.0.0.1:$app_port$json_path"

field() { awk -v n="$1" -v c="$2" -v f="$3" 'substr($0, 1, 22) ~ n && $(NF-3) == c { print $(NF-f) }' <<<"$(printf '%s\n' "${results[@]}")"; }
bare64=$(field "^bare" 64 2)
json64=$(field "^calendar JSON" 64 2)
json8p99=$(ms "$(field "^calendar JSON" 8 1)")
bare8p99=$(ms "$(field "^bare" 8 1)")
ratio=$(awk -v a="$json64" -v b="$bare64" 'BEGIN { printf "%.1f", 100 * a / b }')
echo
echo "calendar JSON at 64 connections: $ratio % of bare Fiber's throughput (target ≥ 35 %)"
echo "calendar JSON p99 at 8 connections: $json8p99 ms (target < 50 ms; bare Fiber: $bare8p99 ms)"
if awk -v r="$ratio" -v p="$json8p99" 'BEGIN { exit !(r >= 35 && p < 50) }'; then
	echo "load: PASS"
else
	echo "load: FAIL (targets not met on this run)"
	exit 1
fi

#!/usr/bin/env bash
# load.sh — `make load`: web load on a national-scale database, with wrk (Debian).
#
# 1. Finds PostgreSQL as `make run` does (scripts/with-db.sh) and uses its database
#    khung_load, filled once by scripts/nationaldb (every province of the planning generator,
#    100,000 proposals, one published plan; later runs reuse it).
# 2. Serves that database with `khung serve` on 127.0.0.1 (jobs off), logs in as the unit
#    login nationaldb makes (ward@khung.vn: the Hanoi commune with the most visits) and the
#    demo planner, and saves the unit's calendar JSON.
# 3. Serves that same JSON document with a bare Fiber handler (scripts/barefiber).
# 4. Runs wrk against each, at 8 and 64 connections, and prints requests/s and p99 and the
#    calendar JSON's throughput as a share of bare Fiber's; then the pair (bare Fiber, calendar
#    JSON) at 64 connections back to back LOAD_PAIRS times (default 3) and the median ratio:
#    on a shared machine one pair says little. The load average is printed before each run.
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
unit_cookie=$(login ward@khung.vn)
planner_cookie=$(login planner@khung.vn)
[ -n "$unit_cookie" ] && [ -n "$planner_cookie" ] || { echo "load: FAIL: cannot log in" >&2; exit 1; }
version=$(psql "$load_url" -Atqc "select v.id from plan_versions v join plans p on p.id = v.plan_id where p.year = $year and v.status = 'published'")

json_path="/api/v1/visits?year=$year"
page_path="/calendar?year=$year&month=3"
# One area (a former district) of Hanoi, the one with the most visits: the whole board takes seconds.
area=$(psql "$load_url" -Atqc "select u.area_code from visits v join units u on u.id = v.unit_id
	where v.plan_version_id = $version and u.path like '/01/%' and u.area_code <> '' group by 1 order by count(*) desc, 1 limit 1")
board_path="/plans/versions/$version/board?area=$area"
curl -fsS -H "Cookie: $unit_cookie" "http://127.0.0.1:$app_port$json_path" >"$work/doc.json"
bin/barefiber -addr 127.0.0.1:$bare_port -file "$work/doc.json" &
pids+=($!)
for _ in $(seq 50); do
	curl -fsS -o /dev/null "http://127.0.0.1:$bare_port/" 2>/dev/null && break
	sleep 0.1
done

total=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$work/doc.json")
echo "load: calendar JSON of ward@khung.vn: $(wc -c <"$work/doc.json") bytes, $total visits in the year"

# bench NAME CONNECTIONS URL [COOKIE] → one line: name conns req/s p99 non-2xx load1
# (the 1-minute load average just before the run)
results=()
bench() {
	local name=$1 conns=$2 url=$3 cookie=${4:-} out load1
	load1=$(cut -d' ' -f1 /proc/loadavg)
	local args=(-t"$((conns < 2 ? conns : 2))" -c"$conns" -d"$duration" --latency --timeout 30s)
	[ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
	out=$(wrk "${args[@]}" "$url")
	local rps p99 errs
	rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
	p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
	errs=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
	results+=("$(printf '%-22s %5s %10s %10s %6s %6s' "$name" "$conns" "$rps" "$p99" "${errs:-0}" "$load1")")
	echo "${results[-1]}"
}
# p99 in milliseconds from wrk's "12.34ms" / "1.20s" / "850.00us".
ms() { awk -v v="$1" 'BEGIN { if (v ~ /ms$/) print v + 0; else if (v ~ /us$/) print v / 1000; else if (v ~ /s$/) print v * 1000; else print v }'; }

echo "load: wrk -t2 -d$duration on 127.0.0.1 ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-22s %5s %10s %10s %6s %6s\n' endpoint conns "req/s" p99 non2xx load
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

# field NAME CONNS K → the K-th field from the end (3 req/s, 2 p99, 1 non2xx, 0 load) of the
# first result line of NAME at CONNS.
field() { awk -v n="$1" -v c="$2" -v f="$3" 'substr($0, 1, 22) ~ n && $(NF-4) == c { print $(NF-f); exit }' <<<"$(printf '%s\n' "${results[@]}")"; }
bare64=$(field "^bare" 64 3)
json64=$(field "^calendar JSON" 64 3)
json8p99=$(ms "$(field "^calendar JSON" 8 2)")
bare8p99=$(ms "$(field "^bare" 8 2)")
ratio=$(awk -v a="$json64" -v b="$bare64" 'BEGIN { printf "%.1f", 100 * a / b }')

echo
echo "pairs at 64 connections, back to back:"
ratios=()
for i in $(seq "${LOAD_PAIRS:-3}"); do
	results=()
	bench "bare Fiber (same doc)" 64 "http://127.0.0.1:$bare_port$json_path"
	bench "calendar JSON" 64 "http://127.0.0.1:$app_port$json_path" "$unit_cookie"
	ratios+=("$(awk -v a="$(field "^calendar JSON" 64 3)" -v b="$(field "^bare" 64 3)" 'BEGIN { printf "%.1f", 100 * a / b }')")
	echo "pair $i: ${ratios[-1]} %"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo
echo "calendar JSON at 64 connections: $ratio % of bare Fiber's throughput in the first run, median of ${#ratios[@]} pairs $median % (target ≥ 35 %)"
echo "calendar JSON p99 at 8 connections: $json8p99 ms (target < 50 ms; bare Fiber: $bare8p99 ms)"
if awk -v r="$median" -v p="$json8p99" 'BEGIN { exit !(r >= 35 && p < 50) }'; then
	echo "load: PASS"
else
	echo "load: FAIL (targets not met on this run)"
	exit 1
fi

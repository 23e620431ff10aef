#!/usr/bin/env bash
# with-db.sh MODE -- COMMAND...
# Runs COMMAND with DATABASE_URL pointing at a reachable PostgreSQL:
#   1. DATABASE_URL when it is set;
#   2. else a server on 127.0.0.1:5432 when one answers (database khung or khung_test);
#   3. else a private cluster started here as a non-root user (postgres when run as root):
#        MODE=run  keeps its data in /var/tmp/khung-pg-<hash of the checkout's path>, so the
#                  demo survives restarts;
#        MODE=test uses a throwaway directory under /tmp, removed on exit.
# KHUNG_PG_PRIVATE=1 skips 1 and 2 (make soak restarts its cluster; it also tests this script
# on a machine that already runs PostgreSQL). A private cluster exports KHUNG_PG_BINDIR,
# KHUNG_PG_DATA and KHUNG_PG_USER to the command.
# The cluster's data never lives inside the checkout: as root, initdb runs as the
# postgres user, which cannot enter a private folder such as /root/khung (mode 700).
# PostgreSQL is installed from Debian packages when its binaries are missing.
set -euo pipefail

mode=${1:?usage: with-db.sh run|test -- command...}
shift
[ "${1:-}" = "--" ] && shift
root=$(cd "$(dirname "$0")/.." && pwd)
dbname=khung
[ "$mode" = test ] && dbname=khung_test
case "$mode" in run | test) ;; *) echo "with-db: unknown mode $mode (run or test)" >&2; exit 2 ;; esac
private=${KHUNG_PG_PRIVATE:-0}

log() { echo "with-db: $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bindir() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	return 1
}

ensure_postgres_installed() {
	if ! pg_bindir >/dev/null; then
		log "installing PostgreSQL from Debian packages"
		as_root apt-get update -qq
		DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql postgresql-contrib >/dev/null
	fi
}

# The user that owns a private cluster: initdb refuses to run as root.
cluster_user() {
	if [ "$(id -u)" = 0 ]; then
		id -u postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
		echo postgres
	else
		id -un
	fi
}

run_as() {
	local user=$1
	shift
	if [ "$(id -un)" = "$user" ]; then (cd / && "$@"); else (cd / && runuser -u "$user" -- "$@"); fi
}

create_db() { # url-without-db dbname
	local host=$1 port=$2 user=$3
	if ! psql -h "$host" -p "$port" -U "$user" -d postgres -Atqc "select 1 from pg_database where datname='$dbname'" | grep -q 1; then
		psql -h "$host" -p "$port" -U "$user" -d postgres -qc "create database $dbname" >/dev/null
	fi
}

if [ -n "${DATABASE_URL:-}" ] && [ "$private" != 1 ]; then
	exec "$@"
fi

ensure_postgres_installed
bindir=$(pg_bindir)
export PATH="$bindir:$PATH"

if [ "$private" != 1 ] && pg_isready -q -h 127.0.0.1 -p 5432 && psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
	create_db 127.0.0.1 5432 postgres
	export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$dbname?sslmode=disable"
	log "using PostgreSQL on 127.0.0.1:5432, database $dbname"
	exec "$@"
fi

user=$(cluster_user)
if [ "$mode" = run ]; then
	# One cluster per checkout, where the cluster's user can reach it.
	datadir="/var/tmp/khung-pg-$(printf %s "$root" | sha256sum | cut -c1-12)"
	port=${KHUNG_PG_PORT:-54329}
else
	datadir=$(mktemp -d /tmp/khung-pg.XXXXXX)
	port=${KHUNG_PG_PORT:-$((55000 + RANDOM % 5000))}
fi
sockdir="$datadir/sock"

if [ ! -f "$datadir/PG_VERSION" ]; then
	mkdir -p "$datadir"
	chown "$user" "$datadir" 2>/dev/null || true
	chmod 700 "$datadir"
	log "initialising a private cluster in $datadir"
	run_as "$user" "$bindir/initdb" -D "$datadir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >/dev/null
fi
run_as "$user" mkdir -p "$sockdir"

stop_cluster() {
	run_as "$user" "$bindir/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null 2>&1 || true
	if [ "$mode" = test ]; then rm -rf "$datadir"; fi
}

if ! run_as "$user" "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
	run_as "$user" "$bindir/pg_ctl" -D "$datadir" -w -l "$datadir/server.log" \
		-o "-p $port -k $sockdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
		start >/dev/null
	trap stop_cluster EXIT
	# Without these, a signal (Ctrl-C, kill) ends bash without running the EXIT trap.
	trap 'exit 130' INT
	trap 'exit 143' TERM
else
	# Already running (another make run): read its port back.
	port=$(sed -n 4p "$datadir/postmaster.pid")
fi
create_db 127.0.0.1 "$port" postgres
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/$dbname?sslmode=disable"
export KHUNG_PG_BINDIR="$bindir" KHUNG_PG_DATA="$datadir" KHUNG_PG_USER="$user"
log "private PostgreSQL on 127.0.0.1:$port ($datadir), database $dbname"
# Not exec: the trap must stop the cluster when the command ends.
set +e
"$@"
status=$?
exit $status

#!/usr/bin/env bash
# soak.sh — `make soak`: two replicas and faults (scripts/soak). Installs nginx from Debian when
# it is missing, builds the binaries, and runs the soak on a private throwaway PostgreSQL
# cluster (the soak restarts it, so never the shared server). Loopback only; about 4 minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
	echo "soak: installing nginx (Debian package)"
	if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
	$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light >/dev/null 2>&1 ||
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
	# The package starts a system nginx on port 80: this soak needs only the binary.
	$SUDO systemctl disable --now nginx >/dev/null 2>&1 || $SUDO service nginx stop >/dev/null 2>&1 || true
fi
go build -o bin/khung . && go build -o bin/nationaldb ./scripts/nationaldb && go build -o bin/soak ./scripts/soak
KHUNG_PG_PRIVATE=1 exec scripts/with-db.sh test -- timeout 15m bin/soak "$@"

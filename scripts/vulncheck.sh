#!/usr/bin/env bash
# vulncheck.sh: scan Khung for reachable known vulnerabilities, offline.
# The vulnerability database is the pinned golang.org/x/vulndb module (from the
# Go module proxy, see tools/vuln/go.mod), indexed once per version into the
# user's cache; govulncheck is pinned there too. Exit status 3 means a
# vulnerability is reachable from Khung's code.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
tools="$root/tools/vuln"
version=$(cd "$tools" && go list -m -f '{{.Version}}' golang.org/x/vulndb)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/khung"
db="$cache/vulndb-$version"
bin="$cache/bin"
mkdir -p "$cache" "$bin"
(cd "$tools" && go build -o "$bin/govulncheck" golang.org/x/vuln/cmd/govulncheck && go build -o "$bin/indexdb" golang.org/x/vulndb/cmd/indexdb)
if [ ! -f "$db/index/db.json" ]; then
	src=$(cd "$tools" && go mod download -json golang.org/x/vulndb | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	tmp=$(mktemp -d "$cache/vulndb-tmp.XXXXXX")
	"$bin/indexdb" -vulns "$src/data/osv" -out "$tmp"
	rm -rf "$db" && mv "$tmp" "$db"
fi
cd "$root"
echo "vulncheck: $(go version | cut -d' ' -f3), vulndb $version"
exec "$bin/govulncheck" -db "file://$db" ./...

//go:build tools

// Package tools pins the vulnerability scanner and the vulnerability database
// that `make test` uses offline (scripts/vulncheck.sh): govulncheck reads the
// database that indexdb builds from this pinned golang.org/x/vulndb, fetched
// from the Go module proxy like any module.
package tools

import (
	_ "golang.org/x/vuln/cmd/govulncheck"
	_ "golang.org/x/vulndb/cmd/indexdb"
)

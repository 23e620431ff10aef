// Package plancli is the `khung plan` command line: gen, solve, check.
package plancli

import (
	"context"
	"fmt"
	"io"
)

// Run executes `khung plan ARGS…` and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "khung plan: not built yet")
	return 2
}

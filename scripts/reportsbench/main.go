// Command reportsbench measures the periodic report's JSON and the dashboard
// page over HTTP on a running server (docs/performance.md, "Reports at
// scale"): for a country's year and for provinces' years (the report's area
// filter set to the province), as an approver (who sees every visit) and a
// viewer (who never counts a secret visit before its start), it sends each
// request n times after one warm-up and prints p50, p95 and the slowest, with
// the machine's load average before and after each case.
//
//	DATABASE_URL=…/khung_tenyears go run ./scripts/reportsbench -base http://127.0.0.1:18206
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reportsbench:", err)
		os.Exit(1)
	}
}

// benchCase is one request measured.
type benchCase struct {
	name, path string
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("reportsbench", flag.ContinueOnError)
	base := fs.String("base", "http://127.0.0.1:18206", "the server")
	n := fs.Int("n", 20, "requests per case")
	year := fs.Int("year", 2025, "the year measured")
	provinces := fs.String("provinces", "01,79,08", "province codes whose years are measured")
	roles := fs.String("roles", "approver,viewer", "roles logged in (the first active user of each)")
	password := fs.String("password", "Khung@2026!", "the users' password (the demo's)")
	only := fs.String("only", "", "measure only the cases whose name contains this")
	warmup := fs.Int("warmup", 1, "requests sent before measuring each case")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := pgx.Connect(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	var cases []benchCase
	period := fmt.Sprintf("period=%d", *year)
	for _, p := range append([]string{""}, strings.Split(*provinces, ",")...) {
		q, name := period, "country"
		if p != "" {
			var id int64
			var unit string
			if err := db.QueryRow(ctx, `SELECT id, name FROM units WHERE code = $1`, p).Scan(&id, &unit); err != nil {
				return fmt.Errorf("province %s: %w", p, err)
			}
			q, name = fmt.Sprintf("%s&area=%d", period, id), "province "+p+" ("+unit+")"
		}
		cases = append(cases, benchCase{name + " · report JSON", "/api/v1/reports/periodic?" + q},
			benchCase{name + " · dashboard", "/dashboard?" + q})
	}
	fmt.Fprintf(out, "%-8s %-58s %6s %8s %8s %8s  %s\n", "role", "case", "n", "p50 ms", "p95 ms", "max ms", "load before → after")
	for _, role := range strings.Split(*roles, ",") {
		var email string
		if err := db.QueryRow(ctx, `SELECT email FROM users WHERE role = $1 AND active ORDER BY id LIMIT 1`, role).Scan(&email); err != nil {
			return fmt.Errorf("a %s: %w", role, err)
		}
		c, err := login(*base, email, *password)
		if err != nil {
			return err
		}
		for _, bc := range cases {
			if *only != "" && !strings.Contains(bc.name, *only) {
				continue
			}
			before := loadavg()
			ds, err := measure(c, *base+bc.path, *warmup, *n)
			if err != nil {
				return fmt.Errorf("%s as %s: %w", bc.name, role, err)
			}
			fmt.Fprintf(out, "%-8s %-58s %6d %8.0f %8.0f %8.0f  %s → %s\n", role, bc.name, len(ds),
				pct(ds, 50), pct(ds, 95), pct(ds, 100), before, loadavg())
		}
	}
	return nil
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// login logs email in through the login form and returns its client.
func login(base, email, password string) (*http.Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	// The login's redirect is not followed: the home page of leadership
	// shows this year's figures, a request of its own.
	c := &http.Client{Jar: jar, Timeout: 5 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/login")
	if err != nil {
		return nil, err
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	m := csrfField.FindSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("no CSRF token on /login")
	}
	resp, err = c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}, "_csrf": {string(m[1])}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") == "/login" {
		return nil, fmt.Errorf("login as %s refused: status %d", email, resp.StatusCode)
	}
	return c, nil
}

// measure requests u warmup times, then n times, and returns the durations
// of the n in milliseconds; any status but 200 is an error.
func measure(c *http.Client, u string, warmup, n int) ([]float64, error) {
	var ds []float64
	for i := range warmup + n {
		started := time.Now()
		resp, err := c.Get(u)
		if err != nil {
			return nil, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
		}
		if i >= warmup {
			ds = append(ds, float64(time.Since(started).Microseconds())/1000)
		}
	}
	return ds, nil
}

// pct is the p-th percentile of ds (nearest rank).
func pct(ds []float64, p int) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (p*len(s)+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}

// loadavg is the one-minute load average of the machine.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

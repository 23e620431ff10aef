// Command soak is `make soak`: two `khung serve` replicas on one PostgreSQL
// behind nginx, all on 127.0.0.1, under a steady trickle of requests, with
// faults: PostgreSQL restarted, the SMTP relay down for a while, one replica
// killed with SIGKILL in the middle of sending mail. It checks that jobs decide
// once, that every mail is delivered and none twice, that /readyz goes red
// then green without restarting the app, and prints PASS or FAIL per check.
// It stops by itself after a few minutes.
//
// scripts/soak.sh runs it inside a private throwaway cluster (with-db.sh with
// KHUNG_PG_PRIVATE=1, which exports KHUNG_PG_BINDIR, KHUNG_PG_DATA and
// KHUNG_PG_USER so that the soak can restart PostgreSQL).
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// Ports on 127.0.0.1; change them with -port-base when they are taken.
type ports struct{ proxy, a, b, smtpA, smtpB, smtpCLI int }

func main() {
	base := flag.Int("port-base", 18200, "first of the six loopback ports used")
	bin := flag.String("khung", "bin/khung", "the khung binary")
	nationaldb := flag.String("nationaldb", "bin/nationaldb", "the nationaldb binary (builds and publishes the plan)")
	flag.Parse()
	p := ports{proxy: *base, a: *base + 1, b: *base + 2, smtpA: *base + 3, smtpB: *base + 4, smtpCLI: *base + 5}
	s := &soak{p: p, bin: *bin, nationaldb: *nationaldb, started: time.Now()}
	code := s.run()
	os.Exit(code)
}

type soak struct {
	p          ports
	bin        string
	nationaldb string
	work       string
	dbURL      string
	db         *sql.DB
	started    time.Time
	mail       *capture

	replicas map[string]*exec.Cmd
	startedA time.Time // replica A's first start: its outbox ticks every minute from then
	nginx    *exec.Cmd

	checks  []check
	traffic traffic
	ready   map[string]*readiness
}

type check struct {
	name   string
	ok     bool
	detail string
}

func (s *soak) logf(format string, args ...any) {
	fmt.Printf("[%6.1fs] %s\n", time.Since(s.started).Seconds(), fmt.Sprintf(format, args...))
}

func (s *soak) check(name string, ok bool, format string, args ...any) {
	s.checks = append(s.checks, check{name, ok, fmt.Sprintf(format, args...)})
}

func (s *soak) run() int {
	defer s.stopAll()
	if err := s.setUp(); err != nil {
		fmt.Println("soak: FAIL: set-up:", err)
		return 1
	}
	if err := s.scenario(); err != nil {
		s.check("the scenario ran to its end", false, "%v", err)
	}
	return s.summary()
}

// ---- set-up ----------------------------------------------------------------

func (s *soak) setUp() error {
	s.dbURL = os.Getenv("DATABASE_URL")
	if s.dbURL == "" || os.Getenv("KHUNG_PG_DATA") == "" {
		return errors.New("run me through scripts/soak.sh (a private cluster that the soak may restart)")
	}
	var err error
	if s.work, err = os.MkdirTemp("", "khung-soak-"); err != nil {
		return err
	}
	if err := os.Chmod(s.work, 0o755); err != nil { // nginx workers read their temp folders
		return err
	}
	if s.db, err = sql.Open("pgx", s.dbURL); err != nil {
		return err
	}
	s.db.SetMaxOpenConns(4)
	s.logf("work folder %s", s.work)

	// The database: the demo city, a published 2027 plan of Hà Nội built by the
	// planning service, and unit users (6 office users and a head per unit of
	// Hà Nội but the city itself) who receive the visit notices: since the 2025
	// units most visits go to departments and public-service units, so users of
	// communes alone may receive no notice on the soak's day.
	if out, err := exec.Command(s.bin, "migrate").CombinedOutput(); err != nil {
		return fmt.Errorf("migrate: %w\n%s", err, out)
	}
	out, err := exec.Command(s.nationaldb, "-provinces", "01", "-proposals", "34000").CombinedOutput()
	if err != nil {
		return fmt.Errorf("nationaldb: %w\n%s", err, out)
	}
	s.logf("%s", strings.TrimSpace(lastLine(string(out))))
	if _, err := s.db.Exec(`
		INSERT INTO users (email, full_name, role, unit_id, unit_position)
		SELECT 'soak-' || u.code || '-' || n || '@khung.test', 'Soak ' || u.name || ' ' || n, 'unit', u.id,
		       CASE WHEN n = 0 THEN 'head' ELSE 'office' END
		  FROM units u CROSS JOIN generate_series(0, 6) AS n
		 WHERE u.path LIKE '/01/%' AND u.kind <> 'city'
		ON CONFLICT (email) DO NOTHING`); err != nil {
		return fmt.Errorf("unit users: %w", err)
	}

	s.mail = newCapture([]int{s.p.smtpA, s.p.smtpB, s.p.smtpCLI}, 25*time.Millisecond)
	if err := s.mail.up(); err != nil {
		return err
	}
	s.replicas = map[string]*exec.Cmd{}
	if err := s.startReplica("A"); err != nil {
		return err
	}
	if err := s.startNginx(); err != nil {
		return err
	}
	s.ready = map[string]*readiness{}
	for _, name := range []string{"A", "B"} {
		s.ready[name] = &readiness{}
	}
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func (s *soak) replicaPort(name string) int {
	if name == "A" {
		return s.p.a
	}
	return s.p.b
}

// startReplica runs `khung serve` as replica name, its cron table on, sending
// mail to its own capture port, and waits until it answers /readyz.
func (s *soak) startReplica(name string) error {
	port, smtpPort := s.p.a, s.p.smtpA
	if name == "B" {
		port, smtpPort = s.p.b, s.p.smtpB
	}
	logf, err := os.OpenFile(filepath.Join(s.work, "replica-"+name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(s.bin, "serve")
	cmd.Env = append(os.Environ(),
		fmt.Sprintf("ADDR=127.0.0.1:%d", port),
		fmt.Sprintf("BASE_URL=http://127.0.0.1:%d", s.p.proxy),
		fmt.Sprintf("SMTP_URL=smtp://127.0.0.1:%d?tls=none", smtpPort),
		"TRUSTED_PROXIES=127.0.0.1", "JOBS_ENABLED=true", "LOG_LEVEL=info")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start replica %s: %w", name, err)
	}
	s.replicas[name] = cmd
	if name == "A" && s.startedA.IsZero() {
		s.startedA = time.Now()
	}
	go cmd.Wait() //nolint:errcheck // reaped; a killed replica is expected
	if err := waitFor(fmt.Sprintf("http://127.0.0.1:%d/readyz", port), 30*time.Second); err != nil {
		return fmt.Errorf("replica %s: %w", name, err)
	}
	s.logf("replica %s serving on 127.0.0.1:%d (pid %d), mail to 127.0.0.1:%d", name, port, cmd.Process.Pid, smtpPort)
	return nil
}

func (s *soak) startNginx() error {
	conf := fmt.Sprintf(`worker_processes 1;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/nginx-error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path %[1]s/nginx-body;
  proxy_temp_path %[1]s/nginx-proxy;
  fastcgi_temp_path %[1]s/nginx-fastcgi;
  uwsgi_temp_path %[1]s/nginx-uwsgi;
  scgi_temp_path %[1]s/nginx-scgi;
  upstream khung {
    server 127.0.0.1:%[3]d max_fails=1 fail_timeout=2s;
    server 127.0.0.1:%[4]d max_fails=1 fail_timeout=2s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:%[2]d;
    location / {
      proxy_pass http://khung;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout http_502;
      proxy_connect_timeout 1s;
    }
  }
}
`, s.work, s.p.proxy, s.p.a, s.p.b)
	path := filepath.Join(s.work, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return err
	}
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		nginx = "/usr/sbin/nginx"
	}
	cmd := exec.Command(nginx, "-c", path, "-p", s.work, "-e", filepath.Join(s.work, "nginx-error.log"))
	out, err := os.Create(filepath.Join(s.work, "nginx.out"))
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start nginx: %w", err)
	}
	s.nginx = cmd
	go cmd.Wait() //nolint:errcheck
	time.Sleep(300 * time.Millisecond)
	s.logf("nginx on 127.0.0.1:%d in front of both replicas (pid %d)", s.p.proxy, cmd.Process.Pid)
	return nil
}

func (s *soak) stopAll() {
	for name, cmd := range s.replicas {
		if cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			s.logf("stopped replica %s", name)
		}
	}
	if s.nginx != nil && s.nginx.Process != nil {
		_ = syscall.Kill(-s.nginx.Process.Pid, syscall.SIGQUIT)
	}
	if s.mail != nil {
		s.mail.down()
	}
	time.Sleep(500 * time.Millisecond)
	if s.work != "" && os.Getenv("SOAK_KEEP") == "" {
		os.RemoveAll(s.work)
	}
}

func waitFor(u string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer 200 within %s", u, limit)
}

// ---- background: traffic and readiness -------------------------------------

// traffic counts the answers the proxy gives to a steady trickle of requests.
type traffic struct {
	mu      sync.Mutex
	byPhase map[string]map[int]int // phase → status (0 = transport error) → count
	phase   atomic.Value
}

func (t *traffic) record(status int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ph, _ := t.phase.Load().(string)
	if t.byPhase == nil {
		t.byPhase = map[string]map[int]int{}
	}
	if t.byPhase[ph] == nil {
		t.byPhase[ph] = map[int]int{}
	}
	t.byPhase[ph][status]++
}

func (t *traffic) counts(phase string) (ok, bad int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for st, n := range t.byPhase[phase] {
		if st >= 200 && st < 400 {
			ok += n
		} else {
			bad += n
		}
	}
	return ok, bad
}

// readiness records what one replica's /readyz answered over time.
type readiness struct {
	mu      sync.Mutex
	redAt   time.Time // first non-200 after arm
	greenAt time.Time // first 200 after redAt
	armed   bool
}

func (r *readiness) arm() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.redAt, r.greenAt, r.armed = time.Time{}, time.Time{}, true
}

func (r *readiness) saw(ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.armed {
		return
	}
	switch {
	case !ok && r.redAt.IsZero():
		r.redAt = time.Now()
	case ok && !r.redAt.IsZero() && r.greenAt.IsZero():
		r.greenAt = time.Now()
	}
}

func (r *readiness) result() (red, green time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.redAt, r.greenAt
}

func (s *soak) background(ctx context.Context) error {
	client, err := s.loggedIn("unit@khung.vn")
	if err != nil {
		return err
	}
	proxy := fmt.Sprintf("http://127.0.0.1:%d", s.p.proxy)
	paths := []string{"/readyz", "/login", "/api/v1/visits?year=2027", "/calendar?year=2027&month=3"}
	for w := range 4 {
		go func() {
			for i := w; ctx.Err() == nil; i++ {
				status := 0
				resp, err := client.Get(proxy + paths[i%len(paths)])
				if err == nil {
					io.Copy(io.Discard, resp.Body) //nolint:errcheck
					resp.Body.Close()
					status = resp.StatusCode
				}
				s.traffic.record(status)
				time.Sleep(50 * time.Millisecond)
			}
		}()
	}
	plain := &http.Client{Timeout: 2 * time.Second}
	for _, name := range []string{"A", "B"} {
		go func() {
			for ctx.Err() == nil {
				u := fmt.Sprintf("http://127.0.0.1:%d/readyz", s.replicaPort(name))
				resp, err := plain.Get(u)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					resp.Body.Close()
				}
				if err == nil { // a replica that is not running is not "red"
					s.ready[name].saw(ok)
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
	}
	return nil
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// loggedIn returns a client logged in as email through the proxy.
func (s *soak) loggedIn(email string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	proxy := fmt.Sprintf("http://127.0.0.1:%d", s.p.proxy)
	resp, err := c.Get(proxy + "/login")
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		return nil, errors.New("login page without a _csrf field")
	}
	resp, err = c.PostForm(proxy+"/login", url.Values{"email": {email}, "password": {"Khung@2026!"}, "_csrf": {string(m[1])}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login as %s: status %d", email, resp.StatusCode)
	}
	return c, nil
}

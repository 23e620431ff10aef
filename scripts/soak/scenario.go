package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// scenario runs the faults in order. Each replica's outbox job ticks every
// minute from its start; B starts 20 s after A so that their ticks alternate.
func (s *soak) scenario() error {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	s.traffic.phase.Store("start")
	time.Sleep(time.Until(s.startedA.Add(20 * time.Second)))
	if err := s.startReplica("B"); err != nil {
		return err
	}
	pidB := s.replicas["B"].Process.Pid
	if err := s.background(ctx); err != nil {
		return fmt.Errorf("traffic: %w", err)
	}

	// 1. Jobs decide once: the visit notices of a day, decided by two
	// processes at the same instant and then once more.
	s.traffic.phase.Store("decide")
	s.mail.down() // 3. the relay is down from now on: the first sends fail
	s.logf("SMTP capture down")
	before := s.outboxCount()
	runs := s.decideTwiceAtOnce("visit-notices", "2027-03-01T08:00:00+07:00")
	afterTwo := s.outboxCount()
	s.runJob("visit-notices", "2027-03-01T08:00:00+07:00", 0)
	afterThree := s.outboxCount()
	s.logf("visit notices of 2027-03-01: %d mails queued by two concurrent runs (%s); a third run added %d",
		afterTwo-before, strings.Join(runs, "; "), afterThree-afterTwo)
	s.dueNow()
	s.check("jobs decide once", afterTwo > before && afterThree == afterTwo && s.duplicateKeys() == 0,
		"two concurrent runs queued %d mails, the third run %d; duplicate keys in the outbox: %d",
		afterTwo-before, afterThree-afterTwo, s.duplicateKeys())

	// 2. PostgreSQL restarted mid-load: /readyz red then green, no app restart.
	s.traffic.phase.Store("pg-restart")
	for _, r := range s.ready {
		r.arm()
	}
	restartAt := time.Now()
	if err := s.restartPostgres(4 * time.Second); err != nil {
		return err
	}
	for _, name := range []string{"A", "B"} {
		_ = waitFor(fmt.Sprintf("http://127.0.0.1:%d/readyz", s.replicaPort(name)), 30*time.Second)
	}
	time.Sleep(1 * time.Second)
	allOK := true
	var lines []string
	for _, name := range []string{"A", "B"} {
		red, green := s.ready[name].result()
		ok := !red.IsZero() && !green.IsZero()
		allOK = allOK && ok
		lines = append(lines, fmt.Sprintf("%s red %s after the stop, green %s after it", name,
			since(restartAt, red), since(restartAt, green)))
	}
	s.traffic.phase.Store("after-pg")
	time.Sleep(10 * time.Second)
	okN, badN := s.traffic.counts("after-pg")
	samePID := s.replicas["B"].Process.Pid == pidB
	s.check("PostgreSQL restart: /readyz red then green, app not restarted", allOK && badN == 0 && okN > 0 && samePID,
		"%s; the next 10 s through nginx: %d ok, %d failed", strings.Join(lines, "; "), okN, badN)

	// 3. SMTP down across A's first outbox tick (the relay went down before
	// the notices were decided), back up after it.
	upAt := s.startedA.Add(75 * time.Second)
	time.Sleep(time.Until(upAt))
	failed := s.failedAttempts()
	if err := s.mail.up(); err != nil {
		return err
	}
	s.logf("SMTP capture up again; %d outbox rows have a failed attempt", failed)
	s.traffic.phase.Store("smtp-back")
	if !s.waitOutboxEmpty(100 * time.Second) {
		s.logf("outbox still not empty after the relay came back")
	}
	sent1, pending1 := s.outboxStatus()
	s.check("SMTP down then up: no mail lost", failed > 0 && pending1 == 0,
		"%d rows failed while the relay was down; afterwards %d sent, %d not sent", failed, sent1, pending1)

	// 4. kill -9 of replica A in the middle of a batch.
	s.traffic.phase.Store("kill")
	// Queue the batch a few seconds before A's next outbox tick, so that A
	// claims it (B ticks 20 s after A).
	next := s.startedA
	for time.Until(next) < 8*time.Second {
		next = next.Add(time.Minute)
	}
	time.Sleep(time.Until(next.Add(-5 * time.Second)))
	before = s.outboxCount()
	for _, day := range []string{"2027-04-01", "2027-05-03", "2027-06-01", "2027-07-01", "2027-08-02", "2027-09-01"} {
		s.runJob("visit-notices", day+"T08:00:00+07:00", 0)
	}
	s.dueNow()
	queued := s.outboxCount() - before
	s.logf("%d more mails queued for the kill test", queued)
	s.mail.arm()
	var killedAt time.Time
	deadline := time.Now().Add(75 * time.Second)
	for time.Now().Before(deadline) {
		if t, ok := s.mail.startedOn(s.p.smtpA); ok && time.Since(t) > 1500*time.Millisecond {
			killedAt = time.Now()
			_ = syscall.Kill(-s.replicas["A"].Process.Pid, syscall.SIGKILL)
			break
		}
		if _, ok := s.mail.startedOn(s.p.smtpB); ok {
			s.mail.arm() // B took this tick; wait for A's
		}
		time.Sleep(50 * time.Millisecond)
	}
	if killedAt.IsZero() {
		s.check("kill -9 mid-send", false, "replica A never started sending within 75 s")
		return nil
	}
	time.Sleep(500 * time.Millisecond)
	stuck := s.countWhere("status = 'sending'")
	fromA := 0
	for _, d := range s.mail.all() {
		if d.Port == s.p.smtpA && d.At.After(killedAt.Add(-time.Minute)) && d.At.Before(killedAt) {
			fromA++
		}
	}
	s.logf("killed replica A (kill -9) after it delivered %d mails of its batch; %d rows left in 'sending'", fromA, stuck)
	if err := s.startReplica("A"); err != nil {
		return err
	}
	// A killed sender's rows stay claimed until their lease (notify's Lease,
	// 2 minutes, on the database clock) runs out; then B's next outbox tick
	// (every minute) takes them back. Wait for that, with a margin.
	if !s.waitOutboxEmpty(4 * time.Minute) {
		s.logf("outbox still not empty after the reclaim")
	}
	sent2, pending2 := s.outboxStatus()
	s.check("kill -9 mid-send: none lost", stuck > 0 && pending2 == 0,
		"%d rows were stuck in 'sending' after the kill; in the end %d sent, %d not sent", stuck, sent2, pending2)
	s.mailChecks()
	s.trafficCheck()
	return nil
}

func since(t0, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Sub(t0).Round(100 * time.Millisecond).String()
}

// decideTwiceAtOnce runs `khung jobs run job --now now` in two processes at
// the same instant and returns what each reported.
func (s *soak) decideTwiceAtOnce(job, now string) []string {
	var wg sync.WaitGroup
	out := make([]string, 2)
	for i := range 2 {
		wg.Go(func() { out[i] = s.runJob(job, now, 0) })
	}
	wg.Wait()
	return out
}

// runJob runs one job once in a separate process and returns its report
// (the "job done" or "job skipped" log line, shortened).
func (s *soak) runJob(job, now string, smtpPort int) string {
	cmd := exec.Command(s.bin, "jobs", "run", job, "--now", now)
	cmd.Env = append(os.Environ(), "LOG_LEVEL=info")
	if smtpPort != 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("SMTP_URL=smtp://127.0.0.1:%d?tls=none", smtpPort))
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.logf("jobs run %s --now %s: %v\n%s", job, now, err, out)
		return "error"
	}
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.Contains(line, `"job skipped`):
			return "skipped: another process held the lock"
		case strings.Contains(line, `"job done"`):
			if i := strings.Index(line, `"new":`); i >= 0 {
				return "done, " + strings.SplitN(line[i+1:], ",", 2)[0]
			}
			return "done"
		}
	}
	return strings.TrimSpace(lastLine(string(out)))
}

// restartPostgres stops the cluster, waits down, and starts it again with the
// options with-db.sh gave it.
func (s *soak) restartPostgres(down time.Duration) error {
	bindir, data, user := os.Getenv("KHUNG_PG_BINDIR"), os.Getenv("KHUNG_PG_DATA"), os.Getenv("KHUNG_PG_USER")
	pgctl := func(args ...string) error {
		full := append([]string{filepath.Join(bindir, "pg_ctl"), "-D", data}, args...)
		var cmd *exec.Cmd
		if os.Geteuid() == 0 && user != "root" {
			cmd = exec.Command("runuser", append([]string{"-u", user, "--"}, full...)...)
		} else {
			cmd = exec.Command(full[0], full[1:]...)
		}
		cmd.Dir = "/"
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("pg_ctl %s: %w\n%s", args[0], err, out)
		}
		return nil
	}
	opts, err := os.ReadFile(filepath.Join(data, "postmaster.opts"))
	if err != nil {
		return err
	}
	if err := pgctl("stop", "-m", "fast", "-w"); err != nil {
		return err
	}
	s.logf("PostgreSQL stopped (fast shutdown)")
	time.Sleep(down)
	// postmaster.opts holds the previous command line: binary, then options.
	fields := strings.Fields(strings.ReplaceAll(string(opts), `"`, ""))
	if err := pgctl("start", "-w", "-l", filepath.Join(data, "server.log"), "-o", strings.Join(fields[1:], " ")); err != nil {
		return err
	}
	s.logf("PostgreSQL started again after %s down", down)
	return nil
}

// ---- database probes ----

func (s *soak) scalar(q string, args ...any) int {
	var n int
	for range 50 { // the database may be restarting
		if err := s.db.QueryRow(q, args...).Scan(&n); err == nil {
			return n
		}
		time.Sleep(200 * time.Millisecond)
	}
	return -1
}

// dueNow makes the mail just decided due at once: it was decided as of a day
// of 2027 (the plan's year), so its first attempt is dated then.
func (s *soak) dueNow() {
	for range 50 {
		if _, err := s.db.Exec(`UPDATE mail_outbox SET next_attempt_at = now() WHERE status = 'pending' AND next_attempt_at > now()`); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (s *soak) outboxCount() int { return s.scalar(`SELECT count(*) FROM mail_outbox`) }
func (s *soak) countWhere(cond string) int {
	return s.scalar(`SELECT count(*) FROM mail_outbox WHERE ` + cond)
}
func (s *soak) failedAttempts() int { return s.countWhere(`last_error <> '' OR attempts > 1`) }
func (s *soak) duplicateKeys() int {
	return s.scalar(`SELECT count(*) FROM (SELECT dedupe_key FROM mail_outbox GROUP BY 1 HAVING count(*) > 1) d`)
}

func (s *soak) outboxStatus() (sent, notSent int) {
	return s.countWhere("status = 'sent'"), s.countWhere("status <> 'sent'")
}

// waitOutboxEmpty waits until every outbox row is sent (or failed for good).
func (s *soak) waitOutboxEmpty(limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if s.countWhere("status IN ('pending', 'sending')") == 0 {
			return true
		}
		time.Sleep(time.Second)
	}
	return false
}

// mailChecks compares the outbox with what the relay received: each row
// delivered, none twice. A mail repeated with the same Message-ID is the one
// in flight when a sender died (accepted by the relay, not yet marked sent):
// clients show it once; at most one per kill is allowed.
func (s *soak) mailChecks() {
	rows, err := s.db.Query(`SELECT dedupe_key FROM mail_outbox`)
	if err != nil {
		s.check("every mail delivered once", false, "read the outbox: %v", err)
		return
	}
	want := map[string]bool{}
	for rows.Next() {
		var k string
		if rows.Scan(&k) == nil {
			want[k] = true
		}
	}
	rows.Close()
	got := map[string][]delivered{}
	for _, d := range s.mail.all() {
		got[d.Key] = append(got[d.Key], d)
	}
	missing, doubled, inFlight, unknown := 0, 0, 0, 0
	for k := range want {
		switch ds := got[k]; {
		case len(ds) == 0:
			missing++
		case len(ds) > 1:
			same := true
			for _, d := range ds[1:] {
				same = same && d.MessageID == ds[0].MessageID
			}
			if same && len(ds) == 2 {
				inFlight++
			} else {
				doubled++
			}
		}
	}
	for k := range got {
		if !want[k] {
			unknown++
		}
	}
	s.check("every mail delivered, none twice", missing == 0 && doubled == 0 && unknown == 0 && inFlight <= 1,
		"%d outbox rows, %d messages received: %d missing, %d doubled, %d repeated in flight (same Message-ID), %d not from the outbox",
		len(want), len(s.mail.all()), missing, doubled, inFlight, unknown)
}

// trafficCheck reports the proxy's answers and that both replicas served.
func (s *soak) trafficCheck() {
	var total, bad int
	var byPhase []string
	s.traffic.mu.Lock()
	for _, ph := range []string{"start", "decide", "pg-restart", "after-pg", "smtp-back", "kill"} {
		phaseBad := 0
		for st, n := range s.traffic.byPhase[ph] {
			total += n
			if st < 200 || st >= 400 {
				bad += n
				phaseBad += n
			}
		}
		byPhase = append(byPhase, fmt.Sprintf("%s %d", ph, phaseBad))
	}
	s.traffic.mu.Unlock()
	served := map[string]int{}
	for _, name := range []string{"A", "B"} {
		b, _ := os.ReadFile(filepath.Join(s.work, "replica-"+name+".log"))
		served[name] = strings.Count(string(b), `"msg":"request"`)
	}
	s.check("nginx spread the traffic over both replicas", served["A"] > 0 && served["B"] > 0,
		"%d requests through nginx, %d failed (by phase: %s); replica A logged %d requests, B %d",
		total, bad, strings.Join(byPhase, ", "), served["A"], served["B"])
}

func (s *soak) summary() int {
	fmt.Println()
	fmt.Printf("soak summary (%s)\n", time.Since(s.started).Round(time.Second))
	failed := 0
	for _, c := range s.checks {
		mark := "PASS"
		if !c.ok {
			mark = "FAIL"
			failed++
		}
		fmt.Printf("  %s  %s: %s\n", mark, c.name, c.detail)
	}
	if failed > 0 || len(s.checks) == 0 {
		fmt.Printf("soak: FAIL (%d of %d checks failed)\n", failed, len(s.checks))
		return 1
	}
	fmt.Printf("soak: PASS (%d checks)\n", len(s.checks))
	return 0
}

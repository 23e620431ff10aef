// Package config reads Khung's settings from the environment.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting of the application. It is read once in main and
// passed down; nothing reads the environment after start-up.
type Config struct {
	// DatabaseURL is the PostgreSQL connection URL (DATABASE_URL, required).
	DatabaseURL string
	// Addr is the listen address of the HTTP server (ADDR, default 127.0.0.1:8080).
	Addr string
	// BaseURL is the public URL of the app (BASE_URL, default http://ADDR);
	// https makes session cookies Secure.
	BaseURL *url.URL
	// SMTPURL is where mail goes, smtp://user:pass@host:port (SMTP_URL, optional:
	// empty keeps mail in the outbox).
	SMTPURL *url.URL
	// MailFrom is the sender address (MAIL_FROM).
	MailFrom string
	// LogLevel is debug, info, warn or error (LOG_LEVEL, default info).
	LogLevel slog.Level
	// SessionTTL is how long a login lasts without activity (SESSION_TTL, default 12h).
	SessionTTL time.Duration
	// SessionMaxAge is how long a login lasts at most, however active
	// (SESSION_MAX_AGE, default 168h = 7 days; at least SESSION_TTL).
	SessionMaxAge time.Duration
	// TimeZone is where the working calendar and the cron table live (TZ_NAME,
	// default Asia/Ho_Chi_Minh).
	TimeZone *time.Location
	// UploadMaxBytes caps one uploaded file (UPLOAD_MAX_BYTES, default 20 MiB).
	UploadMaxBytes int64
	// JobsEnabled runs the cron table inside `serve` (JOBS_ENABLED, default true).
	JobsEnabled bool
	// TrustedProxies are the reverse proxies in front of Khung (TRUSTED_PROXIES,
	// comma-separated IPs or CIDR ranges; default none). Only from them are
	// X-Forwarded-For/-Proto/-Host believed; without any, the client is the
	// peer address.
	TrustedProxies []netip.Prefix
	// SigningPKCS12 is the agency's certificate and key for digital signatures
	// (SIGNING_PKCS12: the path of a .p12/.pfx file; optional: without it Khung
	// prints and verifies but does not sign), opened with SIGNING_PKCS12_PASSWORD.
	// SIGNING_ROOTS is a PEM file of the roots signatures must chain to
	// (default: the root in the PKCS#12 file).
	SigningPKCS12, SigningPassword, SigningRoots string
	// ChromiumBin prints documents to PDF (CHROMIUM_BIN, default: found on PATH).
	ChromiumBin string
}

// TrustedProxy tells whether addr is one of TRUSTED_PROXIES.
func (c Config) TrustedProxy(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range c.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// TrustedProxyList returns TRUSTED_PROXIES as CIDR strings, the form Fiber's
// TrustedProxies takes.
func (c Config) TrustedProxyList() []string {
	out := make([]string, len(c.TrustedProxies))
	for i, p := range c.TrustedProxies {
		out[i] = p.String()
	}
	return out
}

// SecureCookies tells whether cookies must carry the Secure flag.
func (c Config) SecureCookies() bool { return c.BaseURL != nil && c.BaseURL.Scheme == "https" }

// Load reads the configuration through getenv (os.Getenv in main, a map in
// tests). It reports every problem at once, one line per variable.
func Load(getenv func(string) string) (Config, error) {
	var problems []string
	bad := func(name, format string, args ...any) {
		problems = append(problems, name+": "+fmt.Sprintf(format, args...))
	}
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}

	c := Config{Addr: get("ADDR", "127.0.0.1:8080"), MailFrom: get("MAIL_FROM", "khung@sonoivu.hanoi.gov.vn")}

	c.DatabaseURL = get("DATABASE_URL", "")
	if c.DatabaseURL == "" {
		bad("DATABASE_URL", "is required (postgres://user@host:port/db); `make run` sets it for you")
	} else if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		bad("DATABASE_URL", "must be a postgres:// URL")
	}

	if !strings.Contains(c.Addr, ":") {
		bad("ADDR", "must be host:port, got %q", c.Addr)
	}

	base := get("BASE_URL", "http://"+c.Addr)
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("BASE_URL", "must be an absolute http(s) URL, got %q", base)
	} else {
		c.BaseURL = u
	}

	if s := get("SMTP_URL", ""); s != "" {
		if u, err := url.Parse(s); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			bad("SMTP_URL", "must look like smtp://user:pass@host:port")
		} else {
			c.SMTPURL = u
		}
	}

	if err := c.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL", "info"))); err != nil {
		bad("LOG_LEVEL", "must be debug, info, warn or error")
	}

	ttl, err := time.ParseDuration(get("SESSION_TTL", "12h"))
	if err != nil || ttl < time.Minute {
		bad("SESSION_TTL", "must be a duration of at least 1m, like 12h")
	}
	c.SessionTTL = ttl

	maxAge, err := time.ParseDuration(get("SESSION_MAX_AGE", "168h"))
	switch {
	case err != nil || maxAge < time.Minute:
		bad("SESSION_MAX_AGE", "must be a duration of at least 1m, like 168h")
	case maxAge < ttl:
		bad("SESSION_MAX_AGE", "must be at least SESSION_TTL (%s), got %s", ttl, maxAge)
	}
	c.SessionMaxAge = maxAge

	tz, err := time.LoadLocation(get("TZ_NAME", "Asia/Ho_Chi_Minh"))
	if err != nil {
		bad("TZ_NAME", "unknown time zone")
	}
	c.TimeZone = tz

	maxUp, err := strconv.ParseInt(get("UPLOAD_MAX_BYTES", strconv.Itoa(20<<20)), 10, 64)
	if err != nil || maxUp <= 0 {
		bad("UPLOAD_MAX_BYTES", "must be a positive number of bytes")
	}
	c.UploadMaxBytes = maxUp

	jobs, err := strconv.ParseBool(get("JOBS_ENABLED", "true"))
	if err != nil {
		bad("JOBS_ENABLED", "must be true or false")
	}
	c.JobsEnabled = jobs

	for _, item := range strings.Split(get("TRUSTED_PROXIES", ""), ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		p, err := parseProxy(item)
		if err != nil {
			bad("TRUSTED_PROXIES", "%q is neither an IP address nor a CIDR range like 10.0.0.0/8", item)
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}

	c.SigningPKCS12, c.SigningPassword, c.SigningRoots = get("SIGNING_PKCS12", ""), getenv("SIGNING_PKCS12_PASSWORD"), get("SIGNING_ROOTS", "")
	c.ChromiumBin = get("CHROMIUM_BIN", "")

	if len(problems) > 0 {
		return Config{}, errors.New("configuration problems:\n  " + strings.Join(problems, "\n  "))
	}
	return c, nil
}

// parseProxy reads one TRUSTED_PROXIES item: an address (a range of one) or a
// CIDR range.
func parseProxy(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

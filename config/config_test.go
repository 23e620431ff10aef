package config

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr []string
	}{
		{"defaults with only a database", map[string]string{"DATABASE_URL": "postgres://u@h:5432/d"}, nil},
		{"a maximum session age shorter than the idle one is refused", map[string]string{
			"DATABASE_URL": "postgres://u@h:5432/d", "SESSION_TTL": "12h", "SESSION_MAX_AGE": "2h",
		}, []string{"SESSION_MAX_AGE"}},
		{"missing database is reported", map[string]string{}, []string{"DATABASE_URL"}},
		{"every problem is reported at once", map[string]string{
			"DATABASE_URL": "mysql://x", "ADDR": "nonsense", "LOG_LEVEL": "loud", "SESSION_TTL": "soon",
			"SESSION_MAX_AGE": "forever",
			"TRUSTED_PROXIES": "10.0.0.1, proxy.local",
			"SMTP_URL":        "http://x", "UPLOAD_MAX_BYTES": "-1", "JOBS_ENABLED": "maybe", "TZ_NAME": "Mars/Base",
		}, []string{"DATABASE_URL", "ADDR", "LOG_LEVEL", "SESSION_TTL", "SESSION_MAX_AGE", "TRUSTED_PROXIES", "SMTP_URL", "UPLOAD_MAX_BYTES", "JOBS_ENABLED", "TZ_NAME"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.env))
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if c.Addr != "127.0.0.1:8080" || c.TimeZone.String() != "Asia/Ho_Chi_Minh" || c.SecureCookies() ||
					c.SessionTTL != 12*time.Hour || c.SessionMaxAge != 7*24*time.Hour {
					t.Fatalf("bad defaults: %+v", c)
				}
				return
			}
			if err == nil {
				t.Fatal("want an error")
			}
			for _, name := range tt.wantErr {
				if !strings.Contains(err.Error(), name+":") {
					t.Errorf("error does not name %s: %v", name, err)
				}
			}
		})
	}
}

func TestSecureCookiesFollowBaseURL(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/d", "BASE_URL": "https://khung.example.vn"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.SecureCookies() {
		t.Fatal("https base URL must make cookies Secure")
	}
}

func TestTrustedProxiesAreAddressesOrRanges(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/d",
		"TRUSTED_PROXIES": " 10.0.0.7 , 192.168.1.9/16,::1,"}))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(c.TrustedProxyList(), " "), "10.0.0.7/32 192.168.0.0/16 ::1/128"; got != want {
		t.Errorf("TrustedProxyList() = %q, want %q", got, want)
	}
	for _, tt := range []struct {
		addr string
		want bool
	}{
		{"10.0.0.7", true},
		{"10.0.0.8", false},
		{"192.168.200.1", true},
		{"::ffff:192.168.3.4", true}, // IPv4 as an IPv6 socket reports it
		{"::1", true},
		{"127.0.0.1", false},
	} {
		if got := c.TrustedProxy(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("TrustedProxy(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
	none, err := Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/d"}))
	if err != nil {
		t.Fatal(err)
	}
	if none.TrustedProxy(netip.MustParseAddr("127.0.0.1")) || len(none.TrustedProxyList()) != 0 {
		t.Error("without TRUSTED_PROXIES no proxy is trusted")
	}
}

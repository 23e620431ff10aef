package config

import (
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
			"SMTP_URL":        "http://x", "UPLOAD_MAX_BYTES": "-1", "JOBS_ENABLED": "maybe", "TZ_NAME": "Mars/Base",
		}, []string{"DATABASE_URL", "ADDR", "LOG_LEVEL", "SESSION_TTL", "SESSION_MAX_AGE", "SMTP_URL", "UPLOAD_MAX_BYTES", "JOBS_ENABLED", "TZ_NAME"}},
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

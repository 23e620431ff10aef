// Package changestest runs an app/changes listener for a test.
package changestest

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/changes"
)

// Start runs a listener on db until the test ends and returns it once it is
// live.
func Start(t testing.TB, db *gorm.DB) *changes.Listener {
	t.Helper()
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	l := changes.New(sqlDB, nil)
	t.Cleanup(changes.Start(context.Background(), l))
	WaitLive(t, l)
	return l
}

// WaitLive waits (up to 10 s) until l listens.
func WaitLive(t testing.TB, l *changes.Listener) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !l.Live(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the listener did not connect within 10 s")
		}
	}
}

// Settle waits until l has heard every change committed so far, as a
// request that wrote does before it answers (changes.Fence).
func Settle(t testing.TB, l *changes.Listener) {
	t.Helper()
	if err := l.Fence(context.Background(), 5*time.Second); err != nil {
		t.Fatal(err)
	}
}

package auth

import "testing"

func TestPasswords(t *testing.T) {
	h, err := HashPassword("mật khẩu đủ dài")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "mật khẩu đủ dài") {
		t.Error("the right password is refused")
	}
	if CheckPassword(h, "mat khau du dai") {
		t.Error("a wrong password is accepted")
	}
	if _, err := HashPassword("short"); err != ErrWeakPassword {
		t.Errorf("a short password gives %v, want ErrWeakPassword", err)
	}
}

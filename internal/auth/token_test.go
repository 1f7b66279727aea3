package auth

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestTokenTypesNeverCross(t *testing.T) {
	for _, typ := range []string{TypeFile, TypeVerification, TypePasswordReset, TypeEmailChange} {
		tok, err := Sign(Claims{ID: "r", CollectionID: "c", Type: typ}, "key", "secret", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(tok, "key", "secret", TypeAuth); err == nil {
			t.Fatalf("a %s token was accepted as an auth token", typ)
		}
		if _, err := Verify(tok, "key", "secret", typ); err != nil {
			t.Fatalf("%s token refused as itself: %v", typ, err)
		}
	}
}

func TestVerifyRefusesBadTokens(t *testing.T) {
	good, _ := Sign(Claims{ID: "r", CollectionID: "c", Type: TypeAuth}, "key", "secret", time.Hour)
	expired, _ := Sign(Claims{ID: "r", CollectionID: "c", Type: TypeAuth}, "key", "secret", -time.Minute)
	parts := strings.Split(good, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, Claims{ID: "r", Type: TypeAuth, RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}}).SignedString([]byte("keysecret"))
	noExp, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, Claims{ID: "r", Type: TypeAuth}).SignedString([]byte("keysecret"))
	for name, tok := range map[string]string{
		"expired": expired, "alg none": none, "HS512": hs512, "no exp": noExp, "garbage": "not.a.jwt",
		"tampered": parts[0] + "." + parts[1] + "x." + parts[2], "wrong key": good + "",
		"huge": strings.Repeat("a", 1<<16),
	} {
		key := "key"
		if name == "wrong key" {
			key = "other"
		}
		if _, err := Verify(tok, key, "secret", TypeAuth); err == nil {
			t.Errorf("%s token accepted", name)
		}
	}
	if _, err := Verify(good, "key", "secret", TypeAuth); err != nil {
		t.Fatalf("good token refused: %v", err)
	}
}

func TestPasswords(t *testing.T) {
	h, err := HashPassword("correct horse", 4)
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "correct horse") || CheckPassword(h, "wrong") || CheckPassword("", "x") {
		t.Fatal("password check wrong")
	}
	if _, err := HashPassword(strings.Repeat("x", 73), 4); err == nil {
		t.Fatal("73-byte password hashed (bcrypt would truncate it)")
	}
	long := strings.Repeat("x", 72)
	h72, _ := HashPassword(long, 4)
	if CheckPassword(h72, long+"y") {
		t.Fatal("a password over 72 bytes matched a hash of its first 72")
	}
	// Hashes from other bcrypt implementations ($2b$, $2y$ prefixes) verify too.
	for _, prefix := range []string{"$2b$", "$2y$"} {
		if !CheckPassword(prefix+h[4:], "correct horse") {
			t.Errorf("%s hash refused", prefix)
		}
	}
}

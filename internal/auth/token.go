// Package auth holds password hashing and token signing and verification. It
// knows nothing about HTTP or SQL.
package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
)

// Token types; a token of one type is never accepted as another.
const (
	TypeAuth          = "auth"
	TypeFile          = "file"
	TypeVerification  = "verification"
	TypePasswordReset = "passwordReset"
	TypeEmailChange   = "emailChange"
)

// Claims are the PocketBase-compatible token claims.
type Claims struct {
	ID           string `json:"id"`
	CollectionID string `json:"collectionId"`
	Type         string `json:"type"`
	Refreshable  bool   `json:"refreshable"`
	// Email binds verification, reset and email-change tokens to the address
	// they were issued for; NewEmail is the target of an email change.
	Email    string `json:"email,omitempty"`
	NewEmail string `json:"newEmail,omitempty"`
	jwt.RegisteredClaims
}

// Sign returns an HS256 token for claims signed with tokenKey+secret, valid for ttl.
func Sign(c Claims, tokenKey, secret string, ttl time.Duration) (string, error) {
	c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(ttl))
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(tokenKey + secret))
}

// ParseUnverified reads the claims of a token without checking the signature,
// so the caller can find the record whose key verifies it. Only HS256 tokens
// are considered.
func ParseUnverified(token string) (*Claims, error) {
	c := &Claims{}
	t, _, err := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"})).ParseUnverified(token, c)
	if err != nil {
		return nil, err
	}
	if t.Method.Alg() != "HS256" {
		return nil, errors.New("unexpected signing method")
	}
	return c, nil
}

// Verify checks token's HS256 signature with tokenKey+secret, its expiry and
// its type, and returns its claims.
func Verify(token, tokenKey, secret, wantType string) (*Claims, error) {
	c := &Claims{}
	_, err := jwt.ParseWithClaims(token, c, func(*jwt.Token) (any, error) {
		return []byte(tokenKey + secret), nil
	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())
	if err != nil {
		return nil, err
	}
	if c.Type != wantType {
		return nil, fmt.Errorf("token type %q, want %q", c.Type, wantType)
	}
	return c, nil
}

// VerifyWithKey parses token once: keyFor receives the unverified claims
// (after the algorithm check) and returns the tokenKey and secret to verify
// the signature with, or an error. The signature, expiry and type are then
// checked as in Verify.
func VerifyWithKey(token, wantType string, keyFor func(*Claims) (tokenKey, secret string, err error)) (*Claims, error) {
	c := &Claims{}
	_, err := jwt.ParseWithClaims(token, c, func(t *jwt.Token) (any, error) {
		cl, ok := t.Claims.(*Claims)
		if !ok || cl.Type != wantType {
			return nil, fmt.Errorf("token type %q, want %q", cl.Type, wantType)
		}
		key, secret, err := keyFor(cl)
		if err != nil {
			return nil, err
		}
		return []byte(key + secret), nil
	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DefaultCost is the default bcrypt cost.
const DefaultCost = 10

// MaxPasswordBytes is bcrypt's input limit; longer passwords are refused
// rather than silently truncated.
const MaxPasswordBytes = 72

// HashPassword returns the bcrypt hash of password with cost (0 = DefaultCost).
func HashPassword(password string, cost int) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", errors.New("password longer than 72 bytes")
	}
	if cost == 0 {
		cost = DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	return string(h), err
}

// NeedsRehash reports whether hash was made with a bcrypt cost other than
// cost (0 = DefaultCost), so a successful log-in should re-hash it.
func NeedsRehash(hash string, cost int) bool {
	if cost == 0 {
		cost = DefaultCost
	}
	c, err := bcrypt.Cost([]byte(hash))
	return err == nil && c != cost
}

// dummyHash is compared against when the identity is unknown, so both paths
// take the same time.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("galley-dummy-password"), DefaultCost)

// CheckPassword reports whether password matches hash. An empty hash (unknown
// identity) still spends one bcrypt comparison.
func CheckPassword(hash, password string) bool {
	if len(password) > MaxPasswordBytes {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte("x"))
		return false
	}
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

package oauth2_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/oauth2"
	xoauth2 "golang.org/x/oauth2"
)

// TestProviderUsers checks how each built-in provider reads its user
// document, above all when an email counts as verified.
func TestProviderUsers(t *testing.T) {
	tests := []struct {
		provider string
		doc      map[string]any
		want     oauth2.User
	}{
		{"google", map[string]any{"sub": "g1", "name": "G", "email": "g@x.io", "email_verified": true, "picture": "https://p/g"},
			oauth2.User{ID: "g1", Name: "G", Email: "g@x.io", EmailVerified: true, AvatarURL: "https://p/g"}},
		{"google", map[string]any{"sub": "g2", "email": "g@x.io", "email_verified": false},
			oauth2.User{ID: "g2", Email: "g@x.io"}},
		{"gitlab", map[string]any{"id": 7, "username": "gl", "name": "L", "email": "l@x.io", "confirmed_at": "2020-01-01T00:00:00Z", "avatar_url": "https://p/l"},
			oauth2.User{ID: "7", Name: "L", Username: "gl", Email: "l@x.io", EmailVerified: true, AvatarURL: "https://p/l"}},
		{"gitlab", map[string]any{"id": 8, "email": "l@x.io"}, oauth2.User{ID: "8", Email: "l@x.io"}},
		{"microsoft", map[string]any{"id": "m1", "displayName": "M", "mail": "m@x.io"},
			oauth2.User{ID: "m1", Name: "M", Email: "m@x.io"}}, // Graph never vouches for mail
		{"discord", map[string]any{"id": "80351110224678912", "username": "d", "global_name": "D", "email": "d@x.io", "verified": true, "avatar": "abc"},
			oauth2.User{ID: "80351110224678912", Name: "D", Username: "d", Email: "d@x.io", EmailVerified: true, AvatarURL: "https://cdn.discordapp.com/avatars/80351110224678912/abc.png"}},
		{"discord", map[string]any{"id": "9", "verified": true}, oauth2.User{ID: "9"}}, // no email: nothing verified
	}
	for _, tt := range tests {
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(tt.doc)
		}))
		reg := oauth2.NewRegistry(oauth2.Options{AllowPrivateNetworks: true})
		p, err := reg.Provider(galley.OAuth2Provider{Name: tt.provider, ClientID: "c", UserInfoURL: api.URL})
		if err != nil {
			t.Fatal(err)
		}
		u, err := p.User(context.Background(), &xoauth2.Token{AccessToken: "at"})
		api.Close()
		if err != nil {
			t.Fatalf("%s: %v", tt.provider, err)
		}
		got := *u
		got.Raw, got.Token = nil, nil
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.provider, got, tt.want)
		}
	}
	// A document without an id is refused.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"email":"x@x.io"}`)) }))
	defer api.Close()
	p, _ := oauth2.NewRegistry(oauth2.Options{AllowPrivateNetworks: true}).Provider(galley.OAuth2Provider{Name: "google", ClientID: "c", UserInfoURL: api.URL})
	if _, err := p.User(context.Background(), &xoauth2.Token{AccessToken: "at"}); err == nil {
		t.Fatal("user without id accepted")
	}
}

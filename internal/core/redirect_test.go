package core

import (
	"context"
	"testing"

	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

func TestCheckRedirectURL(t *testing.T) {
	db, err := store.Open(context.Background(), storetest.Options(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	app := New(db, nil)
	ctx := context.Background()
	for _, bad := range []string{"", "javascript:alert(1)", "/relative", "https://user:pw@app.example.com/x", "ftp://app.example.com"} {
		if app.checkRedirectURL(ctx, bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if err := app.checkRedirectURL(ctx, "https://anything.example.org/cb"); err != nil {
		t.Fatalf("default (*) refused: %v", err)
	}
	app.AllowedOrigins = []string{"https://app.example.com"}
	if err := app.checkRedirectURL(ctx, "https://app.example.com/oauth2-redirect"); err != nil {
		t.Fatalf("allowed origin refused: %v", err)
	}
	for _, bad := range []string{"https://evil.example.com/cb", "http://app.example.com/cb", "https://app.example.com.evil.com/cb"} {
		if app.checkRedirectURL(ctx, bad) == nil {
			t.Errorf("%q accepted with origins configured", bad)
		}
	}
	if _, err := app.UpdateSettings(ctx, app.SystemActor(), []byte(`{"meta":{"appURL":"https://my.app"}}`)); err != nil {
		t.Fatal(err)
	}
	if err := app.checkRedirectURL(ctx, "https://my.app/cb"); err != nil {
		t.Fatalf("app URL origin refused: %v", err)
	}
}

package core

import (
	"context"
	"sync"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/reqlog"
)

// countingMailer records the mails it is asked to send.
type countingMailer struct {
	mu   sync.Mutex
	sent []Message
}

func (m *countingMailer) Send(_ context.Context, msg Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

func (m *countingMailer) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sent)
}

// TestSuperuserServicesDecideAccess calls every superuser-only service
// directly, without any transport in front: a guest is refused with
// EUnauthenticated and a user with EForbidden, with input that a superuser
// then applies successfully, and nothing changes for the refused calls.
func TestSuperuserServicesDecideAccess(t *testing.T) {
	ctx := context.Background()
	app := collApp(t)
	mailer := &countingMailer{}
	app.Mailer = mailer
	users := app.db.Schema.Collection("users") // the default users collection
	mustCreate(t, app, `{"name":"posts","fields":[{"name":"title","type":"text"}]}`)
	// The transport authenticates; the services decide on the actor they are
	// given, so a stand-in record of a non-superuser auth collection is the
	// user here.
	guest := Actor{}
	user := Actor{Auth: &galley.Record{Collection: users, Data: map[string]any{"id": "u1"}}}

	// In the order a superuser can run them all; each returns the error code.
	calls := []struct {
		name string
		call func(a Actor) error
	}{
		{"ListCollections", func(a Actor) error { _, err := app.ListCollections(ctx, a, ListQuery{}); return err }},
		{"ViewCollection", func(a Actor) error { _, err := app.ViewCollection(ctx, a, "posts"); return err }},
		{"CollectionScaffolds", func(a Actor) error { _, err := app.CollectionScaffolds(a); return err }},
		{"CreateCollection", func(a Actor) error {
			_, err := app.CreateCollection(ctx, a, []byte(`{"name":"made"}`))
			return err
		}},
		{"UpdateCollection", func(a Actor) error {
			_, err := app.UpdateCollection(ctx, a, "posts", []byte(`{"listRule":""}`))
			return err
		}},
		{"ImportCollections", func(a Actor) error {
			return app.ImportCollections(ctx, a, []byte(`{"collections":[{"name":"imported"}]}`))
		}},
		{"TruncateCollection", func(a Actor) error { return app.TruncateCollection(ctx, a, "posts") }},
		{"DeleteCollection", func(a Actor) error { return app.DeleteCollection(ctx, a, "made") }},
		{"ViewSettings", func(a Actor) error { _, err := app.ViewSettings(ctx, a); return err }},
		{"UpdateSettings", func(a Actor) error {
			_, err := app.UpdateSettings(ctx, a, []byte(`{"meta":{"appName":"Changed"}}`))
			return err
		}},
		{"ListLogs", func(a Actor) error { _, err := app.ListLogs(ctx, a, reqlog.Query{}); return err }},
		{"LogStats", func(a Actor) error { _, err := app.LogStats(ctx, a, ""); return err }},
		{"SendTestEmail", func(a Actor) error {
			return app.SendTestEmail(ctx, a, TestEmail{Email: "a@example.com", Template: MailVerification})
		}},
	}
	for _, c := range calls {
		if err := c.call(guest); galley.ErrorCodeOf(err) != galley.EUnauthenticated {
			t.Errorf("%s as guest: %v, want unauthenticated", c.name, err)
		}
		if err := c.call(user); galley.ErrorCodeOf(err) != galley.EForbidden {
			t.Errorf("%s as user: %v, want forbidden", c.name, err)
		}
	}
	// Refused before any input is read: bad input is still 401/403.
	for _, a := range []Actor{guest, user} {
		if _, err := app.CreateCollection(ctx, a, []byte(`{`)); !refused(err) {
			t.Errorf("CreateCollection with a bad body as %v: %v", a.Auth != nil, err)
		}
		if _, err := app.UpdateSettings(ctx, a, []byte(`{"nope":1}`)); !refused(err) {
			t.Errorf("UpdateSettings with a bad body as %v: %v", a.Auth != nil, err)
		}
		if err := app.SendTestEmail(ctx, a, TestEmail{}); !refused(err) {
			t.Errorf("SendTestEmail without input as %v: %v", a.Auth != nil, err)
		}
		if _, _, err := app.Impersonate(ctx, a, "users", "u1", 0); !refused(err) {
			t.Errorf("Impersonate as %v: %v", a.Auth != nil, err)
		}
		if _, err := app.ViewLog(ctx, a, "x"); !refused(err) {
			t.Errorf("ViewLog as %v: %v", a.Auth != nil, err)
		}
	}
	for _, name := range []string{"made", "imported"} {
		if app.db.Schema.Collection(name) != nil {
			t.Errorf("a refused call created %q", name)
		}
	}
	if app.db.Schema.Collection("posts").ListRule != nil {
		t.Error("a refused call changed posts")
	}
	if set, _ := app.Settings(ctx); set.Meta.AppName == "Changed" {
		t.Error("a refused call changed the settings")
	}
	if n := mailer.count(); n != 0 {
		t.Errorf("refused calls sent %d mails", n)
	}

	// The same calls succeed for a superuser, so the actor made the difference.
	for _, c := range calls {
		if err := c.call(app.SystemActor()); err != nil {
			t.Errorf("%s as superuser: %v", c.name, err)
		}
	}
	if app.db.Schema.Collection("imported") == nil || app.db.Schema.Collection("made") != nil {
		t.Error("the superuser's import or delete did not apply")
	}
	if mailer.count() != 1 {
		t.Errorf("superuser test mail: %d sent", mailer.count())
	}
}

// refused reports whether err is the superuser-only refusal (401 or 403).
func refused(err error) bool {
	code := galley.ErrorCodeOf(err)
	return code == galley.EUnauthenticated || code == galley.EForbidden
}

// TestRefreshAuthDecidesAccess: the service, not the handler, refuses a
// guest (401), a record of another collection and a non-refreshable
// (impersonation) token (403).
func TestRefreshAuthDecidesAccess(t *testing.T) {
	ctx := context.Background()
	app := collApp(t)
	users := app.db.Schema.Collection("users") // the default users collection
	user := Actor{Auth: &galley.Record{Collection: users, Data: map[string]any{"id": "u1", "tokenKey": "k"}}, Refreshable: true}
	if _, _, err := app.RefreshAuth(ctx, Actor{}, "users"); galley.ErrorCodeOf(err) != galley.EUnauthenticated {
		t.Errorf("guest: %v", err)
	}
	if _, _, err := app.RefreshAuth(ctx, user, galley.SuperusersName); galley.ErrorCodeOf(err) != galley.EForbidden {
		t.Errorf("other collection: %v", err)
	}
	impersonated := user
	impersonated.Refreshable = false
	if _, _, err := app.RefreshAuth(ctx, impersonated, "users"); galley.ErrorCodeOf(err) != galley.EForbidden {
		t.Errorf("not refreshable: %v", err)
	}
	tok, rec, err := app.RefreshAuth(ctx, user, "users")
	if err != nil || tok == "" || rec != user.Auth {
		t.Errorf("own record: %q %v %v", tok, rec, err)
	}
}

package core

import galley "github.com/galleyhq/galley"

// Access decisions live in the services, not in the transports: every
// superuser-only service (collections, settings, request logs, test mails,
// impersonation) starts with requireSuperuser, before it reads its input or
// touches storage. The HTTP handlers, the batch API, hooks, cron and the
// dashboard all reach the same door and get the same answer.

// requireSuperuser returns nil when a is a superuser, EUnauthenticated
// (401, with PocketBase's "valid record authorization token" message) for
// a guest and EForbidden (403) for any other auth record — the
// statuses and messages PocketBase gives on its superuser-only routes.
func requireSuperuser(a Actor) error {
	if a.Auth == nil {
		return galley.Errorf(galley.EUnauthenticated, "The request requires valid record authorization token.")
	}
	if !a.IsSuperuser() {
		return galley.Errorf(galley.EForbidden, "The authorized record is not allowed to perform this action.")
	}
	return nil
}

// SystemActor returns an actor with superuser rights for work Galley does on
// its own behalf (command-line tools, migrations, hooks, jobs, tests). Its
// Auth is a stand-in _superusers record without an id. Never hand it to
// work done for a request: use the request's own actor there.
func (app *App) SystemActor() Actor {
	c := app.db.Schema.Collection(galley.SuperusersName)
	if c == nil {
		c = &galley.Collection{Name: galley.SuperusersName, Type: galley.CollectionAuth}
	}
	return Actor{Auth: &galley.Record{Collection: c, Data: map[string]any{}}}
}

// RequireSuperuser is requireSuperuser for the few superuser-only reads that
// live outside core (the realtime broker's counts): nil for a superuser,
// else the same 401/403 as every superuser-only service.
func RequireSuperuser(a Actor) error { return requireSuperuser(a) }

package core

// AuthorizeMetrics decides who may read the metrics through the API's own
// listener (GET /metrics with --metrics): superusers only, with
// EUnauthenticated for guests and EForbidden for other auth records. (The
// separate --metrics-addr listener has no authentication: it is meant for
// a private address.)
func (app *App) AuthorizeMetrics(a Actor) error { return requireSuperuser(a) }

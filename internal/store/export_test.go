package store

import "context"

// TestLane is a writer lane of its own, for tests that run groups directly.
type TestLane struct {
	db *DB
	l  *lane
}

// NewTestLane connects a lane (PostgreSQL).
func (db *DB) NewTestLane() *TestLane {
	l := &lane{broken: true}
	db.reconnectLane(l)
	return &TestLane{db: db, l: l}
}

// Run runs fns as one group on the lane and returns each one's error.
func (t *TestLane) Run(fns ...func(*Tx) error) []error {
	jobs := make([]*job, len(fns))
	for i, fn := range fns {
		jobs[i] = &job{ctx: context.Background(), fn: fn, done: make(chan struct{})}
	}
	t.db.runGroup(t.l, jobs)
	errs := make([]error, len(jobs))
	for i, j := range jobs {
		<-j.done
		errs[i] = j.err
	}
	return errs
}

// Careful is how many groups the lane still runs with savepoints.
func (t *TestLane) Careful() int { return t.l.careful }

// Close closes the lane's connection.
func (t *TestLane) Close() { _ = t.l.conn.Close() }

// WithMigrationsUpTo runs fn while only the system migrations up to and
// including version are known, so a test can make a database as an older
// Galley left it. Not safe for parallel tests.
func WithMigrationsUpTo(version string, fn func()) {
	all := systemMigrations
	defer func() { systemMigrations = all }()
	for i, m := range all {
		if m.version == version {
			systemMigrations = all[:i+1]
			break
		}
	}
	fn()
}

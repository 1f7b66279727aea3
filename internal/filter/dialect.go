package filter

// Dialect is the small seam between SQLite and PostgreSQL for what filters
// need. Implementations must be stateless.
type Dialect interface {
	// Name is "sqlite" or "postgres".
	Name() string
}

type sqliteDialect struct{}

// SQLite returns the SQLite dialect (modernc.org/sqlite).
func SQLite() Dialect { return sqliteDialect{} }

func (sqliteDialect) Name() string { return "sqlite" }

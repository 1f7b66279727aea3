package store

// ReadConnsInUse is how many connections of the read pool are in use (on
// PostgreSQL the pool also holds the writer's pinned connections).
func (db *DB) ReadConnsInUse() int { return db.read.Stats().InUse }

package store

// PGExplainReadOnly exposes pgExplainReadOnly to the external tests.
var PGExplainReadOnly = pgExplainReadOnly

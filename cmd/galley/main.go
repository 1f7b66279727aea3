// Command galley runs the Galley backend: `galley serve` serves the API on
// embedded SQLite (or PostgreSQL with --db); `galley superuser
// upsert|delete` manages superusers; `galley help` lists the rest.
package main

import "github.com/galleyhq/galley/internal/cli"

func main() { cli.Main() }

// Command baseline is the hand-written reference server for the Galley load
// benchmark: plain net/http over modernc.org/sqlite, one writer connection and
// a read pool, hand-written SQL for exactly the request shapes the bench
// scenarios send. It answers the same URLs with the same JSON shapes as
// Galley for those shapes, and nothing else.
//
// It is deliberately not a framework: no schema model, no rule engine, no
// generic filter compiler. It is what a competent engineer would write by
// hand for these endpoints, and so it is the bar Galley is measured against.
//
// With -db it runs on PostgreSQL instead (pgx v5, one pgxpool of
// -db-max-conns connections, the same hand-written queries in PostgreSQL's
// dialect); -dir is then unused.
//
// Usage:
//
//	baseline -http 127.0.0.1:8091 -dir ./baseline_data
//	baseline -http 127.0.0.1:8091 -db postgres://user@host:5432/db -db-max-conns 20
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("http", "127.0.0.1:8091", "listen address")
	dir := flag.String("dir", "baseline_data", "data directory")
	readers := flag.Int("readers", 0, "SQLite read pool size (0 = 2×GOMAXPROCS, at least 4)")
	dsn := flag.String("db", "", "PostgreSQL DSN (postgres://…); empty = SQLite in -dir")
	maxConns := flag.Int("db-max-conns", 20, "PostgreSQL pool size")
	flag.Parse()

	if err := run(*addr, *dir, *readers, *dsn, *maxConns); err != nil {
		log.Fatal(err)
	}
}

func run(addr, dir string, readers int, dsn string, maxConns int) error {
	var (
		st  backend
		err error
	)
	if dsn != "" {
		if maxConns < 1 {
			return errors.New("-db-max-conns must be at least 1")
		}
		st, err = openPG(context.Background(), dsn, maxConns)
	} else {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		st, err = openStore(filepath.Join(dir, "data.db"), readers)
	}
	if err != nil {
		return err
	}
	defer st.Close()

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           newHandler(st),
		ReadHeaderTimeout: 10 * time.Second,
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(os.Stderr, "baseline listening on http://%s\n", ln.Addr())

	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutCtx)
}

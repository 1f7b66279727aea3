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
// Usage:
//
//	baseline -http 127.0.0.1:8091 -dir ./baseline_data
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
	readers := flag.Int("readers", 0, "read pool size (0 = 2×GOMAXPROCS, at least 4)")
	flag.Parse()

	if err := run(*addr, *dir, *readers); err != nil {
		log.Fatal(err)
	}
}

func run(addr, dir string, readers int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	st, err := openStore(filepath.Join(dir, "data.db"), readers)
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

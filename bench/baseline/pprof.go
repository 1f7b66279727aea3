//go:build pprof

package main

// With -tags pprof, BASELINE_PPROF=host:port serves net/http/pprof there,
// for profiling the baseline under the bench's load (like Galley's
// --pprof). Without the tag nothing of it is built in.

import (
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	addr := os.Getenv("BASELINE_PPROF")
	if addr == "" {
		return
	}
	go func() {
		log.Printf("pprof on http://%s/debug/pprof/", addr)
		log.Print(http.ListenAndServe(addr, nil))
	}()
}

package reqlog

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWrite is the writer's cost per entry: b.N entries logged (at
// most a queue's worth at a time) and written to auxiliary.db.
func BenchmarkWrite(b *testing.B) {
	s, err := Open(context.Background(), Options{Dir: b.TempDir(), Buffer: 1 << 16})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := req(1, 200)
	r.URL = "/api/collections/posts/records?page=3&perPage=20"
	r.UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		s.Log(r)
		if i%(1<<15) == 0 {
			_ = s.Flush(context.Background())
		}
	}
	if err := s.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	if d := s.Dropped(); d > 0 {
		b.Fatalf("%d dropped", d)
	}
}

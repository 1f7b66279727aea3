// Command backup measures Galley's backups: it seeds a database of about
// -mb megabytes (one collection of ~1 KiB records: text, numbers, JSON),
// then times a backup (internal/backup.Create, the archive written to a
// file) and a restore of that archive into a fresh database of the same
// dialect (check + restore + verification), and reports MB/s of database
// size. SQLite in a temp dir by default; -db postgres://… uses that
// (empty) PostgreSQL database, in a new schema for the source and another
// for the restore, both dropped at the end.
//
//	go run ./bench/backup -mb 1024
//	go run ./bench/backup -mb 1024 -db 'postgres://postgres@127.0.0.1:5432/bench?sslmode=disable'
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync/atomic"
	"syscall"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/backup"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/migratedata"
	"github.com/galleyhq/galley/internal/store"
	_ "github.com/jackc/pgx/v5/stdlib"
)

func main() {
	mb := flag.Int("mb", 1024, "database size to seed, in MiB (approximate)")
	dsn := flag.String("db", "", "PostgreSQL DSN of an empty database; empty = SQLite in a temp dir")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the backup and the restore to this file")
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			log.Fatal(err)
		}
		profile = f
	}
	if err := run(context.Background(), *mb, *dsn); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, mb int, dsn string) error {
	tmp, err := os.MkdirTemp("", "galley-bench-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	srcOpts, dstOpts := store.Options{Dir: filepath.Join(tmp, "src")}, store.Options{Dir: filepath.Join(tmp, "dst")}
	dialect := "SQLite"
	if dsn != "" {
		dialect = "PostgreSQL"
		for _, o := range []*store.Options{&srcOpts, &dstOpts} {
			s, drop, err := newSchema(ctx, dsn)
			if err != nil {
				return err
			}
			defer drop()
			o.DSN = s
		}
	}
	src, err := store.Open(ctx, srcOpts)
	if err != nil {
		return err
	}
	defer src.Close()
	t0 := time.Now()
	rows, err := seed(ctx, src, mb)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	size, err := dbSize(ctx, src, srcOpts)
	if err != nil {
		return err
	}
	fmt.Printf("%s: seeded %d records, database %.0f MiB, in %s\n", dialect, rows, mib(size), time.Since(t0).Round(time.Second))

	peak := watchHeap()
	if profile != nil {
		if err := pprof.StartCPUProfile(profile); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	path := filepath.Join(tmp, "backup.zip")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	t0, c0 := time.Now(), cpuTime()
	if _, err := backup.Create(ctx, src, nil, f, backup.CreateOptions{Version: "bench"}); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		return err
	}
	took, cpu := time.Since(t0), cpuTime()-c0
	info, _ := f.Stat()
	f.Close()
	fmt.Printf("%s: backup  %6.1f MB/s of database (%.0f MiB in %s; this process's CPU %s), archive %.0f MiB, peak Go heap %.0f MiB\n",
		dialect, mib(size)/took.Seconds(), mib(size), took.Round(time.Millisecond), cpu.Round(time.Millisecond), mib(info.Size()), mib(peak.Swap(0)))

	dst, err := store.Open(ctx, dstOpts)
	if err != nil {
		return err
	}
	defer dst.Close()
	f, err = os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	t0, c0 = time.Now(), cpuTime()
	a, err := backup.Check(ctx, f, info.Size(), backup.Limits{})
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	checked := time.Since(t0)
	if err := backup.Restore(ctx, dst, nil, a, backup.RestoreOptions{}); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	took, cpu = time.Since(t0), cpuTime()-c0
	fmt.Printf("%s: restore %6.1f MB/s of database (%.0f MiB in %s, of which the archive check %s; verified; this process's CPU %s), peak Go heap %.0f MiB\n",
		dialect, mib(size)/took.Seconds(), mib(size), took.Round(time.Millisecond), checked.Round(time.Millisecond), cpu.Round(time.Millisecond), mib(peak.Load()))
	return nil
}

// cpuTime is this process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// profile is where -cpuprofile writes (nil: no profile).
var profile *os.File

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// watchHeap samples the Go heap in use every 50 ms and keeps the peak.
func watchHeap() *atomic.Int64 {
	var peak atomic.Int64
	go func() {
		var m runtime.MemStats
		for range time.Tick(50 * time.Millisecond) {
			runtime.ReadMemStats(&m)
			if n := int64(m.HeapInuse); n > peak.Load() {
				peak.Store(n)
			}
		}
	}()
	return &peak
}

// seed fills the collection "items" with ~1 KiB records until the
// database holds about mb MiB (estimated from the row size) and returns
// the number of records.
func seed(ctx context.Context, db *store.DB, mb int) (int, error) {
	app := core.New(db, nil)
	c, err := app.CreateCollection(ctx, app.SystemActor(), []byte(`{"name":"items","fields":[
		{"name":"title","type":"text"},{"name":"body","type":"text"},{"name":"n","type":"number"},
		{"name":"done","type":"bool"},{"name":"meta","type":"json"}]}`))
	if err != nil {
		return 0, err
	}
	const rowBytes = 1100 // stored size of one record, about
	total := mb << 20 / rowBytes
	raw := make([]byte, 600)
	batch := make([]*galley.Record, 0, 5000)
	for i := 0; i < total; {
		batch = batch[:0]
		for ; len(batch) < cap(batch) && i < total; i++ {
			rand.Read(raw)
			body := base32.StdEncoding.EncodeToString(raw)[:900] // random text: compresses about 1.6×
			batch = append(batch, &galley.Record{Collection: c, Data: map[string]any{
				"id": fmt.Sprintf("r%014d", i), "title": fmt.Sprintf("Item number %d", i), "body": body,
				"n": float64(i) * 1.5, "done": i%3 == 0, "meta": []byte(fmt.Sprintf(`{"i":%d,"tags":["a","b"]}`, i)),
			}})
		}
		for _, r := range batch {
			r.Data["meta"] = jsonRaw(r.Data["meta"].([]byte))
		}
		if err := db.WithTx(ctx, func(tx *store.Tx) error { return migratedata.InsertRecords(ctx, tx, c, batch) }); err != nil {
			return i, err
		}
	}
	return total, nil
}

func dbSize(ctx context.Context, db *store.DB, o store.Options) (int64, error) {
	if o.DSN == "" {
		var n int64
		for _, name := range []string{"data.db", "data.db-wal"} {
			if st, err := os.Stat(filepath.Join(o.Dir, name)); err == nil {
				n += st.Size()
			}
		}
		return n, nil
	}
	var n int64
	err := db.Reader().QueryRowContext(ctx, `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'`).Scan(&n)
	return n, err
}

// newSchema creates a schema in the database of dsn and returns dsn with
// its search_path set to it, and a function that drops it.
func newSchema(ctx context.Context, dsn string) (string, func(), error) {
	conn, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 5)
	rand.Read(b)
	name := "bench_backup_" + fmt.Sprintf("%x", b)
	if _, err := conn.ExecContext(ctx, `CREATE SCHEMA `+name); err != nil {
		conn.Close()
		return "", nil, err
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		_, _ = conn.ExecContext(context.Background(), `DROP SCHEMA `+name+` CASCADE`)
		conn.Close()
	}, nil
}

// jsonRaw is a JSON field value as FindRecords returns it.
func jsonRaw(b []byte) any { return jsonRawMessage(b) }

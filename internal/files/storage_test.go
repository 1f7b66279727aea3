package files_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/files/s3test"
)

// kind describes what a storage under test does differently.
type kind struct {
	// storesContentType: Attrs.ContentType is what Put was given.
	storesContentType bool
	// putFileMoves: PutFile removes its source.
	putFileMoves bool
	// strictOverwrite: a reader opened before an overwrite always reads
	// the old bytes whole (S3 may instead fail the read: never mix).
	strictOverwrite bool
	// maxHeapGrowth bounds the heap in use during a large Put.
	maxHeapGrowth uint64
}

func TestLocalStorage(t *testing.T) {
	st := newLocal(t)
	runSuite(t, st, kind{putFileMoves: true, strictOverwrite: true, maxHeapGrowth: 4 << 20})
}

func TestS3Storage(t *testing.T) {
	st, err := files.NewS3(t.Context(), s3test.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// one S3PartSize buffer, and the garbage the GC lets accumulate
	runSuite(t, st, kind{storesContentType: true, maxHeapGrowth: 40 << 20})
}

func newLocal(t *testing.T) *files.Local {
	t.Helper()
	l, err := files.NewLocal(filepath.Join(t.TempDir(), "storage"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// runSuite is the conformance suite every Storage passes. Each subtest
// works under its own collection id, so they share one storage.
func runSuite(t *testing.T, st files.Storage, k kind) {
	tests := []struct {
		name string
		fn   func(t *testing.T, ctx context.Context, st files.Storage, k kind, col string)
	}{
		{"RoundTrip", testRoundTrip},
		{"Range", testRange},
		{"Overwrite", testOverwrite},
		{"ConcurrentOverwrite", testConcurrentOverwrite},
		{"FailedPut", testFailedPut},
		{"NotFound", testNotFound},
		{"Delete", testDelete},
		{"DeletePrefix", testDeletePrefix},
		{"List", testList},
		{"InvalidKeys", testInvalidKeys},
		{"PutFile", testPutFile},
		{"LargeStream", testLargeStream},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, t.Context(), st, k, "c"+strings.ToLower(rand.Text()[:10]))
		})
	}
}

func put(t *testing.T, st files.Storage, key string, data []byte) {
	t.Helper()
	if err := st.Put(t.Context(), key, bytes.NewReader(data), int64(len(data)), "application/octet-stream"); err != nil {
		t.Fatalf("Put(%s): %v", key, err)
	}
}

func read(t *testing.T, st files.Storage, key string) []byte {
	t.Helper()
	obj, err := st.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open(%s): %v", key, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj.Content)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func testRoundTrip(t *testing.T, ctx context.Context, st files.Storage, k kind, col string) {
	for _, size := range []int{0, 1, 1000, 3<<20 + 7} {
		for _, known := range []bool{true, false} {
			key := files.FileKey(col, "r1", fmt.Sprintf("f_%d_%v.txt", size, known))
			data := randomBytes(size)
			n := int64(size)
			if !known {
				n = -1
			}
			if err := st.Put(ctx, key, bytes.NewReader(data), n, "text/plain"); err != nil {
				t.Fatalf("Put(%s): %v", key, err)
			}
			obj, err := st.Open(ctx, key)
			if err != nil {
				t.Fatalf("Open(%s): %v", key, err)
			}
			got, err := io.ReadAll(obj.Content)
			obj.Close()
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%s: read %d bytes (%v), want the %d put", key, len(got), err, size)
			}
			wantCT := ""
			if k.storesContentType {
				wantCT = "text/plain"
			}
			if obj.Key != key || obj.Size != int64(size) || obj.ModTime.IsZero() || obj.ContentType != wantCT {
				t.Errorf("Open(%s).Attrs = %+v", key, obj.Attrs)
			}
			a, err := st.Stat(ctx, key)
			if err != nil || a != obj.Attrs {
				t.Errorf("Stat(%s) = %+v, %v; Open's attributes were %+v", key, a, err, obj.Attrs)
			}
		}
	}
}

func testRange(t *testing.T, ctx context.Context, st files.Storage, k kind, col string) {
	key := files.FileKey(col, "r1", "big.bin")
	data := randomBytes(2<<20 + 333)
	put(t, st, key, data)
	obj, err := st.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	c := obj.Content
	check := func(off int64, whence int, n int, wantOff int64) {
		t.Helper()
		pos, err := c.Seek(off, whence)
		if err != nil || pos != wantOff {
			t.Fatalf("Seek(%d, %d) = %d, %v; want %d", off, whence, pos, err, wantOff)
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatalf("read %d at %d: %v", n, wantOff, err)
		}
		if !bytes.Equal(buf, data[wantOff:wantOff+int64(n)]) {
			t.Fatalf("bytes at %d differ", wantOff)
		}
	}
	check(1<<20+5, io.SeekStart, 5000, 1<<20+5)
	check(-100, io.SeekEnd, 100, int64(len(data))-100)
	check(10, io.SeekStart, 10, 10)
	check(1000, io.SeekCurrent, 70000, 1020)
	check(0, io.SeekStart, len(data), 0)

	// What the file endpoint does with it.
	for _, tc := range []struct {
		rng        string
		start, end int
	}{
		{"bytes=100-199", 100, 200},
		{"bytes=-10", len(data) - 10, len(data)},
		{"bytes=2097152-", 2097152, len(data)},
	} {
		obj, err := st.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/f", nil)
		req.Header.Set("Range", tc.rng)
		rec := httptest.NewRecorder()
		http.ServeContent(rec, req, "big.bin", obj.ModTime, obj.Content)
		obj.Close()
		if rec.Code != http.StatusPartialContent || !bytes.Equal(rec.Body.Bytes(), data[tc.start:tc.end]) {
			t.Errorf("Range %s: status %d, %d bytes; want 206 and bytes %d-%d", tc.rng, rec.Code, rec.Body.Len(), tc.start, tc.end)
		}
	}
}

func testOverwrite(t *testing.T, ctx context.Context, st files.Storage, k kind, col string) {
	key := files.FileKey(col, "r1", "a.bin")
	v1 := bytes.Repeat([]byte("1"), 1<<20)
	v2 := bytes.Repeat([]byte("2"), 1<<20+100)
	put(t, st, key, v1)
	old, err := st.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	put(t, st, key, v2)
	got, err := io.ReadAll(old.Content)
	switch {
	case err == nil && bytes.Equal(got, v1):
	case err != nil && !k.strictOverwrite:
		t.Logf("the read begun before the overwrite failed, as S3 may: %v", err)
	default:
		t.Fatalf("reader opened before the overwrite got %d bytes (%v): not the old object whole", len(got), err)
	}
	if got := read(t, st, key); !bytes.Equal(got, v2) {
		t.Fatalf("after the overwrite: %d bytes, not the new object", len(got))
	}
}

// testConcurrentOverwrite reads an object while it is overwritten again
// and again: every read is one version whole, never a mix.
func testConcurrentOverwrite(t *testing.T, ctx context.Context, st files.Storage, k kind, col string) {
	key := files.FileKey(col, "r1", "a.bin")
	versions := [][]byte{
		bytes.Repeat([]byte("a"), 256<<10),
		bytes.Repeat([]byte("b"), 300<<10),
	}
	put(t, st, key, versions[0])
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		defer close(done)
		for i := range 40 {
			v := versions[(i+1)%2]
			if err := st.Put(ctx, key, bytes.NewReader(v), int64(len(v)), ""); err != nil {
				t.Errorf("Put: %v", err)
				return
			}
		}
	})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				obj, err := st.Open(ctx, key)
				if err != nil {
					t.Errorf("Open during overwrites: %v", err)
					return
				}
				got, err := io.ReadAll(obj.Content)
				obj.Close()
				if err != nil && !k.strictOverwrite {
					continue
				}
				if err != nil || !(bytes.Equal(got, versions[0]) || bytes.Equal(got, versions[1])) {
					t.Errorf("read during overwrites: %d bytes (%v), not one version whole", len(got), err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// failingReader yields n random bytes, then fails.
type failingReader struct{ n int }

var errBroken = errors.New("broken reader")

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errBroken
	}
	p = p[:min(len(p), r.n)]
	rand.Read(p)
	r.n -= len(p)
	return len(p), nil
}

func testFailedPut(t *testing.T, ctx context.Context, st files.Storage, k kind, col string) {
	key := files.FileKey(col, "r1", "a.bin")
	fresh := files.FileKey(col, "r1", "fresh.bin")
	old := randomBytes(1000)
	put(t, st, key, old)
	for _, tc := range []struct {
		name string
		r    io.Reader
		size int64
	}{
		{"failing reader, size known", &failingReader{n: 1 << 20}, 2 << 20},
		{"failing reader, size unknown", &failingReader{n: 1 << 20}, -1},
		{"short reader", bytes.NewReader(randomBytes(100)), 200},
	} {
		if err := st.Put(ctx, key, tc.r, tc.size, ""); err == nil {
			t.Errorf("%s: Put succeeded", tc.name)
		}
		if got := read(t, st, key); !bytes.Equal(got, old) {
			t.Errorf("%s: the object changed: %d bytes", tc.name, len(got))
		}
	}
	if err := st.Put(ctx, fresh, &failingReader{n: 1 << 20}, -1, ""); err == nil {
		t.Errorf("Put of a failing reader to a new key succeeded")
	}
	if _, err := st.Stat(ctx, fresh); !errors.Is(err, files.ErrNotFound) {
		t.Errorf("Stat of a key whose Put failed: %v, want ErrNotFound", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := st.Put(cancelled, fresh, bytes.NewReader(old), int64(len(old)), ""); err == nil {
		t.Error("Put with a cancelled context succeeded")
	}
	if _, err := st.Stat(ctx, fresh); !errors.Is(err, files.ErrNotFound) {
		t.Errorf("Stat after a cancelled Put: %v, want ErrNotFound", err)
	}
}

func testNotFound(t *testing.T, ctx context.Context, st files.Storage, k kind, col string) {
	put(t, st, files.FileKey(col, "r1", "a.txt"), []byte("a"))
	for _, key := range []string{
		files.FileKey(col, "r1", "missing.txt"),
		files.FileKey(col, "nope", "a.txt"),
		files.RecordPrefix(col, "r1"), // a "directory"
		col,
		files.FileKey(col, "r1", "a.txt/below"),
	} {
		if obj, err := st.Open(ctx, key); !errors.Is(err, files.ErrNotFound) {
			if err == nil {
				obj.Close()
			}
			t.Errorf("Open(%s) = %v, want ErrNotFound", key, err)
		}
		if _, err := st.Stat(ctx, key); !errors.Is(err, files.ErrNotFound) {
			t.Errorf("Stat(%s) = %v, want ErrNotFound", key, err)
		}
	}
}

func testDelete(t *testing.T, ctx context.Context, st files.Storage, k kind, col string) {
	key := files.FileKey(col, "r1", "a.txt")
	other := files.FileKey(col, "r1", "b.txt")
	put(t, st, key, []byte("a"))
	put(t, st, other, []byte("b"))
	for i := range 2 { // the second time, it is missing
		if err := st.Delete(ctx, key); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
		if _, err := st.Stat(ctx, key); !errors.Is(err, files.ErrNotFound) {
			t.Fatalf("Stat after Delete: %v, want ErrNotFound", err)
		}
	}
	if err := st.Delete(ctx, files.FileKey(col, "never", "x")); err != nil {
		t.Errorf("Delete of a key never stored: %v", err)
	}
	// a "directory": nothing to delete, and its objects stay
	if err := st.Delete(ctx, files.RecordPrefix(col, "r1")); err != nil {
		t.Errorf("Delete of a record prefix: %v", err)
	}
	if got := read(t, st, other); string(got) != "b" {
		t.Errorf("the other object: %q", got)
	}
}

func listKeys(t *testing.T, st files.Storage, prefix string) []string {
	t.Helper()
	var keys []string
	err := st.List(t.Context(), prefix, func(a files.Attrs) error {
		keys = append(keys, a.Key)
		return nil
	})
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	slices.Sort(keys)
	return keys
}

func testDeletePrefix(t *testing.T, ctx context.Context, st files.Storage, k kind, col string) {
	gone := []string{
		files.FileKey(col, "r1", "a.txt"),
		files.ThumbKey(files.FileKey(col, "r1", "a.txt"), "100x100"),
		files.FileKey(col, "r1", "b.txt"),
	}
	kept := []string{
		col + "/r1x", // a file named like the prefix plus a letter
		files.FileKey(col, "r10", "a.txt"),
		files.FileKey(col, "r2", "a.txt"),
		files.FileKey(col+"x", "r1", "a.txt"),
	}
	for _, key := range append(slices.Clone(gone), kept...) {
		put(t, st, key, []byte(key))
	}
	if err := st.DeletePrefix(ctx, files.RecordPrefix(col, "r1")); err != nil {
		t.Fatal(err)
	}
	for _, key := range gone {
		if _, err := st.Stat(ctx, key); !errors.Is(err, files.ErrNotFound) {
			t.Errorf("Stat(%s) after DeletePrefix: %v, want ErrNotFound", key, err)
		}
	}
	for _, key := range kept {
		if got := read(t, st, key); string(got) != key {
			t.Errorf("%s: %q after DeletePrefix of a sibling", key, got)
		}
	}
	// A prefix that is an object itself: only what is below it goes.
	if err := st.DeletePrefix(ctx, col+"/r1x"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Stat(ctx, col+"/r1x"); err != nil {
		t.Errorf("DeletePrefix(%s/r1x) removed the object %s/r1x: %v", col, col, err)
	}
	// missing: not an error
	if err := st.DeletePrefix(ctx, files.RecordPrefix(col, "r1")); err != nil {
		t.Errorf("DeletePrefix again: %v", err)
	}
	if err := st.DeletePrefix(ctx, files.RecordPrefix(col+"never", "r1")); err != nil {
		t.Errorf("DeletePrefix of nothing: %v", err)
	}
	st.DeletePrefix(ctx, files.RecordPrefix(col+"x", "r1"))
	// the thumbnails of one file
	file := files.FileKey(col, "r2", "a.txt")
	thumbs := []string{files.ThumbKey(file, "10x10"), files.ThumbKey(file, "0x50")}
	for _, key := range thumbs {
		put(t, st, key, []byte("t"))
	}
	if err := st.DeletePrefix(ctx, files.ThumbPrefix(file)); err != nil {
		t.Fatal(err)
	}
	if got := listKeys(t, st, files.RecordPrefix(col, "r2")+"/"); !slices.Equal(got, []string{file}) {
		t.Errorf("after deleting the thumbnails: %q", got)
	}
}

func testList(t *testing.T, ctx context.Context, st files.Storage, k kind, col string) {
	keys := []string{
		files.FileKey(col, "r1", "a.txt"),
		files.ThumbKey(files.FileKey(col, "r1", "a.txt"), "10x10"),
		files.FileKey(col, "r10", "b.txt"),
		files.FileKey(col, "r2", "c.txt"),
	}
	sizes := map[string]int64{}
	for i, key := range keys {
		data := randomBytes(10 + i)
		sizes[key] = int64(len(data))
		put(t, st, key, data)
	}
	sorted := slices.Sorted(slices.Values(keys))
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{col, sorted},
		{col + "/", sorted},
		{col + "/r1", []string{keys[0], keys[1], keys[2]}}, // a string prefix, as S3's
		{col + "/r1/", []string{keys[0], keys[1]}},
		{files.FileKey(col, "r1", "thumbs_"), []string{keys[1]}},
		{col + "/r3", nil},
		{col + "missing/", nil},
	} {
		if got := listKeys(t, st, tc.prefix); !slices.Equal(got, tc.want) {
			t.Errorf("List(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
	}
	all := listKeys(t, st, "")
	for _, key := range keys {
		if !slices.Contains(all, key) {
			t.Errorf("List(\"\") misses %s", key)
		}
	}
	for _, key := range all {
		if !files.ValidKey(key) || strings.HasPrefix(key, ".tmp/") {
			t.Errorf("List(\"\") lists %q", key)
		}
	}
	err := st.List(ctx, col+"/", func(a files.Attrs) error {
		if a.Size != sizes[a.Key] || a.ModTime.IsZero() {
			t.Errorf("List: %+v, want size %d", a, sizes[a.Key])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	calls := 0
	err = st.List(ctx, col+"/", func(files.Attrs) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("List with fn failing: %v after %d calls, want fn's error after 1", err, calls)
	}
	for _, prefix := range []string{"/", "../", col + "//", col + "/../x", "a\\b"} {
		if err := st.List(ctx, prefix, func(files.Attrs) error { return nil }); !errors.Is(err, files.ErrInvalidKey) {
			t.Errorf("List(%q) = %v, want ErrInvalidKey", prefix, err)
		}
	}
}

var invalidKeys = []string{
	"", "../x", "a/../b", "..", "/a", "a/", "a//b", "a\\b", "a\x00b", "a\nb", ".", "a/./b",
	"c/" + strings.Repeat("x", 1000), "a\xffb",
}

func testInvalidKeys(t *testing.T, ctx context.Context, st files.Storage, k kind, col string) {
	src := filepath.Join(t.TempDir(), "src")
	if err := os.WriteFile(src, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, key := range invalidKeys {
		errs := map[string]error{
			"Put":          st.Put(ctx, key, strings.NewReader("x"), 1, ""),
			"PutFile":      st.PutFile(ctx, key, src, ""),
			"Delete":       st.Delete(ctx, key),
			"DeletePrefix": st.DeletePrefix(ctx, key),
		}
		_, errs["Open"] = st.Open(ctx, key)
		_, errs["Stat"] = st.Stat(ctx, key)
		for method, err := range errs {
			if !errors.Is(err, files.ErrInvalidKey) {
				t.Errorf("%s(%q) = %v, want ErrInvalidKey", method, key, err)
			}
		}
	}
	if _, err := os.Stat(src); err != nil {
		t.Errorf("a refused PutFile touched its source: %v", err)
	}
}

func testPutFile(t *testing.T, ctx context.Context, st files.Storage, k kind, col string) {
	src := filepath.Join(t.TempDir(), "upload")
	data := randomBytes(100_000)
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	key := files.FileKey(col, "r1", "up.bin")
	if err := st.PutFile(ctx, key, src, "image/png"); err != nil {
		t.Fatal(err)
	}
	if got := read(t, st, key); !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, not the file's", len(got))
	}
	_, err := os.Stat(src)
	if k.putFileMoves && !errors.Is(err, os.ErrNotExist) {
		t.Errorf("PutFile left its source: %v", err)
	}
	if !k.putFileMoves && err != nil {
		t.Errorf("PutFile removed its source: %v", err)
	}
	if a, err := st.Stat(ctx, key); err != nil || (k.storesContentType && a.ContentType != "image/png") {
		t.Errorf("Stat = %+v, %v", a, err)
	}
	if err := st.PutFile(ctx, files.FileKey(col, "r1", "none"), filepath.Join(t.TempDir(), "missing"), ""); err == nil {
		t.Error("PutFile of a missing file succeeded")
	}
	if err := st.PutFile(ctx, files.FileKey(col, "r1", "dir"), t.TempDir(), ""); err == nil {
		t.Error("PutFile of a directory succeeded")
	}
}

// patternTable is the period of pattern's bytes: a prime number of bytes
// past 1 MiB, so that a part misplaced by a multiple of a part size shows.
var patternTable = randomBytes(1<<20 + 251)

// pattern yields size bytes of patternTable repeated, and calls onMiB
// each time it crosses a MiB.
type pattern struct {
	off, size int64
	onMiB     func()
}

func (p *pattern) Read(b []byte) (int, error) {
	if p.off >= p.size {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.size-p.off)]
	n := 0
	for n < len(b) {
		n += copy(b[n:], patternTable[(p.off+int64(n))%int64(len(patternTable)):])
	}
	if p.onMiB != nil && (p.off+int64(n))>>20 != p.off>>20 {
		p.onMiB()
	}
	p.off += int64(n)
	return n, nil
}

func testLargeStream(t *testing.T, ctx context.Context, st files.Storage, k kind, col string) {
	const size = 64 << 20
	for _, known := range []bool{true, false} {
		key := files.FileKey(col, "r1", fmt.Sprintf("large_%v.bin", known))
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base, peak := ms.HeapInuse, ms.HeapInuse
		src := &pattern{size: size, onMiB: func() {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}}
		n := int64(size)
		if !known {
			n = -1
		}
		if err := st.Put(ctx, key, src, n, ""); err != nil {
			t.Fatalf("Put(%s): %v", key, err)
		}
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		if growth := peak - base; growth > k.maxHeapGrowth {
			t.Errorf("Put of %d MiB (size known: %v): the heap in use grew by %.1f MiB, want at most %d MiB",
				size>>20, known, float64(growth)/(1<<20), k.maxHeapGrowth>>20)
		} else {
			t.Logf("Put of %d MiB (size known: %v): heap in use grew by %.1f MiB at most", size>>20, known, float64(growth)/(1<<20))
		}
		obj, err := st.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if obj.Size != size {
			t.Errorf("size %d, want %d", obj.Size, size)
		}
		if !sameStream(t, obj.Content, &pattern{size: size}) {
			t.Errorf("%s: the bytes read back differ from those put", key)
		}
		obj.Close()
		if err := st.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
	}
}

// sameStream compares two readers chunk by chunk.
func sameStream(t *testing.T, a, b io.Reader) bool {
	t.Helper()
	bufA, bufB := make([]byte, 256<<10), make([]byte, 256<<10)
	for {
		na, errA := io.ReadFull(a, bufA)
		nb, errB := io.ReadFull(b, bufB)
		if na != nb || !bytes.Equal(bufA[:na], bufB[:nb]) {
			return false
		}
		if errA != nil || errB != nil {
			if !isEOF(errA) || !isEOF(errB) {
				t.Logf("read: %v / %v", errA, errB)
				return false
			}
			return true
		}
	}
}

func isEOF(err error) bool { return err == io.EOF || err == io.ErrUnexpectedEOF }

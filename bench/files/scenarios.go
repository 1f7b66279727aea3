package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The photo of the thumbnail scenarios.
const (
	photoW, photoH = 1600, 1200
	photoName      = "photo.jpg"
)

// runScenarios starts both servers and runs the timed scenarios, each on
// Galley then on the baseline (never both at once).
func runScenarios(ctx context.Context, cfg *config, dir string, rep *report) error {
	maxConc := max(cfg.thumbConc, cfg.coldConc)
	for _, c := range cfg.conc {
		maxConc = max(maxConc, c)
	}
	client := newClient(maxConc)
	var targets []*target
	if cfg.only != "baseline" {
		logf("starting galley (GOMAXPROCS %d)", cfg.procs)
		t, err := startGalley(ctx, cfg, filepath.Join(dir, "galley_data"), filepath.Join(dir, "galley.log"), client,
			fileCollection(collUploads, uploadMaxSize, nil, nil),
			fileCollection(collImages, 20<<20, []string{"image/jpeg"}, []string{thumbSize}))
		if err != nil {
			return err
		}
		defer t.srv.stop()
		targets = append(targets, t)
	}
	if cfg.only != "galley" {
		logf("starting baseline (GOMAXPROCS %d)", cfg.procs)
		t, err := startBaseline(ctx, cfg, filepath.Join(dir, "baseline_data"), filepath.Join(dir, "baseline.log"), client)
		if err != nil {
			return err
		}
		defer t.srv.stop()
		targets = append(targets, t)
	}
	for _, t := range targets {
		rep.servers = append(rep.servers, t.name)
	}

	// profile, with -profile, records a CPU profile of Galley for the
	// next warm-up + d in the background; measure waits for it.
	var profiles sync.WaitGroup
	profile := func(t *target, scenario string, round int) {
		if cfg.profileDir == "" || !t.galley() {
			return
		}
		secs := int(math.Ceil((cfg.warmup + cfg.dur).Seconds()))
		path := filepath.Join(cfg.profileDir, fmt.Sprintf("galley-%s.pprof", scenario))
		if round > 0 {
			path = filepath.Join(cfg.profileDir, fmt.Sprintf("galley-%s-%d.pprof", scenario, round+1))
		}
		profiles.Go(func() {
			if err := saveProfile(ctx, "http://"+cfg.pprof+"/debug/pprof/profile?seconds="+strconv.Itoa(secs), path); err != nil {
				logf("  profile of %s: %v", scenario, err)
			}
		})
	}

	// measure runs a scenario -rounds times on each server in turn (Galley,
	// baseline, Galley, …) and pools the runs.
	measure := func(r *row, run func(t *target, startProfile func()) (result, error)) error {
		if !cfg.selected(r.name) {
			return nil
		}
		for round := range cfg.rounds {
			for _, t := range targets {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				logf("%s on %s (round %d/%d)", r.name, t.name, round+1, cfg.rounds)
				res, err := run(t, func() { profile(t, r.name, round) })
				profiles.Wait()
				if err != nil {
					return fmt.Errorf("%s on %s: %w", r.name, t.name, err)
				}
				logf("  %s", res)
				r.set(t.name, res)
			}
		}
		rep.rows = append(rep.rows, r)
		return nil
	}

	// Uploads, and one stored file per size and server for the downloads.
	type stored struct{ id, name string }
	files := make([]map[string]stored, len(cfg.sizes))
	for i, size := range cfg.sizes {
		conc := cfg.concFor(i)
		payload := randomBytes(size, uint64(i+1))
		body, ctype := multipartBody("bench upload", "f.bin", "application/octet-stream", payload)
		sum := sha256.Sum256(payload)
		r := &row{
			name: "upload_" + sizeName(size), unit: "MB/s", target: 0.8,
			desc: fmt.Sprintf("POST multipart (title + doc f.bin, %s random), %d clients", sizeName(size), conc),
		}
		files[i] = map[string]stored{}
		for _, t := range targets {
			// The probe: one upload whose bytes come back intact. Its file
			// is the one the download scenario fetches.
			id, name, err := t.upload(ctx, collUploads, bytes.NewReader(body), int64(len(body)), ctype)
			if err == nil {
				err = checkDownload(ctx, t, t.fileURL(collUploads, id, name), sum)
			}
			if err != nil {
				return fmt.Errorf("%s probe on %s: %w", r.name, t.name, err)
			}
			files[i][t.name] = stored{id, name}
		}
		err := measure(r, func(t *target, startProfile func()) (result, error) {
			startProfile()
			return closedLoop(ctx, t, conc, cfg.warmup, cfg.dur, func(ctx context.Context, c, i int) (int64, error) {
				_, _, err := t.upload(ctx, collUploads, bytes.NewReader(body), int64(len(body)), ctype)
				return size, err
			}), nil
		})
		if err != nil {
			return err
		}
	}

	for i, size := range cfg.sizes {
		conc := cfg.concFor(i)
		r := &row{
			name: "download_" + sizeName(size), unit: "MB/s", target: 0.8,
			desc: fmt.Sprintf("GET the stored %s file, %d clients", sizeName(size), conc),
		}
		bufs := make([][]byte, conc)
		for c := range bufs {
			bufs[c] = make([]byte, 256<<10)
		}
		err := measure(r, func(t *target, startProfile func()) (result, error) {
			url := t.fileURL(collUploads, files[i][t.name].id, files[i][t.name].name)
			startProfile()
			return closedLoop(ctx, t, conc, cfg.warmup, cfg.dur, func(ctx context.Context, c, _ int) (int64, error) {
				return fetch(ctx, t, url, bufs[c], func(n int64, _ string) error {
					if n != size {
						return fmt.Errorf("GET %s: %d bytes, want %d", url, n, size)
					}
					return nil
				})
			}), nil
		})
		if err != nil {
			return err
		}
	}

	photo, err := makePhoto(photoW, photoH)
	if err != nil {
		return err
	}
	rep.photoBytes = len(photo)
	body, ctype := multipartBody("photo", photoName, "image/jpeg", photo)
	thumbOK := func(url string) func(int64, string) error {
		return func(n int64, ct string) error {
			// A 100x100 JPEG is a few KB; the original (served when no
			// thumbnail could be made) is hundreds.
			if !strings.HasPrefix(ct, "image/jpeg") || n == 0 || n > int64(len(photo))/10 {
				return fmt.Errorf("GET %s: %d bytes of %q: not a thumbnail", url, n, ct)
			}
			return nil
		}
	}
	bufs := make([][]byte, max(cfg.thumbConc, cfg.coldConc))
	for c := range bufs {
		bufs[c] = make([]byte, 64<<10)
	}

	cached := &row{name: "thumb_cached", unit: "req/s",
		desc: fmt.Sprintf("GET ?thumb=%s of one %dx%d JPEG (made once, then served from storage), %d clients", thumbSize, photoW, photoH, cfg.thumbConc)}
	cachedURL := map[string]string{}
	for _, t := range targets {
		id, name, err := t.upload(ctx, collImages, bytes.NewReader(body), int64(len(body)), ctype)
		if err != nil {
			return fmt.Errorf("uploading the photo to %s: %w", t.name, err)
		}
		url := t.fileURL(collImages, id, name) + "?thumb=" + thumbSize
		if err := checkThumb(ctx, t, url); err != nil {
			return fmt.Errorf("thumbnail probe on %s: %w", t.name, err)
		}
		cachedURL[t.name] = url
	}
	err = measure(cached, func(t *target, startProfile func()) (result, error) {
		url := cachedURL[t.name]
		check := thumbOK(url)
		startProfile()
		return closedLoop(ctx, t, cfg.thumbConc, cfg.warmup, cfg.dur, func(ctx context.Context, c, _ int) (int64, error) {
			return fetch(ctx, t, url, bufs[c], check)
		}), nil
	})
	if err != nil {
		return err
	}

	cold := &row{name: "thumb_cold", unit: "req/s",
		desc: fmt.Sprintf("GET ?thumb=%s of %d fresh %dx%d JPEGs, each once (decode, resize, encode, store), %d clients", thumbSize, cfg.coldN, photoW, photoH, cfg.coldConc)}
	return measure(cold, func(t *target, startProfile func()) (result, error) {
		// N fresh records first (not measured), then each thumbnail once.
		urls := make([]string, cfg.coldN)
		t0 := time.Now()
		upl := countLoop(ctx, t, 4, cfg.coldN, func(ctx context.Context, _, i int) (int64, error) {
			id, name, err := t.upload(ctx, collImages, bytes.NewReader(body), int64(len(body)), ctype)
			urls[i] = t.fileURL(collImages, id, name) + "?thumb=" + thumbSize
			return int64(len(photo)), err
		})
		if upl.errors > 0 {
			return result{}, fmt.Errorf("uploading %d photos: %d failed: %s", cfg.coldN, upl.errors, strings.Join(upl.errLog, " | "))
		}
		logf("  %d photos uploaded in %.1f s; now each thumbnail once, %d clients", cfg.coldN, time.Since(t0).Seconds(), cfg.coldConc)
		startProfile()
		return countLoop(ctx, t, cfg.coldConc, cfg.coldN, func(ctx context.Context, c, i int) (int64, error) {
			return fetch(ctx, t, urls[i], bufs[c], thumbOK(urls[i]))
		}), nil
	})
}

// saveProfile fetches a CPU profile from url into path.
func saveProfile(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d %s", url, resp.StatusCode, truncate(string(b), 200))
	}
	return os.WriteFile(path, b, 0o644)
}

// fetch GETs url, reads the body through buf and checks its length and
// content type with check.
func fetch(ctx context.Context, t *target, url string, buf []byte, check func(n int64, ctype string) error) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		io.Copy(io.Discard, resp.Body)
		return 0, fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	n, err := drain(resp.Body, buf)
	if err != nil {
		return n, err
	}
	return n, check(n, resp.Header.Get("Content-Type"))
}

// checkDownload fetches url and compares its bytes with sum.
func checkDownload(ctx context.Context, t *target, url string, sum [32]byte) error {
	status, _, _, body, err := t.get(ctx, url, true)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", url, status, body)
	}
	if sha256.Sum256(body) != sum {
		return fmt.Errorf("GET %s: %d bytes that differ from the upload", url, len(body))
	}
	return nil
}

// checkThumb fetches url and checks that it is a 100x100 JPEG.
func checkThumb(ctx context.Context, t *target, url string) error {
	status, ct, _, body, err := t.get(ctx, url, true)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", url, status, body)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("GET %s: %d bytes of %q that do not decode: %w", url, len(body), ct, err)
	}
	if format != "jpeg" || cfg.Width != 100 || cfg.Height != 100 || !strings.HasPrefix(ct, "image/jpeg") {
		return fmt.Errorf("GET %s: a %dx%d %s (%q), want a 100x100 jpeg", url, cfg.Width, cfg.Height, format, ct)
	}
	return nil
}

// makePhoto encodes a w×h JPEG (quality 90) of a colour gradient with
// per-pixel noise, so that it costs about what a photo costs to decode.
func makePhoto(w, h int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(7, 7))
	clamp := func(v int) uint8 { return uint8(max(0, min(255, v))) }
	for y := range h {
		for x := range w {
			n := r.IntN(49) - 24
			img.SetRGBA(x, y, color.RGBA{
				R: clamp(x*255/w + n),
				G: clamp(y*255/h + r.IntN(49) - 24),
				B: clamp((x+y)*255/(w+h) + n/2 + 64),
				A: 255,
			})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// bigResult is the RSS check of one server.
type bigResult struct {
	before     memStatus // on the idle fresh server
	peakReset  bool      // VmHWM was reset before the upload
	after      memStatus // after the upload
	maxSampled int       // highest VmRSS sampled during the upload (KiB)
	elapsed    time.Duration
	err        error
}

// growth is the peak RSS above the idle RSS before the upload, in KiB.
func (b bigResult) growth() int {
	peak := b.maxSampled
	if b.peakReset {
		peak = max(peak, b.after.hwm)
	}
	return peak - b.before.rss
}

// runBig starts each server afresh and uploads one cfg.bigSize file,
// streamed from a generator, while watching its RSS.
func runBig(ctx context.Context, cfg *config, dir string, rep *report) error {
	client := newClient(1)
	for _, name := range []string{"galley", "baseline"} {
		if cfg.only != "" && cfg.only != name {
			continue
		}
		data := filepath.Join(dir, name+"_big")
		logPath := filepath.Join(dir, name+"_big.log")
		var t *target
		var err error
		if name == "galley" {
			t, err = startGalley(ctx, cfg, data, logPath, client, fileCollection(collBig, bigMaxSize, nil, nil))
		} else {
			t, err = startBaseline(ctx, cfg, data, logPath, client)
		}
		if err != nil {
			return err
		}
		b := bigUpload(ctx, cfg, t)
		t.srv.stop()
		os.RemoveAll(data)
		if b.err != nil {
			logf("  %s: %v", name, b.err)
		} else {
			logf("  %s: %s in %.1f s; RSS %d KiB idle, peak %d KiB (sampled %d KiB): +%.1f MB",
				name, sizeName(cfg.bigSize), b.elapsed.Seconds(), b.before.rss, b.after.hwm, b.maxSampled, float64(b.growth())/1024)
		}
		rep.big = append(rep.big, namedBig{name, b})
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

func bigUpload(ctx context.Context, cfg *config, t *target) (b bigResult) {
	t.client.Transport.(*http.Transport).CloseIdleConnections()
	time.Sleep(cfg.idle)
	if b.before, b.err = t.srv.mem(); b.err != nil {
		return b
	}
	if err := t.srv.resetPeak(); err != nil {
		logf("  %s: cannot reset VmHWM (%v): the peak is the highest VmRSS sampled every 10 ms", t.name, err)
	} else {
		b.peakReset = true
	}
	b.maxSampled = b.before.rss

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if m, err := t.srv.mem(); err == nil {
					b.maxSampled = max(b.maxSampled, m.rss)
				}
			}
		}
	})
	body, length, ctype := streamBody(cfg.bigSize)
	logf("%s: one %s upload, streamed (RSS idle %d KiB)", t.name, sizeName(cfg.bigSize), b.before.rss)
	t0 := time.Now()
	coll := collBig
	id, name, err := t.upload(ctx, coll, body, length, ctype)
	b.elapsed = time.Since(t0)
	close(stop)
	wg.Wait()
	if err != nil {
		b.err = err
		return b
	}
	if b.after, b.err = t.srv.mem(); b.err != nil {
		return b
	}
	// The stored file has the right size.
	req, _ := http.NewRequestWithContext(ctx, "HEAD", t.fileURL(coll, id, name), nil)
	resp, err := t.client.Do(req)
	if err != nil {
		b.err = err
		return b
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ContentLength != cfg.bigSize {
		b.err = fmt.Errorf("HEAD of the stored file: %d, %d bytes, want %d", resp.StatusCode, resp.ContentLength, cfg.bigSize)
	}
	return b
}

// streamBody returns a multipart body (title + a size-byte file part doc)
// generated as it is read, never held in memory, and its exact length.
func streamBody(size int64) (io.Reader, int64, string) {
	const boundary = "galley-bench-files-0123456789abcdef"
	write := func(w io.Writer, payload func(io.Writer) error) (string, error) {
		mw := multipart.NewWriter(w)
		mw.SetBoundary(boundary)
		if err := mw.WriteField("title", "big"); err != nil {
			return "", err
		}
		pw, err := mw.CreatePart(filePartHeader("f.bin", "application/octet-stream"))
		if err != nil {
			return "", err
		}
		if err := payload(pw); err != nil {
			return "", err
		}
		return mw.FormDataContentType(), mw.Close()
	}
	var frame bytes.Buffer
	ctype, _ := write(&frame, func(io.Writer) error { return nil })
	pr, pw := io.Pipe()
	go func() {
		_, err := write(pw, func(w io.Writer) error {
			src := rand.NewChaCha8([32]byte{42})
			buf := make([]byte, 1<<20)
			for left := size; left > 0; {
				n := min(left, int64(len(buf)))
				src.Read(buf[:n])
				if _, err := w.Write(buf[:n]); err != nil {
					return err
				}
				left -= n
			}
			return nil
		})
		pw.CloseWithError(err)
	}()
	return pr, int64(frame.Len()) + size, ctype
}

// mbOf formats KiB as MB (2^20 bytes) with one decimal.
func mbOf(kib int) string { return strconv.FormatFloat(float64(kib)/1024, 'f', 1, 64) + " MB" }

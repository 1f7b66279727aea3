package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// The collections the bench creates on Galley (all public: list, view and
// create rules "").
const (
	collUploads = "uploads" // doc: file, maxSize uploadMaxSize
	collImages  = "images"  // doc: file, image/jpeg only, thumbs ["100x100"]
	collBig     = "big"     // doc: file, maxSize bigMaxSize (the RSS run)

	uploadMaxSize = 200 << 20
	bigMaxSize    = 2 << 30
	thumbSize     = "100x100"
)

// target is one server under test and how to talk to it.
type target struct {
	name   string // "galley" or "baseline"
	srv    *server
	client *http.Client
	token  string // Galley superuser token (set-up calls only)
}

func (t *target) galley() bool { return t.name == "galley" }

// uploadURL is where a multipart upload into coll goes.
func (t *target) uploadURL(coll string) string {
	if t.galley() {
		return t.srv.base + "/api/collections/" + coll + "/records"
	}
	return t.srv.base + "/upload"
}

// fileURL is where the stored file name of record id is served.
func (t *target) fileURL(coll, id, name string) string {
	if t.galley() {
		return t.srv.base + "/api/files/" + coll + "/" + id + "/" + name
	}
	return t.srv.base + "/files/" + id + "/" + name
}

// newClient is the load generator's HTTP client: keep-alive connections for
// every client, no compression, 64 KiB socket buffers each way (the default
// 4 KiB would make the client, not the servers, the bottleneck of a 50 MB
// transfer).
func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 10 * time.Minute,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: conns + 8,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
			WriteBufferSize:     64 << 10,
			ReadBufferSize:      64 << 10,
		},
	}
}

// call sends a JSON request with the superuser token and decodes a 2xx answer into out.
func (t *target) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.srv.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if t.token != "" {
		req.Header.Set("Authorization", t.token)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, truncate(string(b), 400))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// startGalley runs `galley superuser upsert` and `galley serve` on a fresh
// data dir (and, with a PostgreSQL DSN, a fresh database), logs the
// superuser in and creates the given collections.
func startGalley(ctx context.Context, cfg *config, dataDir, logPath string, client *http.Client, colls ...map[string]any) (*target, error) {
	if err := os.RemoveAll(dataDir); err != nil {
		return nil, err
	}
	var dbArgs []string
	if cfg.pg != "" {
		if err := pgRecreate(ctx, cfg.pg); err != nil {
			return nil, fmt.Errorf("PostgreSQL: %w", err)
		}
		dbArgs = []string{"--db", cfg.pgDSN}
	}
	out, err := execOutput(ctx, cfg.galleyBin, append([]string{"superuser", "upsert", cfg.email, cfg.password, "--dir", dataDir}, dbArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("galley superuser upsert: %w\n%s", err, out)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--http", addr, "--dir", dataDir}, dbArgs...)
	if cfg.pprof != "" {
		args = append(args, "--pprof", cfg.pprof)
	}
	t := &target{name: "galley", client: client, srv: &server{
		name: "galley", bin: cfg.galleyBin, base: "http://" + addr, args: args,
		env:     []string{"GOMAXPROCS=" + strconv.Itoa(cfg.procs)},
		logPath: logPath,
	}}
	if err := t.srv.start(ctx); err != nil {
		return nil, err
	}
	var auth struct {
		Token string `json:"token"`
	}
	if err := t.call(ctx, "POST", "/api/collections/_superusers/auth-with-password",
		map[string]string{"identity": cfg.email, "password": cfg.password}, &auth); err != nil {
		t.srv.stop()
		return nil, fmt.Errorf("superuser auth: %w", err)
	}
	if auth.Token == "" {
		t.srv.stop()
		return nil, fmt.Errorf("superuser auth: no token in the answer")
	}
	t.token = auth.Token
	for _, c := range colls {
		if err := t.call(ctx, "POST", "/api/collections", c, nil); err != nil {
			t.srv.stop()
			return nil, fmt.Errorf("create collection %v: %w", c["name"], err)
		}
	}
	return t, nil
}

// fileCollection is the body of POST /api/collections for a public base
// collection with a title and a single file field doc.
func fileCollection(name string, maxSize int64, mimeTypes, thumbs []string) map[string]any {
	doc := map[string]any{"name": "doc", "type": "file", "maxSelect": 1, "maxSize": maxSize}
	if mimeTypes != nil {
		doc["mimeTypes"] = mimeTypes
	}
	if thumbs != nil {
		doc["thumbs"] = thumbs
	}
	return map[string]any{
		"name": name, "type": "base",
		"fields":   []any{map[string]any{"name": "title", "type": "text"}, doc},
		"listRule": "", "viewRule": "", "createRule": "",
	}
}

// startBaseline runs the baseline on a fresh data dir.
func startBaseline(ctx context.Context, cfg *config, dataDir, logPath string, client *http.Client) (*target, error) {
	if err := os.RemoveAll(dataDir); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	t := &target{name: "baseline", client: client, srv: &server{
		name: "baseline", bin: cfg.baselineBin, base: "http://" + addr,
		args:    []string{"-http", addr, "-dir", dataDir, "-sync=" + strconv.FormatBool(cfg.baselineSync)},
		env:     []string{"GOMAXPROCS=" + strconv.Itoa(cfg.procs)},
		logPath: logPath,
	}}
	return t, t.srv.start(ctx)
}

// multipartBody is a whole upload body: a text part "title", then the file
// part "doc" (filename f.bin or the given one) holding payload.
func multipartBody(title, filename, contentType string, payload []byte) (body []byte, ctype string) {
	var buf bytes.Buffer
	buf.Grow(len(payload) + 1024)
	mw := multipart.NewWriter(&buf)
	mw.WriteField("title", title)
	pw, _ := mw.CreatePart(filePartHeader(filename, contentType))
	pw.Write(payload)
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

func filePartHeader(filename, contentType string) textproto.MIMEHeader {
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="doc"; filename=%q`, filename))
	h.Set("Content-Type", contentType)
	return h
}

// upload sends one multipart body and returns the new record's id and the
// stored name of its doc.
func (t *target) upload(ctx context.Context, coll string, body io.Reader, size int64, ctype string) (id, name string, err error) {
	req, err := http.NewRequestWithContext(ctx, "POST", t.uploadURL(coll), body)
	if err != nil {
		return "", "", err
	}
	req.ContentLength = size // -1: chunked
	req.Header.Set("Content-Type", ctype)
	resp, err := t.client.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("POST %s: %d %s", t.uploadURL(coll), resp.StatusCode, truncate(string(b), 400))
	}
	var rec struct {
		ID  string `json:"id"`
		Doc string `json:"doc"`
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return "", "", fmt.Errorf("upload answer %s: %w", truncate(string(b), 200), err)
	}
	if rec.ID == "" || rec.Doc == "" {
		return "", "", fmt.Errorf("upload answer without id or doc: %s", truncate(string(b), 200))
	}
	return rec.ID, rec.Doc, nil
}

// get fetches url and returns the status, the Content-Type and the bytes
// read; with keep, the body too.
func (t *target) get(ctx context.Context, url string, keep bool) (status int, ctype string, n int64, body []byte, err error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return 0, "", 0, nil, err
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return 0, "", 0, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), 0, b, nil
	}
	if keep {
		body, err = io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), int64(len(body)), body, err
	}
	n, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), n, nil, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// dirSize is the bytes of the regular files under dir (for the log).
func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// Command baseline is the hand-written server bench/files measures Galley's
// file API against: what a competent engineer would write for "accept a
// multipart upload, keep the file, serve it back, make thumbnails" with
// plain net/http and no database, schema, rules or record model.
//
//	POST /upload                  multipart/form-data: text parts are read
//	                              (bounded), each file part is streamed to a
//	                              temp file in DIR/tmp, fsynced, renamed to
//	                              DIR/files/{id}/{name} and the directory
//	                              fsynced (the same durability as Galley's
//	                              local storage; -sync=false skips both
//	                              fsyncs); answers {"id", "title", "doc"}
//	GET  /files/{id}/{name}       http.ServeFile of that file
//	GET  /files/{id}/{name}?thumb=WxH
//	                              the thumbnail: DIR/thumbs/{id}/WxH_{name}
//	                              served with http.ServeFile when it exists,
//	                              else the JPEG is decoded, cropped to fill
//	                              W×H from the centre and resized with
//	                              imaging.Fill(…, imaging.Center,
//	                              imaging.Lanczos) (Galley's filter), encoded
//	                              at JPEG quality 85 (Galley's), written
//	                              atomically (temp, fsync, rename) and sent
//	GET  /api/health              200
//
// Run by bench/files; see bench/README.md.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image/jpeg"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/disintegration/imaging"
)

// maxBody bounds a whole upload body (the bench's largest file is 1 GiB;
// Galley's field in that scenario allows 2 GiB).
const maxBody = 2<<30 + 1<<20

// maxValue bounds the text parts of an upload, together.
const maxValue = 1 << 20

type server struct {
	dir  string
	sync bool
}

func main() {
	addr := flag.String("http", "127.0.0.1:8092", "listen address")
	dir := flag.String("dir", "baseline_files_data", "data directory")
	doSync := flag.Bool("sync", true, "fsync each stored file and its directory before answering (Galley's local storage does)")
	flag.Parse()

	s := &server{dir: *dir, sync: *doSync}
	for _, d := range []string{"tmp", "files", "thumbs"} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), 0o755); err != nil {
			log.Fatal(err)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"code":200,"message":"API is healthy."}`)
	})
	mux.HandleFunc("POST /upload", s.upload)
	mux.HandleFunc("GET /files/{id}/{name}", s.serve)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("baseline (files) on %s, dir %s, sync %v", ln.Addr(), s.dir, s.sync)
	log.Fatal(http.Serve(ln, mux))
}

// newID returns 15 random lower-case alphanumerics, like a record id.
func newID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 15)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// storedName is the name a file is kept under: the uploaded name's base
// and extension with a random suffix, as Galley (and PocketBase) do.
func storedName(upload string) string {
	ext := filepath.Ext(upload)
	base := strings.TrimSuffix(filepath.Base(upload), ext)
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, base)
	if clean == "" {
		clean = "file"
	}
	return clean + "_" + newID()[:10] + ext
}

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"status": code, "message": msg})
}

func (s *server) upload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	mr, err := r.MultipartReader()
	if err != nil {
		httpError(w, 400, err.Error())
		return
	}
	id := newID()
	out := map[string]any{"id": id}
	var temps []string
	defer func() {
		for _, t := range temps {
			os.Remove(t) // fails harmlessly once renamed
		}
	}()
	left := int64(maxValue)
	type stored struct{ tmp, name string }
	var files []stored
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			httpError(w, 400, err.Error())
			return
		}
		if p.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(p, left+1))
			if err != nil {
				httpError(w, 400, err.Error())
				return
			}
			if left -= int64(len(b)); left < 0 {
				httpError(w, 413, "form values too large")
				return
			}
			out[p.FormName()] = string(b)
			continue
		}
		tmp, err := s.spool(p)
		if tmp != "" {
			temps = append(temps, tmp)
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				httpError(w, 413, err.Error())
			} else {
				httpError(w, 400, err.Error())
			}
			return
		}
		name := storedName(p.FileName())
		files = append(files, stored{tmp, name})
		out[p.FormName()] = name
	}
	if len(files) > 0 {
		dir := filepath.Join(s.dir, "files", id)
		if err := os.Mkdir(dir, 0o755); err != nil {
			httpError(w, 500, err.Error())
			return
		}
		for _, f := range files {
			if err := os.Rename(f.tmp, filepath.Join(dir, f.name)); err != nil {
				httpError(w, 500, err.Error())
				return
			}
		}
		if err := s.syncDir(dir); err != nil {
			httpError(w, 500, err.Error())
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// spool copies one file part to a new temp file, fsynced. It returns the
// temp file's path as soon as it exists, so the caller can remove it.
func (s *server) spool(p io.Reader) (string, error) {
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "upload-*")
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, p); err != nil {
		f.Close()
		return f.Name(), err
	}
	if s.sync {
		if err := f.Sync(); err != nil {
			f.Close()
			return f.Name(), err
		}
	}
	return f.Name(), f.Close()
}

func (s *server) syncDir(dir string) error {
	if !s.sync {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// validName: one path segment, nothing hidden.
func validName(s string) bool {
	return s != "" && !strings.ContainsAny(s, `/\`) && !strings.HasPrefix(s, ".")
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	id, name := r.PathValue("id"), r.PathValue("name")
	if !validName(id) || !validName(name) {
		http.NotFound(w, r)
		return
	}
	path := filepath.Join(s.dir, "files", id, name)
	thumb := r.URL.Query().Get("thumb")
	if thumb == "" {
		http.ServeFile(w, r, path)
		return
	}
	ws, hs, ok := strings.Cut(thumb, "x")
	tw, errW := strconv.Atoi(ws)
	th, errH := strconv.Atoi(hs)
	if !ok || errW != nil || errH != nil || tw <= 0 || th <= 0 || tw > 4096 || th > 4096 {
		http.ServeFile(w, r, path) // like Galley and PocketBase: the original
		return
	}
	tdir := filepath.Join(s.dir, "thumbs", id)
	tpath := filepath.Join(tdir, strconv.Itoa(tw)+"x"+strconv.Itoa(th)+"_"+name)
	if _, err := os.Stat(tpath); err == nil {
		http.ServeFile(w, r, tpath)
		return
	}
	b, err := s.makeThumb(path, tdir, tpath, tw, th)
	if errors.Is(err, os.ErrNotExist) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		httpError(w, 500, err.Error())
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// makeThumb decodes the JPEG at path, makes its w×h thumbnail, stores it
// at tpath atomically and returns its bytes.
func (s *server) makeThumb(path, tdir, tpath string, w, h int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	img, err := jpeg.Decode(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	out := imaging.Fill(img, w, h, imaging.Center, imaging.Lanczos)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(tdir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "thumb-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	_, err = tmp.Write(buf.Bytes())
	if err == nil && s.sync {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), tpath)
	}
	if err == nil {
		err = s.syncDir(tdir)
	}
	return buf.Bytes(), err
}

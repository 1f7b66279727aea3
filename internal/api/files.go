package api

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/files"
	"github.com/go-json-experiment/json/jsontext"
)

// maxRecordParts bounds the parts of a multipart record body (files and
// values together).
const maxRecordParts = 1000

// jsonPayloadPart is the multipart part the pocketbase SDK puts every
// non-file value in, as one JSON object.
const jsonPayloadPart = "@jsonPayload"

// readRecordInput reads a create or update body of collection: JSON, a
// multipart form (files and values) or a urlencoded form. The returned
// cleanup removes the request's temporary upload files; call it after the
// service returned (it has moved or copied what it stored).
//
// A multipart body is streamed: each file part goes to a temporary file in
// the app's upload directory as it arrives, cut off with a 400
// validation_file_size_limit as soon as it passes its field's maxSize;
// its content type is detected from its first bytes. Values (text parts,
// @jsonPayload) are bounded by the server's body limit together, the
// parts by maxRecordParts. A file sent under the name of a field that is
// not a file field is refused before it is read; one sent under an
// unknown name is skipped, as unknown JSON keys are.
func (s *Server) readRecordInput(r *http.Request, collection string) (core.RecordInput, func(), error) {
	noop := func() {}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		return s.readMultipartRecord(r, collection, params["boundary"])
	case "application/x-www-form-urlencoded":
		v, err := readForm(r)
		if err != nil {
			return core.RecordInput{}, noop, err
		}
		body, err := s.formBody(collection, v)
		return core.RecordInput{Body: body}, noop, err
	}
	b, err := readBody(r)
	if err != nil {
		return core.RecordInput{}, noop, err
	}
	body, err := core.DecodeBody(b)
	return core.RecordInput{Body: body}, noop, err
}

func (s *Server) readMultipartRecord(r *http.Request, collection, boundary string) (in core.RecordInput, cleanup func(), err error) {
	var temps []string
	cleanup = func() {
		for _, p := range temps {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				s.log.Warn("removing an upload's temporary file failed", "path", p, "err", err)
			}
		}
	}
	defer func() {
		if err != nil {
			cleanup()
			cleanup = func() {}
		}
	}()
	if boundary == "" {
		return in, cleanup, galley.Errorf(galley.EInvalid, "Failed to read the form data: the multipart boundary is missing.")
	}
	// mime/multipart reads its source 4 KiB at a time; a larger buffer in
	// between makes that one socket read per 64 KiB.
	br := s.bodyBufs.Get().(*bufio.Reader)
	br.Reset(r.Body)
	defer func() { br.Reset(nil); s.bodyBufs.Put(br) }()
	mr := multipart.NewReader(br, boundary)
	values := map[string][]string{}
	var payloads []core.Body
	in.Files = core.Files{}
	left := s.cfg.MaxBodyBytes
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return in, cleanup, formReadError(err)
		}
		if parts == maxRecordParts {
			return in, cleanup, galley.Errorf(galley.ETooLarge, "The form data has too many parts (limit %d).", maxRecordParts)
		}
		key := p.FormName()
		if p.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(p, left+1))
			if err != nil {
				return in, cleanup, formReadError(err)
			}
			if left -= int64(len(b)); left < 0 {
				return in, cleanup, galley.Errorf(galley.ETooLarge, "The form values are too large (limit %d bytes in all).", s.cfg.MaxBodyBytes)
			}
			if key == jsonPayloadPart {
				body, err := core.DecodeBody(b)
				if err != nil {
					return in, cleanup, galley.FieldInvalid(jsonPayloadPart, "validation_invalid_json", "The @jsonPayload part must hold a JSON object.")
				}
				payloads = append(payloads, body)
			} else if key != "" {
				values[key] = append(values[key], string(b))
			}
			continue
		}
		limit, ok := s.app.FileFieldLimit(collection, key)
		if !ok {
			if s.app.FieldType(collection, key) != "" {
				return in, cleanup, galley.FieldInvalid(key, "validation_invalid_value", fmt.Sprintf("Field %q is not a file field: it takes no file uploads.", key))
			}
			if _, err := io.Copy(io.Discard, p); err != nil { // an unknown key: skipped
				return in, cleanup, formReadError(err)
			}
			continue
		}
		u, err := s.spoolUpload(p, key, limit, &temps)
		if err != nil {
			return in, cleanup, err
		}
		in.Files[key] = append(in.Files[key], u)
	}
	body, err := s.formBody(collection, values)
	if err != nil {
		return in, cleanup, err
	}
	for _, pl := range payloads {
		for k, v := range pl {
			body[k] = v
		}
	}
	in.Body = body
	return in, cleanup, nil
}

// spoolBufSize is the size of the buffer spoolUpload copies a file part
// through. mime/multipart hands out at most 4 KiB per Read (its own
// buffer's size), so copying part by part would cost a write system call
// per 4 KiB; filling this buffer first makes it one per 256 KiB.
const spoolBufSize = 256 << 10

// bodyBufSize is the size of the buffer a multipart record body is read
// through.
const bodyBufSize = 64 << 10

// spoolUpload copies one file part to a temporary file (added to temps at
// once, so that cleanup reaches it whatever happens), refusing it when it
// passes limit bytes, and detects its type from its first bytes. It reads
// at most limit+1 bytes of the part and writes at most limit bytes: a part
// over the limit is refused before its excess reaches the disk.
func (s *Server) spoolUpload(p *multipart.Part, key string, limit int64, temps *[]string) (*core.Upload, error) {
	f, err := os.CreateTemp(s.app.UploadDir(), "upload-*")
	if err != nil {
		return nil, galley.Internal(fmt.Errorf("creating an upload's temporary file: %w", err))
	}
	*temps = append(*temps, f.Name())
	defer f.Close()
	bp := s.spoolBufs.Get().(*[]byte)
	defer s.spoolBufs.Put(bp)
	buf := *bp
	src := io.LimitReader(p, limit+1)
	var size int64
	var contentType string
	for {
		n, rerr := io.ReadFull(src, buf)
		if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
			return nil, formReadError(rerr)
		}
		if size == 0 {
			contentType = files.Detect(buf[:n]) // the first SniffLen bytes
		}
		size += int64(n)
		if size > limit {
			return nil, fileTooLarge(key, p.FileName(), limit)
		}
		if _, err := f.Write(buf[:n]); err != nil {
			return nil, galley.Internal(fmt.Errorf("writing an upload's temporary file: %w", err))
		}
		if rerr != nil { // the part ended (io.EOF, io.ErrUnexpectedEOF)
			break
		}
	}
	if err := f.Close(); err != nil {
		return nil, galley.Internal(err)
	}
	return &core.Upload{Filename: p.FileName(), Path: f.Name(), Size: size, ContentType: contentType}, nil
}

// fileTooLarge is the error of file name sent under key, larger than limit
// bytes, in PocketBase's words.
func fileTooLarge(key, name string, limit int64) error {
	field := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(key, "+"), "+"), "-")
	return galley.FieldInvalidParams(field, "validation_file_size_limit", core.FileTooLargeMessage(name, limit), map[string]any{"file": name, "maxSize": limit})
}

// formBody turns form values into a record body: one value is a JSON
// string, repeated values a list of strings; values of json fields that
// hold valid JSON are taken as that JSON.
func (s *Server) formBody(collection string, values map[string][]string) (core.Body, error) {
	body := core.Body{}
	for k, vs := range values {
		if s.app.FieldType(collection, k) == galley.FieldJSON && len(vs) == 1 && json.Valid([]byte(vs[0])) {
			body[k] = jsontext.Value(vs[0])
			continue
		}
		var raw []byte
		var err error
		if len(vs) == 1 {
			raw, err = json.Marshal(vs[0])
		} else {
			raw, err = json.Marshal(vs)
		}
		if err != nil {
			return nil, galley.FieldInvalid(k, "validation_invalid_value", "Invalid value.")
		}
		body[k] = raw
	}
	return body, nil
}

// fileToken answers POST /api/files/token: a short-lived file token for the
// authenticated record.
func (s *Server) fileToken(w http.ResponseWriter, r *http.Request) error {
	tok, err := s.app.FileToken(actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": tok})
	return nil
}

// fileCSP is the Content-Security-Policy of every served file: nothing it
// holds may load or run anything, and an HTML or SVG file opened in a
// browser is sandboxed (a unique origin, no scripts). PDFs go without the
// sandbox (browsers refuse to render a sandboxed PDF inline).
const (
	fileCSP    = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox" // PocketBase's
	fileCSPPDF = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'"
)

// serveFile answers GET (and HEAD) /api/files/{collection}/{recordId}/{filename}
// with Range, ETag/If-None-Match and If-Modified-Since handled by
// http.ServeContent. Images, audio, video and PDFs are inline; everything
// else (HTML, SVG, scripts, unknown types) is an attachment; ?download=1
// makes any file an attachment. Local files are sent with sendfile.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := s.app.OpenFile(r.Context(), core.FileRequest{Collection: r.PathValue("collection"), RecordID: r.PathValue("recordId"),
		Filename: r.PathValue("filename"), Thumb: q.Get("thumb"), Token: q.Get("token")})
	if err != nil {
		return err
	}
	defer f.Object.Close()
	ct, inline := files.ServeAs(f.ContentType)
	if d := q.Get("download"); d != "" && d != "0" && d != "false" {
		inline = false
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Content-Type-Options", "nosniff")
	if ct == "application/pdf" && inline {
		h.Set("Content-Security-Policy", fileCSPPDF)
	} else {
		h.Set("Content-Security-Policy", fileCSP)
	}
	disp := "attachment"
	if inline {
		disp = "inline"
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": f.Name}))
	if f.Protected {
		h.Set("Cache-Control", "private, no-store")
	} else {
		h.Set("Cache-Control", "max-age=2592000, stale-while-revalidate=86400") // PocketBase's
	}
	sum := sha256.Sum256([]byte(f.Object.Key + "\x00" + strconv.FormatInt(f.Object.Size, 10) + "\x00" + strconv.FormatInt(f.Object.ModTime.UnixNano(), 10)))
	h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	http.ServeContent(w, r, "", f.Object.ModTime, f.Object.Content)
	return nil
}

// testS3 answers POST /api/settings/test/s3 ({"filesystem": "storage" or
// "backups"}): 204 when the saved S3 settings work.
func (s *Server) testS3(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Filesystem string `json:"filesystem"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if err := s.app.TestS3(r.Context(), actorOf(r), in.Filesystem); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

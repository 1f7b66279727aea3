package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// batchBody is the body of POST /api/batch (JSON, or the @jsonPayload part
// of a multipart body whose files are named "requests.<index>.<field>").
type batchBody struct {
	Requests []batchRequest `json:"requests"`
}

type batchRequest struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    jsontext.Value    `json:"body"`
}

// batchResult is one entry of a successful batch's answer.
type batchResult struct {
	Status int `json:"status"`
	Body   any `json:"body"`
}

// runBatch answers POST /api/batch: the requests run in one transaction
// (core.App.RunBatch); the answer is one {status, body} per request, each
// body projected by its own `fields`. A failing request fails the batch:
// 400 "Batch transaction failed." with data.requests.<index> holding
// {code: "batch_request_failed", response: <what that request alone would
// have answered>}. Sub-request headers are ignored: every request runs as
// the batch's caller.
func (s *Server) runBatch(w http.ResponseWriter, r *http.Request) error {
	enabled, maxRequests, _, _, err := s.app.BatchLimits(r.Context())
	if err != nil {
		return err
	}
	if !enabled {
		return galley.Errorf(galley.EForbidden, "Batch requests are not allowed.")
	}
	reqs, uploads, cleanup, err := s.readBatch(r)
	defer cleanup()
	if err != nil {
		return err
	}
	if err := validateBatch(reqs, maxRequests); err != nil {
		return err
	}
	ops := make([]core.BatchOp, len(reqs))
	fields := make([]string, len(reqs))
	for i, br := range reqs {
		op, f, err := batchOp(br, uploads[i])
		if err != nil {
			return s.batchFailed(w, r, &core.BatchError{Index: i, Err: err})
		}
		ops[i], fields[i] = op, f
	}
	recs, err := s.app.RunBatch(r.Context(), actorOf(r), ops)
	var be *core.BatchError
	if errors.As(err, &be) {
		return s.batchFailed(w, r, be)
	}
	if err != nil {
		return err
	}
	a := actorOf(r)
	out := make([]batchResult, len(recs))
	for i, rec := range recs {
		if rec == nil {
			out[i] = batchResult{Status: http.StatusNoContent}
			continue
		}
		proj, err := core.ParseFields(fields[i])
		if err != nil {
			return s.batchFailed(w, r, &core.BatchError{Index: i, Err: err})
		}
		b, err := core.Project(s.app.Export(a, rec), proj).AppendJSON(nil)
		if err != nil {
			return err
		}
		out[i] = batchResult{Status: http.StatusOK, Body: json.RawMessage(b)}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// validateBatch checks the batch as PocketBase does before running any of
// it: at least one request and at most maxRequests, each with a method and
// a url. Its errors are 400 "Invalid batch request data." with the fields
// nested ({"requests": {"0": {"url": {...}}}}).
func validateBatch(reqs []batchRequest, maxRequests int) error {
	v := galley.ValidationErrors{}
	switch {
	case len(reqs) == 0:
		v.Add("requests", "validation_required", "Cannot be blank.")
	case len(reqs) > maxRequests:
		v.AddParams("requests", "validation_length_too_long", fmt.Sprintf("The length must be no more than %d.", maxRequests),
			map[string]any{"min": 0, "max": maxRequests})
	default:
		for i, br := range reqs {
			if strings.TrimSpace(br.Method) == "" {
				v.Add(fmt.Sprintf("requests.%d.method", i), "validation_required", "Cannot be blank.")
			}
			if strings.TrimSpace(br.URL) == "" {
				v.Add(fmt.Sprintf("requests.%d.url", i), "validation_required", "Cannot be blank.")
			}
		}
	}
	if len(v) == 0 {
		return nil
	}
	return &galley.Error{Code: galley.EInvalid, Message: "Invalid batch request data.", Fields: v, Nested: true}
}

// batchFailed writes the answer of a batch whose request be.Index failed.
func (s *Server) batchFailed(w http.ResponseWriter, r *http.Request, be *core.BatchError) error {
	var ge *galley.Error
	if !errors.As(be.Err, &ge) {
		ge = galley.Internal(be.Err)
	}
	status := statusOf(ge.Code)
	if status >= 500 {
		return be.Err // logged and answered 500 without details
	}
	setErrorForLog(r, be)
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"status":  http.StatusBadRequest,
		"message": "Batch transaction failed.",
		"data": map[string]any{"requests": map[string]any{strconv.Itoa(be.Index): map[string]any{
			"code":     "batch_request_failed",
			"message":  "Batch request failed.",
			"response": errorBodyOf(ge, status),
		}}},
	})
	return nil
}

// batchOp turns one request of a batch into a core.BatchOp: the record
// routes only (create POST …/records, upsert PUT …/records, update PATCH
// …/records/{id}, delete DELETE …/records/{id}); it returns the request's
// `fields` as well.
func batchOp(br batchRequest, files core.Files) (core.BatchOp, string, error) {
	bad := func(msg string) (core.BatchOp, string, error) {
		return core.BatchOp{}, "", galley.Errorf(galley.EInvalid, "%s", msg)
	}
	u, err := url.Parse(br.URL)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return bad("Invalid batch request url.")
	}
	parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	if len(parts) < 4 || parts[0] != "api" || parts[1] != "collections" || parts[3] != "records" || len(parts) > 5 || parts[2] == "" {
		return bad(fmt.Sprintf("Unsupported batch request url %q: only the record create, upsert, update and delete routes can be batched.", br.URL))
	}
	op := core.BatchOp{Collection: parts[2], Method: strings.ToUpper(br.Method), Query: map[string]string{}}
	q := u.Query()
	for k := range q {
		op.Query[k] = q.Get(k)
	}
	op.Expand = q.Get("expand")
	id := ""
	if len(parts) == 5 {
		id = parts[4]
		if id == "" {
			return bad("Invalid batch request url: empty record id.")
		}
	}
	switch {
	case op.Method == http.MethodPost && id == "":
		op.Action = core.BatchCreate
	case op.Method == http.MethodPut && id == "":
		op.Action = core.BatchUpsert
	case op.Method == http.MethodPatch && id != "":
		op.Action, op.ID = core.BatchUpdate, id
	case op.Method == http.MethodDelete && id != "":
		op.Action, op.ID = core.BatchDelete, id
	default:
		return bad(fmt.Sprintf("Unsupported batch request %s %s.", br.Method, br.URL))
	}
	body := core.Body{}
	if len(br.Body) > 0 && string(br.Body) != "null" {
		if body, err = core.DecodeBody(br.Body); err != nil {
			return core.BatchOp{}, "", err
		}
	}
	op.Input = core.RecordInput{Body: body, Files: files}
	return op, q.Get("fields"), nil
}

// readBatch reads a batch body within batch.maxBodySize: JSON, or
// multipart with the requests in the @jsonPayload part and files named
// "requests.<index>.<field>" (spooled like record uploads; their sizes and
// types are checked against their fields by the record services). uploads
// has one entry per request.
func (s *Server) readBatch(r *http.Request) (reqs []batchRequest, uploads []core.Files, cleanup func(), err error) {
	cleanup = func() {}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var payload []byte
	byIndex := map[int]core.Files{}
	if ct == "multipart/form-data" {
		var temps []string
		cleanup = func() {
			for _, p := range temps {
				if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
					s.log.Warn("removing an upload's temporary file failed", "path", p, "err", err)
				}
			}
		}
		payload, err = s.readBatchMultipart(r, params["boundary"], byIndex, &temps)
	} else {
		payload, err = readBody(r)
	}
	if err != nil {
		return nil, nil, cleanup, err
	}
	var body batchBody
	if err := jsonv2.Unmarshal(payload, &body, jsonv2.RejectUnknownMembers(true)); err != nil {
		// PocketBase's message; the decoder's names Go types.
		return nil, nil, cleanup, &galley.Error{Code: galley.EInvalid, Message: "Failed to read the submitted batch data.", Err: err}
	}
	uploads = make([]core.Files, len(body.Requests))
	for i, f := range byIndex {
		if i >= len(body.Requests) {
			return nil, nil, cleanup, galley.FieldInvalid("requests", "validation_invalid_value", fmt.Sprintf("A file part names request %d, which the batch does not have.", i))
		}
		uploads[i] = f
	}
	return body.Requests, uploads, cleanup, nil
}

// readBatchMultipart reads a multipart batch body: it returns the
// @jsonPayload part and spools every "requests.<index>.<field>" file part
// into byIndex.
func (s *Server) readBatchMultipart(r *http.Request, boundary string, byIndex map[int]core.Files, temps *[]string) ([]byte, error) {
	if boundary == "" {
		return nil, galley.Errorf(galley.EInvalid, "Failed to read the form data: the multipart boundary is missing.")
	}
	_, _, _, maxBody, err := s.app.BatchLimits(r.Context())
	if err != nil {
		return nil, err
	}
	mr := multipart.NewReader(r.Body, boundary)
	var payload []byte
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, formReadError(err)
		}
		if parts == maxRecordParts {
			return nil, galley.Errorf(galley.ETooLarge, "The form data has too many parts (limit %d).", maxRecordParts)
		}
		name := p.FormName()
		if p.FileName() == "" {
			if name != jsonPayloadPart {
				return nil, galley.FieldInvalid(name, "validation_invalid_value", "A batch's values go in its @jsonPayload part.")
			}
			if payload, err = io.ReadAll(io.LimitReader(p, s.cfg.MaxBodyBytes+1)); err != nil {
				return nil, formReadError(err)
			}
			if int64(len(payload)) > s.cfg.MaxBodyBytes {
				return nil, galley.Errorf(galley.ETooLarge, "The @jsonPayload part is too large (limit %d bytes).", s.cfg.MaxBodyBytes)
			}
			continue
		}
		rest, ok := strings.CutPrefix(name, "requests.")
		idx, field, ok2 := strings.Cut(rest, ".")
		i, err := strconv.Atoi(idx)
		if !ok || !ok2 || err != nil || i < 0 || field == "" {
			return nil, galley.FieldInvalid(name, "validation_invalid_value", `A batch's file parts are named "requests.<index>.<field>".`)
		}
		u, err := s.spoolUpload(p, field, maxBody, temps)
		if err != nil {
			return nil, err
		}
		if byIndex[i] == nil {
			byIndex[i] = core.Files{}
		}
		byIndex[i][field] = append(byIndex[i][field], u)
	}
	if payload == nil {
		return nil, galley.FieldInvalid(jsonPayloadPart, "validation_required", "A multipart batch needs its @jsonPayload part.")
	}
	return payload, nil
}

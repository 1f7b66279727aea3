package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/store"
	jsonv2 "github.com/go-json-experiment/json"
)

// Batch actions (BatchOp.Action).
const (
	BatchCreate = "create"
	BatchUpdate = "update"
	BatchUpsert = "upsert"
	BatchDelete = "delete"
)

// Defaults of the batch settings when they are 0.
const (
	DefaultBatchMaxRequests = 50
	DefaultBatchTimeout     = 3 * time.Second
	DefaultBatchMaxBodySize = 128 << 20
)

// BatchOp is one request of a batch, decoded by the transport.
type BatchOp struct {
	// Action is BatchCreate, BatchUpdate, BatchUpsert or BatchDelete.
	Action string
	// Collection is the collection's name or id; ID the record's (update,
	// delete).
	Collection, ID string
	// Input is the record body (create, update, upsert).
	Input RecordInput
	// Expand is the request's expand query parameter.
	Expand string
	// Method and Query are the request's, for @request.method and
	// @request.query in rules.
	Method string
	Query  map[string]string
}

// BatchError is the failure of one request of a batch: Index is its
// position, Err what that request alone would have answered.
type BatchError struct {
	Index int
	Err   error
}

func (e *BatchError) Error() string { return fmt.Sprintf("batch request %d: %v", e.Index, e.Err) }
func (e *BatchError) Unwrap() error { return e.Err }

// BatchLimits returns the batch settings in force: whether batches are
// allowed, and the request count, time and body size limits (defaults
// for zero values).
func (app *App) BatchLimits(ctx context.Context) (enabled bool, maxRequests int, timeout time.Duration, maxBody int64, err error) {
	s, err := app.Settings(ctx)
	if err != nil {
		return false, 0, 0, 0, err
	}
	b := s.Batch
	maxRequests, timeout, maxBody = b.MaxRequests, time.Duration(b.Timeout)*time.Second, b.MaxBodySize
	if maxRequests <= 0 {
		maxRequests = DefaultBatchMaxRequests
	}
	if timeout <= 0 {
		timeout = DefaultBatchTimeout
	}
	if maxBody <= 0 {
		maxBody = DefaultBatchMaxBodySize
	}
	return b.Enabled, maxRequests, timeout, maxBody, nil
}

// RunBatch runs ops in order in one transaction: all commit or none does.
// Each request goes through the same checks as alone (the collection's
// rules for a, @request.body resolved per request, protected fields,
// validation, file checks); a later request sees what the earlier ones
// wrote. The first failure stops the batch and is a *BatchError naming it;
// realtime events and the deletion of dropped files happen only after the
// commit, and files stored for the batch are removed when it does not
// commit. A disabled batch API is EForbidden; no requests, more than
// batch.maxRequests, or an op the batch cannot run are EInvalid; past
// batch.timeout the running request fails. It returns one record per op
// (nil for deletes), expanded as each op asked.
func (app *App) RunBatch(ctx context.Context, a Actor, ops []BatchOp) ([]*galley.Record, error) {
	enabled, maxRequests, timeout, _, err := app.BatchLimits(ctx)
	if err != nil {
		return nil, err
	}
	if !enabled {
		return nil, galley.Errorf(galley.EForbidden, "Batch requests are not allowed.")
	}
	if len(ops) == 0 {
		return nil, galley.FieldInvalid("requests", "validation_required", "Cannot be blank.")
	}
	if len(ops) > maxRequests {
		return nil, galley.FieldInvalid("requests", "validation_length_too_long",
			fmt.Sprintf("The batch has %d requests; at most %d are allowed (batch.maxRequests).", len(ops), maxRequests))
	}
	// What a request needs before the transaction: its collection, and its
	// uploads checked and named.
	colls := make([]*galley.Collection, len(ops))
	hasFiles := false
	for i, op := range ops {
		c, err := app.recordCollection(op.Collection)
		if galley.ErrorCodeOf(err) == galley.ENotFound {
			err = galley.Errorf(galley.ENotFound, "Missing collection context.") // PocketBase's, in a batch
		}
		if err == nil {
			err = refuseView(c)
		}
		if err == nil && op.Action != BatchDelete {
			if err = prepareUploads(c, op.Input.Files); err != nil {
				// As the record's own validation fails (an upsert: as a
				// create; which it becomes is known only in the transaction).
				if op.Action == BatchUpdate {
					err = RecordFailed(err, "update")
				} else {
					err = RecordFailed(err, "create")
				}
			}
		}
		if err != nil {
			return nil, &BatchError{Index: i, Err: err}
		}
		colls[i] = c
		hasFiles = hasFiles || len(op.Input.Files) > 0
	}
	var st files.Storage
	if hasFiles {
		if st, err = app.storage(ctx); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out := make([]*galley.Record, len(ops))
	var stored []string
	err = app.db.WithTx(ctx, func(tx *store.Tx) error {
		for i, op := range ops {
			if err := ctx.Err(); err != nil {
				return &BatchError{Index: i, Err: galley.Errorf(galley.EInvalid, "The batch took longer than its %s (batch.timeout).", timeout)}
			}
			oa := a
			ri := a.RequestInfo()
			ri.Auth = nil // RequestInfo sets it from the actor again
			ri.Method, ri.Query = op.Method, op.Query
			oa.Request = ri
			r, fch, ran, err := app.batchOne(ctx, tx, oa, colls[i], op, st)
			stored = append(stored, fch.putKey...)
			if err != nil {
				switch ran { // an upsert fails as the create or update it became
				case BatchUpdate:
					err = RecordFailed(err, "update")
				case BatchCreate:
					err = RecordFailed(err, "create")
				}
				return &BatchError{Index: i, Err: err}
			}
			out[i] = r
		}
		return nil
	})
	if err != nil {
		if len(stored) > 0 {
			app.removeFiles(st, stored, nil)
		}
		var be *BatchError
		if !errors.As(err, &be) {
			return nil, err
		}
		return nil, be
	}
	for i, op := range ops {
		if out[i] == nil || op.Expand == "" {
			continue
		}
		if err := app.Expand(ctx, a, []*galley.Record{out[i]}, op.Expand); err != nil {
			return nil, &BatchError{Index: i, Err: err}
		}
	}
	return out, nil
}

// batchOne runs one op of a batch inside tx and returns the action it
// ran (an upsert's create or update).
func (app *App) batchOne(ctx context.Context, tx *store.Tx, a Actor, c *galley.Collection, op BatchOp, st files.Storage) (*galley.Record, fileChange, string, error) {
	action := op.Action
	if action == BatchUpsert {
		// An update when the body names an existing record, else a create.
		action = BatchCreate
		var id string
		if raw, ok := op.Input.Body["id"]; ok && jsonv2.Unmarshal(raw, &id) == nil && id != "" {
			r, err := findByID(ctx, tx, c, id)
			if err != nil {
				return nil, fileChange{}, action, err
			}
			if r != nil {
				action, op.ID = BatchUpdate, id
			}
		}
	}
	r, fch, err := app.batchRun(ctx, tx, a, c, op, action, st)
	return r, fch, action, err
}

// batchRun runs op as action (create, update or delete) inside tx.
func (app *App) batchRun(ctx context.Context, tx *store.Tx, a Actor, c *galley.Collection, op BatchOp, action string, st files.Storage) (*galley.Record, fileChange, error) {
	switch action {
	case BatchCreate:
		p, err := app.planCreate(a, c, op.Input)
		if err != nil {
			return nil, fileChange{}, err
		}
		var fch fileChange
		re := &RecordRequestEvent{Context: ctx, App: app, Actor: p.a, Collection: c, Record: p.r}
		err = app.hooks.RecordCreateRequest.trigger(re, c, func() error {
			if len(p.fch.put) > 0 {
				if err := app.storeFiles(ctx, st, p.fch); err != nil {
					return err
				}
				fch = p.fch
			}
			return app.insertChecked(ctx, tx, p.r, p.ruleSQL, p.ruleArgs)
		})
		return p.r, fch, err
	case BatchUpdate:
		if _, _, err := app.ruleWhere(a, c, "update"); err != nil {
			return nil, fileChange{}, err
		}
		return app.updateTx(ctx, tx, a, c, op.ID, op.Input, st)
	case BatchDelete:
		if _, _, err := app.ruleWhere(a, c, "delete"); err != nil {
			return nil, fileChange{}, err
		}
		return nil, fileChange{}, app.deleteTx(ctx, tx, a, c, op.ID)
	}
	return nil, fileChange{}, galley.Errorf(galley.EInvalid, "Unsupported batch action %q.", op.Action)
}

package core

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/store"
)

// RecordQuery is the query of the records list endpoint.
type RecordQuery struct {
	ListQuery
	Expand string
}

// recordCollection resolves a collection for the records API (ENotFound when missing).
func (app *App) recordCollection(nameOrID string) (*galley.Collection, error) {
	c := app.db.Schema.Collection(nameOrID)
	if c == nil {
		return nil, galley.Errorf(galley.ENotFound, "Missing or invalid collection context.")
	}
	return c, nil
}

// ListRecords returns a page of c's records visible to a: the listRule
// filters silently; a null listRule is EForbidden for non-superusers. Totals
// are kept by the store through writes (see store.CountRecords).
func (app *App) ListRecords(ctx context.Context, a Actor, collection string, q RecordQuery) (*List[*galley.Record], error) {
	c, err := app.recordCollection(collection)
	if err != nil {
		return nil, err
	}
	q.Normalize()
	ruleSQL, ruleArgs, err := app.ruleWhere(a, c, "list")
	if err != nil {
		return nil, err
	}
	filterSQL, filterArgs, err := app.userFilter(a, c, q.Filter)
	if err != nil {
		return nil, err
	}
	orderSQL, orderArgs, err := filter.Sort(q.Sort, c, store.Alias, app.Env(a, false), filter.Limits{})
	if err != nil {
		return nil, err
	}
	if orderSQL == "" && c.Type != galley.CollectionView {
		orderSQL = app.db.RowOrder(c, store.Alias)
	}
	where := and(ruleSQL, filterSQL)
	args := append(append([]any(nil), ruleArgs...), filterArgs...)
	items, err := store.FindRecords(ctx, app.db.Reader(), c, store.Select{
		Where: where, Args: args, Order: orderSQL, OrderArgs: orderArgs,
		Limit: q.PerPage, Offset: (q.Page - 1) * q.PerPage,
	})
	if err != nil {
		return nil, err
	}
	out := &List[*galley.Record]{Page: q.Page, PerPage: q.PerPage, TotalItems: -1, TotalPages: -1, Items: items}
	if out.Items == nil {
		out.Items = []*galley.Record{}
	}
	if !q.SkipTotal {
		n, err := app.db.CountRecords(ctx, c, where, args, app.totalMatcher(a, c, q.Filter))
		if err != nil {
			return nil, err
		}
		out.TotalItems = int(n)
		out.TotalPages = int((n + int64(q.PerPage) - 1) / int64(q.PerPage))
	}
	if err := app.Expand(ctx, a, items, q.Expand); err != nil {
		return nil, err
	}
	return out, nil
}

// findVisible returns the record id of c that passes the rule of action for
// a, through q. Missing and invisible records are both ENotFound.
func (app *App) findVisible(ctx context.Context, q store.Querier, a Actor, c *galley.Collection, id, action string) (*galley.Record, error) {
	ruleSQL, ruleArgs, err := app.ruleWhere(a, c, action)
	if err != nil {
		return nil, err
	}
	recs, err := store.FindRecords(ctx, q, c, store.Select{ID: id, Where: ruleSQL, Args: ruleArgs, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
	}
	return recs[0], nil
}

// ViewRecord returns one record visible to a under the viewRule, expanded.
func (app *App) ViewRecord(ctx context.Context, a Actor, collection, id, expand string) (*galley.Record, error) {
	c, err := app.recordCollection(collection)
	if err != nil {
		return nil, err
	}
	r, err := app.findVisible(ctx, app.db.Reader(), a, c, id, "view")
	if err != nil {
		return nil, err
	}
	if err := app.Expand(ctx, a, []*galley.Record{r}, expand); err != nil {
		return nil, err
	}
	return r, nil
}

// newRecord returns a record of c with every field at its zero value.
func newRecord(c *galley.Collection) *galley.Record {
	r := &galley.Record{Collection: c, Data: make(map[string]any, len(c.Fields))}
	for _, f := range c.Fields {
		r.Data[f.Name] = zeroValue(f)
	}
	return r
}

func zeroValue(f *galley.Field) any {
	switch {
	case f.IsMulti():
		return []string{}
	case f.Type == galley.FieldNumber:
		return 0.0
	case f.Type == galley.FieldBool:
		return false
	case f.Type == galley.FieldJSON:
		return nil
	case f.Type == galley.FieldGeoPoint:
		return galley.GeoPoint{}
	}
	return ""
}

// refuseView refuses writes to a view collection (they are read-only),
// in PocketBase's words.
func refuseView(c *galley.Collection) error {
	if c.IsView() {
		return galley.Errorf(galley.EInvalid, "Unsupported collection type.")
	}
	return nil
}

// CreateRecord creates a record of c from in. The createRule is checked
// against the would-be record inside the transaction: when it does not
// match, nothing is written and the answer is EInvalid "Failed to create
// record.". Uploaded files are checked (size, type, count) before anything
// is stored, stored before the commit and removed again when the
// transaction does not commit.
func (app *App) CreateRecord(ctx context.Context, a Actor, collection string, in RecordInput, expand string) (rec *galley.Record, err error) {
	defer func() { err = RecordFailed(err, "create") }()
	c, err := app.recordCollection(collection)
	if err != nil {
		return nil, err
	}
	p, err := app.planCreate(a, c, in)
	if err != nil {
		return nil, err
	}
	re := &RecordRequestEvent{Context: ctx, App: app, Actor: p.a, Collection: c, Record: p.r}
	err = app.hooks.RecordCreateRequest.trigger(re, c, func() error { return app.createPlanned(ctx, p) })
	if err != nil {
		return nil, err
	}
	if err := app.Expand(ctx, p.a, []*galley.Record{p.r}, expand); err != nil {
		return nil, err
	}
	return p.r, nil
}

// createPlanned stores p's files, then inserts its record in a transaction
// of its own (the files are removed again when it does not commit).
func (app *App) createPlanned(ctx context.Context, p *createPlan) error {
	var err error
	var st files.Storage
	if len(p.fch.put) > 0 {
		if err := app.validateRecord(ctx, app.db.Reader(), p.r); err != nil {
			return err // nothing stored for a record that cannot be valid
		}
		if st, err = app.storage(ctx); err != nil {
			return err
		}
		if err := app.storeFiles(ctx, st, p.fch); err != nil {
			return err
		}
	}
	err = app.db.WithTx(ctx, func(tx *store.Tx) error {
		return app.insertChecked(ctx, tx, p.r, p.ruleSQL, p.ruleArgs)
	})
	if err != nil && st != nil {
		app.removeFiles(st, p.fch.putKey, nil)
	}
	return err
}

// RecordFailed gives a validation error of a record create or update
// (action "create" or "update"), and a unique violation, PocketBase's
// message: "Failed to create record." / "Failed to update record.", with
// the per-field errors unchanged. Other errors pass.
func RecordFailed(err error, action string) error {
	var ge *galley.Error
	if !errors.As(err, &ge) || (ge.Code != galley.EInvalid && ge.Code != galley.EConflict) || len(ge.Fields) == 0 {
		return err
	}
	out := *ge
	out.Message = "Failed to " + action + " record."
	return &out
}

// createPlan is a create resolved and authorised up to the write: the new
// record, the actor whose @request.body is its resolution, the compiled
// createRule and the files to store.
type createPlan struct {
	r        *galley.Record
	a        Actor
	ruleSQL  string
	ruleArgs []any
	fch      fileChange
}

// planCreate resolves in into a new record of c for a: everything a create
// decides before it writes (the createRule is then checked on the
// inserted row, see insertChecked).
func (app *App) planCreate(a Actor, c *galley.Collection, in RecordInput) (*createPlan, error) {
	if err := refuseView(c); err != nil {
		return nil, err
	}
	if _, _, err := app.ruleWhere(a, c, "create"); err != nil {
		return nil, err
	}
	r := newRecord(c)
	if c.IsAuth() {
		if err := checkAuthBody(a, nil, in.Body, a.IsSuperuser()); err != nil {
			return nil, err
		}
	}
	if err := prepareUploads(c, in.Files); err != nil {
		return nil, err
	}
	resolved, err := applyBody(a, r, in, true)
	if err != nil {
		return nil, err
	}
	a = withBody(a, resolved)
	ruleSQL, ruleArgs, err := app.ruleWhere(a, c, "create")
	if err != nil {
		return nil, err
	}
	normalizeSingle(r)
	if err := app.fillAuto(r, true); err != nil {
		return nil, err
	}
	return &createPlan{r: r, a: a, ruleSQL: ruleSQL, ruleArgs: ruleArgs, fch: diffFiles(nil, r, in.Files)}, nil
}

// insertRecord validates and inserts r in tx around the RecordCreate
// hooks (a handler may change r before Next; Next validates and writes),
// and schedules its events and after-create hooks for the commit.
func (app *App) insertRecord(ctx context.Context, tx *store.Tx, r *galley.Record) error {
	e := &RecordWriteEvent{Context: ctx, App: app, Collection: r.Collection, Record: r, Tx: &TxApp{app: app, tx: tx, ctx: ctx}}
	return app.hooks.RecordCreate.trigger(e, r.Collection, func() error {
		if err := app.validateRecord(ctx, tx, r); err != nil {
			return err
		}
		if err := app.checkAuthID(ctx, tx, r); err != nil {
			return err
		}
		if err := tx.InsertRecord(ctx, r); err != nil {
			return err
		}
		app.recordChanged(tx, RecordEvent{Action: ActionCreate, Record: r})
		app.afterSuccess(tx, &app.hooks.RecordAfterCreate, r)
		return nil
	})
}

// writeUpdate validates and writes r (an update of the stored record id)
// in tx around the RecordUpdate hooks, and schedules its events and
// after-update hooks for the commit.
func (app *App) writeUpdate(ctx context.Context, tx *store.Tx, id string, r *galley.Record, tokenChanged func() bool) error {
	e := &RecordWriteEvent{Context: ctx, App: app, Collection: r.Collection, Record: r, Tx: &TxApp{app: app, tx: tx, ctx: ctx}}
	return app.hooks.RecordUpdate.trigger(e, r.Collection, func() error {
		if err := app.validateRecord(ctx, tx, r); err != nil {
			return err
		}
		if err := tx.UpdateRecord(ctx, id, r); err != nil {
			return err
		}
		app.recordChanged(tx, RecordEvent{Action: ActionUpdate, Record: r, TokenChanged: tokenChanged()})
		app.afterSuccess(tx, &app.hooks.RecordAfterUpdate, r)
		return nil
	})
}

// insertChecked validates and inserts r in tx, then checks the compiled
// createRule (ruleSQL, "" for none) against the inserted row: a record the
// rule does not match is EInvalid "Failed to create record." and the caller's
// transaction rolls back.
func (app *App) insertChecked(ctx context.Context, tx *store.Tx, r *galley.Record, ruleSQL string, ruleArgs []any) error {
	if err := app.insertRecord(ctx, tx, r); err != nil {
		return err
	}
	if ruleSQL == "" {
		return nil
	}
	recs, err := store.FindRecords(ctx, tx, r.Collection, store.Select{ID: r.ID(), Where: ruleSQL, Args: ruleArgs, Limit: 1})
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return galley.Errorf(galley.EInvalid, "Failed to create record.")
	}
	return nil
}

// UpdateRecord applies in to the record id of c if the updateRule lets a
// see it (ENotFound otherwise); @request.body holds the resolved values.
// New files are stored before the commit (removed again when it fails);
// files the update drops are deleted after it.
func (app *App) UpdateRecord(ctx context.Context, a Actor, collection, id string, in RecordInput, expand string) (rec *galley.Record, err error) {
	defer func() { err = RecordFailed(err, "update") }()
	c, err := app.recordCollection(collection)
	if err != nil {
		return nil, err
	}
	if err := refuseView(c); err != nil {
		return nil, err
	}
	if _, _, err := app.ruleWhere(a, c, "update"); err != nil {
		return nil, err
	}
	if err := prepareUploads(c, in.Files); err != nil {
		return nil, err
	}
	var st files.Storage
	if len(in.Files) > 0 {
		if st, err = app.storage(ctx); err != nil {
			return nil, err
		}
	}
	var r *galley.Record
	var fch fileChange
	err = app.db.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		r, fch, err = app.updateTx(ctx, tx, a, c, id, in, st)
		return err
	})
	if err != nil {
		if len(fch.put) > 0 {
			app.removeFiles(st, fch.putKey, nil)
		}
		return nil, err
	}
	if err := app.Expand(ctx, a, []*galley.Record{r}, expand); err != nil {
		return nil, err
	}
	return r, nil
}

// updateTx is UpdateRecord's write inside tx, after the collection is
// known to be writable, the updateRule usable and in's uploads prepared:
// it locks and finds the record, applies in, validates, stores the new
// files in st (st may be nil when in has none) and writes. Files the
// update drops are deleted once tx commits. The returned fileChange is
// set as soon as files were stored, errors included: the caller removes
// them when tx does not commit.
func (app *App) updateTx(ctx context.Context, tx *store.Tx, a Actor, c *galley.Collection, id string, in RecordInput, st files.Storage) (*galley.Record, fileChange, error) {
	var fch fileChange
	// Concurrent updates of one record (several writer connections or
	// nodes on PostgreSQL) apply one after the other.
	if err := tx.LockRecord(ctx, c, id); err != nil {
		return nil, fch, err
	}
	old, a, err := app.findForUpdate(ctx, tx, a, c, id, in)
	if err != nil {
		return nil, fch, err
	}
	if c.IsAuth() {
		manage, err := app.canManage(ctx, tx, a, c, id)
		if err != nil {
			return nil, fch, err
		}
		if err := checkAuthBody(a, old, in.Body, manage); err != nil {
			return nil, fch, err
		}
	}
	oldKey := old.GetString("tokenKey")
	r := cloneRecord(old)
	if _, err := applyBody(a, r, in, false); err != nil {
		return nil, fch, err
	}
	normalizeSingle(r)
	if err := app.fillAuto(r, false); err != nil {
		return nil, fch, err
	}
	write := func() error {
		if err := app.validateRecord(ctx, tx, r); err != nil {
			return err
		}
		ch := diffFiles(old, r, in.Files)
		if len(ch.put) > 0 {
			if err := app.storeFiles(ctx, st, ch); err != nil {
				return err
			}
			fch = ch
		}
		if err := app.writeUpdate(ctx, tx, id, r, func() bool { return c.IsAuth() && r.GetString("tokenKey") != oldKey }); err != nil {
			return err
		}
		if len(ch.del) > 0 {
			tx.AfterCommit(func() { app.dropFileKeys(ch.del) })
		}
		return nil
	}
	re := &RecordRequestEvent{Context: ctx, App: app, Actor: a, Collection: c, Record: r}
	if err := app.hooks.RecordUpdateRequest.trigger(re, c, write); err != nil {
		return nil, fch, err
	}
	return r, fch, nil
}

// DeleteRecord deletes the record id of c if the deleteRule lets a see it.
// Records that point at it through relations are handled per field:
// cascadeDelete deletes them, a required relation refuses the delete (400),
// other relations are cleared. Its files are deleted after the commit.
func (app *App) DeleteRecord(ctx context.Context, a Actor, collection, id string) error {
	c, err := app.recordCollection(collection)
	if err != nil {
		return err
	}
	if err := refuseView(c); err != nil {
		return err
	}
	if _, _, err := app.ruleWhere(a, c, "delete"); err != nil {
		return err
	}
	return app.db.WithTx(ctx, func(tx *store.Tx) error { return app.deleteTx(ctx, tx, a, c, id) })
}

// deleteTx is DeleteRecord's write inside tx.
func (app *App) deleteTx(ctx context.Context, tx *store.Tx, a Actor, c *galley.Collection, id string) error {
	r, err := app.findVisible(ctx, tx, a, c, id, "delete")
	if err != nil {
		return err
	}
	re := &RecordRequestEvent{Context: ctx, App: app, Actor: a, Collection: c, Record: r}
	return app.hooks.RecordDeleteRequest.trigger(re, c, func() error {
		if c.Name == galley.SuperusersName {
			n, err := store.CountSuperusers(ctx, tx)
			if err != nil {
				return err
			}
			if n <= 1 {
				return galley.Errorf(galley.EInvalid, "The last superuser cannot be deleted.")
			}
		}
		return app.deleteCascade(ctx, tx, r, 0)
	})
}

// withBody returns a with @request.body set to the resolved change set
// (see applyBody).
func withBody(a Actor, resolved map[string]any) Actor {
	ri := a.RequestInfo()
	ri.Body = resolved
	a.Request = ri
	return a
}

// findForUpdate finds the record id of c that the updateRule lets a update
// with body, and returns it (unchanged) with a whose @request.body is the
// body resolved against that record. The rule sees what will be stored:
// "views+": 1 is the new total, "owner+" the owner after the change. A
// record that is missing or that the rule refuses is ENotFound, even when
// the body is also invalid (the validation error would reveal the record).
func (app *App) findForUpdate(ctx context.Context, tx *store.Tx, a Actor, c *galley.Collection, id string, in RecordInput) (*galley.Record, Actor, error) {
	if a.IsSuperuser() || !ruleUsesBody(c.UpdateRule) {
		r, err := app.findVisible(ctx, tx, a, c, id, "update")
		if err != nil {
			return nil, a, err
		}
		resolved, _ := resolveBody(a, cloneRecord(r), in, false, false)
		return r, withBody(a, resolved), nil
	}
	r, err := findByID(ctx, tx, c, id)
	if err != nil {
		return nil, a, err
	}
	if r == nil {
		return nil, a, galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
	}
	resolved, _ := resolveBody(a, cloneRecord(r), in, false, false)
	a = withBody(a, resolved)
	if _, err := app.findVisible(ctx, tx, a, c, id, "update"); err != nil {
		return nil, a, err
	}
	return r, a, nil
}

// checkAuthID refuses a new auth record whose id is already used by a
// record of another auth collection: rules compare @request.auth.id with
// relation ids, so two auth records with one id would let one read what
// belongs to the other. The answer is PocketBase's: 400 "Failed to create
// record." with data.id.code = validation_invalid_auth_id.
func (app *App) checkAuthID(ctx context.Context, q store.Querier, r *galley.Record) error {
	if !r.Collection.IsAuth() {
		return nil
	}
	for _, c := range app.db.Schema.Collections() {
		if !c.IsAuth() || c.ID == r.Collection.ID {
			continue
		}
		other, err := findByID(ctx, q, c, r.ID())
		if err != nil {
			return err
		}
		if other != nil {
			return &galley.Error{Code: galley.EInvalid, Message: "Failed to create record.",
				Fields: map[string]galley.FieldError{"id": {Code: "validation_invalid_auth_id", Message: "Invalid or duplicated auth record id."}}}
		}
	}
	return nil
}

// ruleUsesBody reports whether a rule reads @request.body.
func ruleUsesBody(rule *string) bool {
	return rule != nil && strings.Contains(*rule, "@request.body")
}

// cloneRecord returns a copy of r whose data map (and multi-valued values)
// can be changed without touching r.
func cloneRecord(r *galley.Record) *galley.Record {
	out := &galley.Record{Collection: r.Collection, Data: make(map[string]any, len(r.Data))}
	for k, v := range r.Data {
		if l, ok := v.([]string); ok {
			v = slices.Clone(l)
		}
		out.Data[k] = v
	}
	return out
}

// fillAuto sets autodate fields, generates ids and autogenerated text, and
// the tokenKey of new auth records.
func (app *App) fillAuto(r *galley.Record, isNew bool) error {
	now := galley.FormatTime(time.Now())
	for _, f := range r.Collection.Fields {
		switch {
		case f.Type == galley.FieldAutodate:
			if (isNew && f.OnCreate) || (!isNew && f.OnUpdate) {
				r.Data[f.Name] = now
			}
		case f.Type == galley.FieldText && isNew && f.AutogeneratePattern != "" && r.GetString(f.Name) == "":
			if f.Name == "id" && f.AutogeneratePattern == "[a-z0-9]{15}" {
				r.Data["id"] = galley.NewID()
				continue
			}
			s, err := GenerateFromPattern(f.AutogeneratePattern)
			if err != nil {
				return galley.FieldInvalid(f.Name, "validation_invalid_autogenerate_pattern", "The field's autogenerate pattern is invalid.")
			}
			r.Data[f.Name] = s
		}
	}
	if r.ID() == "" {
		r.Data["id"] = galley.NewID()
	}
	return nil
}

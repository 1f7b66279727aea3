package core

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/store"
)

// TxApp is the App inside one write transaction: what hooks and
// RunInTransaction callers read and write through. Its calls are trusted
// (no API rules: the caller is the application's own code); writes are
// validated, run the record hooks and publish their events after the
// commit. A TxApp must not be used after its transaction ends.
type TxApp struct {
	app *App
	tx  *store.Tx
	ctx context.Context
}

// RunInTransaction runs fn in one write transaction: everything fn does
// through its TxApp commits together, or — when fn returns an error —
// not at all. Transactions run through RunInTransaction are serialised with
// each other on both databases, so a read-modify-write in one (read a stock
// count, write it less one) never interleaves with another's: on SQLite
// because one transaction writes at a time, on PostgreSQL (several writer
// lanes and nodes at READ COMMITTED) through a transaction-scoped lock taken
// first, across every node. Writes made outside RunInTransaction (the
// records API) do not take that lock. Other writers may wait meanwhile:
// keep it short.
func (app *App) RunInTransaction(ctx context.Context, fn func(tx *TxApp) error) error {
	return app.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.Lock(ctx, "app.RunInTransaction"); err != nil {
			return err
		}
		return fn(&TxApp{app: app, tx: tx, ctx: ctx})
	})
}

// Context is the transaction's context.
func (t *TxApp) Context() context.Context { return t.ctx }

// FindRecordByID returns the record id of collection (ENotFound when
// missing).
func (t *TxApp) FindRecordByID(collection, id string) (*galley.Record, error) {
	return t.app.findRecordByID(t.ctx, t.tx, collection, id)
}

// FindRecordsByFilter returns the records of collection matching filter
// (the filter language; "" for all), with {:name} placeholders bound from
// params as literals (never spliced as filter text), sorted by sort ("" for
// insertion order), at most limit (≤ 0: 1000) from offset.
func (t *TxApp) FindRecordsByFilter(collection, filter, sort string, limit, offset int, params map[string]any) ([]*galley.Record, error) {
	return t.app.findRecordsByFilter(t.ctx, t.tx, collection, filter, sort, limit, offset, params)
}

// Save creates r (when no record of its collection has its id) or updates
// it, validated, with the record hooks, without API rules.
func (t *TxApp) Save(r *galley.Record) error {
	if r == nil || r.Collection == nil {
		return galley.Errorf(galley.EInvalid, "Save needs a record of a collection.")
	}
	if err := refuseView(r.Collection); err != nil {
		return err
	}
	normalizeSingle(r)
	if r.ID() != "" {
		old, err := findByID(t.ctx, t.tx, r.Collection, r.ID())
		if err != nil {
			return err
		}
		if old != nil {
			if err := t.app.fillAuto(r, false); err != nil {
				return err
			}
			oldKey := old.GetString("tokenKey")
			return t.app.writeUpdate(t.ctx, t.tx, r.ID(), r, func() bool { return r.Collection.IsAuth() && r.GetString("tokenKey") != oldKey })
		}
	}
	if err := t.app.fillAuto(r, true); err != nil {
		return err
	}
	return t.app.insertRecord(t.ctx, t.tx, r)
}

// Delete deletes r as a request would (relations resolved per field,
// files removed after the commit), with the record hooks, without API
// rules.
func (t *TxApp) Delete(r *galley.Record) error {
	if r == nil || r.Collection == nil {
		return galley.Errorf(galley.EInvalid, "Delete needs a record of a collection.")
	}
	cur, err := findByID(t.ctx, t.tx, r.Collection, r.ID())
	if err != nil {
		return err
	}
	if cur == nil {
		return galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
	}
	return t.app.deleteCascade(t.ctx, t.tx, cur, 0)
}

// NewRecord returns an empty record of collection (its fields at their
// zero values), for Save.
func (app *App) NewRecord(collection string) (*galley.Record, error) {
	c := app.db.Schema.Collection(collection)
	if c == nil {
		return nil, galley.Errorf(galley.ENotFound, "Missing collection context.")
	}
	return newRecord(c), nil
}

// FindRecordByID is TxApp.FindRecordByID outside a transaction.
func (app *App) FindRecordByID(ctx context.Context, collection, id string) (*galley.Record, error) {
	return app.findRecordByID(ctx, app.db.Reader(), collection, id)
}

// FindRecordsByFilter is TxApp.FindRecordsByFilter outside a transaction.
func (app *App) FindRecordsByFilter(ctx context.Context, collection, filter, sort string, limit, offset int, params map[string]any) ([]*galley.Record, error) {
	return app.findRecordsByFilter(ctx, app.db.Reader(), collection, filter, sort, limit, offset, params)
}

// Save is TxApp.Save in a transaction of its own.
func (app *App) Save(ctx context.Context, r *galley.Record) error {
	return app.RunInTransaction(ctx, func(tx *TxApp) error { return tx.Save(r) })
}

// Delete is TxApp.Delete in a transaction of its own.
func (app *App) Delete(ctx context.Context, r *galley.Record) error {
	return app.RunInTransaction(ctx, func(tx *TxApp) error { return tx.Delete(r) })
}

func (app *App) findRecordByID(ctx context.Context, q store.Querier, collection, id string) (*galley.Record, error) {
	c := app.db.Schema.Collection(collection)
	if c == nil {
		return nil, galley.Errorf(galley.ENotFound, "Missing collection context.")
	}
	r, err := findByID(ctx, q, c, id)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
	}
	return r, nil
}

func (app *App) findRecordsByFilter(ctx context.Context, q store.Querier, collection, src, sort string, limit, offset int, params map[string]any) ([]*galley.Record, error) {
	c := app.db.Schema.Collection(collection)
	if c == nil {
		return nil, galley.Errorf(galley.ENotFound, "Missing collection context.")
	}
	src, err := BindParams(src, params)
	if err != nil {
		return nil, err
	}
	env := app.Env(app.SystemActor(), true)
	where, args := "", []any(nil)
	if src != "" {
		e, err := filter.Parse(src, filter.Limits{})
		if err != nil {
			return nil, err
		}
		if where, args, err = filter.Where(e, c, store.Alias, env); err != nil {
			return nil, err
		}
	}
	order, orderArgs, err := filter.Sort(sort, c, store.Alias, env, filter.Limits{})
	if err != nil {
		return nil, err
	}
	if order == "" && !c.IsView() {
		order = app.db.RowOrder(c, store.Alias)
	}
	if limit <= 0 {
		limit = 1000
	}
	return store.FindRecords(ctx, q, c, store.Select{Where: where, Args: args, Order: order, OrderArgs: orderArgs, Limit: limit, Offset: max(offset, 0)})
}

var placeholder = regexp.MustCompile(`\{:([A-Za-z_][A-Za-z0-9_]*)\}`)

// BindParams replaces the {:name} placeholders of a filter with params'
// values as filter literals: strings quoted (JSON escapes, so no value can
// end the string), numbers, true/false, null. A placeholder without a
// param, or a value of another type, is EInvalid.
func BindParams(src string, params map[string]any) (string, error) {
	var bad error
	out := placeholder.ReplaceAllStringFunc(src, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		v, ok := params[name]
		if !ok {
			bad = galley.Errorf(galley.EInvalid, "The filter parameter {:%s} has no value.", name)
			return m
		}
		switch x := v.(type) {
		case nil:
			return "null"
		case string:
			b, _ := json.Marshal(x)
			return string(b)
		case bool:
			return strconv.FormatBool(x)
		case int:
			return strconv.Itoa(x)
		case int64:
			return strconv.FormatInt(x, 10)
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
		bad = galley.Errorf(galley.EInvalid, "The filter parameter {:%s} is a %T; want a string, number, bool or nil.", name, v)
		return m
	})
	return out, bad
}

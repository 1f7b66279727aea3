package migrate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
)

// JSON is the built-in migration file format (".json"): an object with an
// "up" and an optional "down" step, each
//
//	{"collections": [ …collections as GET /api/collections returns them… ],
//	 "deleteMissing": false,
//	 "delete": ["collection name or id", …]}
//
// with every key optional: "collections" are imported (matched by id,
// then name; created when unmatched; with "deleteMissing", every other
// non-system collection is deleted), then the collections in "delete" are
// deleted (those already gone are skipped). Unknown keys are errors.
// Both steps are idempotent, so a step that ran but was not recorded
// (the process died in between) is safe to run again.
var JSON Format = jsonFormat{}

type jsonFormat struct{}

// jsonFile is the shape of a JSON migration file.
type jsonFile struct {
	Up   *jsonStep `json:"up"`
	Down *jsonStep `json:"down,omitempty"`
}

type jsonStep struct {
	Collections   []json.RawMessage `json:"collections,omitempty"`
	DeleteMissing bool              `json:"deleteMissing,omitempty"`
	Delete        []string          `json:"delete,omitempty"`
}

func (jsonFormat) Ext() string { return ".json" }

func (jsonFormat) Template() []byte {
	return []byte("{\n  \"up\": {\"collections\": [], \"delete\": []},\n  \"down\": {\"collections\": [], \"delete\": []}\n}\n")
}

func (jsonFormat) Load(name string, src []byte) (up, down Func, err error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	var f jsonFile
	if err := dec.Decode(&f); err != nil {
		return nil, nil, fmt.Errorf("not a JSON migration (%v); want {\"up\": {\"collections\": […], \"deleteMissing\": false, \"delete\": […]}, \"down\": {…}}", err)
	}
	if dec.More() {
		return nil, nil, errors.New("not a JSON migration: more than one JSON value")
	}
	if f.Up == nil {
		return nil, nil, errors.New(`no "up" step`)
	}
	for dir, s := range map[string]*jsonStep{"up": f.Up, "down": f.Down} {
		if s != nil && s.DeleteMissing && len(s.Collections) == 0 {
			return nil, nil, fmt.Errorf(`%s: "deleteMissing" without "collections" would delete every collection`, dir)
		}
	}
	up = f.Up.run
	if f.Down != nil {
		down = f.Down.run
	}
	return up, down, nil
}

// run applies the step through the collection services, as a superuser.
func (s *jsonStep) run(ctx context.Context, app *core.App) error {
	if len(s.Collections) > 0 {
		body, err := json.Marshal(map[string]any{"collections": s.Collections, "deleteMissing": s.DeleteMissing})
		if err != nil {
			return err
		}
		if err := app.ImportCollections(ctx, app.SystemActor(), body); err != nil {
			return fmt.Errorf("import collections: %w", err)
		}
	}
	for _, c := range s.Delete {
		err := app.DeleteCollection(ctx, app.SystemActor(), c)
		if err != nil && galley.ErrorCodeOf(err) != galley.ENotFound {
			return fmt.Errorf("delete collection %q: %w", c, err)
		}
	}
	return nil
}

func (jsonFormat) Encode(plan Plan) ([]byte, error) {
	step := func(s Step) (*jsonStep, error) {
		out := &jsonStep{DeleteMissing: s.DeleteMissing, Delete: s.Delete}
		for _, c := range s.Collections {
			b, err := json.Marshal(c)
			if err != nil {
				return nil, err
			}
			out.Collections = append(out.Collections, b)
		}
		return out, nil
	}
	up, err := step(plan.Up)
	if err != nil {
		return nil, err
	}
	down, err := step(plan.Down)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(jsonFile{Up: up, Down: down}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

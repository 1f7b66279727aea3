package api_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
	"github.com/galleyhq/galley/internal/testserver"
)

// TestUnindexedScanStopped (issue 18's bad input): on a million rows, a
// filter no index serves (~ on an unindexed text field) and a sort on an
// unindexed column, with and without totals, are stopped by the statement
// timeout with a 400 naming it, on both databases, and the server keeps
// answering; an indexed-order list of the same table is answered.
func TestUnindexedScanStopped(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a million rows")
	}
	opts := storetest.Options(t)
	opts.StatementTimeout = 100 * time.Millisecond
	s := testserver.NewOn(t, opts, api.Config{})
	pub := ptr("")
	mustCollection(t, s, &galley.Collection{Name: "big", ListRule: pub, ViewRule: pub,
		Fields: []*galley.Field{{ID: "f_title", Name: "title", Type: galley.FieldText},
			{ID: "f_body", Name: "body", Type: galley.FieldText}}})
	const rows = 1_000_000
	ctx := context.Background()
	err := s.DB.WithTx(ctx, func(tx *store.Tx) error {
		if storetest.PostgresDSN() != "" { // the seeding is no read to stop
			if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO "big" ("id", "title", "body") WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		SELECT 'r' || i, 'title ' || (i * 37 % 1000003), 'a body of a post, long enough to make the rows of a real table, number ' || i FROM n`, rows-1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"filter=" + url.QueryEscape(`body ~ "zzz"`),
		"filter=" + url.QueryEscape(`body ~ "zzz"`) + "&skipTotal=1",
		"sort=-title&skipTotal=1",
		"sort=-title",
		"sort=body&filter=" + url.QueryEscape(`title ~ "99"`),
	} {
		s.Do("GET", "/api/collections/big/records?"+q, "", nil).Status(400).Contains("longer than the 100ms statement timeout")
	}
	s.Do("GET", "/api/collections/big/records?perPage=5&skipTotal=1", "", nil).Status(200)
	// The unfiltered total is the counter: no scan, answered.
	if n := s.Do("GET", "/api/collections/big/records?perPage=1", "", nil).Status(200).JSON()["totalItems"]; n != float64(rows) {
		t.Fatalf("totalItems %v, want %d", n, rows)
	}
}

package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// inTx runs fn in one transaction of db and fails the test on error.
func inTx(t *testing.T, db *store.DB, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// addSuperuser inserts a superuser row with id and email and returns it.
func addSuperuser(t *testing.T, db *store.DB, id, email, password string) *galley.Record {
	t.Helper()
	c := db.Schema.Collection(galley.SuperusersName)
	rec := &galley.Record{Collection: c, Data: map[string]any{
		"id": id, "email": email, "password": password, "tokenKey": "key-" + id, "verified": false,
	}}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertRecord(ctx, rec) })
	return rec
}

func wantCode(t *testing.T, what string, err error, code galley.ErrorCode) {
	t.Helper()
	if galley.ErrorCodeOf(err) != code {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, galley.ErrorCodeOf(err), code)
	}
}

// TestMFAFindConsumeOnce: an MFA session is found only for its record and
// collection and while created >= since, and ConsumeMFA deletes it once.
func TestMFAFindConsumeOnce(t *testing.T) {
	db := storetest.Open(t)
	created := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.InsertMFA(ctx, store.MFA{ID: "mfa1", CollectionID: "c1", RecordID: "r1", Method: "password", Created: created})
	})
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		m, err := tx.FindMFA(ctx, "mfa1", "c1", "r1", created)
		if err != nil || m.Method != "password" || !m.Created.Equal(created) {
			t.Errorf("FindMFA at the cut-off = %+v, %v; want method password, created %v", m, err, created)
		}
		_, err = tx.FindMFA(ctx, "mfa1", "c1", "r1", created.Add(time.Millisecond))
		wantCode(t, "FindMFA after the cut-off", err, galley.ENotFound)
		_, err = tx.FindMFA(ctx, "mfa1", "c1", "other", created)
		wantCode(t, "FindMFA of another record", err, galley.ENotFound)
		_, err = tx.FindMFA(ctx, "mfa1", "c2", "r1", created)
		wantCode(t, "FindMFA of another collection", err, galley.ENotFound)
		_, err = tx.FindMFA(ctx, "missing", "c1", "r1", created)
		wantCode(t, "FindMFA of a missing id", err, galley.ENotFound)
		return nil
	})
	consumeOnce(t, db, func(ctx context.Context, tx *store.Tx) (bool, error) { return tx.ConsumeMFA(ctx, "mfa1") })
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.FindMFA(ctx, "mfa1", "c1", "r1", created)
		wantCode(t, "FindMFA after consumption", err, galley.ENotFound)
		return nil
	})
}

// TestOTPFindConsumeOnce: an OTP is found only in its collection and while
// created >= since, with its hash and address, and ConsumeOTP deletes it
// once.
func TestOTPFindConsumeOnce(t *testing.T) {
	db := storetest.Open(t)
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	in := store.OTP{ID: "otp1", CollectionID: "c1", RecordID: "r1", PasswordHash: "h", SentTo: "a@example.com", Created: created}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertOTP(ctx, in) })
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		o, err := tx.FindOTP(ctx, "otp1", "c1", created)
		if err != nil || o != in {
			t.Errorf("FindOTP at the cut-off = %+v, %v; want %+v", o, err, in)
		}
		_, err = tx.FindOTP(ctx, "otp1", "c1", created.Add(time.Millisecond))
		wantCode(t, "FindOTP after the cut-off", err, galley.ENotFound)
		_, err = tx.FindOTP(ctx, "otp1", "c2", created)
		wantCode(t, "FindOTP of another collection", err, galley.ENotFound)
		return nil
	})
	consumeOnce(t, db, func(ctx context.Context, tx *store.Tx) (bool, error) { return tx.ConsumeOTP(ctx, "otp1") })
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.FindOTP(ctx, "otp1", "c1", created)
		wantCode(t, "FindOTP after consumption", err, galley.ENotFound)
		return nil
	})
}

// consumeOnce runs consume in several concurrent transactions and checks
// that exactly one consumed the row.
func consumeOnce(t *testing.T, db *store.DB, consume func(ctx context.Context, tx *store.Tx) (bool, error)) {
	t.Helper()
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			err := db.WithTx(ctx, func(tx *store.Tx) error {
				ok, err := consume(ctx, tx)
				if ok {
					mu.Lock()
					won++
					mu.Unlock()
				}
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d of %d concurrent consumptions succeeded, want exactly 1", won, n)
	}
}

// TestDeleteExpiredOTPsAndMFAs: rows of the collection created before the
// cut-off go, rows at or after it and rows of other collections stay.
func TestDeleteExpiredOTPsAndMFAs(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	cutoff := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	rows := []struct {
		id, coll string
		created  time.Time
	}{
		{"old", "c1", cutoff.Add(-time.Millisecond)},
		{"edge", "c1", cutoff},
		{"new", "c1", cutoff.Add(time.Hour)},
		{"other", "c2", cutoff.Add(-time.Hour)},
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, r := range rows {
			if err := tx.InsertOTP(ctx, store.OTP{ID: r.id, CollectionID: r.coll, RecordID: "r", PasswordHash: "h", Created: r.created}); err != nil {
				return err
			}
			if err := tx.InsertMFA(ctx, store.MFA{ID: r.id, CollectionID: r.coll, RecordID: "r", Method: "otp", Created: r.created}); err != nil {
				return err
			}
		}
		return nil
	})
	if n, err := db.DeleteExpiredOTPs(ctx, "c1", cutoff); err != nil || n != 1 {
		t.Fatalf("DeleteExpiredOTPs = %d, %v; want 1", n, err)
	}
	if n, err := db.DeleteExpiredMFAs(ctx, "c1", cutoff); err != nil || n != 1 {
		t.Fatalf("DeleteExpiredMFAs = %d, %v; want 1", n, err)
	}
	early := cutoff.Add(-24 * time.Hour)
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, r := range rows {
			_, errO := tx.FindOTP(ctx, r.id, r.coll, early)
			_, errM := tx.FindMFA(ctx, r.id, r.coll, "r", early)
			gone := r.id == "old"
			if (galley.ErrorCodeOf(errO) == galley.ENotFound) != gone || (galley.ErrorCodeOf(errM) == galley.ENotFound) != gone {
				t.Errorf("row %s: OTP err %v, MFA err %v; want gone = %v", r.id, errO, errM, gone)
			}
		}
		return nil
	})
}

// TestAuthOrigins: a device is new once per record; the count is per record.
func TestAuthOrigins(t *testing.T) {
	db := storetest.Open(t)
	now := time.Now()
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for i, step := range []struct {
			rec, fp string
			added   bool
			count   int
		}{
			{"r1", "fp1", true, 1},
			{"r1", "fp1", false, 1},
			{"r1", "fp2", true, 2},
			{"r2", "fp1", true, 1},
		} {
			added, err := tx.AddAuthOrigin(ctx, "c1", step.rec, step.fp, now)
			if err != nil {
				return err
			}
			n, err := tx.CountAuthOrigins(ctx, "c1", step.rec)
			if err != nil {
				return err
			}
			if added != step.added || n != step.count {
				t.Errorf("step %d: added %v, count %d; want %v, %d", i, added, n, step.added, step.count)
			}
		}
		return nil
	})
}

// TestExternalAuthLink: a link is found by identity; linking an identity
// still linked to an existing record conflicts; once that record is gone the
// stale link is replaced.
func TestExternalAuthLink(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	c := db.Schema.Collection(galley.SuperusersName)
	r1 := addSuperuser(t, db, "r1aaaaaaaaaaaaa", "one@example.com", "h1")
	r2 := addSuperuser(t, db, "r2aaaaaaaaaaaaa", "two@example.com", "h2")
	_, err := store.ExternalAuthRecordID(ctx, db.Reader(), c.ID, "github", "42")
	wantCode(t, "an unlinked identity", err, galley.ENotFound)

	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.LinkExternalAuth(ctx, c, r1.ID(), "github", "42", time.Now())
	})
	if id, err := store.ExternalAuthRecordID(ctx, db.Reader(), c.ID, "github", "42"); err != nil || id != r1.ID() {
		t.Fatalf("linked record = %q, %v; want %q", id, err, r1.ID())
	}
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		return tx.LinkExternalAuth(ctx, c, r2.ID(), "github", "42", time.Now())
	})
	wantCode(t, "linking an identity of a live record", err, galley.EConflict)

	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteRecord(ctx, c, r1.ID()) })
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.LinkExternalAuth(ctx, c, r2.ID(), "github", "42", time.Now())
	})
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		id, err := store.ExternalAuthRecordID(ctx, tx, c.ID, "github", "42")
		if err != nil || id != r2.ID() {
			t.Errorf("relinked record = %q, %v; want %q", id, err, r2.ID())
		}
		return nil
	})
}

// TestDeleteAuthRecordRefs: the links, OTPs, MFA sessions and devices of one
// record go; another record's stay.
func TestDeleteAuthRecordRefs(t *testing.T) {
	db := storetest.Open(t)
	c := db.Schema.Collection(galley.SuperusersName)
	now := time.Now()
	for _, id := range []string{"r1aaaaaaaaaaaaa", "r2aaaaaaaaaaaaa"} {
		addSuperuser(t, db, id, id+"@example.com", "h")
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.LinkExternalAuth(ctx, c, id, "github", "gh-"+id, now); err != nil {
				return err
			}
			if err := tx.InsertOTP(ctx, store.OTP{ID: "otp-" + id, CollectionID: c.ID, RecordID: id, PasswordHash: "h", Created: now}); err != nil {
				return err
			}
			if err := tx.InsertMFA(ctx, store.MFA{ID: "mfa-" + id, CollectionID: c.ID, RecordID: id, Method: "otp", Created: now}); err != nil {
				return err
			}
			_, err := tx.AddAuthOrigin(ctx, c.ID, id, "fp", now)
			return err
		})
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.DeleteAuthRecordRefs(ctx, c.ID, "r1aaaaaaaaaaaaa")
	})
	since := now.Add(-time.Hour)
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, id := range []string{"r1aaaaaaaaaaaaa", "r2aaaaaaaaaaaaa"} {
			want := id != "r1aaaaaaaaaaaaa"
			_, errL := store.ExternalAuthRecordID(ctx, tx, c.ID, "github", "gh-"+id)
			_, errO := tx.FindOTP(ctx, "otp-"+id, c.ID, since)
			_, errM := tx.FindMFA(ctx, "mfa-"+id, c.ID, id, since)
			n, err := tx.CountAuthOrigins(ctx, c.ID, id)
			if err != nil {
				return err
			}
			if (errL == nil) != want || (errO == nil) != want || (errM == nil) != want || (n == 1) != want {
				t.Errorf("record %s: link %v, otp %v, mfa %v, devices %d; want kept = %v", id, errL, errO, errM, n, want)
			}
		}
		return nil
	})
}

// TestUpdateAuthRecordIf: the update applies only while the guard holds
// (email ignoring case), once, and reports whether it did.
func TestUpdateAuthRecordIf(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	c := db.Schema.Collection(galley.SuperusersName)
	rec := addSuperuser(t, db, "r1aaaaaaaaaaaaa", "Ann@Example.com", "h1")
	ptr := func(s string) *string { return &s }
	yes, no := true, false
	later := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	steps := []struct {
		name  string
		set   store.AuthChange
		guard store.AuthGuard
		want  bool
	}{
		{"rehash while the hash is unchanged", store.AuthChange{Password: ptr("h2")}, store.AuthGuard{Password: ptr("h1")}, true},
		{"rehash again from the old hash", store.AuthChange{Password: ptr("h3")}, store.AuthGuard{Password: ptr("h1")}, false},
		{"verify another address", store.AuthChange{Verified: &yes}, store.AuthGuard{Email: ptr("bob@example.com")}, false},
		{"verify the address, other case", store.AuthChange{Verified: &yes}, store.AuthGuard{Verified: &no, Email: ptr("ann@EXAMPLE.com")}, true},
		{"verify once only", store.AuthChange{Verified: &yes}, store.AuthGuard{Verified: &no, Email: ptr("ann@example.com")}, false},
		{"email change with the current token key", store.AuthChange{Email: ptr("new@example.com"), TokenKey: ptr("k2"), Updated: &later},
			store.AuthGuard{TokenKey: ptr("key-r1aaaaaaaaaaaaa"), Email: ptr("ann@example.com")}, true},
		{"email change with the old token key", store.AuthChange{Email: ptr("x@example.com")}, store.AuthGuard{TokenKey: ptr("key-r1aaaaaaaaaaaaa")}, false},
	}
	for _, s := range steps {
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			got, err := tx.UpdateAuthRecordIf(ctx, c, rec.ID(), s.set, s.guard)
			if err != nil || got != s.want {
				t.Errorf("%s: %v, %v; want %v", s.name, got, err, s.want)
			}
			return nil
		})
	}
	recs, err := store.FindRecords(ctx, db.Reader(), c, store.Select{Where: `"id" = ?`, Args: []any{rec.ID()}})
	if err != nil || len(recs) != 1 {
		t.Fatalf("read back: %v %v", recs, err)
	}
	got := recs[0]
	if got.GetString("password") != "h2" || got.Data["verified"] != true || got.GetString("email") != "new@example.com" ||
		got.GetString("tokenKey") != "k2" || got.GetString("updated") != galley.FormatTime(later) {
		t.Errorf("stored row %v", got.Data)
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		ok, err := tx.UpdateAuthRecordIf(ctx, c, "missing", store.AuthChange{Verified: &yes}, store.AuthGuard{})
		if err != nil || ok {
			t.Errorf("a missing record: %v, %v; want false, nil", ok, err)
		}
		_, err = tx.UpdateAuthRecordIf(ctx, c, rec.ID(), store.AuthChange{}, store.AuthGuard{Verified: &yes})
		wantCode(t, "an empty change", err, galley.EInvalid)
		return nil
	})
}

// TestCountExistingIDs counts distinct existing ids, through the read pool
// and a transaction.
func TestCountExistingIDs(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	c := db.Schema.Collection(galley.SuperusersName)
	addSuperuser(t, db, "aaaaaaaaaaaaaaa", "a@example.com", "h")
	addSuperuser(t, db, "bbbbbbbbbbbbbbb", "b@example.com", "h")
	for _, tc := range []struct {
		ids  []string
		want int
	}{
		{nil, 0},
		{[]string{"aaaaaaaaaaaaaaa"}, 1},
		{[]string{"aaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbb", "missing"}, 2},
		{[]string{"aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaa"}, 1},
	} {
		if n, err := store.CountExistingIDs(ctx, db.Reader(), c, tc.ids); err != nil || n != tc.want {
			t.Errorf("CountExistingIDs(%v) = %d, %v; want %d", tc.ids, n, err, tc.want)
		}
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			if n, err := store.CountExistingIDs(ctx, tx, c, tc.ids); err != nil || n != tc.want {
				t.Errorf("CountExistingIDs(%v) in a transaction = %d, %v; want %d", tc.ids, n, err, tc.want)
			}
			return nil
		})
	}
}

// TestCountSuperusers counts the rows of _superusers.
func TestCountSuperusers(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if n, err := store.CountSuperusers(ctx, db.Reader()); err != nil || n != 0 {
		t.Fatalf("fresh database: %d, %v", n, err)
	}
	addSuperuser(t, db, "aaaaaaaaaaaaaaa", "a@example.com", "h")
	addSuperuser(t, db, "bbbbbbbbbbbbbbb", "b@example.com", "h")
	if n, err := store.CountSuperusers(ctx, db.Reader()); err != nil || n != 2 {
		t.Fatalf("after two: %d, %v", n, err)
	}
}

// TestRealtimeEvents: a stored payload reads back by id until pruned; a
// missing id is ENotFound; the prune cut-off is strict.
func TestRealtimeEvents(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	cutoff := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	for id, at := range map[string]time.Time{"old": cutoff.Add(-time.Second), "edge": cutoff} {
		if err := db.InsertRealtimeEvent(ctx, id, `{"id":"`+id+`"}`, at); err != nil {
			t.Fatal(err)
		}
	}
	if p, err := db.RealtimeEventPayload(ctx, "old"); err != nil || p != `{"id":"old"}` {
		t.Fatalf("payload = %q, %v", p, err)
	}
	_, err := db.RealtimeEventPayload(ctx, "missing")
	wantCode(t, "a missing event", err, galley.ENotFound)
	if n, err := db.DeleteRealtimeEventsBefore(ctx, cutoff); err != nil || n != 1 {
		t.Fatalf("DeleteRealtimeEventsBefore = %d, %v; want 1", n, err)
	}
	_, err = db.RealtimeEventPayload(ctx, "old")
	wantCode(t, "a pruned event", err, galley.ENotFound)
	if _, err := db.RealtimeEventPayload(ctx, "edge"); err != nil {
		t.Fatalf("the event at the cut-off was pruned: %v", err)
	}
}

// TestFindRecordByIdentity: an email identity matches ignoring case, other
// fields exactly; no match is ENotFound, as is a missing id.
func TestFindRecordByIdentity(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	c := db.Schema.Collection(galley.SuperusersName)
	rec := addSuperuser(t, db, "aaaaaaaaaaaaaaa", "Ann@Example.com", "h")
	email, tokenKey := c.Field("email"), c.Field("tokenKey")
	if got, err := db.FindRecordByIdentity(ctx, db.Reader(), c, email, "ann@EXAMPLE.com"); err != nil || got.ID() != rec.ID() {
		t.Fatalf("email identity, other case: %v, %v", got, err)
	}
	_, err := db.FindRecordByIdentity(ctx, db.Reader(), c, email, "bob@example.com")
	wantCode(t, "an unknown email", err, galley.ENotFound)
	if got, err := db.FindRecordByIdentity(ctx, db.Reader(), c, tokenKey, "key-aaaaaaaaaaaaaaa"); err != nil || got.ID() != rec.ID() {
		t.Fatalf("text identity: %v, %v", got, err)
	}
	_, err = db.FindRecordByIdentity(ctx, db.Reader(), c, tokenKey, "KEY-aaaaaaaaaaaaaaa")
	wantCode(t, "a text identity in another case", err, galley.ENotFound)
	if got, err := store.FindRecordByID(ctx, db.Reader(), c, rec.ID()); err != nil || got.GetString("email") != "Ann@Example.com" {
		t.Fatalf("FindRecordByID: %v, %v", got, err)
	}
	_, err = store.FindRecordByID(ctx, db.Reader(), c, "missing")
	wantCode(t, "a missing id", err, galley.ENotFound)
}

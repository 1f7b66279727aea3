package cron

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNext(t *testing.T) {
	for _, tc := range []struct {
		expr, from string
		want       []string // the next ticks in order
	}{
		{"* * * * *", "2026-01-01 00:00", []string{"2026-01-01 00:01", "2026-01-01 00:02"}},
		{"*/15 * * * *", "2026-01-01 00:07", []string{"2026-01-01 00:15", "2026-01-01 00:30", "2026-01-01 00:45", "2026-01-01 01:00"}},
		{"5 * * * *", "2026-01-01 00:05", []string{"2026-01-01 01:05", "2026-01-01 02:05"}},
		{"0 3 * * *", "2026-12-31 03:00", []string{"2027-01-01 03:00", "2027-01-02 03:00"}},
		{"@daily", "2026-02-28 12:00", []string{"2026-03-01 00:00"}},
		{"@midnight", "2026-02-28 23:59", []string{"2026-03-01 00:00"}},
		{"@hourly", "2026-06-30 23:30", []string{"2026-07-01 00:00", "2026-07-01 01:00"}},
		{"@weekly", "2026-01-01 00:00", []string{"2026-01-04 00:00", "2026-01-11 00:00"}}, // Sundays
		{"@monthly", "2026-01-15 00:00", []string{"2026-02-01 00:00", "2026-03-01 00:00"}},
		{"@yearly", "2026-01-01 00:00", []string{"2027-01-01 00:00"}},
		{"@annually", "2026-06-01 00:00", []string{"2027-01-01 00:00"}},
		{"30 8 * * MON-FRI", "2026-01-02 09:00", []string{"2026-01-05 08:30", "2026-01-06 08:30"}}, // Fri → Mon
		{"0 0 * * 7", "2026-01-01 00:00", []string{"2026-01-04 00:00"}},                            // 7 is Sunday
		{"0 0 * * 5-7", "2026-01-01 00:00", []string{"2026-01-02 00:00", "2026-01-03 00:00", "2026-01-04 00:00", "2026-01-09 00:00"}},
		{"0 12 1,15 * *", "2026-01-01 12:00", []string{"2026-01-15 12:00", "2026-02-01 12:00"}},
		{"0 0 31 * *", "2026-01-31 00:00", []string{"2026-03-31 00:00", "2026-05-31 00:00"}}, // skips short months
		{"0 0 29 2 *", "2026-01-01 00:00", []string{"2028-02-29 00:00", "2032-02-29 00:00"}},
		{"0 0 29 2 *", "2097-01-01 00:00", []string{"2104-02-29 00:00"}}, // 2100 is not a leap year
		{"0 0 1 jan,Jul *", "2026-02-01 00:00", []string{"2026-07-01 00:00", "2027-01-01 00:00"}},
		{"0 0 1-7 * MON", "2026-01-01 00:00", []string{"2026-01-02 00:00", "2026-01-03 00:00"}}, // either day field
		{"0 0 */10 * *", "2026-01-01 00:00", []string{"2026-01-11 00:00", "2026-01-21 00:00", "2026-01-31 00:00", "2026-02-01 00:00"}},
		{"0 0 * * */2", "2026-01-01 00:00", []string{"2026-01-03 00:00", "2026-01-04 00:00", "2026-01-06 00:00"}}, // Sat, Sun, Tue: "*/2" is 0,2,4,6
		{"10-20/5 1 * * *", "2026-01-01 00:00", []string{"2026-01-01 01:10", "2026-01-01 01:15", "2026-01-01 01:20", "2026-01-02 01:10"}},
		{"50/5 * * * *", "2026-01-01 00:00", []string{"2026-01-01 00:50", "2026-01-01 00:55", "2026-01-01 01:50"}},
		{"0 22-23 * * *", "2026-01-01 23:00", []string{"2026-01-02 22:00"}},
		{"59 23 31 12 *", "2026-12-31 23:59", []string{"2027-12-31 23:59"}},
	} {
		s, err := Parse(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		at := utc(tc.from)
		for i, w := range tc.want {
			at = s.Next(at)
			if got := at.Format("2006-01-02 15:04"); got != w {
				t.Errorf("%s from %s: tick %d is %s, want %s", tc.expr, tc.from, i, got, w)
				break
			}
			if !s.Matches(at) {
				t.Errorf("%s: Next gave %s, which Matches refuses", tc.expr, at)
			}
		}
	}
}

// Ticks are UTC whatever the location of the time given: a schedule means
// the same instants from any location, with no daylight-saving effects.
func TestNextIsUTC(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	s, _ := Parse("30 2 * * *")
	// 2026-03-08 is the spring-forward day in New York: 02:30 local does
	// not exist there, 02:30 UTC does.
	from := time.Date(2026, 3, 7, 22, 0, 0, 0, ny) // 03:00 UTC on the 8th
	got := s.Next(from)
	if want := time.Date(2026, 3, 9, 2, 30, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Fatalf("Next = %v, want %v", got, want)
	}
	if s.Next(time.Date(2026, 3, 8, 2, 29, 59, 999, time.UTC)) != time.Date(2026, 3, 8, 2, 30, 0, 0, time.UTC) {
		t.Fatal("seconds are not truncated to the minute")
	}
	if (Schedule{}).Next(from) != (time.Time{}) {
		t.Fatal("the zero Schedule fires")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ expr, field, reason string }{
		{"", "", "want 5 fields"},
		{"* * * *", "", "got 4"},
		{"* * * * * *", "", "got 6"},
		{"@every 5m", "", "unknown macro"},
		{"@fortnightly", "", "unknown macro"},
		{"60 * * * *", "minute", "60 is out of range 0-59"},
		{"* 24 * * *", "hour", "out of range 0-23"},
		{"* * 0 * *", "day-of-month", "out of range 1-31"},
		{"* * 32 * *", "day-of-month", "out of range"},
		{"* * * 13 *", "month", "out of range 1-12"},
		{"* * * FOO *", "month", `"FOO" is neither a number`},
		{"* * * * 8", "day-of-week", "out of range 0-7"},
		{"* * * * MON-FOO", "day-of-week", `"FOO"`},
		{"* * * * MONDAY", "day-of-week", `"MONDAY"`},
		{"*/0 * * * *", "minute", "step"},
		{"*/60 * * * *", "minute", "step"},
		{"*/x * * * *", "minute", "step"},
		{"5-1 * * * *", "minute", "runs backwards"},
		{"1,,2 * * * *", "minute", "empty list item"},
		{"-1 * * * *", "minute", "not a number"},
		{"+1 * * * *", "minute", "not a number"},
		{"1-2-3 * * * *", "minute", "not a number"},
		{"* JAN * * *", "hour", "not a number"},
		{"0 0 30 2 *", "day-of-month", "never fires"},
		{"0 0 31 4,6,9,11 *", "day-of-month", "never fires"},
		{strings.Repeat("1,", 200) + "1 * * * *", "", "longer than"},
	} {
		_, err := Parse(tc.expr)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: got %v, want a *ParseError", tc.expr, err)
			continue
		}
		if pe.Field != tc.field || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%q: field %q, %q; want field %q and %q", tc.expr, pe.Field, err, tc.field, tc.reason)
		}
		if tc.field != "" && !strings.Contains(err.Error(), tc.field+" field") {
			t.Errorf("%q: message %q does not name the field", tc.expr, err)
		}
	}
	// What stays valid: the day fields OR'd when both are restricted
	// makes 30 February fire on Mondays.
	for _, ok := range []string{"0 0 30 2 MON", " 0  0 * * * ", "@DAILY", "0-59/59 0-23/23 1-31/31 1-12/12 0-7/7", "0 0 29 2 *"} {
		if _, err := Parse(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// FuzzParse: Parse never panics, and a schedule it accepts gives ticks
// that are strictly later, match, and are each other's successors.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{"* * * * *", "*/5 1-3 1,15 JAN-mar mon-fri", "@daily", "0 0 29 2 *", "5/10 * * * 7", "0 0 30 2 MON", "1-2/3,4 * * * *"} {
		f.Add(seed)
	}
	from := utc("2026-05-17 13:45")
	f.Fuzz(func(t *testing.T, expr string) {
		s, err := Parse(expr)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("%q: error %v is not a *ParseError", expr, err)
			}
			return
		}
		a := s.Next(from)
		if a.IsZero() {
			t.Fatalf("%q: accepted but never fires", expr)
		}
		b := s.Next(a)
		if !a.After(from) || !b.After(a) || !s.Matches(a) || !s.Matches(b) || a.Second() != 0 {
			t.Fatalf("%q: ticks %v then %v from %v", expr, a, b, from)
		}
		if s.Next(a.Add(-time.Minute)) != a {
			t.Fatalf("%q: Next(%v - 1m) is not %v", expr, a, a)
		}
		for m := a.Add(-time.Minute); m.After(from) && m.After(a.Add(-3*time.Hour)); m = m.Add(-time.Minute) {
			if s.Matches(m) {
				t.Fatalf("%q: %v matches but Next(%v) skipped it for %v", expr, m, from, a)
			}
		}
	})
}

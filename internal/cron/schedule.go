// Package cron runs jobs on cron schedules: a parser for standard 5-field
// expressions and macros (Parse), and a Scheduler that runs Go functions
// at their ticks — once per tick across a cluster when it is given a Claim
// function backed by the shared database.
//
// Schedules are in UTC, always: "0 3 * * *" runs at 03:00 UTC. There is no
// time-zone setting and so no daylight-saving gaps or repeats; every tick
// of a schedule exists exactly once.
package cron

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// Schedule is a parsed cron expression. The zero value matches nothing.
type Schedule struct {
	minute uint64 // bits 0-59
	hour   uint64 // bits 0-23
	dom    uint64 // bits 1-31
	month  uint64 // bits 1-12
	dow    uint64 // bits 0-6 (Sunday = 0)
	// domAny and dowAny record a day field written starting with "*": as in
	// Vixie cron, when both day fields are restricted a day matches when
	// either matches, otherwise when both do.
	domAny, dowAny bool
}

// MaxExpressionLen bounds the length of an expression Parse accepts.
const MaxExpressionLen = 256

// macros are the @-shortcuts Parse accepts.
var macros = map[string]string{
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
	"@monthly":  "0 0 1 * *",
	"@weekly":   "0 0 * * 0",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@hourly":   "0 * * * *",
}

// field describes one of the five fields of an expression.
type field struct {
	name     string
	min, max int
	names    []string // names[i] stands for min+i (month and day-of-week)
}

var fields = [5]field{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
	// 7 is Sunday too; it folds onto 0.
	{name: "day-of-week", min: 0, max: 7, names: []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}

// ParseError is the error of Parse: Field names the field at fault ("" when
// the expression as a whole is malformed), Value is that field's text.
type ParseError struct {
	Expression string
	Field      string
	Value      string
	Reason     string
}

func (e *ParseError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("cron expression %q: %s", e.Expression, e.Reason)
	}
	return fmt.Sprintf("cron expression %q: %s field %q: %s", e.Expression, e.Field, e.Value, e.Reason)
}

// Parse parses a standard 5-field cron expression — minute (0-59), hour
// (0-23), day of month (1-31), month (1-12 or JAN-DEC), day of week (0-7
// or SUN-SAT, 0 and 7 being Sunday) — separated by spaces. Each field is
// "*" or a comma-separated list of items: a value, a range "a-b", and
// either followed by a step "/n" ("*/15", "1-30/2"; "a/n" means a to the
// field's maximum). Names are case-insensitive. The macros @yearly,
// @annually, @monthly, @weekly, @daily, @midnight and @hourly stand for
// their usual expressions. Errors are *ParseError naming the field; an
// expression that can never fire (day 30 of February only) is refused.
func Parse(expr string) (Schedule, error) {
	if len(expr) > MaxExpressionLen {
		return Schedule{}, &ParseError{Expression: expr[:32] + "…", Reason: fmt.Sprintf("longer than %d characters", MaxExpressionLen)}
	}
	text := strings.TrimSpace(expr)
	if strings.HasPrefix(text, "@") {
		m, ok := macros[strings.ToLower(text)]
		if !ok {
			return Schedule{}, &ParseError{Expression: expr, Reason: "unknown macro (want @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)"}
		}
		text = m
	}
	parts := strings.Fields(text)
	if len(parts) != 5 {
		return Schedule{}, &ParseError{Expression: expr, Reason: fmt.Sprintf("want 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily, got %d", len(parts))}
	}
	var sets [5]uint64
	for i, p := range parts {
		set, err := parseField(p, fields[i])
		if err != nil {
			return Schedule{}, &ParseError{Expression: expr, Field: fields[i].name, Value: p, Reason: err.Error()}
		}
		sets[i] = set
	}
	if sets[4]&(1<<7) != 0 { // Sunday as 7
		sets[4] = sets[4]&^(1<<7) | 1
	}
	s := Schedule{minute: sets[0], hour: sets[1], dom: sets[2], month: sets[3], dow: sets[4],
		domAny: strings.HasPrefix(parts[2], "*"), dowAny: strings.HasPrefix(parts[4], "*")}
	if !s.canFire() {
		return Schedule{}, &ParseError{Expression: expr, Field: "day-of-month", Value: parts[2], Reason: "no month in the month field has that day, so the schedule never fires"}
	}
	return s, nil
}

// daysIn is the most days each month can have (February in a leap year).
var daysIn = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// canFire reports whether some day of some year matches: only a restricted
// day of month with an unrestricted day of week can rule out every day.
func (s Schedule) canFire() bool {
	if s.domAny || !s.dowAny {
		return true
	}
	for m := 1; m <= 12; m++ {
		if s.month&(1<<m) != 0 && s.dom&(1<<(daysIn[m]+1)-1) != 0 {
			return true
		}
	}
	return false
}

// parseField parses one field into a bit set of its values.
func parseField(text string, f field) (uint64, error) {
	if text == "" {
		return 0, fmt.Errorf("empty")
	}
	var set uint64
	for _, item := range strings.Split(text, ",") {
		lo, hi, step, err := parseItem(item, f)
		if err != nil {
			return 0, err
		}
		for v := lo; v <= hi; v += step {
			set |= 1 << v
		}
	}
	return set, nil
}

// parseItem parses "*", "v", "a-b", each optionally followed by "/step".
func parseItem(item string, f field) (lo, hi, step int, err error) {
	if item == "" {
		return 0, 0, 0, fmt.Errorf("empty list item")
	}
	rng, stepText, hasStep := strings.Cut(item, "/")
	step = 1
	if hasStep {
		step, err = strconv.Atoi(stepText)
		if err != nil || step < 1 || step > f.max {
			return 0, 0, 0, fmt.Errorf("step %q: want a number from 1 to %d", stepText, f.max)
		}
	}
	switch {
	case rng == "*":
		return f.min, f.max, step, nil
	case strings.Contains(rng, "-"):
		a, b, _ := strings.Cut(rng, "-")
		if lo, err = value(a, f); err != nil {
			return 0, 0, 0, err
		}
		if hi, err = value(b, f); err != nil {
			return 0, 0, 0, err
		}
		if lo > hi {
			return 0, 0, 0, fmt.Errorf("range %q runs backwards", rng)
		}
		return lo, hi, step, nil
	default:
		if lo, err = value(rng, f); err != nil {
			return 0, 0, 0, err
		}
		if hasStep { // "a/n": from a to the maximum
			return lo, f.max, step, nil
		}
		return lo, lo, 1, nil
	}
}

// value parses a number or (for month and day of week) a three-letter name.
func value(text string, f field) (int, error) {
	if n, err := strconv.Atoi(text); err == nil && isDigits(text) {
		if n < f.min || n > f.max {
			return 0, fmt.Errorf("%d is out of range %d-%d", n, f.min, f.max)
		}
		return n, nil
	}
	for i, name := range f.names {
		if strings.EqualFold(text, name) {
			return f.min + i, nil
		}
	}
	if f.names != nil {
		return 0, fmt.Errorf("%q is neither a number from %d to %d nor a name such as %s", text, f.min, f.max, strings.ToUpper(f.names[1]))
	}
	return 0, fmt.Errorf("%q is not a number from %d to %d", text, f.min, f.max)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Matches reports whether the minute of t (in UTC) is a tick of s.
func (s Schedule) Matches(t time.Time) bool {
	t = t.UTC()
	return s.minute&(1<<t.Minute()) != 0 && s.hour&(1<<t.Hour()) != 0 &&
		s.month&(1<<int(t.Month())) != 0 && s.dayMatches(t)
}

func (s Schedule) dayMatches(t time.Time) bool {
	dom := s.dom&(1<<t.Day()) != 0
	dow := s.dow&(1<<int(t.Weekday())) != 0
	if s.domAny || s.dowAny {
		return dom && dow
	}
	return dom || dow
}

// searchYears bounds Next's search: the rarest schedules (29 February on
// a given weekday-free rule) fire at least once in 8 years.
const searchYears = 10

// Next returns the first tick of s strictly after t, in UTC with zero
// seconds. It returns the zero time for the zero Schedule (never).
func (s Schedule) Next(t time.Time) time.Time {
	if s.minute == 0 || s.hour == 0 || s.month == 0 || (s.dom == 0 && s.dow == 0) {
		return time.Time{}
	}
	t = t.UTC().Truncate(time.Minute).Add(time.Minute)
	limit := t.Year() + searchYears
	for t.Year() <= limit {
		switch {
		case s.month&(1<<int(t.Month())) == 0:
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		case !s.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
		case s.hour&(1<<t.Hour()) == 0:
			t = nextSet(t, s.hour, t.Hour(), 23, time.Hour, func(t time.Time) time.Time {
				return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
			})
		case s.minute&(1<<t.Minute()) == 0:
			t = nextSet(t, s.minute, t.Minute(), 59, time.Minute, func(t time.Time) time.Time {
				return time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, time.UTC)
			})
		default:
			return t
		}
	}
	return time.Time{}
}

// nextSet moves t forward to the next value in set after cur within the
// unit (hour of the day, minute of the hour), zeroing the smaller units,
// or to the start of the next larger unit (overflow) when there is none.
func nextSet(t time.Time, set uint64, cur, max int, unit time.Duration, overflow func(time.Time) time.Time) time.Time {
	rest := set >> (cur + 1) << (cur + 1) // values above cur
	if rest == 0 || bits.TrailingZeros64(rest) > max {
		return overflow(t)
	}
	t = t.Truncate(unit)
	return t.Add(time.Duration(bits.TrailingZeros64(rest)-cur) * unit)
}

package galley

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrorCode classifies an Error. Only internal/api maps codes to HTTP statuses.
type ErrorCode string

// The error codes that cross package boundaries.
const (
	EInvalid         ErrorCode = "invalid"         // bad input: 400
	EUnauthenticated ErrorCode = "unauthenticated" // missing or bad credentials: 401
	EForbidden       ErrorCode = "forbidden"       // authenticated but not allowed: 403
	ENotFound        ErrorCode = "not_found"       // missing or not visible: 404
	EConflict        ErrorCode = "conflict"        // state conflict (e.g. unique violation): 400 with field data
	ETooLarge        ErrorCode = "too_large"       // body or value over a limit: 413
	ERateLimited     ErrorCode = "rate_limited"    // 429
	EUnavailable     ErrorCode = "unavailable"     // retry later: 503
	EInternal        ErrorCode = "internal"        // a bug or an infrastructure failure: 500
)

// FieldError describes what was wrong with one input field. Code is a
// PocketBase-style validation code such as "validation_required"; Params,
// when set, are the values the message was made from, under PocketBase's
// names ({"max": 20}, {"threshold": 0}), for clients that translate
// messages.
type FieldError struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Params  map[string]any `json:"params,omitempty"`
}

// Error is the one error type that crosses package boundaries. Message is safe
// to show to users; Err is the cause, for logs only.
type Error struct {
	Code    ErrorCode
	Message string
	// Fields holds the per-field errors, keyed by field name, or for input
	// made of nested objects by the dotted path of the value
	// ("meta.appURL", "rateLimits.rules.0.duration").
	Fields map[string]FieldError
	// Nested asks the transport to answer Fields as nested objects, the
	// way PocketBase reports errors in nested input: "meta.appURL" becomes
	// {"meta": {"appURL": {"code", "message"}}}. Without it the keys are
	// answered as they are (record and collection fields).
	Nested bool
	// Status, when 400–599, is the HTTP status the transport answers
	// instead of the code's own: an app's error with a status Galley has no
	// code for (a hook's new ApiError(409, …)). Zero: the code's status.
	Status int
	Err    error
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	for k, v := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", k, v.Message)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps cause as an internal error whose message reveals nothing.
func Internal(cause error) *Error {
	return &Error{Code: EInternal, Message: "Something went wrong while processing your request.", Err: cause}
}

// FieldInvalid returns an EInvalid error for one field.
func FieldInvalid(field, code, message string) *Error {
	return &Error{Code: EInvalid, Message: "An error occurred while validating the submitted data.", Fields: map[string]FieldError{field: {Code: code, Message: message}}}
}

// FieldInvalidParams is FieldInvalid with the message's params.
func FieldInvalidParams(field, code, message string, params map[string]any) *Error {
	e := FieldInvalid(field, code, message)
	e.Fields[field] = FieldError{Code: code, Message: message, Params: params}
	return e
}

// ValidationErrors collects per-field errors; Err returns nil when empty.
type ValidationErrors map[string]FieldError

// Add records the first error for field.
func (v ValidationErrors) Add(field, code, message string) {
	if _, ok := v[field]; !ok {
		v[field] = FieldError{Code: code, Message: message}
	}
}

// AddParams records the first error for field, with the message's params.
func (v ValidationErrors) AddParams(field, code, message string, params map[string]any) {
	if _, ok := v[field]; !ok {
		v[field] = FieldError{Code: code, Message: message, Params: params}
	}
}

// Err returns an EInvalid *Error holding v, or nil when v is empty.
func (v ValidationErrors) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: "An error occurred while validating the submitted data.", Fields: map[string]FieldError(v)}
}

// ErrorCodeOf returns the code of err: EInternal for errors that are not *Error,
// "" for nil.
func ErrorCodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// Nest turns dotted keys into nested objects, the way PocketBase reports
// errors in nested input: {"meta.appURL": v} becomes {"meta": {"appURL": v}},
// array positions are object keys ("rateLimits.rules.0.duration" → rules:
// {"0": {"duration": v}}). When one key is a prefix of another
// ("rateLimits.rules" and "rateLimits.rules.0.label") the shorter one is
// kept: a value cannot be both a leaf and an object.
func Nest[V any](flat map[string]V) map[string]any {
	out := map[string]any{}
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	sort.Strings(keys) // a prefix sorts before the keys it prefixes
	for _, k := range keys {
		parts := strings.Split(k, ".")
		m, ok := out, true
		for _, p := range parts[:len(parts)-1] {
			switch next := m[p].(type) {
			case nil:
				child := map[string]any{}
				m[p], m = child, child
			case map[string]any:
				m = next
			default: // a leaf already holds this path
				ok = false
			}
			if !ok {
				break
			}
		}
		if last := parts[len(parts)-1]; ok && m[last] == nil {
			m[last] = flat[k]
		}
	}
	return out
}

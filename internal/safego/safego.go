// Package safego runs goroutines that cannot take the process down: a panic
// in fn is recovered and logged with its stack. Every goroutine the server
// starts goes through Go (or Run, for code that must stay on the caller's
// goroutine).
package safego

import (
	"fmt"
	"log/slog"
	"runtime/debug"
)

// Go runs fn in a new goroutine. A panic in fn is recovered and logged at
// error level on log (nil discards) with name, the panic value and the stack;
// the goroutine then ends and the process keeps running. Go does not restart
// fn: a long-lived loop that must survive panics should wrap each iteration
// in Run.
func Go(log *slog.Logger, name string, fn func()) {
	go Run(log, name, fn)
}

// Run calls fn on the current goroutine and recovers a panic the same way Go
// does. It returns the recovered value as an error, nil when fn returned
// normally.
func Run(log *slog.Logger, name string, fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in %s: %v", name, p)
			if log != nil {
				log.Error("goroutine panic", "goroutine", name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			}
		}
	}()
	fn()
	return nil
}

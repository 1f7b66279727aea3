package realtime

import (
	"context"
	"time"
)

// streamStarted and streamEnded count the transports (SSE streams and
// WebSocket connections) being served, for Drain.
func (b *Broker) streamStarted() { b.streams.Add(1) }
func (b *Broker) streamEnded()   { b.streams.Add(-1) }

// Drain closes the broker (every client is told to reconnect: SSE streams
// end with a retry hint, WebSocket connections close with 1012) and waits
// until every transport has written its goodbye and returned, or ctx ends
// (then it returns ctx.Err()). http.Server.Shutdown does not wait for
// hijacked WebSocket connections; a graceful stop calls Drain after it so
// that the process does not exit before the close frames are out.
func (b *Broker) Drain(ctx context.Context) error {
	b.Close()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for b.streams.Load() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

package realtime

import "time"

// Dispatch runs one event through the dispatcher's logic (tests only).
func (b *Broker) Dispatch(ev Event) { b.dispatch(ev) }

// SweepNodes forgets the members of silent nodes as of now (tests only).
func (b *Broker) SweepNodes(now time.Time) { b.sweepNodes(now) }

// SetJoinChecked makes Join call f between its rule check and the
// membership's insertion (tests only).
func (b *Broker) SetJoinChecked(f func()) { b.joinChecked = f }

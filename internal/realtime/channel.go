package realtime

import "sync"

// channels holds presence and broadcast channel membership.
type channels struct {
	mu sync.Mutex
}

func (ch *channels) init() {}

// leaveAll removes c from every channel it joined.
func (b *Broker) leaveAll(c *Client) {}

func (b *Broker) dispatchChannel(ev Event) {}

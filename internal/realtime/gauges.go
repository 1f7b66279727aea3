package realtime

// SubscriptionCount returns the number of subscriptions (topics) of the
// open clients of this node, counted now; custom topics included.
func (b *Broker) SubscriptionCount() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	n := 0
	for _, c := range b.clients {
		n += len(c.Subscriptions())
	}
	return n
}

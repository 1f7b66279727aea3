package realtime

import "github.com/galleyhq/galley/internal/safego"

// fanWorkers is how many goroutines queue dispatched messages to clients.
// Each owns a fixed share of the clients, so a client's messages stay in
// dispatch order. Several of them keep a fan-out to thousands of clients
// from waiting behind those clients' writers for the scheduler's attention,
// which a single dispatcher goroutine does once it has woken them all.
const fanWorkers = 8

// delivery is one message for one client.
type delivery struct {
	cl *Client
	m  *Message
}

// batch collects one event's deliveries by fan-out worker.
type batch [fanWorkers][]delivery

func (bt *batch) add(c *Client, m *Message) {
	bt[c.shard] = append(bt[c.shard], delivery{c, m})
}

// fanOut hands bt to the workers; it waits while a worker is a full queue
// behind, and gives up when the broker stops.
func (b *Broker) fanOut(bt *batch) {
	for i, ds := range bt {
		if len(ds) == 0 {
			continue
		}
		select {
		case b.fan[i] <- ds:
		case <-b.stop:
			return
		}
	}
}

// fanLoop is worker i: it queues what it is handed until the broker stops.
func (b *Broker) fanLoop(i int) {
	defer b.fanDone.Done()
	for {
		select {
		case ds := <-b.fan[i]:
			_ = safego.Run(b.log, "realtime fan-out", func() {
				for _, d := range ds {
					b.deliver(d.cl, d.m)
				}
			})
		case <-b.stop:
			return
		}
	}
}

package core

import "context"

// Message is one mail. To holds plain addresses.
type Message struct {
	To      []string
	Subject string
	HTML    string
	Text    string
}

// Mailer sends mail. Implementations read the current SMTP settings on each
// send (settings change at runtime) and, with SMTP disabled, write the mail
// to the log so local development works. Send returns an error the caller
// logs; auth flows never reveal it to the requester.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

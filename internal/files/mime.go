package files

import (
	"io"
	"mime"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// SniffLen is how many leading bytes Detect looks at (mimetype's default
// read limit); DetectReader reads at most that many.
const SniffLen = 4096

// octetStream is the type of content nothing more is known of.
const octetStream = "application/octet-stream"

// Detect returns the MIME type of content that starts with head, judged
// by its bytes alone (never by a name or a client's header), e.g.
// "image/png", "application/pdf" or "text/plain; charset=utf-8" (text
// types carry their charset). Only the first SniffLen bytes are used;
// unknown or empty content is "application/octet-stream".
func Detect(head []byte) string {
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	return mimetype.Detect(head).String()
}

// DetectReader reads at most SniffLen bytes of r and returns Detect of
// them. A read error (other than a short read) is returned with
// "application/octet-stream". The bytes read are consumed: rewind or
// re-open r before storing it.
func DetectReader(r io.Reader) (string, error) {
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return octetStream, err
	}
	return Detect(head[:n]), nil
}

// MatchMIME reports whether content detected as detected (a Detect
// result) is allowed by a file field's mimeTypes option. An empty allowed
// list allows everything.
//
// The rule: type/subtype are compared without parameters, case- and
// space-insensitively; detected matches an allowed entry when it, one of
// its aliases, or one of its ancestors in mimetype's hierarchy equals the
// entry. So "text/plain; charset=utf-8" matches "text/plain"; "text/html"
// and "application/json" match "text/plain" too (they are text); a
// "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
// matches "application/zip". Every type descends from
// "application/octet-stream", so allowing that allows any content.
// An allowed entry never matches a *descendant*: allowing "text/plain"
// does not admit a PNG, and allowing "image/svg+xml" does not admit any
// other XML.
func MatchMIME(detected string, allowed []string) bool {
	if len(allowed) == 0 {
		return true
	}
	want := make([]string, 0, len(allowed))
	for _, a := range allowed {
		if a = baseType(a); a != "" {
			want = append(want, a)
		}
	}
	m := mimetype.Lookup(baseType(detected))
	if m == nil {
		// Not a type mimetype knows (it did not come from Detect): only
		// an exact match counts.
		d := baseType(detected)
		for _, a := range want {
			if d != "" && d == a {
				return true
			}
		}
		return false
	}
	for ; m != nil; m = m.Parent() {
		for _, a := range want {
			if m.Is(a) {
				return true
			}
		}
	}
	return false
}

// baseType is the lowercased type/subtype of a media type, without
// parameters; "" when ct is empty or unparsable.
func baseType(ct string) string {
	t, _, err := mime.ParseMediaType(strings.TrimSpace(ct))
	if err != nil {
		return ""
	}
	return t
}

// inlineTypes are the types served inline besides audio/* and video/*:
// images a browser only ever renders as pixels (no SVG: it runs script)
// and PDF (browsers show it in a sandboxed viewer).
var inlineTypes = map[string]bool{
	"image/jpeg":               true,
	"image/png":                true,
	"image/gif":                true,
	"image/webp":               true,
	"image/avif":               true,
	"image/bmp":                true,
	"image/x-icon":             true,
	"image/vnd.microsoft.icon": true,
	"application/pdf":          true,
}

// ServeAs is the serving policy for a stored file of type contentType:
// the Content-Type to send and whether it may be shown inline
// (Content-Disposition: inline) or must be an attachment.
//
// Inline: image/jpeg, image/png, image/gif, image/webp, image/avif,
// image/bmp, image/x-icon (and image/vnd.microsoft.icon), every audio/*
// and video/* type, and application/pdf. Everything else is an
// attachment — explicitly HTML, SVG, XML, JavaScript, CSS, every text/*
// type, and unknown or application/octet-stream content — because shown
// inline from this origin such a file could run script with the
// viewer's session. Callers also send "X-Content-Type-Options: nosniff"
// so that a browser does not second-guess the type.
//
// ct is contentType normalised (lowercased type/subtype, parameters
// kept, e.g. "text/plain; charset=utf-8"); an empty or unparsable
// contentType is served as "application/octet-stream", attachment.
func ServeAs(contentType string) (ct string, inline bool) {
	t, params, err := mime.ParseMediaType(strings.TrimSpace(contentType))
	if err != nil || t == "" || !strings.Contains(t, "/") {
		return octetStream, false
	}
	ct = mime.FormatMediaType(t, params)
	if ct == "" {
		ct = t
	}
	major, _, _ := strings.Cut(t, "/")
	return ct, inlineTypes[t] || major == "audio" || major == "video"
}

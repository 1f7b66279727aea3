package files

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"strings"
	"testing"
)

// testImage is a w×h image whose top half is red and bottom half blue.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		c := color.NRGBA{255, 0, 0, 255}
		if y >= h/2 {
			c = color.NRGBA{0, 0, 255, 255}
		}
		for x := range w {
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeGIF(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDetect(t *testing.T) {
	img := testImage(20, 10)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"png", encodePNG(t, img), "image/png"},
		{"jpeg", encodeJPEG(t, img), "image/jpeg"},
		{"gif", encodeGIF(t, img), "image/gif"},
		{"webp lossless", readTestdata(t, "redblue_lossless.webp"), "image/webp"},
		{"webp lossy", readTestdata(t, "redblue_lossy.webp"), "image/webp"},
		{"pdf", []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), "application/pdf"},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "text/html; charset=utf-8"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>`), "image/svg+xml"},
		{"text", []byte("hello world\n"), "text/plain; charset=utf-8"},
		{"empty", nil, "text/plain"},
		{"binary", []byte{0, 1, 2, 3, 0xff, 0xfe, 0, 0, 7}, "application/octet-stream"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Detect(tc.data); got != tc.want {
				t.Errorf("Detect = %q, want %q", got, tc.want)
			}
			got, err := DetectReader(bytes.NewReader(tc.data))
			if err != nil || got != tc.want {
				t.Errorf("DetectReader = %q, %v, want %q", got, err, tc.want)
			}
		})
	}
}

// An HTML page uploaded as "cat.png" is HTML: the name plays no part.
func TestDetectIgnoresNameAndReadsOnlyTheHead(t *testing.T) {
	html := "<html><body><script>steal()</script></body></html>"
	if got := Detect([]byte(html)); !strings.HasPrefix(got, "text/html") {
		t.Fatalf("HTML detected as %q", got)
	}
	// A PNG signature followed by megabytes: DetectReader reads SniffLen
	// bytes and no more.
	data := append(encodePNG(t, testImage(4, 4)), make([]byte, 1<<20)...)
	r := &countingReader{r: bytes.NewReader(data)}
	got, err := DetectReader(r)
	if err != nil || got != "image/png" {
		t.Fatalf("DetectReader = %q, %v", got, err)
	}
	if r.n > SniffLen {
		t.Errorf("DetectReader read %d bytes, more than SniffLen %d", r.n, SniffLen)
	}
	// Detect looks at SniffLen bytes only: HTML after them does not count.
	late := append(bytes.Repeat([]byte("a"), SniffLen), "<html><script></script></html>"...)
	if got := Detect(late); got != "text/plain; charset=utf-8" {
		t.Errorf("Detect of text then late HTML = %q", got)
	}
}

func TestDetectReaderError(t *testing.T) {
	boom := errors.New("boom")
	got, err := DetectReader(io.MultiReader(strings.NewReader("GIF8"), errReader{boom}))
	if !errors.Is(err, boom) || got != "application/octet-stream" {
		t.Errorf("DetectReader = %q, %v; want octet-stream, boom", got, err)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestMatchMIME(t *testing.T) {
	tests := []struct {
		detected string
		allowed  []string
		want     bool
	}{
		{"image/png", nil, true},
		{"image/png", []string{}, true},
		{"image/png", []string{"image/png"}, true},
		{"image/png", []string{"image/jpeg", "image/png"}, true},
		{"image/png", []string{"IMAGE/PNG "}, true},
		{"image/png", []string{"image/jpeg"}, false},
		{"text/plain; charset=utf-8", []string{"text/plain"}, true},
		{"text/plain; charset=utf-8", []string{"text/plain; charset=utf-8"}, true},
		{"text/plain; charset=utf-16le", []string{"text/plain"}, true},
		{"text/html; charset=utf-8", []string{"text/plain"}, true},      // a parent
		{"application/json", []string{"text/plain"}, true},              // a parent
		{"image/svg+xml", []string{"text/plain"}, true},                 // a parent
		{"text/plain; charset=utf-8", []string{"text/html"}, false},     // never a child
		{"text/plain; charset=utf-8", []string{"image/svg+xml"}, false}, // never a child
		{"text/html; charset=utf-8", []string{"image/png"}, false},
		{"image/png", []string{"text/plain"}, false},
		{"application/x-zip-compressed", []string{"application/zip"}, true}, // an alias
		{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{"application/zip"}, true},
		{"application/zip", []string{"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}, false},
		{"image/png", []string{"application/octet-stream"}, true}, // the root admits all
		{"application/octet-stream", []string{"image/png"}, false},
		{"application/x-unknown-thing", []string{"application/x-unknown-thing"}, true},
		{"application/x-unknown-thing", []string{"application/octet-stream"}, false}, // unknown to mimetype: exact only
		{"", []string{"image/png"}, false},
		{"", []string{""}, false},
		{"image/png", []string{"", "garbage"}, false},
	}
	for _, tc := range tests {
		if got := MatchMIME(tc.detected, tc.allowed); got != tc.want {
			t.Errorf("MatchMIME(%q, %q) = %v, want %v", tc.detected, tc.allowed, got, tc.want)
		}
	}
}

// Detected types of real content match the mimeTypes values an admin
// would write.
func TestMatchMIMEOfDetected(t *testing.T) {
	img := testImage(8, 8)
	tests := []struct {
		data    []byte
		allowed string
	}{
		{encodePNG(t, img), "image/png"},
		{encodeJPEG(t, img), "image/jpeg"},
		{encodeGIF(t, img), "image/gif"},
		{readTestdata(t, "redblue_lossy.webp"), "image/webp"},
		{[]byte("%PDF-1.7\n"), "application/pdf"},
		{[]byte("plain words"), "text/plain"},
	}
	for _, tc := range tests {
		d := Detect(tc.data)
		if !MatchMIME(d, []string{tc.allowed}) {
			t.Errorf("MatchMIME(%q, [%q]) = false", d, tc.allowed)
		}
		if MatchMIME(d, []string{"application/x-msdownload"}) {
			t.Errorf("MatchMIME(%q, [application/x-msdownload]) = true", d)
		}
	}
}

func TestServeAs(t *testing.T) {
	tests := []struct {
		in     string
		ct     string
		inline bool
	}{
		{"image/jpeg", "image/jpeg", true},
		{"image/png", "image/png", true},
		{"IMAGE/PNG", "image/png", true},
		{"image/gif", "image/gif", true},
		{"image/webp", "image/webp", true},
		{"image/avif", "image/avif", true},
		{"image/bmp", "image/bmp", true},
		{"image/x-icon", "image/x-icon", true},
		{"audio/mpeg", "audio/mpeg", true},
		{"video/mp4", "video/mp4", true},
		{"video/webm", "video/webm", true},
		{"application/pdf", "application/pdf", true},
		{"image/svg+xml", "image/svg+xml", false},
		{"text/html; charset=utf-8", "text/html; charset=utf-8", false},
		{"application/xhtml+xml", "application/xhtml+xml", false},
		{"text/xml; charset=utf-8", "text/xml; charset=utf-8", false},
		{"application/xml", "application/xml", false},
		{"text/javascript; charset=utf-8", "text/javascript; charset=utf-8", false},
		{"application/javascript", "application/javascript", false},
		{"text/css", "text/css", false},
		{"text/plain; charset=utf-8", "text/plain; charset=utf-8", false},
		{"application/json", "application/json", false},
		{"application/octet-stream", "application/octet-stream", false},
		{"application/zip", "application/zip", false},
		{"image/tiff", "image/tiff", false},
		{"", "application/octet-stream", false},
		{"garbage", "application/octet-stream", false},
		{"image/png; x=\"", "application/octet-stream", false},
	}
	for _, tc := range tests {
		ct, inline := ServeAs(tc.in)
		if ct != tc.ct || inline != tc.inline {
			t.Errorf("ServeAs(%q) = %q, %v; want %q, %v", tc.in, ct, inline, tc.ct, tc.inline)
		}
	}
}

package files

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseThumbSize(t *testing.T) {
	valid := []struct {
		in   string
		want ThumbSize
		str  string
	}{
		{"100x100", ThumbSize{100, 100, 0}, "100x100"},
		{"100x0", ThumbSize{100, 0, 0}, "100x0"},
		{"0x50", ThumbSize{0, 50, 0}, "0x50"},
		{"100x100t", ThumbSize{100, 100, 't'}, "100x100t"},
		{"100x100b", ThumbSize{100, 100, 'b'}, "100x100b"},
		{"100x100f", ThumbSize{100, 100, 'f'}, "100x100f"},
		{"0x50f", ThumbSize{0, 50, 'f'}, "0x50f"},
		{"0100x007", ThumbSize{100, 7, 0}, "100x7"},
		{"4096x4096", ThumbSize{4096, 4096, 0}, "4096x4096"},
		{"1x1", ThumbSize{1, 1, 0}, "1x1"},
	}
	for _, tc := range valid {
		got, err := ParseThumbSize(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseThumbSize(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		if got.String() != tc.str {
			t.Errorf("ParseThumbSize(%q).String() = %q, want %q", tc.in, got.String(), tc.str)
		}
		if again, err := ParseThumbSize(got.String()); err != nil || again != got {
			t.Errorf("ParseThumbSize(%q) does not round-trip: %+v, %v", got.String(), again, err)
		}
	}
	invalid := []string{"", "x", "100", "100x", "x100", "0x0", "0x0f", "00x000", "-1x100", "+1x100",
		"100x-1", "100x100c", "100X100", "100x100 ", " 100x100", "100 x100", "4097x1", "1x4097",
		"99999999999x1", "1x99999999999999999999", "100x100tt", "100x100ft", "1e2x3", "0x1p", "１００x100",
		"100x100\x00", "100x100x100", "t", "xf", "100x100/", "0b1x1", "0x10x10"}
	for _, s := range invalid {
		if got, err := ParseThumbSize(s); !errors.Is(err, ErrInvalidThumbSize) {
			t.Errorf("ParseThumbSize(%q) = %+v, %v; want ErrInvalidThumbSize", s, got, err)
		}
	}
}

func TestThumbContentType(t *testing.T) {
	tests := []struct{ in, want string }{
		{"image/jpeg", "image/jpeg"},
		{"image/png", "image/png"},
		{"IMAGE/PNG", "image/png"},
		{"image/gif", "image/png"},
		{"image/webp", "image/png"},
		{"image/jpeg; x=y", "image/jpeg"},
		{"image/svg+xml", ""},
		{"image/bmp", ""},
		{"image/avif", ""},
		{"text/html; charset=utf-8", ""},
		{"application/pdf", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := ThumbContentType(tc.in); got != tc.want {
			t.Errorf("ThumbContentType(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := IsThumbable(tc.in); got != (tc.want != "") {
			t.Errorf("IsThumbable(%q) = %v", tc.in, got)
		}
	}
}

// countingStorage wraps a Storage, counting Opens and Puts and
// remembering the content type of the last Put; beforeOpen, when set,
// runs before each Open; while staleStats is positive, a Stat counts it
// down and answers ErrNotFound (as a Stat racing with a Put may).
type countingStorage struct {
	Storage
	opens, puts atomic.Int64
	staleStats  atomic.Int64
	lastCT      atomic.Value
	beforeOpen  func(ctx context.Context, key string) error
	wrapContent func(io.ReadSeekCloser) io.ReadSeekCloser
}

func (c *countingStorage) Stat(ctx context.Context, key string) (Attrs, error) {
	if c.staleStats.Add(-1) >= 0 {
		return Attrs{}, ErrNotFound
	}
	c.staleStats.Store(0)
	return c.Storage.Stat(ctx, key)
}

func (c *countingStorage) Open(ctx context.Context, key string) (*Object, error) {
	c.opens.Add(1)
	if c.beforeOpen != nil {
		if err := c.beforeOpen(ctx, key); err != nil {
			return nil, err
		}
	}
	obj, err := c.Storage.Open(ctx, key)
	if err == nil && c.wrapContent != nil {
		obj.Content = c.wrapContent(obj.Content)
	}
	return obj, err
}

func (c *countingStorage) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	c.puts.Add(1)
	c.lastCT.Store(contentType)
	return c.Storage.Put(ctx, key, r, size, contentType)
}

func newTestStorage(t *testing.T) *countingStorage {
	t.Helper()
	l, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return &countingStorage{Storage: l}
}

func put(t *testing.T, st Storage, key string, data []byte) {
	t.Helper()
	if err := st.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), ""); err != nil {
		t.Fatal(err)
	}
}

// getThumb makes the size thumbnail of data (of type ct) and returns it
// decoded, checking that it was stored as ThumbContentType(ct) and is
// encoded that way.
func getThumb(t *testing.T, th *Thumbnailer, data []byte, ct, size string) image.Image {
	t.Helper()
	st := newTestStorage(t)
	put(t, st, "c/r/img.bin", data)
	sz, err := ParseThumbSize(size)
	if err != nil {
		t.Fatal(err)
	}
	key, err := th.Get(context.Background(), st, "c/r/img.bin", sz, ct)
	if err != nil {
		t.Fatalf("Get %s of %s: %v", size, ct, err)
	}
	if want := "c/r/thumbs_img.bin/" + sz.String() + "_img.bin"; key != want {
		t.Fatalf("thumb key %q, want %q", key, want)
	}
	if got := st.lastCT.Load(); got != ThumbContentType(ct) {
		t.Errorf("thumb stored as %v, want %q", got, ThumbContentType(ct))
	}
	obj, err := st.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj.Content)
	if err != nil {
		t.Fatal(err)
	}
	if got := Detect(b); got != ThumbContentType(ct) {
		t.Errorf("thumb of %s is %s, want %s", ct, got, ThumbContentType(ct))
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// halves returns a w×h image: when vertical, the top half is red and the
// bottom half blue; otherwise the left half red and the right half blue.
func halves(w, h int, vertical bool) *image.NRGBA {
	if vertical {
		return testImage(w, h)
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{255, 0, 0, 255}
			if x >= w/2 {
				c = color.NRGBA{0, 0, 255, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

var (
	red  = color.NRGBA{255, 0, 0, 255}
	blue = color.NRGBA{0, 0, 255, 255}
)

// near reports whether c is within tol of want in every channel.
func near(c color.Color, want color.NRGBA, tol int) bool {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	d := func(a, b uint8) bool { return max(int(a)-int(b), int(b)-int(a)) <= tol }
	return d(n.R, want.R) && d(n.G, want.G) && d(n.B, want.B) && d(n.A, want.A)
}

func checkPixel(t *testing.T, img image.Image, x, y int, want color.NRGBA, tol int, what string) {
	t.Helper()
	b := img.Bounds()
	if c := img.At(b.Min.X+x, b.Min.Y+y); !near(c, want, tol) {
		t.Errorf("%s: pixel (%d,%d) is %v, want %v", what, x, y, color.NRGBAModel.Convert(c), want)
	}
}

func TestThumbDimensions(t *testing.T) {
	src := testImage(400, 200)
	sources := []struct {
		ct   string
		data []byte
	}{
		{"image/png", encodePNG(t, src)},
		{"image/jpeg", encodeJPEG(t, src)},
		{"image/gif", encodeGIF(t, src)},
	}
	sizes := []struct {
		size string
		w, h int
	}{
		{"100x100", 100, 100},
		{"100x100t", 100, 100},
		{"100x100b", 100, 100},
		{"50x100", 50, 100},
		{"100x0", 100, 50},
		{"0x50", 100, 50},
		{"0x50f", 100, 50},
		{"600x0", 600, 300}, // ratio-keeping resizes enlarge
		{"100x100f", 100, 50},
		{"100x10f", 20, 10},
		{"1000x1000f", 400, 200}, // fit never enlarges
		{"500x500", 500, 500},    // crops enlarge
		{"400x200", 400, 200},
		{"3x0", 3, 2}, // 1.5 rounds up
	}
	th := NewThumbnailer(0)
	for _, s := range sources {
		for _, sz := range sizes {
			img := getThumb(t, th, s.data, s.ct, sz.size)
			if b := img.Bounds(); b.Dx() != sz.w || b.Dy() != sz.h {
				t.Errorf("%s %s: %dx%d, want %dx%d", s.ct, sz.size, b.Dx(), b.Dy(), sz.w, sz.h)
			}
		}
	}
}

// A tall source, red on top and blue below: "t" keeps the top, "b" the
// bottom, the plain size the middle.
func TestThumbCropAnchors(t *testing.T) {
	src := testImage(200, 400)
	sources := []struct {
		ct   string
		data []byte
		tol  int
	}{
		{"image/png", encodePNG(t, src), 2},
		{"image/jpeg", encodeJPEG(t, src), 40},
		{"image/gif", encodeGIF(t, src), 2},
		{"image/webp", readTestdata(t, "redblue_lossless.webp"), 2},
		{"image/webp", readTestdata(t, "redblue_lossy.webp"), 40},
	}
	th := NewThumbnailer(0)
	for _, s := range sources {
		top := getThumb(t, th, s.data, s.ct, "100x100t")
		for _, p := range [][2]int{{0, 0}, {99, 0}, {50, 50}, {0, 99}, {99, 99}} {
			checkPixel(t, top, p[0], p[1], red, s.tol, s.ct+" 100x100t")
		}
		bottom := getThumb(t, th, s.data, s.ct, "100x100b")
		for _, p := range [][2]int{{0, 0}, {99, 0}, {50, 50}, {0, 99}, {99, 99}} {
			checkPixel(t, bottom, p[0], p[1], blue, s.tol, s.ct+" 100x100b")
		}
		mid := getThumb(t, th, s.data, s.ct, "100x100")
		checkPixel(t, mid, 50, 5, red, s.tol, s.ct+" 100x100")
		checkPixel(t, mid, 50, 94, blue, s.tol, s.ct+" 100x100")
		fit := getThumb(t, th, s.data, s.ct, "100x100f")
		if b := fit.Bounds(); b.Dx() != 50 || b.Dy() != 100 {
			t.Errorf("%s 100x100f: %v", s.ct, b)
		}
	}
}

// withEXIFOrientation inserts an APP1 EXIF segment holding orientation o
// after the SOI marker of a JPEG.
func withEXIFOrientation(t *testing.T, jpg []byte, o uint16, bo binary.ByteOrder) []byte {
	t.Helper()
	tiff := make([]byte, 26)
	if bo == binary.BigEndian {
		copy(tiff, "MM")
	} else {
		copy(tiff, "II")
	}
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)       // one entry
	bo.PutUint16(tiff[10:], 0x0112) // Orientation
	bo.PutUint16(tiff[12:], 3)      // SHORT
	bo.PutUint32(tiff[14:], 1)
	bo.PutUint16(tiff[18:], o)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xff, 0xe1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// A JPEG's EXIF orientation is applied: sizes and top/bottom are those
// of the image as displayed.
func TestThumbEXIFOrientation(t *testing.T) {
	// Stored 400×200, left half red, right half blue.
	plain := encodeJPEG(t, halves(400, 200, false))
	th := NewThumbnailer(0)
	tests := []struct {
		orient   uint16
		w, h     int              // of "100x0"
		first    color.NRGBA      // displayed top (or left) colour
		vertical bool             // the colours are stacked as displayed
		bo       binary.ByteOrder // of the EXIF data
	}{
		{1, 100, 50, red, false, binary.BigEndian},
		{2, 100, 50, blue, false, binary.LittleEndian}, // mirrored
		{3, 100, 50, blue, false, binary.BigEndian},    // upside down
		{4, 100, 50, red, false, binary.LittleEndian},
		{5, 100, 200, red, true, binary.BigEndian}, // transposed: left column on top
		{6, 100, 200, red, true, binary.LittleEndian},
		{7, 100, 200, blue, true, binary.BigEndian},
		{8, 100, 200, blue, true, binary.LittleEndian},
	}
	for _, tc := range tests {
		data := withEXIFOrientation(t, plain, tc.orient, tc.bo)
		if got := jpegOrientation(data); got != int(tc.orient) {
			t.Fatalf("jpegOrientation = %d, want %d", got, tc.orient)
		}
		second := blue
		if tc.first == blue {
			second = red
		}
		img := getThumb(t, th, data, "image/jpeg", "100x0")
		if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
			t.Fatalf("orientation %d 100x0: %dx%d, want %dx%d", tc.orient, b.Dx(), b.Dy(), tc.w, tc.h)
		}
		what := "orientation " + string(rune('0'+tc.orient))
		if tc.vertical {
			checkPixel(t, img, 50, 5, tc.first, 40, what)
			checkPixel(t, img, 50, tc.h-6, second, 40, what)
			checkPixel(t, getThumb(t, th, data, "image/jpeg", "100x100t"), 50, 90, tc.first, 40, what+" 100x100t")
			checkPixel(t, getThumb(t, th, data, "image/jpeg", "100x100b"), 50, 10, second, 40, what+" 100x100b")
			fit := getThumb(t, th, data, "image/jpeg", "100x100f")
			if b := fit.Bounds(); b.Dx() != 50 || b.Dy() != 100 {
				t.Errorf("%s 100x100f: %v", what, b)
			}
		} else {
			checkPixel(t, img, 5, 25, tc.first, 40, what)
			checkPixel(t, img, 94, 25, second, 40, what)
		}
	}
	for _, bad := range [][]byte{nil, {0xff}, {0xff, 0xd8}, {0xff, 0xd8, 0xff, 0xe1, 0x00, 0x01},
		withEXIFOrientation(t, plain, 9, binary.BigEndian), withEXIFOrientation(t, plain, 0, binary.BigEndian),
		withEXIFOrientation(t, plain, 6, binary.BigEndian)[:30]} {
		if got := jpegOrientation(bad); got != 1 {
			t.Errorf("jpegOrientation(%x) = %d, want 1", bad, got)
		}
	}
}

// A GIF whose first frame covers only part of the screen is drawn where
// it belongs on a transparent canvas; later frames are ignored.
func TestThumbGIFFirstFrame(t *testing.T) {
	pal := color.Palette{color.NRGBA{0, 0, 0, 0}, red, blue}
	f1 := image.NewPaletted(image.Rect(50, 50, 100, 100), pal)
	for i := range f1.Pix {
		f1.Pix[i] = 1 // red
	}
	f2 := image.NewPaletted(image.Rect(0, 0, 100, 100), pal)
	for i := range f2.Pix {
		f2.Pix[i] = 2 // blue
	}
	var b bytes.Buffer
	err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{f1, f2}, Delay: []int{10, 10},
		Config: image.Config{ColorModel: pal, Width: 100, Height: 100}})
	if err != nil {
		t.Fatal(err)
	}
	img := getThumb(t, NewThumbnailer(0), b.Bytes(), "image/gif", "50x50")
	if bb := img.Bounds(); bb.Dx() != 50 || bb.Dy() != 50 {
		t.Fatalf("50x50 of a GIF: %v", bb)
	}
	checkPixel(t, img, 40, 40, red, 2, "first frame")
	if _, _, _, a := img.At(5, 5).RGBA(); a != 0 {
		t.Errorf("outside the first frame: %v, want transparent", img.At(5, 5))
	}
}

// pngHeader returns the signature and IHDR chunk of an 8-bit RGBA PNG of
// w×h pixels, with a valid CRC, then an empty IDAT and IEND: a few dozen
// bytes claiming any size.
func pngHeader(w, h uint32) []byte { return pngHeaderOf(w, h, 8, 0) }

// pngHeaderOf is pngHeader of an RGBA PNG of depth bits a channel,
// interlaced when interlace is 1.
func pngHeaderOf(w, h uint32, depth, interlace byte) []byte {
	chunk := func(typ string, data []byte) []byte {
		out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		out = append(out, typ...)
		out = append(out, data...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, 6, 0, 0, interlace) // RGBA
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

// jpegWithSize returns a small real JPEG whose SOF0 claims w×h.
func jpegWithSize(t *testing.T, w, h uint16) []byte {
	t.Helper()
	data := encodeJPEG(t, testImage(16, 16))
	i := bytes.Index(data, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(data[i+5:], h)
	binary.BigEndian.PutUint16(data[i+7:], w)
	return data
}

// Decompression bombs are refused from their header, without decoding.
func TestThumbDecompressionBomb(t *testing.T) {
	if cfg, err := png.DecodeConfig(bytes.NewReader(pngHeader(100000, 100000))); err != nil || cfg.Width != 100000 {
		t.Fatalf("crafted PNG header: %+v, %v", cfg, err)
	}
	tests := []struct {
		name, ct  string
		data      []byte
		maxPixels int64
	}{
		{"PNG 100000x100000", "image/png", pngHeader(100000, 100000), 0},
		{"PNG 5001x5000", "image/png", pngHeader(5001, 5000), 25_000_000},
		{"PNG 2000x2000 over 1 MP", "image/png", pngHeader(2000, 2000), 1_000_000},
		{"JPEG 65535x65535", "image/jpeg", jpegWithSize(t, 65535, 65535), 0},
		{"JPEG 3000x3000 over 1 MP", "image/jpeg", jpegWithSize(t, 3000, 3000), 1_000_000},
	}
	for _, tc := range tests {
		st := newTestStorage(t)
		put(t, st, "c/r/bomb", tc.data)
		th := NewThumbnailer(tc.maxPixels)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := th.Get(context.Background(), st, "c/r/bomb", ThumbSize{W: 100, H: 100}, tc.ct)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrImageTooLarge) {
			t.Errorf("%s: %v, want ErrImageTooLarge", tc.name, err)
		}
		// Decoding 1 MP would allocate at least 4 MB.
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("%s: allocated %d bytes while refusing", tc.name, grew)
		}
		if st.puts.Load() != 1 { // the source's
			t.Errorf("%s: a thumbnail was stored", tc.name)
		}
	}
	// The same header within the limit is decoded (and found to hold no
	// pixels): the limit, not the header's shape, refused it above.
	st := newTestStorage(t)
	put(t, st, "c/r/ok", pngHeader(2000, 2000))
	if _, err := NewThumbnailer(0).Get(context.Background(), st, "c/r/ok", ThumbSize{W: 10, H: 10}, "image/png"); !errors.Is(err, ErrBadImage) {
		t.Errorf("2000x2000 header without pixels: %v, want ErrBadImage", err)
	}
}

// jpegVariant returns a small real JPEG (4:2:0, baseline) whose frame
// header claims w×h, marked progressive and 4:4:4 as asked.
func jpegVariant(t *testing.T, w, h uint16, progressive, full bool) []byte {
	t.Helper()
	data := jpegWithSize(t, w, h)
	i := bytes.Index(data, []byte{0xff, 0xc0})
	if data[i+9] != 3 || data[i+11] != 0x22 {
		t.Fatalf("unexpected frame header % x", data[i:i+19])
	}
	if progressive {
		data[i+1] = 0xc2
	}
	if full {
		data[i+11] = 0x11
	}
	return data
}

func TestSourceBytes(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 100, 100))
	tests := []struct {
		name, ct string
		data     []byte
		want     int64
	}{
		{"JPEG 4:2:0", "image/jpeg", jpegVariant(t, 1000, 1000, false, false), 1_500_000},
		{"JPEG 4:4:4", "image/jpeg", jpegVariant(t, 1000, 1000, false, true), 3_000_000},
		{"progressive JPEG 4:2:0", "image/jpeg", jpegVariant(t, 1000, 1000, true, false), 7_500_000},
		{"progressive JPEG 4:4:4", "image/jpeg", jpegVariant(t, 1000, 1000, true, true), 15_000_000},
		{"gray JPEG", "image/jpeg", encodeJPEG(t, gray), 10_000},
		{"PNG RGBA", "image/png", pngHeaderOf(1000, 1000, 8, 0), 4_000_000},
		{"PNG RGBA interlaced", "image/png", pngHeaderOf(1000, 1000, 8, 1), 8_000_000},
		{"PNG RGBA 16-bit", "image/png", pngHeaderOf(1000, 1000, 16, 0), 8_000_000},
		{"PNG RGBA 16-bit interlaced", "image/png", pngHeaderOf(1000, 1000, 16, 1), 16_000_000},
		{"PNG gray", "image/png", encodePNG(t, gray), 10_000},
		{"GIF", "image/gif", encodeGIF(t, testImage(100, 100)), 50_000},
		{"WebP lossy", "image/webp", readTestdata(t, "redblue_lossy.webp"), 160_000},
		{"WebP lossless", "image/webp", readTestdata(t, "redblue_lossless.webp"), 640_000},
	}
	for _, tc := range tests {
		cfg, err := codecs[tc.ct].config(bytes.NewReader(tc.data))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var jh jpegHeader
		if tc.ct == "image/jpeg" {
			jh = parseJPEGHeader(tc.data)
		}
		if got := sourceBytes(tc.ct, cfg, tc.data, jh); got != tc.want {
			t.Errorf("%s: sourceBytes = %d, want %d", tc.name, got, tc.want)
		}
	}
	// A JPEG whose frame header was not seen is assumed the worst.
	cfg := image.Config{Width: 10, Height: 10}
	if got := sourceBytes("image/jpeg", cfg, nil, jpegHeader{}); got != 2400 {
		t.Errorf("unknown JPEG: %d, want 2400", got)
	}
}

// An image within maxPixels whose decoding would need more than the
// memory budget (12 bytes × maxPixels) is refused before decoding.
func TestThumbMemoryBudget(t *testing.T) {
	tests := []struct {
		name, ct string
		data     []byte
		refused  bool
	}{
		{"JPEG 4:2:0", "image/jpeg", jpegVariant(t, 1000, 900, false, false), false},
		{"JPEG 4:4:4", "image/jpeg", jpegVariant(t, 1000, 900, false, true), false},
		{"progressive JPEG 4:2:0", "image/jpeg", jpegVariant(t, 1000, 900, true, false), false},
		{"progressive JPEG 4:4:4", "image/jpeg", jpegVariant(t, 1000, 900, true, true), true}, // 13.5 MB
		{"PNG 16-bit", "image/png", pngHeaderOf(1000, 900, 16, 0), false},
		{"PNG 16-bit interlaced", "image/png", pngHeaderOf(1000, 900, 16, 1), true}, // 14.4 MB
	}
	for _, tc := range tests {
		st := newTestStorage(t)
		put(t, st, "c/r/x", tc.data)
		_, err := NewThumbnailer(1_000_000).Get(context.Background(), st, "c/r/x", ThumbSize{W: 10, H: 10}, tc.ct)
		if tc.refused && !errors.Is(err, ErrImageTooLarge) {
			t.Errorf("%s: %v, want ErrImageTooLarge", tc.name, err)
		}
		// The others are decoded, and found to hold too few pixels.
		if !tc.refused && !errors.Is(err, ErrBadImage) {
			t.Errorf("%s: %v, want ErrBadImage", tc.name, err)
		}
	}
}

// Jobs wait for their share of the memory budget: two 16-bit images of
// 2 MB each under a 3 MB budget are decoded one after the other, two
// 8-bit ones of 1 MB side by side.
func TestThumbMemoryBudgetWaits(t *testing.T) {
	wide := image.NewNRGBA64(image.Rect(0, 0, 500, 500))
	for _, tc := range []struct {
		name string
		img  image.Image
		peak int64
	}{{"16-bit", wide, 1}, {"8-bit", testImage(500, 500), 2}} {
		st := newTestStorage(t)
		data := encodePNG(t, tc.img)
		put(t, st, "c/r/a", data)
		put(t, st, "c/r/b", data)
		var active, peak atomic.Int64
		st.wrapContent = func(c io.ReadSeekCloser) io.ReadSeekCloser {
			return &decodeTracker{ReadSeekCloser: c, active: &active, peak: &peak}
		}
		th := NewThumbnailerWorkers(250_000, 2)
		var wg sync.WaitGroup
		for _, k := range []string{"c/r/a", "c/r/b"} {
			wg.Go(func() {
				if _, err := th.Get(context.Background(), st, k, ThumbSize{W: 10, H: 10}, "image/png"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if p := peak.Load(); p != tc.peak {
			t.Errorf("%s: %d decoded at once, want %d", tc.name, p, tc.peak)
		}
	}
}

// decodeTracker counts the objects being decoded: from the first Read
// after a Seek (the decoding pass follows the header's) to Close; that
// first Read lingers so that overlapping decodes overlap.
type decodeTracker struct {
	io.ReadSeekCloser
	active, peak    *atomic.Int64
	seeked, counted bool
}

func (d *decodeTracker) Seek(off int64, whence int) (int64, error) {
	d.seeked = true
	return d.ReadSeekCloser.Seek(off, whence)
}

func (d *decodeTracker) Read(p []byte) (int, error) {
	if d.seeked && !d.counted {
		d.counted = true
		n := d.active.Add(1)
		for p := d.peak.Load(); n > p && !d.peak.CompareAndSwap(p, n); p = d.peak.Load() {
		}
		time.Sleep(50 * time.Millisecond)
	}
	return d.ReadSeekCloser.Read(p)
}

func (d *decodeTracker) Close() error {
	if d.counted {
		d.active.Add(-1)
	}
	return d.ReadSeekCloser.Close()
}

// A thumbnail larger than the limit is refused too: a 1×1000 strip
// resized to 4096 wide would be 4096×4096000.
func TestThumbOutputTooLarge(t *testing.T) {
	st := newTestStorage(t)
	put(t, st, "c/r/tall.png", encodePNG(t, testImage(1, 1000)))
	put(t, st, "c/r/wide.png", encodePNG(t, halves(1000, 1, false)))
	th := NewThumbnailer(1_000_000)
	for _, tc := range []struct{ key, size string }{{"c/r/tall.png", "4096x0"}, {"c/r/wide.png", "0x4096"}} {
		sz, _ := ParseThumbSize(tc.size)
		if _, err := th.Get(context.Background(), st, tc.key, sz, "image/png"); !errors.Is(err, ErrImageTooLarge) {
			t.Errorf("%s of %s: %v, want ErrImageTooLarge", tc.size, tc.key, err)
		}
	}
	for _, tc := range []struct{ key, size string }{{"c/r/tall.png", "0x100"}, {"c/r/tall.png", "4096x10"}, {"c/r/wide.png", "100x4096"}} {
		sz, _ := ParseThumbSize(tc.size)
		if _, err := th.Get(context.Background(), st, tc.key, sz, "image/png"); err != nil {
			t.Errorf("%s of %s: %v", tc.size, tc.key, err)
		}
	}
}

func TestThumbErrors(t *testing.T) {
	jpg := encodeJPEG(t, testImage(64, 64))
	pngData := encodePNG(t, testImage(64, 64))
	st := newTestStorage(t)
	put(t, st, "c/r/trunc.jpg", jpg[:len(jpg)/2])
	put(t, st, "c/r/header.jpg", jpg[:20])
	put(t, st, "c/r/png-as.jpg", pngData)
	put(t, st, "c/r/junk.png", []byte("this is not an image at all"))
	put(t, st, "c/r/trunc.png", pngData[:len(pngData)-20])
	put(t, st, "c/r/trunc.webp", readTestdata(t, "redblue_lossy.webp")[:200])
	th := NewThumbnailer(0)
	ctx := context.Background()
	size := ThumbSize{W: 10, H: 10}
	tests := []struct {
		key, ct string
		size    ThumbSize
		want    error
	}{
		{"c/r/trunc.jpg", "image/jpeg", size, ErrBadImage},
		{"c/r/header.jpg", "image/jpeg", size, ErrBadImage},
		{"c/r/png-as.jpg", "image/jpeg", size, ErrBadImage},
		{"c/r/junk.png", "image/png", size, ErrBadImage},
		{"c/r/trunc.png", "image/png", size, ErrBadImage},
		{"c/r/trunc.webp", "image/webp", size, ErrBadImage},
		{"c/r/trunc.jpg", "text/html", size, ErrNotImage},
		{"c/r/trunc.jpg", "image/svg+xml", size, ErrNotImage},
		{"c/r/trunc.jpg", "", size, ErrNotImage},
		{"c/r/missing.jpg", "image/jpeg", size, ErrNotFound},
		{"c/r/trunc.jpg", "image/jpeg", ThumbSize{}, ErrInvalidThumbSize},
		{"c/r/trunc.jpg", "image/jpeg", ThumbSize{W: 10, H: 10, Mode: 'x'}, ErrInvalidThumbSize},
		{"c/r/trunc.jpg", "image/jpeg", ThumbSize{W: 5000, H: 10}, ErrInvalidThumbSize},
		{"../r/x.jpg", "image/jpeg", size, ErrInvalidKey},
		{"x.jpg", "image/jpeg", size, ErrInvalidKey},
		{"c/r/" + strings.Repeat("a", 250), "image/jpeg", size, ErrInvalidKey}, // thumbs_<name> is too long
	}
	for _, tc := range tests {
		key, err := th.Get(ctx, st, tc.key, tc.size, tc.ct)
		if !errors.Is(err, tc.want) || key != "" {
			t.Errorf("Get(%s, %+v, %q) = %q, %v; want %v", tc.key, tc.size, tc.ct, key, err, tc.want)
		}
	}
	if n := st.puts.Load(); n != 6 {
		t.Errorf("%d Puts, want only the 6 sources", n)
	}
}

// A storage read error is the storage's, not ErrBadImage.
func TestThumbReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	st := &readerStorage{content: func() io.ReadSeekCloser {
		return &failingContent{data: encodePNG(t, testImage(64, 64)), failAt: 100, err: boom}
	}}
	_, err := NewThumbnailer(0).Get(context.Background(), st, "c/r/x.png", ThumbSize{W: 10, H: 10}, "image/png")
	if !errors.Is(err, boom) || errors.Is(err, ErrBadImage) {
		t.Errorf("Get = %v, want the read error", err)
	}
}

// A panic while decoding is an error, not a crash (singleflight would
// re-panic it on a goroutine of its own), and frees its worker.
func TestThumbPanicIsBadImage(t *testing.T) {
	st := &readerStorage{content: func() io.ReadSeekCloser { return panickingContent{} }}
	th := NewThumbnailerWorkers(0, 1)
	for range 3 { // with one worker, a leaked slot would hang the second
		_, err := th.Get(context.Background(), st, "c/r/x.png", ThumbSize{W: 10, H: 10}, "image/png")
		if !errors.Is(err, ErrBadImage) {
			t.Fatalf("Get = %v, want ErrBadImage", err)
		}
	}
}

// readerStorage is a Storage holding one object made by content; it
// never holds a thumbnail.
type readerStorage struct {
	Storage
	content func() io.ReadSeekCloser
}

func (r *readerStorage) Stat(ctx context.Context, key string) (Attrs, error) {
	if strings.Contains(key, "thumbs_") {
		return Attrs{}, ErrNotFound
	}
	return Attrs{Key: key}, nil
}

func (r *readerStorage) Open(ctx context.Context, key string) (*Object, error) {
	return &Object{Attrs: Attrs{Key: key}, Content: r.content()}, nil
}

type failingContent struct {
	data   []byte
	off    int
	failAt int
	err    error
}

func (f *failingContent) Read(p []byte) (int, error) {
	if f.off >= f.failAt {
		return 0, f.err
	}
	n := copy(p, f.data[f.off:min(f.failAt, len(f.data))])
	f.off += n
	return n, nil
}
func (f *failingContent) Seek(off int64, whence int) (int64, error) {
	f.off = int(off)
	return off, nil
}
func (f *failingContent) Close() error { return nil }

type panickingContent struct{}

func (panickingContent) Read([]byte) (int, error)       { panic("decoder bug") }
func (panickingContent) Seek(int64, int) (int64, error) { return 0, nil }
func (panickingContent) Close() error                   { return nil }

// Fifty concurrent requests for one cold thumbnail make it once, even
// when some arrive after it was stored.
func TestThumbConcurrentFirstRequests(t *testing.T) {
	st := newTestStorage(t)
	put(t, st, "c/r/img.png", encodePNG(t, testImage(300, 300)))
	st.puts.Store(0)
	st.beforeOpen = func(ctx context.Context, key string) error {
		time.Sleep(50 * time.Millisecond) // a slow generation
		return nil
	}
	th := NewThumbnailer(0)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			time.Sleep(time.Duration(i) * 2 * time.Millisecond) // some arrive after it is stored
			key, err := th.Get(context.Background(), st, "c/r/img.png", ThumbSize{W: 32, H: 32}, "image/png")
			if err == nil && key != "c/r/thumbs_img.png/32x32_img.png" {
				err = errors.New("wrong key " + key)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := st.puts.Load(); n != 1 {
		t.Errorf("the thumbnail was stored %d times, want once", n)
	}
	if n := st.opens.Load(); n != 1 {
		t.Errorf("the source was opened %d times, want once", n)
	}
}

// At most `workers` thumbnails are made at once.
func TestThumbWorkersBound(t *testing.T) {
	st := newTestStorage(t)
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		put(t, st, "c/r/"+n, encodePNG(t, testImage(64, 64)))
	}
	var active, peak atomic.Int64
	st.beforeOpen = func(ctx context.Context, key string) error {
		n := active.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(40 * time.Millisecond)
		active.Add(-1)
		return nil
	}
	th := NewThumbnailerWorkers(0, 2)
	var wg sync.WaitGroup
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		wg.Go(func() {
			if _, err := th.Get(context.Background(), st, "c/r/"+n, ThumbSize{W: 8, H: 8}, "image/png"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p != 2 {
		t.Errorf("%d thumbnails made at once, want 2", p)
	}
}

// A request waiting for a worker gives up when its context ends, and
// stores nothing.
func TestThumbWaitCancelled(t *testing.T) {
	st := newTestStorage(t)
	put(t, st, "c/r/a", encodePNG(t, testImage(64, 64)))
	put(t, st, "c/r/b", encodePNG(t, testImage(64, 64)))
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	st.beforeOpen = func(ctx context.Context, key string) error {
		if key == "c/r/a" {
			started <- struct{}{}
			<-release
		}
		return nil
	}
	th := NewThumbnailerWorkers(0, 1)
	done := make(chan error)
	go func() {
		_, err := th.Get(context.Background(), st, "c/r/a", ThumbSize{W: 8, H: 8}, "image/png")
		done <- err
	}()
	<-started // "a" holds the only worker
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := th.Get(ctx, st, "c/r/b", ThumbSize{W: 8, H: 8}, "image/png")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("waiting Get = %v after %v, want DeadlineExceeded soon", err, time.Since(start))
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := st.Stat(context.Background(), "c/r/thumbs_b/8x8_b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("thumbnail of b: %v, want none", err)
	}
	// The cancelled request left no trace: b's thumbnail can be made.
	if _, err := th.Get(context.Background(), st, "c/r/b", ThumbSize{W: 8, H: 8}, "image/png"); err != nil {
		t.Error(err)
	}
}

// When the request that started a shared generation goes away, one that
// joined it starts over with its own context and gets the thumbnail.
func TestThumbStarterCancelled(t *testing.T) {
	st := newTestStorage(t)
	put(t, st, "c/r/a", encodePNG(t, testImage(64, 64)))
	st.puts.Store(0)
	started := make(chan struct{}, 2)
	var first atomic.Bool
	first.Store(true)
	st.beforeOpen = func(ctx context.Context, key string) error {
		if first.Swap(false) {
			started <- struct{}{}
			<-ctx.Done() // the first generation lasts until its starter leaves
			return ctx.Err()
		}
		return nil
	}
	th := NewThumbnailer(0)
	ctx1, cancel1 := context.WithCancel(context.Background())
	res1 := make(chan error, 1)
	go func() {
		_, err := th.Get(ctx1, st, "c/r/a", ThumbSize{W: 8, H: 8}, "image/png")
		res1 <- err
	}()
	<-started
	res2 := make(chan error, 1)
	go func() {
		_, err := th.Get(context.Background(), st, "c/r/a", ThumbSize{W: 8, H: 8}, "image/png")
		res2 <- err
	}()
	time.Sleep(50 * time.Millisecond) // the second joins the first's generation
	cancel1()
	if err := <-res1; !errors.Is(err, context.Canceled) {
		t.Errorf("starter: %v, want Canceled", err)
	}
	if err := <-res2; err != nil {
		t.Errorf("joiner: %v, want the thumbnail", err)
	}
	if n := st.puts.Load(); n != 1 {
		t.Errorf("%d Puts, want 1", n)
	}
}

// A thumbnail already stored is returned without touching the source.
func TestThumbStoredIsReused(t *testing.T) {
	st := newTestStorage(t)
	put(t, st, "c/r/a.png", encodePNG(t, testImage(64, 64)))
	th := NewThumbnailer(0)
	for range 3 {
		if _, err := th.Get(context.Background(), st, "c/r/a.png", ThumbSize{W: 8, H: 0}, "image/png"); err != nil {
			t.Fatal(err)
		}
	}
	if st.opens.Load() != 1 || st.puts.Load() != 2 {
		t.Errorf("opens %d puts %d, want 1 and 2 (source + thumbnail)", st.opens.Load(), st.puts.Load())
	}
	// A request whose Stat missed the thumbnail just stored (it raced
	// with the Put) and that starts a generation of its own after the
	// first one ended finds it stored then.
	st.staleStats.Store(1)
	if _, err := th.Get(context.Background(), st, "c/r/a.png", ThumbSize{W: 8, H: 0}, "image/png"); err != nil {
		t.Fatal(err)
	}
	if st.opens.Load() != 1 || st.puts.Load() != 2 {
		t.Errorf("after a stale Stat: opens %d puts %d, want 1 and 2", st.opens.Load(), st.puts.Load())
	}
	// Another Thumbnailer (another process) finds it too.
	if _, err := NewThumbnailer(0).Get(context.Background(), st, "c/r/a.png", ThumbSize{W: 8, H: 0}, "image/png"); err != nil || st.opens.Load() != 1 {
		t.Errorf("second Thumbnailer: %v, %d opens", err, st.opens.Load())
	}
}

var _ = jpeg.Decode // image.Decode in getThumb needs the JPEG, PNG and GIF decoders registered

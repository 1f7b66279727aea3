package files

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sync/semaphore"
	"golang.org/x/sync/singleflight"
)

// Errors of thumbnails.
var (
	// ErrNotImage: the content type is not one thumbnails are made of
	// (see IsThumbable).
	ErrNotImage = errors.New("files: not a thumbable image")
	// ErrBadImage: the stored image cannot be decoded (truncated,
	// corrupt, or not of its content type). Callers serve the original.
	ErrBadImage = errors.New("files: image cannot be decoded")
	// ErrImageTooLarge: the image, or the thumbnail asked of it, has
	// more pixels than the Thumbnailer's limit; nothing was decoded.
	ErrImageTooLarge = errors.New("files: image too large for a thumbnail")
	// ErrInvalidThumbSize: not a thumb size (see ParseThumbSize).
	ErrInvalidThumbSize = errors.New("files: invalid thumb size")
)

// MaxThumbSide is the largest width or height of a thumb size.
const MaxThumbSide = 4096

// Defaults of a Thumbnailer.
const (
	// DefaultMaxPixels is the most pixels a source image (and a
	// thumbnail) may have: 25 megapixels, a 6144×4096 photo.
	DefaultMaxPixels = 25_000_000
	// DefaultThumbWorkers is the most thumbnails made at once (fewer on
	// a single-CPU machine).
	DefaultThumbWorkers = 2
	// thumbBytesPerPixel × maxPixels is the memory budget of a
	// Thumbnailer's image buffers (300 MB with DefaultMaxPixels).
	thumbBytesPerPixel = 12
)

// ThumbSize is a thumbnail size as a file field's thumbs option lists
// it. Mode is 0 for "WxH" (crop to W×H from the centre), 't' for "WxHt"
// (crop from the top), 'b' for "WxHb" (crop from the bottom) and 'f' for
// "WxHf" (fit inside W×H keeping the ratio, never enlarged, no crop).
// "0xH" and "Wx0" resize to that height or width keeping the ratio
// (enlarging if need be), whatever the mode.
type ThumbSize struct {
	W, H int
	Mode byte
}

// ParseThumbSize parses a thumb size: exactly ^\d+x\d+[tbf]?$, W and H
// at most MaxThumbSide and not both 0. Anything else is an error
// wrapping ErrInvalidThumbSize. Leading zeros are accepted ("0100x100"
// is 100x100); String gives the canonical spelling.
func ParseThumbSize(s string) (ThumbSize, error) {
	bad := func() (ThumbSize, error) {
		return ThumbSize{}, fmt.Errorf("%w: %q", ErrInvalidThumbSize, s)
	}
	var size ThumbSize
	if n := len(s); n > 0 && (s[n-1] == 't' || s[n-1] == 'b' || s[n-1] == 'f') {
		size.Mode, s = s[n-1], s[:n-1]
	}
	ws, hs, ok := strings.Cut(s, "x")
	w, okW := parseSide(ws)
	h, okH := parseSide(hs)
	if !ok || !okW || !okH || w == 0 && h == 0 {
		return bad()
	}
	size.W, size.H = w, h
	return size, nil
}

// parseSide parses one side of a thumb size: ASCII digits only (no sign,
// no spaces), at most MaxThumbSide.
func parseSide(s string) (int, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n <= MaxThumbSide
}

// String returns the size as the thumbs option spells it ("100x100",
// "0x50", "100x100f"); thumbnail keys use it.
func (s ThumbSize) String() string {
	out := strconv.Itoa(s.W) + "x" + strconv.Itoa(s.H)
	if s.Mode != 0 {
		out += string(rune(s.Mode))
	}
	return out
}

// valid reports whether s is what ParseThumbSize could return.
func (s ThumbSize) valid() bool {
	return s.W >= 0 && s.H >= 0 && s.W <= MaxThumbSide && s.H <= MaxThumbSide && (s.W > 0 || s.H > 0) &&
		(s.Mode == 0 || s.Mode == 't' || s.Mode == 'b' || s.Mode == 'f')
}

// IsThumbable reports whether thumbnails are made of content of type
// contentType (parameters ignored): image/jpeg, image/png, image/gif and
// image/webp.
func IsThumbable(contentType string) bool {
	return ThumbContentType(contentType) != ""
}

// ThumbContentType returns the content type of a thumbnail of an image
// of type contentType: JPEG stays JPEG and PNG stays PNG; a GIF's
// thumbnail is a PNG of its first frame (PNG keeps its transparency and
// colours, where re-encoding to GIF would dither to 256 colours); a
// WebP's thumbnail is a PNG (there is no pure-Go WebP encoder). The
// thumbnail's key keeps the original's name and extension, so it must be
// served with this type (also stored with the object), never one guessed
// from the extension. It returns "" when !IsThumbable(contentType).
func ThumbContentType(contentType string) string {
	switch baseType(contentType) {
	case "image/jpeg":
		return "image/jpeg"
	case "image/png", "image/gif", "image/webp":
		return "image/png"
	}
	return ""
}

// Thumbnailer makes thumbnails on first request and stores them next to
// their image. It is safe for concurrent use; one Thumbnailer should
// serve every storage of a process, so that its bounds hold process-wide.
//
// Memory is bounded, so that a storm of requests for cold thumbnails of
// large images cannot exhaust it:
//   - an image whose header claims more than maxPixels pixels is refused
//     (ErrImageTooLarge) before any pixel is decoded, as is a thumbnail
//     of more than maxPixels pixels;
//   - each job's image buffers are estimated from the header before
//     decoding: what the decoder allocates for the source (by format:
//     baseline JPEG 1–3 bytes a pixel, 4:2:0 photos 1.5; progressive JPEG
//     5 times that, its coefficients being kept; PNG 1–8, twice when
//     interlaced; GIF ≤ 5; WebP 2–8), plus 4 bytes a pixel of the resize's
//     intermediate image and 8 of the thumbnail (it and its rotated copy);
//   - the jobs in progress hold at most 12 × maxPixels bytes of such
//     buffers together (300 MB by default): a job waits until its
//     estimate fits (or its context ends), and one whose estimate alone
//     exceeds the budget is refused with ErrImageTooLarge. So a 25 MP
//     baseline JPEG (~40 MB) or 8-bit PNG (~100 MB) is thumbnailed; a
//     25 MP progressive 4:4:4 JPEG (~375 MB) is not, though one of
//     about 20 MP is;
//   - at most `workers` jobs run at once (each resize already uses every
//     CPU).
//
// The Go heap may still grow past the budget by the garbage collector's
// slack (GOGC; GOMEMLIMIT tightens it).
//
// Concurrent first requests for one thumbnail make it once: they share
// one generation (keyed by the thumbnail's key), and a request that
// arrives after it was stored finds it with Stat.
type Thumbnailer struct {
	maxPixels int64
	budget    int64               // bytes of image buffers, all jobs together
	mem       *semaphore.Weighted // of budget
	sem       chan struct{}       // of workers
	group     singleflight.Group
}

// NewThumbnailer returns a Thumbnailer refusing images of more than
// maxPixels pixels (DefaultMaxPixels when maxPixels ≤ 0), with a memory
// budget of 12 × maxPixels bytes, making at most DefaultThumbWorkers
// thumbnails at once (one when GOMAXPROCS is 1).
func NewThumbnailer(maxPixels int64) *Thumbnailer {
	return NewThumbnailerWorkers(maxPixels, 0)
}

// NewThumbnailerWorkers is NewThumbnailer with at most workers
// thumbnails made at once (workers ≤ 0: the default).
func NewThumbnailerWorkers(maxPixels int64, workers int) *Thumbnailer {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	maxPixels = min(maxPixels, 1<<40) // the budget stays far from overflowing
	if workers <= 0 {
		workers = min(DefaultThumbWorkers, runtime.GOMAXPROCS(0))
	}
	budget := maxPixels * thumbBytesPerPixel
	return &Thumbnailer{maxPixels: maxPixels, budget: budget, mem: semaphore.NewWeighted(budget),
		sem: make(chan struct{}, workers)}
}

// Get returns the key of the size thumbnail of the image stored in st
// under fileKey, whose content type is contentType (as detected from its
// bytes): ThumbKey(fileKey, size.String()). When st has no object under
// that key, Get makes the thumbnail and stores it there (with
// ThumbContentType(contentType)) before returning.
//
// Errors: ErrNotImage when !IsThumbable(contentType);
// ErrInvalidThumbSize for a size ParseThumbSize would not return;
// ErrInvalidKey when fileKey (or the thumbnail's key) is not a valid
// key; the source's ErrNotFound; an error wrapping ErrImageTooLarge
// when the image or the thumbnail has more than maxPixels pixels or
// making it would need more than the memory budget; an error wrapping
// ErrBadImage when the image cannot be decoded (callers then serve the
// original); ctx's error when it ends first; otherwise the storage's
// error. No thumbnail is stored on error.
func (t *Thumbnailer) Get(ctx context.Context, st Storage, fileKey string, size ThumbSize, contentType string) (string, error) {
	if !IsThumbable(contentType) {
		return "", ErrNotImage
	}
	if !size.valid() {
		return "", fmt.Errorf("%w: %+v", ErrInvalidThumbSize, size)
	}
	if !ValidKey(fileKey) || !strings.Contains(fileKey, "/") {
		return "", ErrInvalidKey
	}
	key := ThumbKey(fileKey, size.String())
	if !ValidKey(key) {
		return "", ErrInvalidKey
	}
	if _, err := st.Stat(ctx, key); err == nil {
		return key, nil
	} else if !errors.Is(err, ErrNotFound) {
		return "", err
	}
	// The shared generation runs with the context of the request that
	// started it. When that request goes away, the generation fails with
	// its context's error; a request still waiting then starts over with
	// its own context (a few times at most).
	for attempt := 0; ; attempt++ {
		ch := t.group.DoChan(key, func() (_ any, err error) {
			// A panic must not escape: DoChan would re-panic it on a
			// goroutine of its own and end the process.
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("files: panic while making thumbnail %s: %v", key, r)
				}
			}()
			return nil, t.generate(ctx, st, fileKey, key, size, contentType)
		})
		var err error
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case res := <-ch:
			err = res.Err
		}
		if err == nil {
			return key, nil
		}
		otherCtx := errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
		if !otherCtx || ctx.Err() != nil || attempt == 3 {
			return "", err
		}
	}
}

// generate makes the thumbnail key of the image under fileKey and stores
// it, unless it was stored since the caller's Stat.
func (t *Thumbnailer) generate(ctx context.Context, st Storage, fileKey, key string, size ThumbSize, contentType string) error {
	if _, err := st.Stat(ctx, key); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	data, err := t.renderBounded(ctx, st, fileKey, size, baseType(contentType))
	if err != nil {
		return err
	}
	return st.Put(ctx, key, bytes.NewReader(data), int64(len(data)), ThumbContentType(contentType))
}

// renderBounded is render holding one of the workers' slots. A panic
// (of a decoder, on a hostile image) is ErrBadImage.
func (t *Thumbnailer) renderBounded(ctx context.Context, st Storage, fileKey string, size ThumbSize, contentType string) (data []byte, err error) {
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-t.sem }()
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, fmt.Errorf("%w: panic while making a thumbnail of %s: %v", ErrBadImage, fileKey, r)
		}
	}()
	return t.render(ctx, st, fileKey, size, contentType)
}

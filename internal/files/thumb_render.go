package files

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"

	"github.com/disintegration/imaging"
	"golang.org/x/image/webp"
)

// codec decodes one thumbable type. Each type is decoded by its own
// decoder, never by sniffing: content that is not of its stored type is
// ErrBadImage.
type codec struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var codecs = map[string]codec{
	"image/jpeg": {jpeg.DecodeConfig, jpeg.Decode},
	"image/png":  {png.DecodeConfig, png.Decode},
	"image/gif":  {gif.DecodeConfig, gif.Decode}, // the first frame only
	"image/webp": {webp.DecodeConfig, webp.Decode},
}

// headLen is how much of what the header decoder reads is kept, to read
// a JPEG's EXIF orientation and frame header (and a PNG's interlace
// flag): the segments before the frame header are rarely more than a
// few dozen KiB (EXIF ≤ 64 KiB, ICC profiles), 1 MiB is ample.
const headLen = 1 << 20

// JPEG quality of JPEG thumbnails.
const thumbJPEGQuality = 85

// render decodes the image under fileKey and returns its size thumbnail,
// encoded. contentType is a base type of codecs.
func (t *Thumbnailer) render(ctx context.Context, st Storage, fileKey string, size ThumbSize, contentType string) ([]byte, error) {
	c, ok := codecs[contentType]
	if !ok {
		return nil, ErrNotImage
	}
	obj, err := st.Open(ctx, fileKey)
	if err != nil {
		return nil, err
	}
	// The source is closed once decoded (or on the way out), before the
	// memory budget is given back below.
	closed := false
	closeObj := func() {
		if !closed {
			closed = true
			obj.Close()
		}
	}
	defer closeObj()

	// The header first: nothing is decoded of an image that is too large.
	head := &headBuffer{max: headLen}
	src := &sourceReader{ctx: ctx, r: obj.Content}
	cfg, err := c.config(io.TeeReader(src, head))
	if err != nil {
		return nil, src.fail(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: %dx%d pixels", ErrBadImage, cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > t.maxPixels {
		return nil, fmt.Errorf("%w: %dx%d is more than %d pixels", ErrImageTooLarge, cfg.Width, cfg.Height, t.maxPixels)
	}
	var jh jpegHeader
	if contentType == "image/jpeg" {
		jh = parseJPEGHeader(head.b)
	}
	p := planThumb(cfg.Width, cfg.Height, size, max(jh.orient, 1))
	if px := int64(p.w) * int64(p.h); px > t.maxPixels {
		return nil, fmt.Errorf("%w: a %s thumbnail of %dx%d would have %d pixels, more than %d", ErrImageTooLarge, size, cfg.Width, cfg.Height, px, t.maxPixels)
	}
	cost := sourceBytes(contentType, cfg, head.b, jh) + 4*p.intermediatePixels() + 8*int64(p.w)*int64(p.h)
	if cost > t.budget {
		return nil, fmt.Errorf("%w: a %s thumbnail of this %dx%d image needs about %d MB, more than the %d MB budget",
			ErrImageTooLarge, size, cfg.Width, cfg.Height, cost>>20, t.budget>>20)
	}
	if err := t.mem.Acquire(ctx, cost); err != nil {
		return nil, err
	}
	defer t.mem.Release(cost)

	if _, err := obj.Content.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("files: rewinding %s: %w", fileKey, err)
	}
	src = &sourceReader{ctx: ctx, r: obj.Content}
	img, err := c.decode(src)
	closeObj()
	if err != nil {
		return nil, src.fail(err)
	}
	if img, err = onCanvas(img, cfg); err != nil {
		return nil, err
	}

	out := p.apply(img)
	var buf bytes.Buffer
	if contentType == "image/jpeg" {
		err = jpeg.Encode(&buf, out, &jpeg.Options{Quality: thumbJPEGQuality})
	} else {
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, out)
	}
	if err != nil {
		return nil, fmt.Errorf("files: encoding a thumbnail of %s: %w", fileKey, err)
	}
	return buf.Bytes(), nil
}

// onCanvas checks that img has the size its header announced. A GIF's
// first frame may cover only part of the logical screen: it is drawn on
// a transparent canvas of the screen's size, as a browser shows it.
func onCanvas(img image.Image, cfg image.Config) (image.Image, error) {
	b := img.Bounds()
	if b.Min == (image.Point{}) && b.Dx() == cfg.Width && b.Dy() == cfg.Height {
		return img, nil
	}
	screen := image.Rect(0, 0, cfg.Width, cfg.Height)
	if _, ok := img.(*image.Paletted); !ok || !b.In(screen) {
		return nil, fmt.Errorf("%w: decoded %v, header said %dx%d", ErrBadImage, b, cfg.Width, cfg.Height)
	}
	canvas := image.NewNRGBA(screen)
	draw.Draw(canvas, b, img, b.Min, draw.Src)
	return canvas, nil
}

// sourceReader reads a stored image for a decoder, remembering a read
// error (the storage's, or ctx's once it is done) so that it is not
// taken for a corrupt image.
type sourceReader struct {
	ctx context.Context
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return 0, err
	}
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// fail returns the error for a decoder's error err: the read error if
// there was one, else ErrBadImage.
func (s *sourceReader) fail(err error) error {
	if s.err != nil {
		return fmt.Errorf("files: reading an image: %w", s.err)
	}
	return fmt.Errorf("%w: %v", ErrBadImage, err)
}

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	b   []byte
	max int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// edge is where a crop keeps the source, in the stored image's frame.
type edge int

const (
	edgeCenter edge = iota
	edgeTop
	edgeBottom
	edgeLeft
	edgeRight
)

// thumbPlan is what to do with a decoded source: crop it to crop (relative
// to its bounds' origin), resize that to w×h, then apply the EXIF
// orientation orient. w, h and crop are in the stored (unrotated) frame.
type thumbPlan struct {
	crop   image.Rectangle
	w, h   int
	orient int
}

// planThumb plans the size thumbnail of a srcW×srcH image whose EXIF
// orientation is orient (1 when none). Sizes and crop edges are meant
// in the image as displayed, so for orientations 5–8 (a quarter turn)
// they are swapped into the stored frame.
func planThumb(srcW, srcH int, size ThumbSize, orient int) thumbPlan {
	swap := orient >= 5 && orient <= 8
	dW, dH := srcW, srcH // as displayed
	if swap {
		dW, dH = srcH, srcW
	}
	w, h := size.W, size.H
	crop := false
	switch {
	case w == 0:
		w = scale(h, dW, dH)
	case h == 0:
		h = scale(w, dH, dW)
	case size.Mode == 'f':
		switch {
		case dW <= w && dH <= h:
			w, h = dW, dH
		case int64(dW)*int64(h) > int64(w)*int64(dH): // wider than w×h
			h = scale(w, dH, dW)
		default:
			w = scale(h, dW, dH)
		}
	default:
		crop = true
	}
	if swap {
		w, h = h, w
	}
	p := thumbPlan{crop: image.Rect(0, 0, srcW, srcH), w: w, h: h, orient: orient}
	if !crop {
		return p
	}
	e := cropEdge(size.Mode, orient)
	if int64(srcW)*int64(h) < int64(w)*int64(srcH) { // taller than w×h: keep some rows
		ch := min(srcH, scale(srcW, h, w))
		y := (srcH - ch) / 2
		if e == edgeTop {
			y = 0
		} else if e == edgeBottom {
			y = srcH - ch
		}
		p.crop = image.Rect(0, y, srcW, y+ch)
	} else { // wider: keep some columns
		cw := min(srcW, scale(srcH, w, h))
		x := (srcW - cw) / 2
		if e == edgeLeft {
			x = 0
		} else if e == edgeRight {
			x = srcW - cw
		}
		p.crop = image.Rect(x, 0, x+cw, srcH)
	}
	return p
}

// cropEdge returns the stored image's edge that is the top ('t') or
// bottom ('b') of the image displayed with EXIF orientation orient.
func cropEdge(mode byte, orient int) edge {
	var top, bottom edge
	switch orient {
	case 3, 4: // turned or flipped upside down
		top, bottom = edgeBottom, edgeTop
	case 5, 6: // the left column is displayed as the top row
		top, bottom = edgeLeft, edgeRight
	case 7, 8: // the right column is displayed as the top row
		top, bottom = edgeRight, edgeLeft
	default:
		top, bottom = edgeTop, edgeBottom
	}
	switch mode {
	case 't':
		return top
	case 'b':
		return bottom
	}
	return edgeCenter
}

// scale returns round(a×b/c), at least 1.
func scale(a, b, c int) int {
	v := (int64(a)*int64(b) + int64(c)/2) / int64(c)
	return int(max(1, v))
}

// intermediatePixels is the size of the intermediate image of a resize
// in both directions (imaging resizes the width first: w × the crop's
// height), 0 when there is none.
func (p thumbPlan) intermediatePixels() int64 {
	if p.w != p.crop.Dx() && p.h != p.crop.Dy() {
		return int64(p.w) * int64(p.crop.Dy())
	}
	return 0
}

// sourceBytes estimates what decoding a cfg image of type contentType
// allocates, from its header (head: the file's first bytes; jh: what
// they say of a JPEG). It errs on the high side.
func sourceBytes(contentType string, cfg image.Config, head []byte, jh jpegHeader) int64 {
	px := float64(cfg.Width) * float64(cfg.Height)
	var perPixel float64
	switch contentType {
	case "image/jpeg":
		if !jh.sof { // the frame header is past what was kept: assume the worst
			perPixel = 4 + 4 + 4*4
			break
		}
		perPixel = jh.planes // the decoded planes
		if jh.components == 4 {
			perPixel += 4 // converted to CMYK
		}
		if jh.progressive {
			perPixel += 4 * jh.planes // every coefficient, 4 bytes each
		}
	case "image/png":
		perPixel = pngBytesPerPixel(cfg.ColorModel)
		if len(head) > 28 && head[28] != 0 { // IHDR's interlace method: the passes, then the image
			perPixel *= 2
		}
	case "image/gif":
		perPixel = 5 // the frame, and a canvas when it is smaller
	case "image/webp":
		switch cfg.ColorModel {
		case color.YCbCrModel:
			perPixel = 2
		case color.NYCbCrAModel:
			perPixel = 7 // the alpha plane is decoded as an RGBA image first
		default:
			perPixel = 8 // lossless: ARGB words, then the image
		}
	default:
		perPixel = 8
	}
	return int64(math.Ceil(px * perPixel))
}

// pngBytesPerPixel is the size of a pixel of the image png.Decode returns
// for color model m.
func pngBytesPerPixel(m color.Model) float64 {
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.RGBAModel, color.NRGBAModel:
		return 4
	}
	return 8
}

// apply makes the thumbnail of img. The crop is a view of img, not a
// copy, when img's type allows (every decoder's does).
func (p thumbPlan) apply(img image.Image) *image.NRGBA {
	b := img.Bounds()
	var src image.Image = img
	if r := p.crop.Add(b.Min); r != b {
		if si, ok := img.(interface {
			SubImage(image.Rectangle) image.Image
		}); ok {
			src = si.SubImage(r)
		} else {
			src = imaging.Crop(img, r)
		}
	}
	out := imaging.Resize(src, p.w, p.h, imaging.Lanczos)
	switch p.orient {
	case 2:
		out = imaging.FlipH(out)
	case 3:
		out = imaging.Rotate180(out)
	case 4:
		out = imaging.FlipV(out)
	case 5:
		out = imaging.Transpose(out)
	case 6:
		out = imaging.Rotate270(out) // a quarter turn clockwise
	case 7:
		out = imaging.Transverse(out)
	case 8:
		out = imaging.Rotate90(out) // a quarter turn anticlockwise
	}
	return out
}

// jpegHeader is what the start of a JPEG says.
type jpegHeader struct {
	orient      int     // EXIF orientation, 1–8; 0 when none
	sof         bool    // a frame header was found
	progressive bool    // of a progressive frame
	components  int     // in the frame
	planes      float64 // bytes of decoded planes per pixel (1.5 for 4:2:0 YCbCr)
}

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG that
// starts with b; 1 when there is none or b is not understood.
func jpegOrientation(b []byte) int { return max(parseJPEGHeader(b).orient, 1) }

// parseJPEGHeader reads the segments of the JPEG that starts with b up to
// its first scan (or b's end): the EXIF orientation of its APP1 segment
// and its frame header.
func parseJPEGHeader(b []byte) jpegHeader {
	var h jpegHeader
	if len(b) < 2 || b[0] != 0xff || b[1] != 0xd8 {
		return h
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return h
		}
		m := b[i+1]
		switch {
		case m == 0xff: // fill byte
			i++
			continue
		case m == 0x01 || m >= 0xd0 && m <= 0xd8: // no length
			i += 2
			continue
		case m == 0xd9 || m == 0xda: // end of image, start of scan
			return h
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 {
			return h
		}
		seg := b[i+4 : min(len(b), i+2+n)]
		switch {
		case m == 0xe1 && h.orient == 0 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
			h.orient = exifOrientation(seg[6:])
		case m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc && !h.sof:
			if parseSOF(seg, &h) {
				h.progressive = m == 0xc2 || m == 0xc6 || m == 0xca || m == 0xce
			}
		}
		i += 2 + n
	}
	return h
}

// parseSOF reads a frame header's components and sampling factors into
// h; false when seg is not a whole frame header.
func parseSOF(seg []byte, h *jpegHeader) bool {
	if len(seg) < 6 {
		return false
	}
	nf := int(seg[5])
	if nf == 0 || len(seg) < 6+3*nf {
		return false
	}
	hmax, vmax, sum := 0, 0, 0
	for c := range nf {
		hs, vs := int(seg[6+3*c+1]>>4), int(seg[6+3*c+1]&0x0f)
		if hs == 0 || vs == 0 {
			return false
		}
		hmax, vmax, sum = max(hmax, hs), max(vmax, vs), sum+hs*vs
	}
	h.sof, h.components, h.planes = true, nf, float64(sum)/float64(hmax*vmax)
	return true
}

// exifOrientation returns the Orientation tag (0x0112) of IFD0 of the
// TIFF structure t, or 1.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	off := int64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > int64(len(t)) {
		return 1
	}
	n := int64(bo.Uint16(t[off:]))
	for k := range n {
		e := off + 2 + k*12
		if e+12 > int64(len(t)) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		if bo.Uint16(t[e+2:]) != 3 { // SHORT
			return 1
		}
		if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
			return o
		}
		return 1
	}
	return 1
}

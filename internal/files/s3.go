package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3PartSize is the part size of multipart uploads, and so the memory one
// upload of unknown size, or of a known size above it, holds: one buffer
// of S3PartSize. With S3's limit of 10,000 parts it also caps an upload
// of unknown size at 160 GiB.
const S3PartSize = 16 << 20

// S3Config locates an S3-compatible bucket.
type S3Config struct {
	Bucket string
	// Region, such as "us-east-1"; "" lets the client ask the server.
	Region string
	// Endpoint is "http://host[:port]", "https://host[:port]" or a bare
	// "host[:port]" (HTTPS); "" is AWS ("s3.amazonaws.com").
	Endpoint  string
	AccessKey string
	Secret    string
	// ForcePathStyle addresses the bucket as endpoint/bucket/key instead
	// of bucket.endpoint/key, as most servers other than AWS need.
	ForcePathStyle bool
}

// S3 is a Storage in an S3-compatible bucket: the object under key is the
// bucket's object named key.
type S3 struct {
	client   *minio.Client
	bucket   string
	endpoint string // for error messages
}

var _ Storage = (*S3)(nil)

// NewS3 returns an S3 storage for cfg. It checks the configuration but
// does not contact the server (ctx bounds no work today): a missing
// bucket or refused credentials show at the first request, or in
// TestS3. The client retries a failed request a few times with backoff.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	return newS3(cfg, 3)
}

func newS3(cfg S3Config, maxRetries int) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("s3: no bucket configured")
	}
	host, secure, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	lookup := minio.BucketLookupAuto
	if cfg.ForcePathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.Secret, ""),
		Secure:       secure,
		Region:       cfg.Region,
		BucketLookup: lookup,
		MaxRetries:   maxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: endpoint %q: %w", cfg.Endpoint, err)
	}
	scheme := "https://"
	if !secure {
		scheme = "http://"
	}
	return &S3{client: client, bucket: cfg.Bucket, endpoint: scheme + host}, nil
}

// parseEndpoint splits an S3Config.Endpoint into a host[:port] and
// whether to use TLS.
func parseEndpoint(endpoint string) (host string, secure bool, err error) {
	if endpoint == "" {
		return "s3.amazonaws.com", true, nil
	}
	if !strings.Contains(endpoint, "://") {
		endpoint = "https://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", false, fmt.Errorf("s3: endpoint %q: %w", endpoint, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", false, fmt.Errorf("s3: endpoint %q: the scheme must be http or https", endpoint)
	}
	if u.Host == "" || (u.Path != "" && u.Path != "/") || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", false, fmt.Errorf("s3: endpoint %q: want scheme://host[:port], without path, user or query", endpoint)
	}
	return u.Host, u.Scheme == "https", nil
}

// Put uploads r as key. An object of known size up to S3PartSize goes in
// one streamed PUT (no buffer); a larger one, or one of unknown size (-1),
// in a multipart upload through one S3PartSize buffer, which S3 publishes
// whole at completion: readers never see a part. r is read sequentially
// only (not through ReadAt, even when it has one). A contentType of "" is
// stored as application/octet-stream.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if !ValidKey(key) {
		return ErrInvalidKey
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, struct{ io.Reader }{r}, size, s.putOptions(contentType))
	if err != nil {
		return s.fail("put", key, err)
	}
	return nil
}

func (s *S3) putOptions(contentType string) minio.PutObjectOptions {
	return minio.PutObjectOptions{ContentType: contentType, PartSize: S3PartSize}
}

// PutFile uploads the regular file at path as key and leaves the file in
// place. A file above S3PartSize is sent in parts read with ReadAt, by a
// few parallel requests, without part buffers.
func (s *S3) PutFile(ctx context.Context, key, path, contentType string) error {
	if !ValidKey(key) {
		return ErrInvalidKey
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("files: put %s: %w", key, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("files: put %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("files: put %s: %s is not a regular file", key, path)
	}
	if _, err := s.client.PutObject(ctx, s.bucket, key, f, fi.Size(), s.putOptions(contentType)); err != nil {
		return s.fail("put", key, err)
	}
	return nil
}

// Open stats the object under key and returns it; ErrNotFound when there
// is none. Content is the *minio.Object: reads stream the response body,
// and a Seek followed by a Read issues a ranged GET, pinned to the
// object's ETag so that an object overwritten meanwhile fails the read
// rather than mixing two versions. ctx bounds those reads too: it must
// outlive them.
func (s *S3) Open(ctx context.Context, key string) (*Object, error) {
	if !ValidKey(key) {
		return nil, ErrInvalidKey
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, s.fail("open", key, err)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, s.fail("open", key, err)
	}
	return &Object{Attrs: s3Attrs(info), Content: obj}, nil
}

// Stat returns the object's attributes (HEAD); ErrNotFound when there is
// none, and also when the bucket is missing (a HEAD response has no body
// to tell the two apart).
func (s *S3) Stat(ctx context.Context, key string) (Attrs, error) {
	if !ValidKey(key) {
		return Attrs{}, ErrInvalidKey
	}
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return Attrs{}, s.fail("stat", key, err)
	}
	return s3Attrs(info), nil
}

func s3Attrs(info minio.ObjectInfo) Attrs {
	return Attrs{Key: info.Key, Size: info.Size, ModTime: info.LastModified, ContentType: info.ContentType}
}

// Delete removes the object under key; a missing one is not an error.
func (s *S3) Delete(ctx context.Context, key string) error {
	if !ValidKey(key) {
		return ErrInvalidKey
	}
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).Code != minio.NoSuchKey {
		return s.fail("delete", key, err)
	}
	return nil
}

// DeletePrefix lists the objects under prefix + "/" and removes them with
// multi-object deletes (1,000 keys a request). It returns the first
// error, after trying every object it could list.
func (s *S3) DeletePrefix(ctx context.Context, prefix string) error {
	if !ValidKey(prefix) {
		return ErrInvalidKey
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var listErr error
	objects := func(yield func(minio.ObjectInfo) bool) {
		opts := minio.ListObjectsOptions{Prefix: prefix + "/", Recursive: true}
		for o := range s.client.ListObjectsIter(ctx, s.bucket, opts) {
			if o.Err != nil {
				listErr = o.Err
				return
			}
			if !yield(o) {
				return
			}
		}
	}
	results, err := s.client.RemoveObjectsWithIter(ctx, s.bucket, objects, minio.RemoveObjectsOptions{})
	if err != nil {
		return s.fail("delete", prefix+"/", err)
	}
	var rmErr error
	for r := range results {
		if r.Err != nil && rmErr == nil {
			rmErr = fmt.Errorf("%s: %w", r.ObjectName, r.Err)
		}
	}
	if err := errors.Join(listErr, rmErr); err != nil {
		return s.fail("delete", prefix+"/", err)
	}
	return nil
}

// List lists the bucket's objects whose key starts with prefix (the
// string prefix: "c/r1" also lists "c/r10/…"), skipping names that are
// not valid keys. Listings carry no content type: Attrs.ContentType is
// "". prefix must be "", a valid key or a valid key followed by "/";
// otherwise List returns ErrInvalidKey. An error from fn is returned as
// is.
func (s *S3) List(ctx context.Context, prefix string, fn func(Attrs) error) error {
	if !validPrefix(prefix) {
		return ErrInvalidKey
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing when fn fails
	opts := minio.ListObjectsOptions{Prefix: prefix, Recursive: true}
	for o := range s.client.ListObjectsIter(ctx, s.bucket, opts) {
		if o.Err != nil {
			return s.fail("list", prefix, o.Err)
		}
		if !ValidKey(o.Key) {
			continue
		}
		if err := fn(Attrs{Key: o.Key, Size: o.Size, ModTime: o.LastModified}); err != nil {
			return err
		}
	}
	return nil
}

// Close releases nothing: the client holds only idle connections.
func (s *S3) Close() error { return nil }

// fail maps an error of the client: NoSuchKey is ErrNotFound, anything
// else is wrapped with the operation and the key.
func (s *S3) fail(op, key string, err error) error {
	if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return ErrNotFound
	}
	return fmt.Errorf("files: s3 %s %s: %w", op, key, err)
}

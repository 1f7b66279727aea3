package files

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/minio/minio-go/v7"
)

// TestS3 checks that cfg works: it writes a small probe object under
// ".galley_s3_test_<random>", reads it back and deletes it, all within
// ctx (give it a timeout: nothing else bounds it). Requests are not
// retried, so the first failure is the one reported. The error names
// what failed, in words an administrator can act on: a configuration
// that is not valid, an unreachable endpoint, a TLS failure, refused
// credentials, a missing bucket, a denied permission or a probe read back
// wrong. It wraps the client's error. The message never holds the secret.
func TestS3(ctx context.Context, cfg S3Config) error {
	s, err := newS3(cfg, 1)
	if err != nil {
		return err
	}
	key := ".galley_s3_test_" + rand.Text()
	body := []byte("galley s3 test " + key)
	if _, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(body), int64(len(body)),
		minio.PutObjectOptions{ContentType: "text/plain"}); err != nil {
		return s.explain(ctx, "write a test object", err)
	}
	// Try to delete the probe whatever happens, but report the first
	// failure.
	readErr := s.probeRead(ctx, key, body)
	err = s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if readErr != nil {
		return readErr
	}
	if err != nil {
		return s.explain(ctx, "delete the test object "+key, err)
	}
	return nil
}

func (s *S3) probeRead(ctx context.Context, key string, want []byte) error {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return s.explain(ctx, "read the test object back", err)
	}
	defer obj.Close()
	got, err := io.ReadAll(io.LimitReader(obj, int64(len(want))+1))
	if err != nil {
		return s.explain(ctx, "read the test object back", err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("s3: the test object %s read back from bucket %q differs from what was written (%d bytes, not %d)", key, s.bucket, len(got), len(want))
	}
	return nil
}

// explain turns an error of the client, while doing what, into a
// sentence naming the likely cause.
func (s *S3) explain(ctx context.Context, what string, err error) error {
	resp := minio.ToErrorResponse(err)
	var (
		dnsErr  *net.DNSError
		opErr   *net.OpError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
	)
	switch {
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("s3: no answer from %s in time (trying to %s): %w", s.endpoint, what, err)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("s3: endpoint %s unreachable: cannot resolve %s: %w", s.endpoint, dnsErr.Name, err)
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &host),
		strings.Contains(err.Error(), "tls: "):
		return fmt.Errorf("s3: TLS with endpoint %s failed (trying to %s): %w", s.endpoint, what, err)
	case errors.As(err, &opErr):
		return fmt.Errorf("s3: endpoint %s unreachable: %w", s.endpoint, err)
	case resp.Code == minio.NoSuchBucket:
		return fmt.Errorf("s3: bucket %q does not exist at %s: %w", s.bucket, s.endpoint, err)
	case resp.Code == minio.InvalidAccessKeyID, strings.HasSuffix(resp.Code, "UserNotFound"): // versitygw's
		return fmt.Errorf("s3: credentials refused by %s: the access key is unknown: %w", s.endpoint, err)
	case resp.Code == minio.SignatureDoesNotMatch:
		return fmt.Errorf("s3: credentials refused by %s: the secret does not match the access key: %w", s.endpoint, err)
	case resp.Code == minio.AccessDenied, resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("s3: access denied: the credentials may not %s in bucket %q: %w", what, s.bucket, err)
	case resp.Code != "":
		return fmt.Errorf("s3: could not %s in bucket %q at %s (%s): %w", what, s.bucket, s.endpoint, resp.Code, err)
	default:
		return fmt.Errorf("s3: could not %s in bucket %q at %s: %w", what, s.bucket, s.endpoint, err)
	}
}

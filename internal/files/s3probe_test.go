package files_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/files/s3test"
)

// TestS3Probe runs files.TestS3 (what POST /api/settings/test/s3 calls)
// against a real server, with a working configuration and broken ones.
func TestS3Probe(t *testing.T) {
	cfg := s3test.Start(t)
	probe := func(cfg files.S3Config) error {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		return files.TestS3(ctx, cfg)
	}

	if err := probe(cfg); err != nil {
		t.Fatalf("TestS3 with a working configuration: %v", err)
	}
	st, err := files.NewS3(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if left := listKeys(t, st, ".galley_s3_test_"); len(left) != 0 {
		t.Errorf("TestS3 left its probe: %q", left)
	}

	closed := func() string { // a port nobody listens on
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().String()
	}()
	tests := []struct {
		name string
		edit func(*files.S3Config)
		want []string // in the error message
	}{
		{"wrong secret", func(c *files.S3Config) { c.Secret = "wrong" + c.Secret }, []string{"credentials refused", "secret"}},
		{"unknown access key", func(c *files.S3Config) { c.AccessKey = "nobody" }, []string{"credentials refused"}},
		{"missing bucket", func(c *files.S3Config) { c.Bucket = "galley-missing" }, []string{`bucket "galley-missing" does not exist`}},
		{"endpoint unreachable", func(c *files.S3Config) { c.Endpoint = "http://" + closed }, []string{"unreachable", closed}},
		{"unknown host", func(c *files.S3Config) { c.Endpoint = "http://galley-no-such-host.invalid" }, []string{"unreachable"}},
		{"no bucket", func(c *files.S3Config) { c.Bucket = "" }, []string{"no bucket"}},
		{"bad scheme", func(c *files.S3Config) { c.Endpoint = "ftp://" + closed }, []string{"scheme"}},
		{"endpoint with a path", func(c *files.S3Config) { c.Endpoint += "/bucket" }, []string{"without path"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			tt.edit(&c)
			err := probe(c)
			if err == nil {
				t.Fatal("TestS3 succeeded")
			}
			t.Log(err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), cfg.Secret) {
				t.Errorf("the error shows the secret: %q", err)
			}
		})
	}

	t.Run("in time", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := files.TestS3(ctx, cfg); err == nil || !strings.Contains(err.Error(), "in time") {
			t.Errorf("TestS3 with an ended context = %v", err)
		}
	})
}

func TestNewS3Endpoint(t *testing.T) {
	for _, tc := range []struct {
		endpoint string
		ok       bool
	}{
		{"", true},
		{"s3.example.com", true},
		{"s3.example.com:9000", true},
		{"http://127.0.0.1:9000", true},
		{"https://s3.example.com/", true},
		{"ftp://s3.example.com", false},
		{"http://", false},
		{"http://u:p@s3.example.com", false},
		{"https://s3.example.com/path", false},
		{"https://s3.example.com?x=1", false},
	} {
		_, err := files.NewS3(t.Context(), files.S3Config{Bucket: "b", Endpoint: tc.endpoint})
		if (err == nil) != tc.ok {
			t.Errorf("NewS3(endpoint %q) = %v, want ok %v", tc.endpoint, err, tc.ok)
		}
	}
}

package buildinfo

import (
	"runtime"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	good := []struct {
		in   string
		want Version
		str  string
	}{
		{"v1.2.3", Version{Major: 1, Minor: 2, Patch: 3}, "v1.2.3"},
		{"1.2.3", Version{Major: 1, Minor: 2, Patch: 3}, "v1.2.3"},
		{"0.0.0-dev", Version{Pre: "dev"}, "v0.0.0-dev"},
		{"v10.20.30-rc.1+build.5", Version{Major: 10, Minor: 20, Patch: 30, Pre: "rc.1", Build: "build.5"}, "v10.20.30-rc.1+build.5"},
		{"v1.0.0-0.3.7", Version{Major: 1, Pre: "0.3.7"}, "v1.0.0-0.3.7"},
		{"v1.0.0-x-y-z.--", Version{Major: 1, Pre: "x-y-z.--"}, "v1.0.0-x-y-z.--"},
		{"v0.0.0-20261202233105-68a01c210c9f+dirty", Version{Pre: "20261202233105-68a01c210c9f", Build: "dirty"}, "v0.0.0-20261202233105-68a01c210c9f+dirty"},
	}
	for _, c := range good {
		got, err := ParseVersion(c.in)
		if err != nil || got != c.want || got.String() != c.str {
			t.Errorf("ParseVersion(%q) = %+v, %v; String %q", c.in, got, err, got.String())
		}
	}
	for _, in := range []string{"", "v", "1", "1.2", "v1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "v1.2.3-", "v1.2.3-01",
		"v1.2.3+", "v1.2.3-a..b", "vv1.2.3", " v1.2.3", "v1.2.3\n", "latest", "(devel)", "V1.2.3", "v1.2.3-é",
		"v99999999999999999999.0.0"} {
		if v, err := ParseVersion(in); err == nil {
			t.Errorf("ParseVersion(%q) = %+v, want an error", in, v)
		} else if !strings.Contains(err.Error(), "not a semantic version") {
			t.Errorf("ParseVersion(%q): %v", in, err)
		}
	}
}

func TestCompare(t *testing.T) {
	// in increasing precedence (semver.org §11's example, plus majors)
	order := []string{"0.9.9", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
		"1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0-rc.1", "2.0.0", "10.0.0"}
	for i, a := range order {
		for j, b := range order {
			va, _ := ParseVersion(a)
			vb, _ := ParseVersion(b)
			want := sign(i - j)
			if got := va.Compare(vb); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
	}
	a, _ := ParseVersion("1.2.3+one")
	b, _ := ParseVersion("v1.2.3+two")
	if a.Compare(b) != 0 {
		t.Error("build metadata must not count")
	}
}

func TestGet(t *testing.T) {
	info := Get()
	if _, err := ParseVersion(info.Version); err != nil {
		t.Fatalf("Get().Version: %v", err)
	}
	if !strings.HasPrefix(info.Go, runtime.Version()+" ") {
		t.Fatalf("Go = %q", info.Go)
	}
	// what the linker sets wins over what the toolchain stamped
	version, commit, date = "1.4.0", "abc123", "2026-01-02T03:04:05Z"
	t.Cleanup(func() { version, commit, date = "", "", "" })
	info = Get()
	if info.Version != "v1.4.0" || info.Commit != "abc123" || info.Date != "2026-01-02T03:04:05Z" {
		t.Fatalf("Get() with ldflags = %+v", info)
	}
	version = "not-a-version"
	if got := Get().Version; got != DevVersion {
		t.Fatalf("a bad -X version gives %q, want %q", got, DevVersion)
	}
}

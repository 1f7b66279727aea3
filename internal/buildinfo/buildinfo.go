// Package buildinfo says which Galley this is: its semantic version, the
// commit and time it was built from, and the Go that built it. Release
// builds (scripts/release.sh) set them with -ldflags -X; other builds read
// what the Go toolchain stamped (debug.ReadBuildInfo: the module version and
// vcs.revision/vcs.time when built in a git checkout with -buildvcs), and a
// build that has neither is DevVersion.
package buildinfo

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// Set by release builds:
//
//	-ldflags "-X github.com/galleyhq/galley/internal/buildinfo.version=v1.2.3
//	          -X github.com/galleyhq/galley/internal/buildinfo.commit=<sha>
//	          -X github.com/galleyhq/galley/internal/buildinfo.date=<RFC 3339>"
//
// They are written only by the linker, never at run time.
var (
	version string
	commit  string
	date    string
)

// DevVersion is the version of a build that says nothing of its own (go
// run, go test, go build with -buildvcs=false outside a tagged checkout).
const DevVersion = "v0.0.0-dev"

// Info describes this binary.
type Info struct {
	Version  string // a semantic version with a leading v (v1.2.3, v1.3.0-rc.1, DevVersion)
	Commit   string // the git commit, "" when unknown
	Date     string // the commit time (release builds) or vcs.time, RFC 3339; "" when unknown
	Modified bool   // built from a checkout with uncommitted changes (vcs.modified)
	Go       string // the Go toolchain and target, e.g. "go1.26.8 linux/amd64"
}

// Get returns what is known about this binary. Version is always a valid
// semantic version (ParseVersion accepts it).
func Get() Info {
	info := Info{Version: version, Commit: commit, Date: date,
		Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if info.Version == "" {
			info.Version = bi.Main.Version // "(devel)" or "" unless the toolchain stamped one
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.time":
				if info.Date == "" {
					info.Date = s.Value
				}
			case "vcs.modified":
				info.Modified = info.Modified || s.Value == "true"
			}
		}
	}
	v, err := ParseVersion(info.Version)
	if err != nil {
		info.Version = DevVersion
	} else {
		info.Version = v.String()
	}
	return info
}

// Version is a parsed semantic version (https://semver.org).
type Version struct {
	Major, Minor, Patch int
	Pre                 string // the pre-release, without its "-" ("rc.1"); "" for a release
	Build               string // the build metadata, without its "+"; ignored by Compare
}

// semverRE is semver.org's grammar, with an optional leading v.
var semverRE = regexp.MustCompile(`^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)` +
	`(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// ParseVersion parses a semantic version, with or without a leading v
// ("v1.2.3", "1.2.3-rc.1+build.5"). Anything else — "1.2", "v01.2.3",
// "latest", "" — is an error that quotes the input.
func ParseVersion(s string) (Version, error) {
	m := semverRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("%q is not a semantic version (want MAJOR.MINOR.PATCH such as v1.2.3 or 1.2.3-rc.1)", s)
	}
	var v Version
	var err error
	for i, p := range []*int{&v.Major, &v.Minor, &v.Patch} {
		if *p, err = strconv.Atoi(m[i+1]); err != nil {
			return Version{}, fmt.Errorf("%q is not a semantic version: %s is too large", s, m[i+1])
		}
	}
	v.Pre, v.Build = m[4], m[5]
	return v, nil
}

// String returns the version with a leading v: "v1.2.3-rc.1+build.5".
func (v Version) String() string {
	s := fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch)
	if v.Pre != "" {
		s += "-" + v.Pre
	}
	if v.Build != "" {
		s += "+" + v.Build
	}
	return s
}

// Compare orders versions by semver precedence: -1 when v is older than w,
// 0 when they have the same precedence (build metadata is ignored), +1
// when v is newer.
func (v Version) Compare(w Version) int {
	for _, d := range [...]int{v.Major - w.Major, v.Minor - w.Minor, v.Patch - w.Patch} {
		if d != 0 {
			return sign(d)
		}
	}
	switch {
	case v.Pre == w.Pre:
		return 0
	case v.Pre == "":
		return 1 // a release is newer than its pre-releases
	case w.Pre == "":
		return -1
	}
	a, b := strings.Split(v.Pre, "."), strings.Split(w.Pre, ".")
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := comparePreField(a[i], b[i]); c != 0 {
			return c
		}
	}
	return sign(len(a) - len(b))
}

// comparePreField orders two pre-release identifiers: numbers numerically
// and below words, words in ASCII order.
func comparePreField(a, b string) int {
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		if na == nb {
			return 0
		}
		if na < nb {
			return -1
		}
		return 1
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

func sign(d int) int {
	switch {
	case d < 0:
		return -1
	case d > 0:
		return 1
	}
	return 0
}

// Command sbom writes a CycloneDX 1.5 JSON software bill of materials for a
// set of release binaries: the Go modules each was linked with (read from
// the binaries themselves, as `go version -m` does), the Go standard
// library, and the npm packages of the dashboard bundle, each with the
// license detected from its files in the module cache or ui/node_modules.
// It also checks that every binary was built as a release is: for the
// target it is named for, without cgo, with -trimpath (which keeps -ldflags
// out of the build information, so the version is checked by running the
// binary: scripts/release-check.sh). No network access.
//
//	go run ./tools/sbom -version v1.2.3 -date 2026-12-02T10:00:00Z -commit <sha> \
//	    -o galley_1.2.3_sbom.cdx.json linux/amd64=path/to/galley windows/amd64=path/to/galley.exe ...
package main

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/galleyhq/galley/tools/internal/licenses"
)

// mainModule is the module path of Galley.
const mainModule = "github.com/galleyhq/galley"

func main() {
	var o options
	flag.StringVar(&o.version, "version", "", "the release version (v1.2.3)")
	flag.StringVar(&o.commit, "commit", "", "the git commit built")
	flag.StringVar(&o.date, "date", "", "the build date (the commit time, RFC 3339), used as the document's timestamp")
	flag.StringVar(&o.root, "root", ".", "the Galley module (for the module cache lookup and ui/)")
	flag.StringVar(&o.ui, "ui", "ui", "the dashboard's npm project, relative to -root (skipped when it has no package.json)")
	flag.StringVar(&o.out, "o", "-", "output file; - for stdout")
	flag.Parse()
	o.binaries = flag.Args()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "sbom:", err)
		os.Exit(1)
	}
}

type options struct {
	version, commit, date, root, ui, out string
	binaries                             []string // target=path
}

func run(o options) error {
	if o.version == "" || o.date == "" || len(o.binaries) == 0 {
		return fmt.Errorf("want -version, -date and at least one GOOS/GOARCH=binary")
	}
	var bins []binary
	for _, arg := range o.binaries {
		target, path, ok := strings.Cut(arg, "=")
		if !ok {
			return fmt.Errorf("%q: want GOOS/GOARCH=path", arg)
		}
		b, err := readBinary(target, path)
		if err != nil {
			return err
		}
		bins = append(bins, b)
	}
	cache, err := licenses.ModuleCache(o.root)
	if err != nil {
		return err
	}
	ui := o.ui
	if !filepath.IsAbs(ui) {
		ui = filepath.Join(o.root, ui)
	}
	npm, err := licenses.NPMPackages(ui)
	if err != nil {
		return err
	}
	doc, err := document(o, bins, cache, npm)
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	out = append(out, '\n')
	if o.out == "-" {
		_, err = os.Stdout.Write(out)
		return err
	}
	return os.WriteFile(o.out, out, 0o644)
}

// binary is what one release binary says about its build.
type binary struct {
	target    string
	goVersion string // "go1.26.8"
	deps      []*module
}

type module struct{ path, version string }

// readBinary reads the build information of the binary at path and checks
// it is a release build for target.
func readBinary(target, path string) (binary, error) {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return binary{}, fmt.Errorf("%s: %w", path, err)
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	goos, goarch, _ := strings.Cut(target, "/")
	var problems []string
	check := func(ok bool, format string, args ...any) {
		if !ok {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	check(bi.Main.Path == mainModule, "main module %q, want %s", bi.Main.Path, mainModule)
	check(bi.Path == mainModule+"/cmd/galley", "built from %q, want %s/cmd/galley", bi.Path, mainModule)
	check(settings["GOOS"] == goos && settings["GOARCH"] == goarch, "built for %s/%s", settings["GOOS"], settings["GOARCH"])
	check(settings["CGO_ENABLED"] == "0", "CGO_ENABLED=%q, want 0", settings["CGO_ENABLED"])
	check(settings["-trimpath"] == "true", "not built with -trimpath")
	if len(problems) > 0 {
		return binary{}, fmt.Errorf("%s is not a release build for %s: %s", path, target, strings.Join(problems, "; "))
	}
	b := binary{target: target, goVersion: bi.GoVersion}
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		b.deps = append(b.deps, &module{path: d.Path, version: d.Version})
	}
	return b, nil
}

// CycloneDX 1.5 (https://cyclonedx.org/docs/1.5/json/), the fields used.
type bom struct {
	BOMFormat    string       `json:"bomFormat"`
	SpecVersion  string       `json:"specVersion"`
	SerialNumber string       `json:"serialNumber"`
	Version      int          `json:"version"`
	Metadata     metadata     `json:"metadata"`
	Components   []component  `json:"components"`
	Dependencies []dependency `json:"dependencies"`
}

type metadata struct {
	Timestamp  string     `json:"timestamp"`
	Tools      tools      `json:"tools"`
	Component  component  `json:"component"`
	Properties []property `json:"properties,omitempty"`
}

type tools struct {
	Components []component `json:"components"`
}

type component struct {
	Type       string     `json:"type"`
	BOMRef     string     `json:"bom-ref,omitempty"`
	Group      string     `json:"group,omitempty"`
	Name       string     `json:"name"`
	Version    string     `json:"version,omitempty"`
	Hashes     []hash     `json:"hashes,omitempty"`
	Licenses   []license  `json:"licenses,omitempty"`
	PURL       string     `json:"purl,omitempty"`
	Properties []property `json:"properties,omitempty"`
}

type hash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

// license is either one SPDX id or an SPDX expression.
type license struct {
	License    *licenseID `json:"license,omitempty"`
	Expression string     `json:"expression,omitempty"`
}

type licenseID struct {
	ID string `json:"id"`
}

type property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type dependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// document builds the SBOM: Galley as the metadata component; the Go
// standard library, the Go modules of any binary and the npm packages as
// components, sorted by bom-ref, each with the targets whose binary holds
// it (npm packages are in all). The modules' licenses are read from the
// module cache.
func document(o options, bins []binary, cache string, npm []licenses.Package) (bom, error) {
	var targets []string
	goVersion := bins[0].goVersion
	inBinaries := map[string][]string{} // path@version → targets
	mods := map[string]*module{}
	for _, b := range bins {
		if b.goVersion != goVersion {
			return bom{}, fmt.Errorf("the binaries were built with different Go versions: %s and %s", goVersion, b.goVersion)
		}
		targets = append(targets, b.target)
		for _, m := range b.deps {
			key := m.path + "@" + m.version
			mods[key] = m
			inBinaries[key] = append(inBinaries[key], b.target)
		}
	}
	slices.Sort(targets)
	var comps []component
	std := component{Type: "library", Name: "stdlib", Version: goVersion, PURL: "pkg:golang/stdlib@" + strings.TrimPrefix(goVersion, "go"),
		Licenses: spdx("BSD-3-Clause"), Properties: []property{{"galley:targets", strings.Join(targets, " ")}}}
	std.BOMRef = std.PURL
	comps = append(comps, std)
	for key, m := range mods {
		dir, err := licenses.ModuleDir(cache, m.path, m.version)
		if err != nil {
			return bom{}, err
		}
		p, err := licenses.Load(licenses.Package{Kind: "go", Name: m.path, Version: m.version, Dir: dir})
		if err != nil {
			return bom{}, err
		}
		t := inBinaries[key]
		slices.Sort(t)
		c := component{Type: "library", Name: m.path, Version: m.version, PURL: "pkg:golang/" + m.path + "@" + m.version,
			Licenses: spdx(p.SPDX), Properties: []property{{"galley:targets", strings.Join(t, " ")}}}
		c.BOMRef = c.PURL
		comps = append(comps, c)
	}
	for _, p := range npm {
		name := p.Name
		if strings.HasPrefix(name, "@") {
			name = "%40" + name[1:]
		}
		c := component{Type: "library", Name: p.Name, Version: p.Version, PURL: "pkg:npm/" + name + "@" + p.Version,
			Licenses: spdx(p.SPDX), Hashes: integrity(p.Integrity),
			Properties: []property{{"galley:targets", strings.Join(targets, " ")}, {"galley:embedded", "dashboard bundle"}}}
		c.BOMRef = c.PURL
		comps = append(comps, c)
	}
	slices.SortFunc(comps, func(a, b component) int { return strings.Compare(a.BOMRef, b.BOMRef) })

	root := component{Type: "application", Name: "galley", Version: o.version, PURL: "pkg:golang/" + mainModule + "@" + o.version,
		Licenses: spdx("MIT")}
	root.BOMRef = root.PURL
	refs := make([]string, len(comps))
	for i, c := range comps {
		refs[i] = c.BOMRef
	}
	props := []property{{"galley:commit", o.commit}, {"galley:go", goVersion}, {"galley:targets", strings.Join(targets, " ")}}
	sum := sha256.Sum256([]byte(strings.Join(append([]string{o.version, o.commit, o.date, goVersion}, append(refs, targets...)...), "\n")))
	return bom{
		BOMFormat: "CycloneDX", SpecVersion: "1.5", SerialNumber: uuidURN(sum), Version: 1,
		Metadata: metadata{
			Timestamp:  o.date,
			Tools:      tools{Components: []component{{Type: "application", Group: mainModule, Name: "tools/sbom", Version: o.version}}},
			Component:  root,
			Properties: props,
		},
		Components:   comps,
		Dependencies: []dependency{{Ref: root.BOMRef, DependsOn: refs}},
	}, nil
}

// spdx returns the licenses entry for an SPDX id or expression ("" none).
func spdx(expr string) []license {
	switch {
	case expr == "":
		return nil
	case strings.ContainsAny(expr, " ()"):
		return []license{{Expression: expr}}
	}
	return []license{{License: &licenseID{ID: expr}}}
}

// integrity turns an npm integrity string ("sha512-<base64>") into hashes.
func integrity(s string) []hash {
	var out []hash
	for _, part := range strings.Fields(s) {
		alg, b64, ok := strings.Cut(part, "-")
		raw, err := base64.StdEncoding.DecodeString(b64)
		if !ok || err != nil {
			continue
		}
		names := map[string]string{"sha1": "SHA-1", "sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512"}
		if n, ok := names[alg]; ok {
			out = append(out, hash{Alg: n, Content: hex.EncodeToString(raw)})
		}
	}
	return out
}

// uuidURN formats the first 16 bytes of sum as a version 5 style UUID URN,
// so the same release always gets the same serial number.
func uuidURN(sum [32]byte) string {
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

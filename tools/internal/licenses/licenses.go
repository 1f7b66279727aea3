// Package licenses finds the third-party code compiled into Galley — the Go
// modules of ./cmd/galley on every release target, the Go standard library
// and the npm packages bundled into the dashboard — with the license files
// each ships. It works offline: Go modules come from the module cache (go
// mod download fills it), npm packages from ui/node_modules (npm ci).
package licenses

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Targets are the release platforms (GOOS/GOARCH). The set of modules
// differs between them (cobra uses mousetrap on Windows only, for one), so
// the notices cover their union.
var Targets = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"}

// Package is one third-party component and its license files.
type Package struct {
	Kind    string // "go" (a module, or the standard library) or "npm"
	Name    string // module path, "Go standard library", or npm package name
	Version string // module version; "" for the standard library
	Dir     string // where its files are (not written to the notices)
	// Files are the license, notice and patent files at its root, sorted.
	Files []File
	// SPDX is the license expression detected from Files ("MIT",
	// "Apache-2.0 AND BSD-3-Clause"); "" when none was recognised.
	SPDX string
	// Integrity is the npm lockfile's integrity ("sha512-<base64>"); "" for Go.
	Integrity string
}

// File is one license file of a package.
type File struct {
	Name string
	Text string
}

// licenseFileRE matches the files worth copying: LICENSE, LICENCE,
// COPYING, NOTICE, PATENTS, with any suffix (LICENSE.md, LICENSE-MIT).
var licenseFileRE = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice|patents)([._-].*)?$`)

// sourceExtRE matches source files that licenseFileRE would take
// (notice_response.go).
var sourceExtRE = regexp.MustCompile(`(?i)\.(go|s|c|h|js|mjs|cjs|ts|json|map)$`)

// ReadFiles returns the license files at the root of dir, sorted by name.
func ReadFiles(dir string) ([]File, error) {
	return readFiles(dir, "")
}

// readFiles returns the license files in dir, named prefix + file name.
func readFiles(dir, prefix string) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []File
	for _, e := range entries {
		if !licenseFileRE.MatchString(e.Name()) || sourceExtRE.MatchString(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, File{Name: prefix + e.Name(), Text: normalise(string(b))})
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// normalise gives texts one line ending, no trailing spaces, and one final
// newline, so the notices do not depend on how a file was checked out.
func normalise(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r\f")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n") + "\n"
}

// goEnv returns the environment for go commands on target: no cgo (as
// release builds), and no network (a module missing from the cache is an
// error, not a download).
func goEnv(target string) []string {
	env := append(os.Environ(), "CGO_ENABLED=0", "GOPROXY=off", "GOFLAGS=-mod=readonly")
	if target != "" {
		goos, goarch, _ := strings.Cut(target, "/")
		env = append(env, "GOOS="+goos, "GOARCH="+goarch)
	}
	return env
}

func goCmd(dir, target string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = goEnv(target)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s (%s): %v: %s (run go mod download first)", strings.Join(args, " "), target, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

type goModule struct {
	Path    string
	Version string
	Dir     string
	Main    bool
	Replace *goModule
}

// GoModules returns the modules whose packages are compiled into pkg (run
// in the module at root) on any of targets, with their license files, plus
// the Go standard library. The files are those at the module's root, and
// those in a directory between the root and a compiled package
// ("s2/LICENSE"), which cover that part. A module without a license file
// at its root is an error: it cannot be redistributed until someone looks.
func GoModules(root, pkg string, targets []string) ([]Package, error) {
	seen := map[string]*Package{}
	subdirs := map[string]map[string]bool{} // module path → package dirs below its root
	for _, t := range targets {
		out, err := goCmd(root, t, "list", "-deps", "-json=Dir,Module", pkg)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		for {
			var p struct {
				Dir    string
				Module *goModule
			}
			if err := dec.Decode(&p); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, fmt.Errorf("go list: %w", err)
			}
			m := p.Module
			if m == nil || m.Main {
				continue // the standard library, or Galley itself
			}
			version, dir := m.Version, m.Dir
			if r := m.Replace; r != nil {
				version, dir = r.Version, r.Dir
				if version == "" {
					version = "(replaced by " + r.Path + ")"
				}
			}
			if dir == "" {
				return nil, fmt.Errorf("module %s %s is not in the module cache: run go mod download", m.Path, version)
			}
			if _, ok := seen[m.Path]; !ok {
				seen[m.Path] = &Package{Kind: "go", Name: m.Path, Version: version, Dir: dir}
				subdirs[m.Path] = map[string]bool{}
			}
			if rel, err := filepath.Rel(dir, p.Dir); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
				subdirs[m.Path][rel] = true
			}
		}
	}
	goroot, err := goCmd(root, "", "env", "GOROOT")
	if err != nil {
		return nil, err
	}
	pkgs := []Package{{Kind: "go", Name: "Go standard library", Dir: strings.TrimSpace(string(goroot))}}
	for _, p := range seen {
		pkgs = append(pkgs, *p)
	}
	slices.SortFunc(pkgs[1:], func(a, b Package) int { return strings.Compare(a.Name, b.Name) })
	for i := range pkgs {
		if err := pkgs[i].load(); err != nil {
			return nil, err
		}
		extra, err := subdirFiles(pkgs[i].Dir, subdirs[pkgs[i].Name])
		if err != nil {
			return nil, err
		}
		pkgs[i].Files = append(pkgs[i].Files, extra...)
	}
	return pkgs, nil
}

// subdirFiles returns the license files of the directories from each of
// rels (relative to root) up to, not including, root.
func subdirFiles(root string, rels map[string]bool) ([]File, error) {
	dirs := map[string]bool{}
	for rel := range rels {
		for d := rel; d != "." && d != string(filepath.Separator); d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	var out []File
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		files, err := readFiles(filepath.Join(root, d), filepath.ToSlash(d)+"/")
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	return out, nil
}

// ModuleCache returns the module cache directory (go env GOMODCACHE).
func ModuleCache(root string) (string, error) {
	out, err := goCmd(root, "", "env", "GOMODCACHE")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// ModuleDir returns where the module cache holds path@version: upper-case
// letters are escaped as "!" and the lower-case letter, as the go command
// does. A module that is not there is an error that says to download it.
func ModuleDir(cache, path, version string) (string, error) {
	var b strings.Builder
	for _, r := range path + "@" + version {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	dir := filepath.Join(cache, filepath.FromSlash(b.String()))
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("%s@%s is not in the module cache (%s): run go mod download", path, version, cache)
	}
	return dir, nil
}

// Load returns pkg with its license files and SPDX expression, read from
// pkg.Dir; no license file is an error.
func Load(pkg Package) (Package, error) {
	err := pkg.load()
	return pkg, err
}

func (p *Package) load() error {
	files, err := ReadFiles(p.Dir)
	if err != nil {
		return fmt.Errorf("%s %s: %w", p.Name, p.Version, err)
	}
	if len(files) == 0 {
		return fmt.Errorf("%s %s has no license file in %s: find its license before shipping it", p.Name, p.Version, p.Dir)
	}
	p.Files = files
	p.SPDX = Detect(files)
	return nil
}

// NPMPackages returns the production packages of the npm project in dir
// (those of its package-lock.json not marked dev: what the dashboard
// bundle may contain), with their license files from dir/node_modules. No
// package.json is no packages; a missing lockfile or node_modules, or a
// node_modules that does not match the lockfile, is an error.
func NPMPackages(dir string) ([]Package, error) {
	if _, err := os.Stat(filepath.Join(dir, "package.json")); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return nil, fmt.Errorf("%s has a package.json but no readable package-lock.json: %w", dir, err)
	}
	var lock struct {
		LockfileVersion int `json:"lockfileVersion"`
		Packages        map[string]struct {
			Version     string `json:"version"`
			Dev         bool   `json:"dev"`
			DevOptional bool   `json:"devOptional"`
			Integrity   string `json:"integrity"`
			License     string `json:"license"`
			Link        bool   `json:"link"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		return nil, fmt.Errorf("%s/package-lock.json: %w", dir, err)
	}
	if lock.LockfileVersion < 2 {
		return nil, fmt.Errorf("%s/package-lock.json: lockfileVersion %d; want 2 or 3 (npm 7 or later)", dir, lock.LockfileVersion)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		return nil, fmt.Errorf("%s/node_modules is missing: run (cd %s && npm ci) first", dir, dir)
	}
	var pkgs []Package
	for key, e := range lock.Packages {
		if key == "" || e.Dev || e.DevOptional || e.Link {
			continue
		}
		i := strings.LastIndex(key, "node_modules/")
		if i < 0 {
			continue
		}
		p := Package{Kind: "npm", Name: key[i+len("node_modules/"):], Version: e.Version, Dir: filepath.Join(dir, filepath.FromSlash(key)), Integrity: e.Integrity}
		var installed struct{ Version string }
		pj, err := os.ReadFile(filepath.Join(p.Dir, "package.json"))
		if err == nil {
			err = json.Unmarshal(pj, &installed)
		}
		if err != nil || installed.Version != e.Version {
			return nil, fmt.Errorf("%s: %s %s is not what %s/node_modules holds (%q, %v): run (cd %s && npm ci)", dir, p.Name, e.Version, dir, installed.Version, err, dir)
		}
		if err := p.load(); err != nil {
			return nil, err
		}
		if p.SPDX == "" {
			p.SPDX = e.License
		}
		pkgs = append(pkgs, p)
	}
	slices.SortFunc(pkgs, func(a, b Package) int {
		return cmpOr(strings.Compare(a.Name, b.Name), strings.Compare(a.Version, b.Version))
	})
	return pkgs, nil
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

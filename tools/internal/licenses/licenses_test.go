package licenses

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	mitText    = "MIT License\n\nCopyright (c) 2024 A\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software...\n"
	apacheText = "                                 Apache License\n                           Version 2.0, January 2004\n"
	bsd3Text   = "Redistribution and use in source and binary forms, with or without\nmodification...\n   * Neither the name of Google Inc. nor the names of its\n"
	bsd2Text   = "BSD 2-Clause License\n\nRedistribution and use in source and binary forms, with or without\nmodification, are permitted...\n"
	iscText    = "Permission to use, copy, modify, and distribute this software for any\npurpose with or without fee is hereby granted, provided that...\n"
)

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		files []File
		want  string
	}{
		{[]File{{"LICENSE", mitText}}, "MIT"},
		{[]File{{"LICENSE.txt", apacheText}, {"NOTICE", mitText}}, "Apache-2.0"}, // NOTICE is not a license
		{[]File{{"LICENSE", bsd3Text}}, "BSD-3-Clause"},
		{[]File{{"LICENSE", bsd2Text}}, "BSD-2-Clause"},
		{[]File{{"LICENSE.txt", iscText}}, "ISC"},
		{[]File{{"LICENSE", apacheText}, {"LICENSE.Golang", bsd3Text}}, "Apache-2.0 AND BSD-3-Clause"},
		{[]File{{"LICENSE", bsd3Text + "\n" + apacheText + "\n" + mitText}}, "Apache-2.0 AND BSD-3-Clause AND MIT"},
		{[]File{{"LICENSE", bsd3Text}, {"LICENSE-3RD-PARTY.md", apacheText}}, "BSD-3-Clause"},
		{[]File{{"COPYING", "All rights reserved. Ask first.\n"}}, ""},
	} {
		if got := Detect(c.files); got != c.want {
			t.Errorf("Detect(%v) = %q, want %q", names(c.files), got, c.want)
		}
	}
}

func names(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"LICENSE.md": "MIT\r\nline with trailing spaces   \r\n\r\n\r\n", "NOTICE": "n", "PATENTS": "p", "COPYING": "c",
		"licence-extra": "l", "notice_response.go": "package x", "LICENSEE.txt": "not one", "README.md": "r", "license.json": "{}",
	} {
		write(t, filepath.Join(dir, name), text)
	}
	if err := os.Mkdir(filepath.Join(dir, "LICENSES"), 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := ReadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(files), " "); got != "COPYING LICENSE.md NOTICE PATENTS licence-extra" {
		t.Fatalf("files %q", got)
	}
	if files[1].Text != "MIT\nline with trailing spaces\n" {
		t.Fatalf("normalised text %q", files[1].Text)
	}
}

func TestNPMPackages(t *testing.T) {
	dir := t.TempDir()
	if pkgs, err := NPMPackages(dir); err != nil || pkgs != nil {
		t.Fatalf("no package.json: %v %v", pkgs, err)
	}
	write(t, filepath.Join(dir, "package.json"), `{"name":"ui"}`)
	if _, err := NPMPackages(dir); err == nil || !strings.Contains(err.Error(), "package-lock.json") {
		t.Fatalf("no lockfile: %v", err)
	}
	write(t, filepath.Join(dir, "package-lock.json"), `{"lockfileVersion":3,"packages":{
		"":{"name":"ui"},
		"node_modules/preact":{"version":"11.2.0","integrity":"sha512-AAAA","license":"MIT"},
		"node_modules/@scope/lib":{"version":"1.0.0","license":"ISC"},
		"node_modules/@scope/lib/node_modules/dep":{"version":"2.0.0"},
		"node_modules/esbuild":{"version":"0.28.2","dev":true},
		"node_modules/fsevents":{"version":"2.3.3","devOptional":true}}}`)
	if _, err := NPMPackages(dir); err == nil || !strings.Contains(err.Error(), "npm ci") {
		t.Fatalf("no node_modules: %v", err)
	}
	nm := filepath.Join(dir, "node_modules")
	write(t, filepath.Join(nm, "preact", "package.json"), `{"version":"11.2.0"}`)
	write(t, filepath.Join(nm, "preact", "LICENSE"), mitText)
	write(t, filepath.Join(nm, "@scope", "lib", "package.json"), `{"version":"1.0.0"}`)
	write(t, filepath.Join(nm, "@scope", "lib", "LICENSE"), "Custom terms\n")
	write(t, filepath.Join(nm, "@scope", "lib", "node_modules", "dep", "package.json"), `{"version":"1.9.0"}`)
	write(t, filepath.Join(nm, "@scope", "lib", "node_modules", "dep", "LICENSE"), bsd2Text)
	if _, err := NPMPackages(dir); err == nil || !strings.Contains(err.Error(), "dep 2.0.0 is not what") {
		t.Fatalf("stale node_modules: %v", err)
	}
	write(t, filepath.Join(nm, "@scope", "lib", "node_modules", "dep", "package.json"), `{"version":"2.0.0"}`)
	pkgs, err := NPMPackages(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pkgs {
		got = append(got, p.Name+"@"+p.Version+"="+p.SPDX)
	}
	// dev packages left out; the lockfile's license when the text is not recognised
	if strings.Join(got, " ") != "@scope/lib@1.0.0=ISC dep@2.0.0=BSD-2-Clause preact@11.2.0=MIT" {
		t.Fatalf("packages %v", got)
	}
	os.Remove(filepath.Join(nm, "preact", "LICENSE"))
	if _, err := NPMPackages(dir); err == nil || !strings.Contains(err.Error(), "no license file") {
		t.Fatalf("package without a license: %v", err)
	}
}

// TestGoModules: the modules of galley on every target, each with a
// license, the standard library first, and the Windows-only ones included.
func TestGoModules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list for six targets")
	}
	pkgs, err := GoModules("../../..", "./cmd/galley", Targets)
	if err != nil {
		t.Fatal(err)
	}
	if pkgs[0].Name != "Go standard library" || pkgs[0].SPDX != "BSD-3-Clause" {
		t.Fatalf("first %+v", pkgs[0])
	}
	found := map[string]Package{}
	for _, p := range pkgs[1:] {
		if len(p.Files) == 0 || p.Version == "" {
			t.Errorf("%s %s: %d files", p.Name, p.Version, len(p.Files))
		}
		found[p.Name] = p
	}
	for _, name := range []string{"github.com/jackc/pgx/v5", "modernc.org/sqlite", "github.com/inconshreveable/mousetrap"} {
		if _, ok := found[name]; !ok {
			t.Errorf("%s missing", name)
		}
	}
	if _, ok := found["github.com/galleyhq/galley"]; ok {
		t.Error("galley lists itself")
	}
	var sub []string
	for _, f := range found["github.com/klauspost/compress"].Files {
		sub = append(sub, f.Name)
	}
	if !strings.Contains(strings.Join(sub, " "), "/LICENSE") {
		t.Logf("klauspost/compress files %v (a subdirectory license is expected when s2 is compiled in)", sub)
	}
}

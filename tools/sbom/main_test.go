package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/galleyhq/galley/tools/internal/licenses"
)

func TestDocument(t *testing.T) {
	dir := t.TempDir()
	modDir := func(name, text string) {
		d := filepath.Join(dir, name)
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, "LICENSE"), []byte(text), 0o644)
	}
	modDir("example.com/a@v1.0.0", "Permission is hereby granted, free of charge, to any person obtaining a copy")
	modDir("example.com/!w@v0.1.0", "Apache License\nVersion 2.0") // the cache escapes upper case

	bins := []binary{
		{target: "linux/amd64", goVersion: "go1.26.8", deps: []*module{{"example.com/a", "v1.0.0"}}},
		{target: "windows/amd64", goVersion: "go1.26.8", deps: []*module{{"example.com/a", "v1.0.0"}, {"example.com/W", "v0.1.0"}}},
	}
	npm := []licenses.Package{{Kind: "npm", Name: "@s/p", Version: "1.2.0", SPDX: "MIT", Integrity: "sha512-AAEC"}}
	o := options{version: "v1.2.3", commit: "abc", date: "2026-12-02T10:00:00Z"}
	doc, err := document(o, bins, dir, npm)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(doc)
	again, _ := document(o, bins, dir, npm)
	out2, _ := json.Marshal(again)
	if string(out) != string(out2) {
		t.Fatal("two documents of the same input differ")
	}
	s := string(out)
	for _, want := range []string{
		`"bomFormat":"CycloneDX","specVersion":"1.5","serialNumber":"urn:uuid:`,
		`"timestamp":"2026-12-02T10:00:00Z"`,
		`"component":{"type":"application","bom-ref":"pkg:golang/github.com/galleyhq/galley@v1.2.3","name":"galley","version":"v1.2.3","licenses":[{"license":{"id":"MIT"}}]`,
		`{"type":"library","bom-ref":"pkg:golang/example.com/a@v1.0.0","name":"example.com/a","version":"v1.0.0","licenses":[{"license":{"id":"MIT"}}],"purl":"pkg:golang/example.com/a@v1.0.0","properties":[{"name":"galley:targets","value":"linux/amd64 windows/amd64"}]}`,
		`"properties":[{"name":"galley:targets","value":"windows/amd64"}]`,
		`"licenses":[{"license":{"id":"Apache-2.0"}}]`,
		`"bom-ref":"pkg:npm/%40s/p@1.2.0"`,
		`"hashes":[{"alg":"SHA-512","content":"000102"}]`,
		`"bom-ref":"pkg:golang/stdlib@1.26.8","name":"stdlib","version":"go1.26.8"`,
		`"dependencies":[{"ref":"pkg:golang/github.com/galleyhq/galley@v1.2.3","dependsOn":["pkg:golang/example.com/W@v0.1.0","pkg:golang/example.com/a@v1.0.0","pkg:golang/stdlib@1.26.8","pkg:npm/%40s/p@1.2.0"]}]`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("document lacks %s\n%s", want, s)
		}
	}

	bins[1].goVersion = "go1.26.9"
	if _, err := document(o, bins, dir, npm); err == nil || !strings.Contains(err.Error(), "different Go versions") {
		t.Errorf("mixed Go versions: %v", err)
	}
	bins[1].goVersion = "go1.26.8"
	os.RemoveAll(filepath.Join(dir, "example.com/!w@v0.1.0"))
	if _, err := document(o, bins, dir, npm); err == nil || !strings.Contains(err.Error(), "not in the module cache") {
		t.Errorf("module missing from the cache: %v", err)
	}
}

// TestReadBinaryRefusesOtherBuilds: this test binary is not a release build
// of galley, and the error says why.
func TestReadBinaryRefusesOtherBuilds(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	_, err = readBinary("plan9/mips", exe)
	if err == nil {
		t.Fatal("a test binary passed as a release build")
	}
	for _, want := range []string{"is not a release build for plan9/mips", "built from", "built for", "-trimpath"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v lacks %q", err, want)
		}
	}
	if _, err := readBinary("linux/amd64", filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file passed")
	}
}

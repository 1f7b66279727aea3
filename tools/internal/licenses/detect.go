package licenses

import (
	"regexp"
	"slices"
	"strings"
)

// fingerprint recognises one license by phrases of its text.
type fingerprint struct {
	id      string
	all     []string // every one must appear
	without []string // none may appear
}

// fingerprints are tried on every license file (whitespace collapsed,
// lower case). A file may hold several licenses; each recognised one counts.
var fingerprints = []fingerprint{
	{id: "Apache-2.0", all: []string{"apache license", "version 2.0"}},
	{id: "MIT", all: []string{"permission is hereby granted, free of charge, to any person obtaining a copy"}},
	{id: "ISC", all: []string{"permission to use, copy, modify, and", "distribute this software for any purpose with or without fee is hereby granted"}},
	{id: "BSD-3-Clause", all: []string{"redistribution and use in source and binary forms", "neither the name"}},
	{id: "BSD-3-Clause", all: []string{"redistribution and use in source and binary forms", "names of its contributors may"}},
	{id: "BSD-2-Clause", all: []string{"redistribution and use in source and binary forms"}, without: []string{"neither the name", "names of its contributors may", "names of the copyright holders"}},
	{id: "MPL-2.0", all: []string{"mozilla public license", "2.0"}},
}

var spaceRE = regexp.MustCompile(`\s+`)

// Detect returns the SPDX expression of the licenses recognised in the
// LICENSE/LICENCE/COPYING files among files: the ids in order, joined with
// " AND " (the files apply together); "" when none was recognised. Files
// about third-party material (LICENSE-3RD-PARTY.md) are left out: they
// also list what is not compiled in. The texts, not this summary, are
// what counts.
func Detect(files []File) string {
	var ids []string
	for _, f := range files {
		name := strings.ToLower(f.Name)
		if !strings.HasPrefix(name, "licen") && !strings.HasPrefix(name, "copying") ||
			strings.Contains(name, "3rd-party") || strings.Contains(name, "third-party") || strings.Contains(name, "third_party") {
			continue
		}
		text := spaceRE.ReplaceAllString(strings.ToLower(f.Text), " ")
		for _, fp := range fingerprints {
			if hasAll(text, fp.all) && !hasAny(text, fp.without) && !slices.Contains(ids, fp.id) {
				ids = append(ids, fp.id)
			}
		}
	}
	slices.Sort(ids)
	return strings.Join(ids, " AND ")
}

func hasAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func hasAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

package filter

import "testing"

func TestOperators(t *testing.T) {
	runMatches(t, "posts", nil, operatorCases)
}

func TestMultiValued(t *testing.T) {
	runMatches(t, "posts", nil, multiValuedCases)
}

func TestJSONAndGeo(t *testing.T) {
	runMatches(t, "posts", nil, jsonGeoCases)
}

var operatorCases = []matchCase{
	{`title = "Hello World"`, "p1"},
	{`title = "hello world"`, ""}, // = is case-sensitive
	{`title != "Hello World"`, "p2,p3,p4"},
	{`views > 5`, "p1,p3,p4"},
	{`views >= 5.5`, "p1,p3,p4"},
	{`views < 5.5`, "p2"},
	{`views <= 10`, "p1,p2,p3"},
	{`views = "10"`, "p1"},       // string literal coerced to the number field
	{`title ~ "hello"`, "p1,p2"}, // ~ is case-insensitive
	{`title !~ "hello"`, "p3,p4"},
	{`title ~ "o_t"`, "p2"},  // _ is literal
	{`title ~ "50%"`, ""},    // unescaped % → pattern "50%" (prefix)
	{`title ~ "%50%"`, "p3"}, // explicit pattern
	{`title ~ "50\%"`, "p3"}, // escaped % is literal and wrapped
	{`title ~ "\\ b"`, "p4"}, // backslash literal
	{`title ~ "H%d"`, "p1"},  // pattern
	{`published = true`, "p1,p3"},
	{`published = false`, "p2,p4"},
	{`published = "true"`, "p1,p3"},
	{`published != true`, "p2,p4"},
	{`created > "2024-01-01"`, "p1,p2,p4"},
	{`created >= "2024-01-15 10:00:00.000Z" && created < "2025-01-01"`, "p1,p2"},
	{`title = "Hello World" || views = 0`, "p1,p2"},
	{`(title = "Hello World" || views = 0) && published = true`, "p1"},
	{`title = "Hello World" || views = 0 && published = true`, "p1"}, // && binds tighter
	{`views > 1 // trailing comment`, "p1,p3,p4"},
	{"views > 1 // comment\n && published = true", "p1,p3"},
	{`title ?= "Hello World"`, "p1"},
	{`title = title`, "p1,p2,p3,p4"}, // field vs field
	{`views > published`, "p1,p3,p4"},
	{`'Hello World' = title`, "p1"},
	{`author = ""`, "p3"},
	{`author = null`, "p3"},
	{`author != null`, "p1,p2,p4"},
	{`meta = null`, "p3"},
	{`title:lower = "hello world"`, "p1"},
	{`title:lower ~ "WORLD"`, "p1"},
	{`id = "p2"`, "p2"},
}

var multiValuedCases = []matchCase{
	// multi select: the plain field is the set of its elements
	{`tags ?= "a"`, "p1,p2"},
	{`tags = "a"`, "p2"},            // every element is "a"
	{`tags != "a"`, "p3,p4"},        // no element is "a" (empty counts as one NULL)
	{`tags ?!= "a"`, "p1,p3,p4"},    // some element is not "a"
	{`tags:each ?= "b"`, "p1"},      // :each is the same on multi fields
	{`tags:each = "c"`, "p4"},       //
	{`tags:length = 2`, "p1"},       //
	{`tags:length > 0`, "p1,p2,p4"}, //
	{`tags:each ?~ "A"`, "p1,p2"},
	{`tags = ""`, "p3"},
	{`files:length = 0`, "p1,p2,p3,p4"},
	// multi relation
	{`helpers ?= "u3"`, "p1"},
	{`helpers.name ?= "bob"`, "p1,p2"},
	{`helpers.name = "bob"`, "p2"},
	{`helpers.name ?!= "bob"`, "p1,p3,p4"}, // p3 has no helpers: one NULL value
	{`helpers.name != "bob"`, "p3,p4"},
	{`helpers.age ?> 35`, "p1"},
	{`helpers.age > 10`, "p1,p2,p4"},
	{`helpers:length = 1`, "p2,p4"},
	{`helpers.team.name ?= "Red"`, "p4"},
	{`helpers.roles ?= "admin"`, "p4"},
	{`helpers.roles:length ?> 1`, "p4"},
	// single relation paths
	{`author.name = "Alice"`, "p1"},
	{`author.name ~ "O"`, "p2,p4"},
	{`author.team.name = "Blue"`, "p2"},
	{`author.team.name = ""`, "p3,p4"},
	{`author.age > 25`, "p1,p4"},
	{`author.roles ?= "editor"`, "p1,p2"},
	{`author.name = author.name`, "p1,p2,p3,p4"},
	// back-relations
	{`comments_via_post.body ?= "ok"`, "p2"},
	{`comments_via_post.approved = true`, "p2,p4"},
	{`comments_via_post.approved ?= false`, "p1,p3"}, // p3 has no comments: one NULL (false) value,
	{`comments_via_post:length = 2`, "p1"},
	{`comments_via_post:length = 0`, "p3"},
	{`comments_via_post.user.name ?= "Alice"`, "p2,p4"},
	{`comments_via_post ?= "c4"`, "p4"},
	// two sets: cross product
	{`helpers.name ?= author.name`, "p2,p3"}, // p3: NULL (no helper) = NULL (no author),
	{`helpers.id ?= comments_via_post.user`, "p1,p3,p4"},
}

var jsonGeoCases = []matchCase{
	{`meta.color = "red"`, "p1"},
	{`meta.color = null`, "p3,p4"}, // missing key is null
	{`meta.color != ""`, "p1,p2"},
	{`meta.n > 1`, "p1"},
	{`meta.n = 0`, "p2,p3,p4"}, // missing counts as the zero value
	{`meta.list.1 = 2`, "p1"},
	{`meta.1 = 20`, "p4"},
	{`meta.list:length = 3`, "p1"},
	{`meta:length = 2`, "p4"},
	{`meta.list:each ?> 2`, "p1"},
	{`meta:each ?= 10`, "p4"},
	{`meta.color:lower = "red"`, "p1"},
	{`location.lon > 13`, "p1,p4"},
	{`geoDistance(location.lon, location.lat, 13.4, 52.52) < 25`, "p1,p4"},
	{`geoDistance(location.lon, location.lat, 2.35, 48.85) < 1`, "p2"},
	{`geoDistance(13.4, 52.5, 2.35, 48.85) > 800`, "p1,p2,p3,p4"},
	{`strftime("%Y", created) = "2024"`, "p1,p2"},
	{`strftime('%m', created) = "12"`, "p3"},
	{`strftime("%Y-%m", created) ?= "2025-06"`, "p4"},
}

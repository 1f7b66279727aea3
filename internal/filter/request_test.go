package filter

import (
	"testing"

	galley "github.com/galleyhq/galley"
)

func authAs(id string) *RequestInfo {
	s := testSchema()
	data := map[string]any{
		"u1": map[string]any{"id": "u1", "name": "Alice", "team": "t1", "roles": []string{"admin", "editor"}, "age": 30.0},
		"u2": map[string]any{"id": "u2", "name": "bob", "team": "t2", "roles": []string{"editor"}, "age": 20.0},
	}[id].(map[string]any)
	return &RequestInfo{
		Auth:    &galley.Record{Collection: s["users"], Data: data},
		Method:  "PATCH",
		Query:   map[string]string{"q": "World"},
		Headers: map[string]string{"x_token": "abc"},
		Body: map[string]any{
			"title": "Hello World", "views": 11.0, "tags": []any{"a", "z"}, "published": true,
			"meta": map[string]any{"k": "v"}, "empty": nil,
		},
	}
}

func TestRequest(t *testing.T) {
	runMatches(t, "posts", authAs("u1"), requestCases)
	runMatches(t, "posts", nil, guestRequestCases)
}

func TestCollectionJoins(t *testing.T) {
	runMatches(t, "posts", authAs("u2"), collectionJoinCases)
}

func TestMacros(t *testing.T) {
	runMatches(t, "posts", nil, macroCases)
}

var requestCases = []matchCase{
	{`@request.auth.id != ""`, "p1,p2,p3,p4"},
	{`author = @request.auth.id`, "p1"},
	{`helpers ?= @request.auth.id`, "p4"},
	{`@request.auth.id ?= helpers`, "p4"},
	{`@request.auth.name = "Alice" && views > 50`, "p4"},
	{`@request.auth.roles ?= "admin"`, "p1,p2,p3,p4"},
	{`@request.auth.roles = "admin"`, ""}, // not every role is admin
	{`@request.auth.roles:length = 2`, "p1,p2,p3,p4"},
	{`@request.auth.team.name = "Red" && published = true`, "p1,p3"},
	{`author.team = @request.auth.team`, "p1"},
	{`@request.auth.collectionName = "users" && id = "p2"`, "p2"},
	{`@request.auth.unknown = null && id = "p2"`, "p2"},
	{`@request.method = "PATCH" && id = "p3"`, "p3"},
	{`@request.context = "default" && id = "p3"`, "p3"},
	{`@request.query.q:isset = true && title ~ @request.query.q`, "p1"},
	{`@request.query.missing:isset = false && id = "p1"`, "p1"},
	{`@request.headers.x_token = "abc" && id = "p1"`, "p1"},
	{`@request.body.title = title`, "p1"},
	{`@request.body.title:isset = true && @request.body.nope:isset = false && id = "p4"`, "p4"},
	{`@request.body.empty:isset = true && @request.body.empty = null && id = "p4"`, "p4"},
	{`@request.body.views:changed = false`, ""},
	{`@request.body.views:changed = true`, "p1,p2,p3,p4"},
	{`@request.body.title:changed = false`, "p1"},
	{`@request.body.author:changed = false`, "p1,p2,p3,p4"}, // not sent
	{`@request.body.tags:changed = true`, "p1,p2,p3,p4"},
	{`@request.body.published:changed = false`, "p1,p3"},
	{`@request.body.tags:length = 2 && id = "p1"`, "p1"},
	{`@request.body.tags:each ?= tags`, "p1,p2"},
	{`@request.body.tags ?= "z" && id = "p1"`, "p1"},
	{`@request.body.tags:each = "a" && id = "p1"`, ""},
	{`@request.body.title:lower = "hello world" && id = "p1"`, "p1"},
	{`@request.body.meta.k = "v" && id = "p1"`, "p1"},
	{`@request.body.views > views`, "p1,p2,p3"},
}

var guestRequestCases = []matchCase{
	{`@request.auth.id != ""`, ""}, // guests
	{`@request.auth.id = ""`, "p1,p2,p3,p4"},
	{`author = @request.auth.id`, "p3"}, // both empty
	{`@request.auth.team.name = "Red"`, ""},
	{`@request.body.x:isset = false && id = "p1"`, "p1"},
}

var collectionJoinCases = []matchCase{
	// lone comparison: ?= any row, plain op every row
	{`@collection.members.user ?= author`, "p1,p2"},
	{`@collection.members.level > 0`, "p1,p2,p3,p4"},
	{`@collection.members.level > 1`, ""},
	// the same join in one && group is one row
	{`@collection.members.user ?= @request.auth.id && @collection.members.level > 3`, "p1,p2,p3,p4"},
	{`@collection.members.user ?= author && @collection.members.level > 1`, "p1,p2"},
	{`@collection.members.user = author && @collection.members.team = author.team`, "p1,p2"},
	// aliases are separate joins
	{`@collection.members:a.user ?= author && @collection.members:b.user ?= @request.auth.id && @collection.members:a.team ?= @collection.members:b.team`, "p1,p2"},
	{`@collection.members:a.user = "u1" && @collection.members:a.level = 5`, ""},
	{`@collection.members:a.user = "u2" && (@collection.members:a.level = 5 || views = 0)`, "p1,p2,p3,p4"},
	{`@collection.members.user.name ?= "Alice" && id = "p1"`, "p1"},
	{`@collection.teams.name ?= author.team.name`, "p1,p2"},
	{`@collection.users.roles ?= "admin" && id = "p4"`, "p4"},
}

var macroCases = []matchCase{
	{`created < @now`, "p1,p2,p3"},
	{`created > @todayStart && created < @todayEnd`, "p2"},
	{`created >= @monthStart && created <= @monthEnd`, "p2"},
	{`created >= @yearStart && created <= @yearEnd`, "p1,p2"},
	{`created > @yesterday && created < @tomorrow`, "p2"},
	{`@year = 2024 && @month = 2 && @day = 20 && @hour = 15 && @minute = 4 && @second = 5 && @weekday = 2 && id = "p1"`, "p1"},
	{`strftime("%Y", created) = strftime("%Y", @now)`, "p1,p2"},
}

package galley

import (
	"strings"
	"testing"
)

// A collection without indexes or fields encodes them as [] (as PocketBase
// answers), never null, so its JSON imports back.
func TestCollectionJSONArrays(t *testing.T) {
	for _, c := range []*Collection{
		{Name: "posts", Type: CollectionBase},
		{Name: "users", Type: CollectionAuth, Auth: DefaultAuthOptions()},
		(&Collection{Name: "cloned", Indexes: []string{}}).Clone(),
	} {
		b, err := c.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"indexes":[]`) || !strings.Contains(string(b), `"fields":[]`) {
			t.Errorf("%s: %s", c.Name, b)
		}
		if c.Indexes != nil && len(c.Indexes) != 0 || c.Name == "posts" && c.Fields != nil {
			t.Errorf("%s: MarshalJSON changed the collection", c.Name)
		}
	}
}

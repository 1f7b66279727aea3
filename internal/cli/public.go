package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/galleyhq/galley/internal/api"
)

// publicOptions locate the app's static files (PocketBase's pb_public).
type publicOptions struct {
	dir           string
	indexFallback bool
}

// addFlags adds --public-dir (and PocketBase's --publicDir) and
// --index-fallback (--indexFallback).
func (po *publicOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&po.dir, "public-dir", "", "directory of static files served at / for paths no route takes (default: galley_public beside --dir, or pb_public there, when it exists) (env GALLEY_PUBLIC_DIR)")
	f.StringVar(&po.dir, "publicDir", "", "PocketBase's name of --public-dir")
	_ = f.MarkHidden("publicDir")
	f.BoolVar(&po.indexFallback, "index-fallback", true, "serve the public directory's index.html for a path with no file and no extension (a single-page app's routes) (env GALLEY_INDEX_FALLBACK)")
	f.BoolVar(&po.indexFallback, "indexFallback", true, "PocketBase's name of --index-fallback")
	_ = f.MarkHidden("indexFallback")
}

// public returns what the API server serves at /: the directory given, or
// galley_public / pb_public beside the data directory when one exists. A
// directory given that does not exist is an error.
func (po *publicOptions) public(g *globalOptions) (api.PublicDir, error) {
	if po.dir != "" {
		st, err := os.Stat(po.dir)
		if err != nil || !st.IsDir() {
			return api.PublicDir{}, fmt.Errorf("--public-dir %s: not a directory", po.dir)
		}
		return api.PublicDir{Dir: po.dir, IndexFallback: po.indexFallback}, nil
	}
	parent := filepath.Dir(filepath.Clean(g.dir))
	for _, name := range []string{"galley_public", "pb_public"} {
		d := filepath.Join(parent, name)
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return api.PublicDir{Dir: d, IndexFallback: po.indexFallback}, nil
		}
	}
	return api.PublicDir{}, nil
}

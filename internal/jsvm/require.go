package jsvm

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dop251/goja"
)

// installRequire defines __hooks (the hooks directory's absolute path) and
// a CommonJS require(path) for the modules PocketBase hooks load, as in
// require(`${__hooks}/utils.js`): a relative path is relative to the hooks
// directory, ".js" is added when the name has no extension, a .json file is
// its parsed value. A module runs once per runtime (module.exports is
// cached; a cycle sees the exports so far). Modules are not registration
// files: call the registering globals from *.pb.js files.
func (r *runtime) installRequire() error {
	rt := r.rt
	base, err := filepath.Abs(r.gen.vm.cfg.Dir)
	if err != nil {
		return err
	}
	if err := rt.Set("__hooks", base); err != nil {
		return err
	}
	cache := map[string]goja.Value{}
	var require func(call goja.FunctionCall) goja.Value
	require = func(call goja.FunctionCall) goja.Value {
		p := call.Argument(0).String()
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		p = filepath.Clean(p)
		if filepath.Ext(p) == "" {
			p += ".js"
		}
		if v, ok := cache[p]; ok {
			return v
		}
		src, err := os.ReadFile(p)
		if err != nil {
			panic(rt.NewGoError(fmt.Errorf("require(%q): %w", call.Argument(0).String(), err)))
		}
		name := p
		if rel, err := filepath.Rel(base, p); err == nil && !strings.HasPrefix(rel, "..") {
			name = rel
		}
		if strings.HasSuffix(p, ".json") {
			var v any
			if err := json.Unmarshal(src, &v); err != nil {
				panic(rt.NewGoError(fmt.Errorf("require(%q): %s: %w", call.Argument(0).String(), name, err)))
			}
			cache[p] = r.parseJSON(src)
			return cache[p]
		}
		// The wrapper keeps line numbers: it adds nothing before line 1's text.
		prg, err := compile(name, "(function (module, exports, require) {"+string(src)+"\n})")
		if err != nil {
			panic(rt.NewGoError(err))
		}
		fnv, err := rt.RunProgram(prg)
		if err != nil {
			r.rethrow(err)
		}
		fn, _ := goja.AssertFunction(fnv)
		module, exports := rt.NewObject(), rt.NewObject()
		_ = module.Set("exports", exports)
		cache[p] = exports
		if _, err := fn(goja.Undefined(), module, exports, rt.ToValue(require)); err != nil {
			delete(cache, p)
			r.rethrow(err)
		}
		cache[p] = module.Get("exports")
		return cache[p]
	}
	return rt.Set("require", require)
}

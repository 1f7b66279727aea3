package jsvm

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"
)

// stampOf describes the .js and .json files under dir (the hooks and the
// modules they require: paths, sizes, modification times; hidden entries
// and node_modules skipped, at most 10000 files): a change of it means a
// change of the files.
func stampOf(dir string) string {
	var b strings.Builder
	n := 0
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if path != dir && (strings.HasPrefix(name, ".") || name == "node_modules") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !(strings.HasSuffix(name, ".js") || strings.HasSuffix(name, ".json")) {
			return nil
		}
		if n++; n > 10000 {
			return filepath.SkipAll
		}
		if info, err := d.Info(); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", path, info.Size(), info.ModTime().UnixNano())
		}
		return nil
	})
	return b.String()
}

// watch polls the hooks directory and reloads on a change: a load that
// fails is logged and the running hooks stay.
func (vm *VM) watch() {
	defer close(vm.done)
	vm.mu.Lock()
	seen := vm.stamp
	vm.mu.Unlock()
	t := time.NewTicker(vm.cfg.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-vm.stop:
			return
		case <-t.C:
		}
		now := stampOf(vm.cfg.Dir)
		if now == seen {
			continue
		}
		// Wait for the files to settle (an editor truncates, then
		// writes): load once they did not change for one interval.
		settled, ok := vm.settle(now)
		if !ok {
			return
		}
		seen = settled
		if err := vm.load(); err != nil {
			vm.log.Error("hooks: reload failed; the previous hooks stay", "err", err)
			continue
		}
		vm.log.Info("hooks reloaded", "dir", vm.cfg.Dir)
	}
}

// settle waits until the stamp stays the same for one poll interval and
// returns it (false when the VM is stopping).
func (vm *VM) settle(stamp string) (string, bool) {
	for {
		select {
		case <-vm.stop:
			return "", false
		case <-time.After(vm.cfg.PollInterval):
		}
		now := stampOf(vm.cfg.Dir)
		if now == stamp {
			return now, true
		}
		stamp = now
	}
}

// Reload loads the files again now (as a change in --dev would): on an
// error the running hooks stay.
func (vm *VM) Reload() error { return vm.load() }

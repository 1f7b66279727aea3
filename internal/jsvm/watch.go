package jsvm

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// stampOf describes the *.pb.js files of dir (names, sizes, modification
// times): a change of it means a change of the files.
func stampOf(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".pb.js") {
			continue
		}
		if info, err := e.Info(); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", e.Name(), info.Size(), info.ModTime().UnixNano())
		}
	}
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

package backup_test

import "runtime"

func runtimeGosched() { runtime.Gosched() }

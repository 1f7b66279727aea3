package s3test

import "syscall"

// xattrSupported reports whether dir's file system takes user extended
// attributes (tmpfs on older kernels, some overlay set-ups do not).
func xattrSupported(dir string) bool {
	const name = "user.galley_s3test"
	if err := syscall.Setxattr(dir, name, []byte("1"), 0); err != nil {
		return false
	}
	syscall.Removexattr(dir, name)
	return true
}

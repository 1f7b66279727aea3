//go:build unix

package files

import (
	"os"
	"path"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// openNoFollow opens the file under key for reading, resolving its parent
// directory within root and refusing a symbolic link as the last
// component (ELOOP). O_NONBLOCK keeps a FIFO planted under key from
// blocking the open; it is cleared again, as a caller checks that the
// file is regular.
func openNoFollow(root *os.Root, key string) (*os.File, error) {
	dir, base := path.Split(key)
	if dir == "" {
		dir = "."
	}
	d, err := root.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var fd int
	for {
		fd, err = unix.Openat(int(d.Fd()), base, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &os.PathError{Op: "openat", Path: key, Err: err}
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, &os.PathError{Op: "openat", Path: key, Err: err}
	}
	return os.NewFile(uintptr(fd), filepath.Join(root.Name(), key)), nil
}

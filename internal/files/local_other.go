//go:build !unix

package files

import "os"

// openNoFollow opens the file under key for reading within root. Outside
// Unix it relies on os.Root alone: a symbolic link cannot lead out of the
// root, but one inside it is followed.
func openNoFollow(root *os.Root, key string) (*os.File, error) {
	return root.Open(key)
}

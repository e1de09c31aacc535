// Command drill-volume prepares and empties volumes for drill's kube runtime, in any image,
// including one FROM scratch: the runtime copies it from its own small image
// (drill/kube-helper) into a pod's shared scratch volume, and runs it from there.
//
//	drill-volume install DST   copy this executable to DST (mode 0755)
//	drill-volume seed SRC DST  when SRC is a directory and DST is empty, copy SRC's tree into
//	                           DST with modes, owners, times and symlinks, and give DST the
//	                           mode and owner of SRC: what Docker does for a new volume
//	drill-volume wipe DIR      delete everything inside DIR, hidden files included
package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "drill-volume:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 2 && args[0] == "install":
		self, err := os.Executable()
		if err != nil {
			return err
		}
		return copyFile(self, args[1], 0o755)
	case len(args) == 3 && args[0] == "seed":
		return seed(args[1], args[2])
	case len(args) == 2 && args[0] == "wipe":
		return wipe(args[1])
	}
	return fmt.Errorf("usage: drill-volume install DST | seed SRC DST | wipe DIR")
}

// seed copies the tree at src into dst when src is a directory and dst is empty.
func seed(src, dst string) error {
	st, err := os.Lstat(src)
	if err != nil || !st.IsDir() {
		return nil // nothing at the path in the image: nothing to copy, as on Docker
	}
	entries, err := os.ReadDir(dst)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return nil // not new: Docker copies only into an empty volume
	}
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		info, err := os.Lstat(path)
		if err != nil {
			return err
		}
		switch {
		case rel == ".":
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			if err := os.Symlink(target, to); err != nil {
				return err
			}
		case info.IsDir():
			if err := os.Mkdir(to, info.Mode().Perm()); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			if err := copyFile(path, to, info.Mode().Perm()); err != nil {
				return err
			}
		default:
			return nil // devices, sockets and pipes are not copied
		}
		return attributes(to, info)
	})
	if err != nil {
		return err
	}
	return attributes(dst, st)
}

// attributes gives path the owner, mode and times of info (a symlink only its owner).
func attributes(path string, info fs.FileInfo) error {
	sys, ok := info.Sys().(*syscall.Stat_t)
	if ok {
		if err := os.Lchown(path, int(sys.Uid), int(sys.Gid)); err != nil {
			return err
		}
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return nil
	}
	if err := os.Chmod(path, info.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)); err != nil {
		return err
	}
	return os.Chtimes(path, time.Time{}, info.ModTime())
}

// copyFile copies a regular file's contents.
func copyFile(from, to string, mode fs.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// wipe deletes everything inside dir and leaves dir.
func wipe(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

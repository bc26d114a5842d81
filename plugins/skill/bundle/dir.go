// Reading a skill's folder into a bundle and writing one out, without
// following symlinks or accepting special files.

package bundle

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ReadDir reads every file under dir. It refuses symlinks, device files,
// sockets and pipes (naming them), and stops at the caps. dir itself is
// opened as an os.Root, so nothing read can lie outside it.
func ReadDir(dir string) (Bundle, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Bundle{}, fmt.Errorf("bundle: %w", err)
	}
	defer root.Close()
	files := map[string][]byte{}
	total := 0
	err = fs.WalkDir(root.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch t := d.Type(); {
		case name == ".":
			return nil
		case t.IsDir():
			return nil
		case t&fs.ModeSymlink != 0:
			return fmt.Errorf("%s is a symlink; a skill holds plain files only", name)
		case !t.IsRegular():
			return fmt.Errorf("%s is a special file (%s); a skill holds plain files only", name, t.Type())
		}
		if len(files) == MaxFiles {
			return fmt.Errorf("%w: more than %d files", ErrTooLarge, MaxFiles)
		}
		data, err := readFile(root, name, MaxFileSize)
		if err != nil {
			return err
		}
		total += len(data)
		if total > MaxTotalSize {
			return fmt.Errorf("%w: more than %d bytes in all", ErrTooLarge, MaxTotalSize)
		}
		files[filepath.ToSlash(name)] = data
		return nil
	})
	if err != nil {
		return Bundle{}, fmt.Errorf("bundle %s: %w", dir, err)
	}
	b, err := New(files)
	if err != nil {
		return Bundle{}, fmt.Errorf("%s: %w", dir, err)
	}
	return b, nil
}

// readFile reads a regular file of at most max bytes; the file is checked
// again once open, in case it was swapped for something else meanwhile.
func readFile(root *os.Root, name string, max int64) ([]byte, error) {
	f, err := root.OpenFile(name, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrTooLarge, name, max)
	}
	return data, nil
}

// WriteDir writes the bundle into dir, which must not exist yet; its
// parent must. Folders are made 0755 and files 0444 (0555 for exec, the
// entrypoint of a binary skill): readable by the uid a skill runs as,
// writable by nobody but their owner changing the mode back.
func (b Bundle) WriteDir(dir, exec string) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	defer root.Close()
	for _, name := range b.Names() {
		if d := parent(name); d != "" {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return fmt.Errorf("bundle: %w", err)
			}
		}
		mode := os.FileMode(0o444)
		if name == exec {
			mode = 0o555
		}
		if err := writeFile(root, name, b.files[name], mode); err != nil {
			return fmt.Errorf("bundle: write %s: %w", name, err)
		}
	}
	return nil
}

func writeFile(root *os.Root, name string, data []byte, mode os.FileMode) error {
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, mode)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return err
	}
	// The umask may have taken bits off; the mode is part of the contract.
	return root.Chmod(name, mode)
}

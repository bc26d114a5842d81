// Package proc runs the child processes of the script and external plugins:
// in a scrubbed environment and throwaway directories, in a process group of
// their own, and so that nothing they start outlives them.
package proc

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// SafePath is the whole PATH a child sees. Interpreters are looked up in it
// too (LookPath), so that what is checked is what runs: a shim found on the
// worker's own PATH (pyenv, asdf) would need the environment that is
// scrubbed here.
const SafePath = "/usr/local/bin:/usr/bin:/bin"

// drainTimeout bounds the wait for a child's output once its process group
// is killed. Only a process that left the group (setsid) and kept the pipe
// open can make it matter.
const drainTimeout = 2 * time.Second

// Spec is one child process to run.
type Spec struct {
	Path string   // the executable
	Args []string // the command line, starting with argv[0]
	// Env is added to the base environment: PATH=SafePath, HOME (a fresh
	// directory), LANG=C.UTF-8. It may override LANG, not PATH or HOME.
	Env   map[string]string
	Stdin []byte // nil: stdin is /dev/null
	// Stdout receives the standard output (nil: discarded). Stderr
	// receives the standard error; when nil it goes to Stdout through the
	// same pipe, so the two stay in the order they were written. Both are
	// written from other goroutines, all done before Run returns.
	Stdout io.Writer
	Stderr io.Writer
}

// LookPath finds an executable named name in SafePath.
func LookPath(name string) (string, error) {
	for _, dir := range filepath.SplitList(SafePath) {
		if path, err := exec.LookPath(filepath.Join(dir, name)); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("%s not found in %s", name, SafePath)
}

// Run runs s until it exits or ctx is done, whichever comes first. The
// child starts in a new process group, in an empty working directory, with
// HOME another empty directory; both are removed afterwards. When ctx is
// done the whole group is killed (SIGKILL), and so is whatever is left of
// it when the child exits by itself, so background grandchildren die too.
//
// Run returns nil when the child exited with status 0, an *exec.ExitError
// when it exited otherwise, and an error wrapping ctx.Err() and its cause
// when it was killed because ctx was done.
func Run(ctx context.Context, s Spec) error {
	for _, k := range []string{"PATH", "HOME"} {
		if _, ok := s.Env[k]; ok {
			return fmt.Errorf("env may not set %s", k)
		}
	}
	root, err := os.MkdirTemp("", "wingman-proc-")
	if err != nil {
		return err
	}
	defer removeAll(root)
	home, work := filepath.Join(root, "home"), filepath.Join(root, "work")
	for _, dir := range []string{home, work} {
		if err := os.Mkdir(dir, 0o700); err != nil {
			return err
		}
	}

	cmd := &exec.Cmd{
		Path:        s.Path,
		Args:        s.Args,
		Env:         Environ(home, s.Env),
		Dir:         work,
		SysProcAttr: groupAttr(),
	}
	// The pipes are ours, not exec's, so that Wait returns as soon as the
	// child exits: exec would wait for a background grandchild to close
	// them before we could kill it.
	var p pipes
	defer p.closeAll()
	outR, outW, err := p.pipe()
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = outW, outW
	stdout := s.Stdout
	if stdout == nil {
		stdout = io.Discard
	}
	readers := []copier{{stdout, outR}}
	if s.Stderr != nil {
		errR, errW, err := p.pipe()
		if err != nil {
			return err
		}
		cmd.Stderr = errW
		readers = append(readers, copier{s.Stderr, errR})
	}
	var inW *os.File
	if s.Stdin != nil {
		var inR *os.File
		if inR, inW, err = p.pipe(); err != nil {
			return err
		}
		cmd.Stdin = inR
	}

	if err := cmd.Start(); err != nil {
		return err
	}
	// The child holds its ends now; ours would keep the pipes open.
	closeChildEnds(cmd)

	var copying sync.WaitGroup
	for _, c := range readers {
		copying.Go(func() { copyAll(c.dst, c.src) })
	}
	if inW != nil {
		// Not in copying: a child that never reads its stdin must not hold
		// up the drain. The deferred closeAll unblocks this write.
		go func() {
			_, _ = inW.Write(s.Stdin)
			_ = inW.Close()
		}()
	}

	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var killed error
	select {
	case err = <-waited:
	case <-ctx.Done():
		killGroup(cmd.Process)
		err = <-waited
		killed = ctx.Err()
		if cause := context.Cause(ctx); cause != killed {
			killed = fmt.Errorf("%w (%w)", killed, cause)
		}
	}
	// Whatever the child left running in its group goes with it.
	killGroup(cmd.Process)

	drained := make(chan struct{})
	go func() { copying.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(drainTimeout):
		p.closeAll() // unblocks the readers
		<-drained
	}

	if killed != nil {
		return fmt.Errorf("killed: %w", killed)
	}
	return err
}

// Environ is a child's whole environment: PATH, HOME and LANG, then
// extra, and nothing of the parent's.
func Environ(home string, extra map[string]string) []string {
	env := map[string]string{"PATH": SafePath, "HOME": home, "LANG": "C.UTF-8"}
	for k, v := range extra {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

type copier struct {
	dst io.Writer
	src *os.File
}

// copyAll copies until EOF, or until src is closed under it after the
// drain timeout. A failing dst stops the copy but not the draining, so
// that the child never blocks on a full pipe.
func copyAll(dst io.Writer, src *os.File) {
	if _, err := io.Copy(dst, src); err != nil {
		_, _ = io.Copy(io.Discard, src)
	}
}

// pipes tracks every pipe end Run opens so that each is closed once.
type pipes struct {
	mu    sync.Mutex
	files []*os.File // guarded by mu
}

func (p *pipes) pipe() (r, w *os.File, err error) {
	r, w, err = os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.files = append(p.files, r, w)
	return r, w, nil
}

// closeChildEnds closes our copies of the ends handed to cmd.
func closeChildEnds(cmd *exec.Cmd) {
	for _, f := range []any{cmd.Stdin, cmd.Stdout, cmd.Stderr} {
		if f, ok := f.(*os.File); ok {
			_ = f.Close()
		}
	}
}

func (p *pipes) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range p.files {
		_ = f.Close() // a second Close only reports os.ErrClosed
	}
}

// removeAll removes dir even when the child took the write permission off
// something inside it.
func removeAll(dir string) {
	if os.RemoveAll(dir) == nil {
		return
	}
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(path, 0o700)
		}
		return nil
	})
	_ = os.RemoveAll(dir)
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"syscall"
	"time"
)

// samspilProcess is `samspil serve` in a process of its own, which the
// reliability checks kill, stop and start again as an operator's machine
// would.
type samspilProcess struct {
	cmd    *exec.Cmd
	base   string        // http://127.0.0.1:port
	output *lockedBuffer // what it printed, for a report
	exited chan struct{} // closed when the process has ended
	err    error         // its exit status, once exited is closed
}

// runMainEnv makes a test binary run main instead of its tests (see
// TestMain), so that the checks can start samspil from `go test` as well as
// from the samspil binary.
const runMainEnv = "SAMSPIL_RUN_MAIN"

var runningAt = regexp.MustCompile(`is running at (http://127\.0\.0\.1:\d+)`)

// startSamspil starts `samspil serve` on the database dsn at a free port on
// 127.0.0.1 and waits until it says where it runs.
func startSamspil(ctx context.Context, dsn string, args ...string) (*samspilProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "SAMSPIL_DB="+dsn)
	p := &samspilProcess{cmd: cmd, output: &lockedBuffer{}, exited: make(chan struct{})}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = p.output
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	found := make(chan string, 1)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(p.output, line)
			if m := runningAt.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		<-copied // Wait closes the pipe: read it to the end first
		p.err = cmd.Wait()
		close(p.exited)
	}()
	select {
	case p.base = <-found:
		return p, nil
	case <-p.exited:
		return nil, fmt.Errorf("samspil serve ended before it ran (%v):\n%s", p.err, p.output)
	case <-time.After(2 * time.Minute):
		p.kill()
		return nil, fmt.Errorf("samspil serve did not start within 2 minutes:\n%s", p.output)
	case <-ctx.Done():
		p.kill()
		return nil, ctx.Err()
	}
}

// kill ends the process with SIGKILL, as a crash or the OOM killer would,
// and waits for it.
func (p *samspilProcess) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// lockedBuffer is a buffer written from several goroutines. It keeps the
// last 256 KiB, as a process's output can run long.
type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

const lockedBufferKeep = 256 << 10

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b = append(l.b, p...)
	if over := len(l.b) - lockedBufferKeep; over > 0 {
		l.b = append(l.b[:0], l.b[over:]...)
	}
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}

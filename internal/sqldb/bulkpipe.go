package sqldb

import (
	"errors"
	"sync"
)

var errPipeClosed = errors.New("batch insert: the pipe is closed")

// bulkPipe writes batches in the background, one at a time and in the
// order they were queued, so that the database writes one batch while the
// caller reads and checks the rows of the next. The batches of one
// transaction that refer to each other share a pipe: a batch queued after
// the batch it refers to is written after it.
//
// At most one batch waits while another is written; queueing more blocks
// until the writer catches up, so memory stays bounded. After the first
// failed write the pipe skips the rest and every call reports that error.
//
// The writes run on the transaction while the caller may use it too:
// database/sql serialises the two on the connection. A caller that needs
// rows it queued to be written (to read them, or before statements that
// depend on them) waits first (wait, or batchInsert.Flush).
type bulkPipe struct {
	jobs    chan func() error
	done    chan struct{} // closed when the writer has stopped
	pending sync.WaitGroup
	mu      sync.Mutex
	err     error
	closed  bool
}

// newBulkPipe starts a pipe; close it when done.
func newBulkPipe() *bulkPipe {
	p := &bulkPipe{jobs: make(chan func() error, 1), done: make(chan struct{})}
	go p.run()
	return p
}

func (p *bulkPipe) run() {
	defer close(p.done)
	for job := range p.jobs {
		if p.Err() == nil {
			if err := job(); err != nil {
				p.mu.Lock()
				if p.err == nil {
					p.err = err
				}
				p.mu.Unlock()
			}
		}
		p.pending.Done()
	}
}

// Err returns the error of the first failed write, if any.
func (p *bulkPipe) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// submit queues a write; it blocks while another write waits already. It
// returns the error of an earlier write, if any.
func (p *bulkPipe) submit(job func() error) error {
	p.mu.Lock()
	err, closed := p.err, p.closed
	p.mu.Unlock()
	if err != nil {
		return err
	}
	if closed {
		return errPipeClosed
	}
	p.pending.Add(1)
	p.jobs <- job
	return nil
}

// wait waits until every queued write is done and returns the first error.
func (p *bulkPipe) wait() error {
	p.pending.Wait()
	return p.Err()
}

// close waits for the queued writes and stops the writer. It may be called
// more than once.
func (p *bulkPipe) close() error {
	p.mu.Lock()
	closed := p.closed
	p.closed = true
	p.mu.Unlock()
	if !closed {
		close(p.jobs)
	}
	<-p.done
	return p.Err()
}

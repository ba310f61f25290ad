package vm

import (
	"context"
	"sync"
	"time"
)

// Tasks owns the background work the screens start for the resident at
// the screen, besides the session itself (Flow): a QR search, a diagnostic
// report. Each task runs under the current resident's context; Reset (the
// session forgotten, the next resident) cancels them all and makes sure a
// result that arrives later is never shown, like Flow's run generation.
// The zero value is ready to use.
type Tasks struct {
	mu     sync.Mutex
	gen    int
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Go runs work on its own goroutine under the current resident's context,
// bounded by timeout. work returns what to do with its result (show it);
// that is handed to do (the UI goroutine's fyne.Do) and run there only if
// no Reset came in between. Reset and the shown function must both run on
// do's goroutine, so nothing can come between the check and the showing.
func (t *Tasks) Go(timeout time.Duration, work func(ctx context.Context) (show func()), do func(func())) {
	t.mu.Lock()
	if t.ctx == nil {
		t.ctx, t.cancel = context.WithCancel(context.Background())
	}
	parent, gen := t.ctx, t.gen
	t.wg.Add(1)
	t.mu.Unlock()
	go func() {
		defer t.wg.Done()
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		show := work(ctx)
		do(func() {
			if t.current(gen) && show != nil {
				show()
			}
		})
	}()
}

func (t *Tasks) current(gen int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return gen == t.gen
}

// Reset cancels every task of the resident so far and drops their results.
func (t *Tasks) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cancel != nil {
		t.cancel()
	}
	t.ctx, t.cancel = nil, nil
	t.gen++
}

// Wait returns when every task started so far has handed its result to do
// (for tests and shutdown).
func (t *Tasks) Wait() { t.wg.Wait() }

package vm_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/ui/vm"
)

// loop is a UI goroutine stand-in: do queues, run drains.
type loop struct {
	mu sync.Mutex
	q  []func()
}

func (l *loop) do(f func()) { l.mu.Lock(); l.q = append(l.q, f); l.mu.Unlock() }

func (l *loop) run() {
	l.mu.Lock()
	q := l.q
	l.q = nil
	l.mu.Unlock()
	for _, f := range q {
		f()
	}
}

// A task's result is shown for the resident who started it; after Reset
// the task's context ends and its late result is dropped.
func TestTasksResetDropsLateResults(t *testing.T) {
	var ts vm.Tasks
	var l loop
	shown := map[string]bool{}

	ts.Go(time.Minute, func(ctx context.Context) func() { return func() { shown["first"] = true } }, l.do)
	ts.Wait()
	l.run()
	if !shown["first"] {
		t.Fatal("a current result was not shown")
	}

	release := make(chan struct{})
	cancelled := make(chan bool, 1)
	ts.Go(time.Minute, func(ctx context.Context) func() {
		select {
		case <-ctx.Done():
			cancelled <- true
		case <-release:
			cancelled <- false
		}
		return func() { shown["late"] = true }
	}, l.do)
	// A task that ignores its context and answers after the reset anyway.
	ts.Go(time.Minute, func(ctx context.Context) func() {
		<-release
		return func() { shown["deaf"] = true }
	}, l.do)
	ts.Reset() // the next resident
	if !<-cancelled {
		t.Fatal("Reset did not cancel the task's context")
	}
	close(release)
	ts.Wait()
	l.run()
	if shown["late"] || shown["deaf"] {
		t.Fatalf("a result of the previous resident was shown: %v", shown)
	}

	ts.Go(time.Minute, func(ctx context.Context) func() {
		if ctx.Err() != nil {
			t.Error("a task after Reset starts cancelled")
		}
		return func() { shown["next"] = true }
	}, l.do)
	ts.Wait()
	l.run()
	if !shown["next"] {
		t.Fatal("the next resident's result was not shown")
	}
}

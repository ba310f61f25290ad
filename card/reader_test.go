package card

import (
	"context"
	"errors"
	"testing"
	"time"
)

// fakeSystem plays a script of reader states, one per Wait.
type fakeSystem struct {
	script [][]ReaderState
	i      int
}

func (f *fakeSystem) Readers(ctx context.Context) ([]ReaderState, error) { return f.script[f.i], nil }
func (f *fakeSystem) Wait(ctx context.Context, _ []ReaderState) ([]ReaderState, error) {
	if f.i+1 >= len(f.script) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	f.i++
	return f.script[f.i], nil
}
func (f *fakeSystem) Connect(context.Context, string) (Conn, error) {
	return nil, errors.New("not here")
}
func (f *fakeSystem) Close() error { return nil }

func TestWaitForCardSurvivesReadersComingAndGoing(t *testing.T) {
	sys := &fakeSystem{script: [][]ReaderState{
		nil,                                // no reader yet
		{{Name: "USB A"}},                  // reader plugged in, empty
		nil,                                // unplugged again
		{{Name: "USB B"}, {Name: "USB A"}}, // two readers
		{{Name: "USB B"}, {Name: "USB A", Card: true}},
	}}
	r, err := WaitForCard(context.Background(), sys, "")
	if err != nil || r.Name != "USB A" {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestWaitForCardNamedReader(t *testing.T) {
	sys := &fakeSystem{script: [][]ReaderState{
		{{Name: "A", Card: true}, {Name: "B"}},
		{{Name: "A", Card: true}, {Name: "B", Card: true}},
	}}
	r, err := WaitForCard(context.Background(), sys, "B")
	if err != nil || r.Name != "B" {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestWaitForCardSeveralCardsAsks(t *testing.T) {
	sys := &fakeSystem{script: [][]ReaderState{{{Name: "A", Card: true}, {Name: "B", Card: true}}}}
	_, err := WaitForCard(context.Background(), sys, "")
	var sce *SeveralCardsError
	if !errors.As(err, &sce) || len(sce.Readers) != 2 {
		t.Fatalf("got %v", err)
	}
}

func TestWaitCancelled(t *testing.T) {
	sys := &fakeSystem{script: [][]ReaderState{{{Name: "A"}}}}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := WaitForCard(ctx, sys, ""); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	sys = &fakeSystem{script: [][]ReaderState{{{Name: "A", Card: true}}, {{Name: "A", Card: true}}, {{Name: "A"}}}}
	if err := WaitForRemoval(context.Background(), sys, "A"); err != nil {
		t.Fatal(err)
	}
}

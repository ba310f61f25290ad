package single_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/ui/single"
)

func TestSecondInstanceForwards(t *testing.T) {
	path := testPath(t)
	got := make(chan string, 10)
	in, err := single.Acquire(path, nil, func(a string) { got <- a })
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	link := "mynadesk://session?code=ABCD-EFGH&service=https%3A%2F%2Fb.example.jp&v=1"
	if _, err := single.Acquire(path, []string{link}, func(string) { t.Error("second instance handled") }); !errors.Is(err, single.ErrForwarded) {
		t.Fatalf("second Acquire = %v", err)
	}
	select {
	case a := <-got:
		if a != link {
			t.Fatalf("forwarded %q", a)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing forwarded")
	}
	// With no argument the running window is asked to show itself.
	if _, err := single.Acquire(path, nil, nil); !errors.Is(err, single.ErrForwarded) {
		t.Fatal(err)
	}
	if a := <-got; a != "" {
		t.Fatalf("activation %q", a)
	}
}

// A primary that closed leaves the endpoint free for the next one.
func TestEndpointFreeAfterClose(t *testing.T) {
	path := testPath(t)
	in, err := single.Acquire(path, nil, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	in.Close()
	got := make(chan string, 1)
	in2, err := single.Acquire(path, []string{"x"}, func(a string) { got <- a })
	if err != nil {
		t.Fatalf("second primary after Close: %v", err)
	}
	defer in2.Close()
	if _, err := single.Acquire(path, []string{"mynadesk://session?code=A"}, nil); !errors.Is(err, single.ErrForwarded) {
		t.Fatal(err)
	}
	if a := <-got; a != "mynadesk://session?code=A" {
		t.Fatalf("forwarded %q", a)
	}
}

func TestDefaultPathIsPerUser(t *testing.T) {
	p, err := single.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	checkDefaultPath(t, p)
}

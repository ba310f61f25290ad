package card

import (
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

// TraceEntry is one APDU exchange as support staff and benchmarks see it.
// VERIFY and CHANGE PIN data never appear: only their length.
type TraceEntry struct {
	Command  string        `json:"command"` // hex header and data, PIN data replaced by "**"
	Name     string        `json:"name"`    // e.g. "SELECT DF", "READ BINARY"
	SW       StatusWord    `json:"sw"`
	Length   int           `json:"length"` // response data bytes
	Duration time.Duration `json:"duration_ns"`
	Err      string        `json:"error,omitempty"`
}

// Trace records exchanges. The zero value is ready; it is safe for concurrent use.
type Trace struct {
	mu      sync.Mutex
	entries []TraceEntry
}

// Entries returns a copy of what was recorded.
func (t *Trace) Entries() []TraceEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]TraceEntry(nil), t.entries...)
}

// Len is the number of recorded exchanges.
func (t *Trace) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}

// Reset forgets every entry.
func (t *Trace) Reset() {
	t.mu.Lock()
	t.entries = nil
	t.mu.Unlock()
}

func (t *Trace) add(e TraceEntry) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.entries = append(t.entries, e)
	t.mu.Unlock()
}

var insNames = map[byte]string{
	INSSelect: "SELECT", INSReadBinary: "READ BINARY", INSVerify: "VERIFY",
	INSChangePIN: "CHANGE PIN", INSGetResponse: "GET RESPONSE", INSComputeSig: "COMPUTE DIGITAL SIGNATURE",
}

// redacted renders a command for the trace, hiding PIN data.
func redacted(c Command) (hexCmd, name string) {
	name = insNames[c.INS]
	if name == "" {
		name = "INS " + hex.EncodeToString([]byte{c.INS})
	}
	hdr := hex.EncodeToString([]byte{c.CLA, c.INS, c.P1, c.P2})
	if len(c.Data) == 0 {
		return hdr, name
	}
	if c.INS == INSVerify || c.INS == INSChangePIN {
		return hdr + " [" + strconv.Itoa(len(c.Data)) + " bytes redacted]", name
	}
	return hdr + " " + hex.EncodeToString(c.Data), name
}

package pcsc

import (
	"sync"
	"time"

	"github.com/ebfe/scard"
)

// statusMu serialises SCardGetStatusChange across the whole process:
// github.com/ebfe/scard keeps the reader-name buffers of every call in one
// package-level map without a lock, so two concurrent calls, even on
// different contexts, are a data race and can crash the program.
var statusMu sync.Mutex

// GetStatusChange is ctx.GetStatusChange under the process-wide lock. Every
// caller of the binding in this module (tests included) goes through it.
// A blocking wait holds the lock, so keep timeouts short (pollInterval).
func GetStatusChange(ctx *scard.Context, rs []scard.ReaderState, timeout time.Duration) error {
	statusMu.Lock()
	defer statusMu.Unlock()
	return ctx.GetStatusChange(rs, timeout)
}

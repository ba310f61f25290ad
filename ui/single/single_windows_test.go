//go:build windows

package single_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func testPath(t *testing.T) string {
	return fmt.Sprintf(`\\.\pipe\mynadesk-test-%d-%s`, time.Now().UnixNano(), t.Name())
}

// The pipe is named for the user's SID, so two users of one PC each have
// their own mynadesk.
func checkDefaultPath(t *testing.T, p string) {
	if !strings.HasPrefix(p, `\\.\pipe\mynadesk-S-1-`) {
		t.Fatalf("default path %q", p)
	}
}

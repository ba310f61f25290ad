package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mynadesk/mynadesk/internal/vpcdtest"
)

// These run the built mynactl binary, because what they change (the
// pcsc-lite socket, a private mount namespace) is per process.

func buildMynactl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mynactl")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func runBinary(t *testing.T, cmd *exec.Cmd) (int, map[string]any) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatalf("not JSON: %q (stderr %s)", out.String(), errb.String())
	}
	return code, v
}

func errCode(v map[string]any) string {
	e, _ := v["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func TestServiceNotRunning(t *testing.T) {
	bin := buildMynactl(t)
	cmd := exec.Command(bin, "status", "--json")
	// pcsc-lite's client finds the daemon through this socket path.
	cmd.Env = append(os.Environ(), "PCSCLITE_CSOCK_NAME="+filepath.Join(t.TempDir(), "no-pcscd.comm"))
	code, v := runBinary(t, cmd)
	if code != exitReader || errCode(v) != "R02" {
		t.Fatalf("exit %d, %v", code, v)
	}
	msg := v["error"].(map[string]any)["message"].(string)
	if !strings.Contains(msg, "pcscd") {
		t.Fatalf("message does not name the service: %s", msg)
	}
}

// TestNoReaders runs a pcscd with no readers configured in a private mount
// namespace (so the machine's pcscd is untouched) and asks mynactl there.
func TestNoReaders(t *testing.T) {
	vpcdtest.Require(t)
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must run as root to start a private pcscd")
		}
		t.Skip("needs root for a private mount namespace")
	}
	bin := buildMynactl(t)
	empty := t.TempDir()
	script := `set -e
mount -t tmpfs none /run/pcscd
pcscd --foreground -c "$1" >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 50); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.1; done
set +e
"$2" status --json
rc=$?
kill $pid; wait $pid 2>/dev/null
exit $rc`
	cmd := exec.Command("unshare", "-m", "bash", "-c", script, "nsrun", empty, bin)
	code, v := runBinary(t, cmd)
	if code != exitReader || errCode(v) != "R01" {
		t.Fatalf("exit %d, %v", code, v)
	}
}

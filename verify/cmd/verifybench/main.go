// Command verifybench measures the booking service's signature check:
// verifications per second with a large CRL loaded (compared in the same run
// with `openssl cms -verify` doing the same check), the time to load the
// CRL and the peak memory of loading it.
//
//	go run ./verify/cmd/verifybench [--entries 1000000] [--duration 5s] [--cache DIR] [--openssl=false]
//
// Generating a million-entry CRL takes a few seconds, so the test PKI and
// the CRL are cached under --cache (default: a directory in os.TempDir()).
// Peak memory is measured in a child process that only loads the CRL, so
// the generation does not count.
package main

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/mynadesk/mynadesk/cms"
	"github.com/mynadesk/mynadesk/internal/config"
	"github.com/mynadesk/mynadesk/jpki"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"github.com/mynadesk/mynadesk/verify"
	"github.com/mynadesk/mynadesk/verify/internal/crlgen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type loadReport struct {
	Entries        int     `json:"entries"`
	LoadSeconds    float64 `json:"load_seconds"`
	LoadCPUSeconds float64 `json:"load_cpu_seconds"`
	PeakRSSMB      float64 `json:"peak_rss_mb"`    // VmHWM of the process after loading
	BaseRSSMB      float64 `json:"base_rss_mb"`    // VmHWM before loading
	HeapInUseMB    float64 `json:"heap_in_use_mb"` // live heap after GC, CRL still loaded
	FileSizeMB     float64 `json:"file_size_mb"`
	CheckedEntry   bool    `json:"checked_entry"`
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := config.NewFlagSet("verifybench")
	fs.SetOutput(stderr)
	entries := fs.Int("entries", 1_000_000, "revoked entries in the CRL")
	duration := fs.Duration("duration", 5*time.Second, "how long to run each throughput measurement")
	cache := fs.String("cache", filepath.Join(os.TempDir(), "mynadesk-verifybench"), "directory caching the test PKI and CRL")
	withOpenSSL := fs.Bool("openssl", true, "compare with openssl cms -verify")
	childLoad := fs.String("child-load", "", "internal: load this CRL and report memory as JSON")
	if err := config.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "verifybench:", err)
		return 2
	}
	if *childLoad != "" {
		return child(*childLoad, *cache, stdout, stderr)
	}
	if err := bench(*entries, *duration, *cache, *withOpenSSL, stdout); err != nil {
		fmt.Fprintln(stderr, "verifybench:", err)
		return 1
	}
	return 0
}

func bench(entries int, duration time.Duration, cache string, withOpenSSL bool, out io.Writer) error {
	ctx := context.Background()
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return err
	}
	pkiDir := filepath.Join(cache, "pki")
	p, err := jpkitest.LoadPKI(pkiDir)
	if err != nil {
		fmt.Fprintln(out, "making the test PKI (cached in", pkiDir+")")
		p, err = jpkitest.NewPKI(jpkitest.PKIOptions{Holder: jpkitest.Holder{Name: "公的\u3000花子",
			Address: "東京都千代田区霞が関1-2-3", Birth: "19900101", Sex: "2"}})
		if err != nil {
			return err
		}
		if err := jpkitest.SavePKI(pkiDir, p); err != nil {
			return err
		}
	}
	if time.Now().After(p.SignCert.NotAfter) {
		return fmt.Errorf("cached PKI in %s has expired: remove it", pkiDir)
	}
	crlPath := filepath.Join(cache, fmt.Sprintf("crl-%d.der", entries))
	if err := ensureCRL(crlPath, p, entries, out); err != nil {
		return err
	}
	fi, err := os.Stat(crlPath)
	if err != nil {
		return err
	}

	fmt.Fprintf(out, "machine: %d CPUs, GOMAXPROCS %d, %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Fprintf(out, "CRL: %d entries, %.1f MB DER (%s)\n\n", entries, float64(fi.Size())/1e6, crlPath)

	// Load time and peak memory, in a fresh process.
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, "--child-load", crlPath, "--cache", cache)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("child load: %w", err)
	}
	var lr loadReport
	if err := json.Unmarshal(b, &lr); err != nil {
		return fmt.Errorf("child load: %w: %s", err, b)
	}
	fmt.Fprintf(out, "CRL load: %.2f s wall, %.2f s CPU; peak RSS %.0f MB (%.0f MB before loading); live heap with the index %.0f MB\n",
		lr.LoadSeconds, lr.LoadCPUSeconds, lr.PeakRSSMB, lr.BaseRSSMB, lr.HeapInUseMB)

	// Throughput with the CRL loaded.
	roots, err := verify.NewRoots(verify.Test, p.SignCA.Cert)
	if err != nil {
		return err
	}
	idx := verify.NewCRLIndex(roots)
	if _, err := idx.AddFile(crlPath); err != nil {
		return err
	}
	content := []byte("registered=2026-11-22T10:00:00+09:00 login=hanako nonce=8f3a")
	signed, err := cms.Sign(ctx, content, p.SignCert, p.SignKey, cms.Options{})
	if err != nil {
		return err
	}
	held := jpki.Attributes{Name: "公的 花子", Address: "東京都千代田区霞が関1-2-3", Birth: "19900101", Sex: "2"}
	opts := verify.Options{Roots: roots, Revocation: []verify.RevocationChecker{idx}, Held: &held}
	if _, err := verify.Verify(ctx, signed, opts); err != nil {
		return fmt.Errorf("the benchmark payload does not verify: %w", err)
	}
	for _, workers := range []int{1, runtime.NumCPU()} {
		cpu0 := cpuSeconds()
		n, total := throughput(workers, duration, func() error { _, err := verify.Verify(ctx, signed, opts); return err })
		cpu := cpuSeconds() - cpu0
		fmt.Fprintf(out, "verify.Verify, %d goroutine(s): %.0f verifications/s wall (%.0f per core); %.0f per CPU-second used\n",
			workers, n, n/float64(workers), float64(total)/cpu)
	}
	fmt.Fprintf(out, "(load average now %s: other work on the machine lowers the wall-clock figures, not the per-CPU-second one)\n", loadAvg())

	if !withOpenSSL {
		return nil
	}
	if _, err := exec.LookPath("openssl"); err != nil {
		fmt.Fprintln(out, "openssl not found: no comparison")
		return nil
	}
	// openssl: same payload, same root, the same CRL (it reads CRLs from
	// the CAfile when -crl_check is given). Each run is one process, so
	// the figure includes starting openssl and parsing the CRL every time;
	// it is given without the CRL as well to show the floor.
	dir, err := os.MkdirTemp("", "verifybench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p7s := filepath.Join(dir, "payload.p7s")
	if err := os.WriteFile(p7s, signed, 0o600); err != nil {
		return err
	}
	caOnly := filepath.Join(dir, "ca.pem")
	rootPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.SignCA.Cert.Raw})
	if err := os.WriteFile(caOnly, rootPEM, 0o600); err != nil {
		return err
	}
	caCRL := filepath.Join(dir, "ca+crl.pem")
	crlDER, err := os.ReadFile(crlPath)
	if err != nil {
		return err
	}
	if err := os.WriteFile(caCRL, append(rootPEM, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: crlDER})...), 0o600); err != nil {
		return err
	}
	osl := func(caFile string, crl bool) func() error {
		return func() error {
			args := []string{"cms", "-verify", "-binary", "-inform", "DER", "-in", p7s, "-CAfile", caFile, "-out", os.DevNull}
			if crl {
				args = append(args, "-crl_check")
			}
			c := exec.Command("openssl", args...)
			if b, err := c.CombinedOutput(); err != nil {
				return fmt.Errorf("openssl: %w: %s", err, strings.TrimSpace(string(b)))
			}
			return nil
		}
	}
	if err := osl(caCRL, true)(); err != nil {
		return err
	}
	workers := runtime.NumCPU()
	start := time.Now()
	_ = osl(caCRL, true)()
	one := time.Since(start)
	fmt.Fprintf(out, "openssl cms -verify -crl_check (%d-entry CRL parsed per process): one run %.2f s", entries, one.Seconds())
	d := max(duration, 3*one)
	cpu0 := childCPUSeconds()
	n, total := throughput(workers, d, osl(caCRL, true))
	fmt.Fprintf(out, "; %d processes: %.2f verifications/s wall; %.2f per CPU-second used\n", workers, n, float64(total)/(childCPUSeconds()-cpu0))
	cpu0 = childCPUSeconds()
	n, total = throughput(workers, duration, osl(caOnly, false))
	fmt.Fprintf(out, "openssl cms -verify without CRL, %d processes: %.0f verifications/s wall; %.0f per CPU-second used\n",
		workers, n, float64(total)/(childCPUSeconds()-cpu0))
	return nil
}

// throughput runs f on workers goroutines for d and returns calls/s and the
// number of calls. A failing call stops the run.
func throughput(workers int, d time.Duration, f func() error) (float64, int64) {
	var n atomic.Int64
	var failed atomic.Value
	stop := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				if err := f(); err != nil {
					failed.Store(err)
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		fmt.Fprintln(os.Stderr, "verifybench: call failed:", err)
		return 0, 0
	}
	return float64(n.Load()) / time.Since(start).Seconds(), n.Load()
}

// cpuSeconds is the user+system CPU time this process has used.
func cpuSeconds() float64 { return rusage(syscall.RUSAGE_SELF) }

// childCPUSeconds is the CPU time used by waited-for children (openssl).
func childCPUSeconds() float64 { return rusage(syscall.RUSAGE_CHILDREN) }

func rusage(who int) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func ensureCRL(path string, p *jpkitest.PKI, entries int, out io.Writer) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	fmt.Fprintf(out, "generating a %d-entry CRL (cached in %s)...\n", entries, path)
	start := time.Now()
	der, err := crlgen.Build(p.SignCA.Cert, p.SignCA.Key, crlgen.Options{
		ThisUpdate: time.Now().Add(-time.Hour), NextUpdate: time.Now().AddDate(1, 0, 0),
		Number: 1, Filler: entries, Seed: 42})
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, der, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(out, "generated in %.1f s\n", time.Since(start).Seconds())
	return os.Rename(tmp, path)
}

// child loads the CRL and reports time and memory.
func child(crlPath, cache string, stdout, stderr io.Writer) int {
	p, err := jpkitest.LoadPKI(filepath.Join(cache, "pki"))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	roots, err := verify.NewRoots(verify.Test, p.SignCA.Cert)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fi, err := os.Stat(crlPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	r := loadReport{BaseRSSMB: vmHWM(), FileSizeMB: float64(fi.Size()) / 1e6}
	cpu0 := cpuSeconds()
	start := time.Now()
	idx := verify.NewCRLIndex(roots)
	info, err := idx.AddFile(crlPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	r.LoadSeconds = time.Since(start).Seconds()
	r.LoadCPUSeconds = cpuSeconds() - cpu0
	r.Entries = info.Entries
	r.PeakRSSMB = vmHWM()
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.HeapInUseMB = float64(ms.HeapInuse) / 1e6
	_, err = idx.CheckRevocation(context.Background(), p.SignCert, p.SignCA.Cert, time.Now())
	r.CheckedEntry = err == nil
	runtime.KeepAlive(idx)
	return writeJSON(stdout, r)
}

func writeJSON(w io.Writer, v any) int {
	if err := json.NewEncoder(w).Encode(v); err != nil {
		return 1
	}
	return 0
}

// vmHWM is the process's peak resident set in MB (Linux); 0 elsewhere.
func vmHWM() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return kb / 1024
			}
		}
	}
	return 0
}

// Command mynadesk is the desktop app: a resident proves who they are to a
// facility-booking service with their My Number Card and an IC card reader.
// It is also what the booking page's 【アプリを起動する】 (mynadesk:// link)
// opens; a second mynadesk hands the link to the running window.
//
// main only wires: settings, the PC/SC service, the view models and the
// screens of package ui.
package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/mynadesk/mynadesk/assets/icons"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"github.com/spf13/pflag"

	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/pcsc"
	"github.com/mynadesk/mynadesk/internal/config"
	"github.com/mynadesk/mynadesk/resident"
	"github.com/mynadesk/mynadesk/ui"
	"github.com/mynadesk/mynadesk/ui/qr"
	"github.com/mynadesk/mynadesk/ui/settings"
	"github.com/mynadesk/mynadesk/ui/single"
	"github.com/mynadesk/mynadesk/ui/vm"
)

// Version is stamped at build time (-ldflags "-X main.Version=…").
var Version = "dev"

// launched is when the process started, for --measure-startup.
var launched = time.Now()

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	fs := config.NewFlagSet("mynadesk")
	fs.SetOutput(stderr)
	settings.Flags(fs)
	version := fs.Bool("version", false, "print the version and exit")
	verbose := fs.BoolP("verbose", "v", false, "log to stderr (no PINs, no personal data)")
	measure := fs.Bool("measure-startup", false, "print the time to the first window and the memory in use, then exit")
	noSingle := fs.Bool("no-single-instance", false, "do not hand over to a running mynadesk")
	if err := config.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *version {
		fmt.Fprintln(os.Stdout, "mynadesk", Version)
		return 0
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(log)

	path, err := settings.DefaultPath()
	if err != nil {
		fmt.Fprintln(stderr, "mynadesk:", err)
		return 1
	}
	store, st, err := settings.Load(path, fs)
	if err != nil {
		fmt.Fprintln(stderr, "mynadesk:", err)
		return 2
	}

	// One instance per user: a link opened while mynadesk runs goes to the
	// running window.
	links := make(chan string, 16)
	if !*noSingle && !*measure {
		sock, err := single.DefaultPath()
		if err == nil {
			inst, err := single.Acquire(sock, fs.Args(), func(a string) { links <- a })
			switch {
			case errors.Is(err, single.ErrForwarded):
				return 0
			case err != nil:
				log.Warn("single instance unavailable", "err", err)
			default:
				defer inst.Close()
			}
		}
	}

	openSys := func() (card.System, error) { return pcsc.Open() }
	source := &resident.SystemCard{Open: openSys, CloseSystem: true, Logger: log}
	source.SetReader(st.Reader)
	home := vm.NewHome(openSys, st.Reader)
	flow := vm.NewFlow(vm.FlowDeps{Card: source, CardStatus: func() *card.Status { return home.State().Status }, NewClient: func(s string) (*client.Client, error) {
		c, err := client.New(s, nil)
		if err == nil {
			c.UserAgent = "mynadesk/" + Version
		}
		return c, err
	}})
	diag := &vm.Diag{Open: openSys, Version: Version, Reader: source.Reader}

	fa := app.NewWithID("jp.mynadesk.desktop")
	fa.SetIcon(fyne.NewStaticResource("mynadesk.png", icons.AppPNG))
	w := fa.NewWindow("mynadesk")
	w.Resize(ui.WindowSize(fyne.Size{})) // until the screen is known
	deps := ui.Deps{Settings: st, Store: store, Home: home, Flow: flow, Diag: diag, Version: Version,
		Fullscreen: w.SetFullScreen,
		Apply:      func(s settings.Settings) { source.SetReader(s.Reader) }}
	deps.Capture = qr.ScreenCapturer(runtime.GOOS, os.Getenv("DISPLAY") != "")
	deps.ClipboardImage = qr.ClipboardImage(runtime.GOOS)
	u := ui.New(fa, w, deps)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go home.Run(ctx)
	for _, a := range fs.Args() {
		links <- a
	}
	go func() {
		for {
			select {
			case l := <-links:
				u.HandleLink(l)
			case <-ctx.Done():
				return
			}
		}
	}()
	fa.Lifecycle().SetOnStarted(func() { fitToScreen(w) })
	if *measure {
		fa.Lifecycle().SetOnStarted(func() {
			fitToScreen(w)
			first := time.Since(launched)
			go func() {
				time.Sleep(2 * time.Second) // the home screen has settled
				var m runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m)
				fmt.Fprintf(os.Stdout, "first-window %v\nheap-in-use %.1f MiB\nsys %.1f MiB\n",
					first.Round(time.Millisecond), float64(m.HeapInuse)/(1<<20), float64(m.Sys)/(1<<20))
				if b, err := os.ReadFile("/proc/self/status"); err == nil { // Linux: the whole process
					for _, l := range strings.Split(string(b), "\n") {
						if strings.HasPrefix(l, "VmRSS:") {
							fmt.Fprintln(os.Stdout, "rss", strings.TrimSpace(strings.TrimPrefix(l, "VmRSS:")))
						}
					}
				}
				fyne.Do(fa.Quit)
			}()
		})
	}
	w.ShowAndRun()
	flow.Reset()
	return 0
}

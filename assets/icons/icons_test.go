package icons

import (
	"bytes"
	"image/png"
	"testing"
)

func TestAppPNG(t *testing.T) {
	cfg, err := png.DecodeConfig(bytes.NewReader(AppPNG))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 256 || cfg.Height != 256 {
		t.Errorf("AppPNG is %dx%d, want 256x256", cfg.Width, cfg.Height)
	}
}

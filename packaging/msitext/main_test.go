package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// The stream names Windows Installer gives the string pool's two streams
// (as msitools and Wine name them: table marker, then character pairs).
func TestMSIStreamName(t *testing.T) {
	got := utf16.Encode([]rune(msiStreamName("_StringPool")))
	if got[0] != 0x4840 || len(got) != 1+6 { // "_S" "tr" "in" "gP" "oo" "l"
		t.Fatalf("%x", got)
	}
	// "_S": '_' is 63, 'S' is 28: 0x3800 + 63 + 28<<6.
	if got[1] != 0x3800+63+28<<6 || got[6] != 0x4800+47 {
		t.Fatalf("%x", got)
	}
}

func TestPatchRefuses(t *testing.T) {
	if err := patch([]byte("not an msi"), "PLACEHOLDER", "x"); err == nil {
		t.Fatal("patched a non-MSI")
	}
	if err := patch(make([]byte, 1024), "SHORT", "とても長いメッセージです"); err == nil || !strings.Contains(err.Error(), "placeholder only") {
		t.Fatalf("too long: %v", err)
	}
}

// With wixl and msiinfo (packaging/deps.sh) the round trip: an MSI with
// an ASCII placeholder gets the Japanese text, which libmsi reads back.
// packaging/test.sh checks the real MSI the same way.
func TestPatchRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("wixl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no wixl: CI must check the MSI text round trip (packaging/deps.sh installs it)")
		}
		t.Skip("no wixl (packaging/deps.sh installs it)")
	}
	dir := t.TempDir()
	ph := "PLACEHOLDER_" + strings.Repeat("x", 60)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644)
	wxs := `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="t" Language="1041" Codepage="932" Version="1.0.0" Manufacturer="m" UpgradeCode="5E0C2B7A-94D1-4C39-8F0B-2A6C1D7E3B46">
    <Package InstallerVersion="500" Compressed="yes" InstallScope="perMachine" Languages="1041" SummaryCodepage="932"/>
    <Media Id="1" Cabinet="t.cab" EmbedCab="yes"/>
    <Condition Message="` + ph + `">Installed OR VersionNT64</Condition>
    <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFiles64Folder"><Directory Id="INSTALLDIR" Name="t">
      <Component Id="A" Guid="5E0C2B7A-94D1-4C39-8F0B-2A6C1D7E3B47" Win64="yes"><File Id="a" Name="a.txt" Source="a.txt" KeyPath="yes"/></Component>
    </Directory></Directory></Directory>
    <Feature Id="F" Level="1"><ComponentRef Id="A"/></Feature>
  </Product>
</Wix>`
	os.WriteFile(filepath.Join(dir, "t.wxs"), []byte(wxs), 0o644)
	cmd := exec.Command("wixl", "-a", "x64", "-o", "t.msi", "t.wxs")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wixl: %v %s", err, out)
	}
	msi := filepath.Join(dir, "t.msi")
	text := "Windows 10 以降で動きます。"
	if code := run([]string{msi, ph, text}, os.Stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
	out, err := exec.Command("msiinfo", "export", msi, "LaunchCondition").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte("Installed OR VersionNT64\t"+text+" ")) {
		t.Fatalf("LaunchCondition: %q", out)
	}
	if out, _ := exec.Command("msiinfo", "export", msi, "_ForceCodepage").Output(); !bytes.Contains(out, []byte("932\t_ForceCodepage")) {
		t.Fatalf("codepage: %q", out)
	}
	// Patched once, the placeholder is gone.
	if code := run([]string{msi, ph, text}, &bytes.Buffer{}); code == 0 {
		t.Fatal("patched twice")
	}
}

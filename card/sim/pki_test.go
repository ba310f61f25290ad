package sim

import (
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/jpki"
)

// The PKI itself is tested in jpki/jpkitest; this checks the card/sim names
// reach it and round-trip through a directory as mynasim init uses them.
func TestPKIThroughSim(t *testing.T) {
	p, err := NewPKI(PKIOptions{Holder: Holder{Name: "公的\u3000太郎", Address: "大阪府大阪市北区1-1", Birth: "19800401", Sex: "1"}, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := SavePKI(dir, p); err != nil {
		t.Fatal(err)
	}
	q, err := LoadPKI(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := jpki.DecodeSAN(q.SignCert)
	if err != nil || a.Birth != "319800401" || a.Sex != "1" {
		t.Fatalf("SAN %+v %v", a, err)
	}
}

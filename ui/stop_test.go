package ui

import (
	"context"
	"testing"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/ui/internal/testenv"
	"github.com/mynadesk/mynadesk/ui/settings"
	"github.com/mynadesk/mynadesk/ui/vm"
)

// Finding 3: a card that cannot finish stops before step 1, with what to
// do and where, and no PIN is asked.
func TestEarlyStops(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tries  map[card.PIN]int
		noSign bool
		want   []string
	}{
		{"signing password locked", map[card.PIN]int{card.PINSign: 0}, false, []string{
			"署名用パスワードがロックされています", "市区町村の窓口",
			"利用者証明用パスワード(数字4桁)が分かる場合は", "コンビニエンスストアなどのキオスク端末"}},
		{"no signing certificate", nil, true, []string{
			"このマイナンバーカードには署名用電子証明書がありません", "15歳未満", "ほかの本人確認の方法"}},
		{"helper PIN locked", map[card.PIN]int{card.PINHelper: 0}, false, []string{
			"券面事項入力補助用パスワードがロックされています", "住民票のある市区町村の窓口"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, settings.Settings{})
			prof := sim.NewProfile(testenv.Hanako, h.env.PKIs.Valid)
			prof.TriesLeft, prof.NoSignCert = tc.tries, tc.noSign
			c, err := sim.NewCard(prof)
			if err != nil {
				t.Fatal(err)
			}
			h.card = c
			h.env.Insert(c, sim.Faults{})
			h.waitHome(vm.SitCard)
			ref := h.session()
			h.waitFlow("stopped", func(s vm.FlowState) bool { return s.Phase == vm.PhaseError || s.Phase == vm.PhasePIN })
			st := h.app.d.Flow.State()
			if st.Phase != vm.PhaseError || !st.Stopped {
				t.Fatalf("not stopped before step 1: %+v", st)
			}
			h.wantText(append([]string{"パスワードを使う前に止めたため、入力回数は減っていません。"}, tc.want...)...)
			h.noText("もう一度試す")
			for _, p := range []card.PIN{card.PINHelper, card.PINSign} {
				want := p.MaxTries()
				if n, ok := tc.tries[p]; ok {
					want = n
				}
				if n := c.TriesLeft(p); n != want {
					t.Errorf("%v: %d tries left, want %d", p, n, want)
				}
			}
			pv, err := h.env.Peek(context.Background(), ref.Code)
			if err != nil || pv.State != booking.StateCreated {
				t.Fatalf("the session moved on: %+v %v", pv, err)
			}
		})
	}
}

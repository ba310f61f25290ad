package vm

import (
	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/problem"
)

// StopBefore says why a session must not go on with the card as its
// status was last read (the home screen's), before any PIN is asked: a
// locked signing password or a card without a signing certificate stop
// both steps; a locked input-helper PIN stops step 1 (needHelper). nil
// when the card may go on, or when its status is not known (the card
// operation then finds out as before).
func StopBefore(st *card.Status, needHelper bool) *problem.Problem {
	if st == nil || !st.Supported {
		return nil
	}
	stop := func(code assets.Code, pin card.PIN) *problem.Problem {
		return &problem.Problem{Code: code, Entry: assets.Lookup(code), PIN: pin}
	}
	if st.SignCert != nil && !*st.SignCert {
		return stop(assets.CodeNoSignCert, card.PINSign)
	}
	for _, p := range st.PINs {
		switch {
		case p.PIN == card.PINSign && p.Blocked:
			return stop(assets.CodePINBlockedSign, card.PINSign)
		case p.PIN == card.PINHelper && p.Blocked && needHelper:
			return stop(assets.CodePINBlockedHelp, card.PINHelper)
		}
	}
	return nil
}

// stopEarly ends run gen with p before any PIN was asked: the run is
// cancelled and its late callbacks ignored.
func (f *Flow) stopEarly(gen int, p *problem.Problem) bool {
	f.mu.Lock()
	if gen != f.gen {
		f.mu.Unlock()
		return false
	}
	if f.cancel != nil {
		f.cancel()
		f.cancel = nil
	}
	f.gen++
	ngen := f.gen
	f.mu.Unlock()
	f.update(ngen, func(s *FlowState) { s.Phase, s.Problem, s.Stopped = PhaseError, p, true })
	return true
}

// precheck stops run gen if the card cannot do what comes next.
func (f *Flow) precheck(gen int, needHelper bool) bool {
	if f.deps.CardStatus == nil {
		return false
	}
	if p := StopBefore(f.deps.CardStatus(), needHelper); p != nil {
		return f.stopEarly(gen, p)
	}
	return false
}

package main

import (
	"context"
	"flag"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/problem"
)

// diagnose builds the support report for the chosen reader.
func (e *env) diagnose(ctx context.Context) card.Report {
	ctx, cancel := e.cardCtx(ctx)
	defer cancel()
	return problem.Report(card.BuildReport(ctx, e.openSystem, e.reader, Version, e.now))
}

func runDiag(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	rep := e.diagnose(ctx)
	if e.json {
		return e.printJSON(rep)
	}
	return rep.WriteText(e.stdout)
}

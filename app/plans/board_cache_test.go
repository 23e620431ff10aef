package plans_test

import (
	"testing"

	"khung/app/changes/changestest"
	"khung/app/plans"
	"khung/models"
	"khung/models/dbtest"
)

// chipStarts maps each visit on the board's timeline to its first day.
func chipStarts(b plans.Board) map[string]string {
	out := map[string]string{}
	for _, r := range b.Rows {
		for _, c := range r.Cells {
			for _, chip := range c {
				out[chip.V.Code] = chip.V.StartDate.String()
			}
		}
	}
	return out
}

func TestTheBoardIsKeptUntilSomethingItShowsChanges(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v := d.build()
	l := changestest.Start(t, d.db) // what keeps the board's cache fresh (off without it)
	svc := plans.New(d.db, l, hcm, locales(t))
	first, err := svc.Board(ctx, d.planner, v.ID, plans.BoardFilter{Area: "001"})
	if err != nil {
		t.Fatal(err)
	}
	hits := svc.BoardCacheStats().Hits
	again, err := svc.Board(ctx, d.planner, v.ID, plans.BoardFilter{Area: "001"})
	if err != nil {
		t.Fatal(err)
	}
	if svc.BoardCacheStats().Hits != hits+1 || len(chipStarts(again)) != len(chipStarts(first)) {
		t.Errorf("the same board asked again was not kept: %+v", svc.BoardCacheStats())
	}
	// Another filter is another answer, not the kept one.
	if inspectorate, err := svc.Board(ctx, d.planner, v.ID, plans.BoardFilter{Body: "dept-inspectorate"}); err != nil ||
		len(chipStarts(inspectorate)) != 1 {
		t.Errorf("board of the inspectorate: %v, %v", chipStarts(inspectorate), err)
	}

	// A visit moved (here straight in the database) is on the next board.
	var moved models.Visit
	if err := d.db.Where("plan_version_id = ? AND start_date IS NOT NULL", v.ID).Order("code").Take(&moved).Error; err != nil {
		t.Fatal(err)
	}
	if before, err := svc.Board(ctx, d.planner, v.ID, plans.BoardFilter{}); err != nil || chipStarts(before)[moved.Code] != moved.StartDate.String() {
		t.Fatalf("before the move: %v, %v", chipStarts(before), err)
	}
	dbtest.MustExec(t, d.db, "UPDATE visits SET start_date = start_date + 7, end_date = end_date + 7 WHERE id = ?", moved.ID)
	changestest.Settle(t, l) // as the request that wrote does
	after, err := svc.Board(ctx, d.planner, v.ID, plans.BoardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := chipStarts(after)[moved.Code], moved.StartDate.AddDays(7).String(); got != want {
		t.Errorf("visit %s starts on %s on the board after the move, want %s", moved.Code, got, want)
	}
}

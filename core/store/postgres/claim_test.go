package postgres_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/postgres"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

// TestClaimTakesAtMostMaxWhateverThePlan: the claim's pick (LIMIT … FOR
// UPDATE SKIP LOCKED) must run once. Under "id IN (subquery)" the planner
// may choose a nested-loop semi join that runs the subquery again for
// every row of tasks, and each run skips the rows the statement has
// already updated and locks the next: a claim of one task then takes
// them all (and the one-task long poll answers only the first, leaving
// the rest leased and never run). The planner is pushed to that plan
// here the way table statistics can push it in production.
func TestClaimTakesAtMostMaxWhateverThePlan(t *testing.T) {
	u, err := url.Parse(storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	opts := "-c enable_hashagg=off -c enable_hashjoin=off -c enable_mergejoin=off -c enable_material=off -c enable_sort=off"
	u.RawQuery += "&options=" + strings.ReplaceAll(url.PathEscape(opts), "=", "%3D")
	s, err := postgres.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Update(context.Background(), func(tx store.Tx) error {
		_, err := storetest.Enqueue(tx, "cm-w", "docker", "restart", 6)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	worker := domain.Principal{Kind: domain.PrincipalWorker, Name: "cm-w", WorkerID: "cm-w"}
	taken := 0
	for _, n := range []int{1, 2, 1, 5} {
		tks, _, err := s.ClaimTasks(context.Background(), "cm-w", n, time.Now(), time.Now().Add(time.Hour), worker)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(n, 6-taken); len(tks) != want {
			t.Fatalf("a claim of %d took %d tasks with %d queued, want %d", n, len(tks), 6-taken, want)
		}
		taken += len(tks)
	}
}

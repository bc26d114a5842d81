package client_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// The plugin endpoints: method, path, query and body of each call.
func TestSkillRequests(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		status int
		answer any
		call   func(c *client.Client) (any, error)
		want   recorded
		result any
	}{
		{"search", 200, []domain.MarketplaceSkill{{ID: "a"}}, func(c *client.Client) (any, error) { return c.SearchSkills(ctx, "dock") },
			recorded{method: "GET", path: "/api/v1/plugins/market", query: "q=dock"}, []domain.MarketplaceSkill{{ID: "a"}}},
		{"info", 200, domain.MarketplaceSkillInfo{Readme: "r"}, func(c *client.Client) (any, error) { return c.SkillInfo(ctx, "a") },
			recorded{method: "GET", path: "/api/v1/plugins/market/a"}, domain.MarketplaceSkillInfo{Readme: "r"}},
		{"list", 200, []domain.InstalledSkill{}, func(c *client.Client) (any, error) { return c.ListSkills(ctx) },
			recorded{method: "GET", path: "/api/v1/plugins"}, []domain.InstalledSkill{}},
		{"install", 201, domain.InstalledSkill{Source: "community"}, func(c *client.Client) (any, error) { return c.InstallSkill(ctx, "a", true) },
			recorded{method: "POST", path: "/api/v1/plugins", body: `{"id":"a","force":true}`}, domain.InstalledSkill{Source: "community"}},
		{"update", 200, domain.SkillUpdate{To: "2.0.0"}, func(c *client.Client) (any, error) { return c.UpdateSkill(ctx, "a", false) },
			recorded{method: "POST", path: "/api/v1/plugins/a/update", body: `{}`}, domain.SkillUpdate{To: "2.0.0"}},
		{"remove", 204, nil, func(c *client.Client) (any, error) { return nil, c.RemoveSkill(ctx, "a") },
			recorded{method: "DELETE", path: "/api/v1/plugins/a"}, nil},
		{"verify", 200, []domain.SkillVerification{{ID: "a", OK: true}}, func(c *client.Client) (any, error) { return c.VerifySkills(ctx, "a") },
			recorded{method: "GET", path: "/api/v1/plugins/verify", query: "id=a"}, []domain.SkillVerification{{ID: "a", OK: true}}},
		{"worker skills", 200, []domain.SkillBundle{{ID: "a", Files: map[string][]byte{"x": []byte("y")}}},
			func(c *client.Client) (any, error) { return c.WorkerSkills(ctx) }, recorded{method: "GET", path: "/api/v1/worker/skills"},
			[]domain.SkillBundle{{ID: "a", Files: map[string][]byte{"x": []byte("y")}}}},
		{"propose", 201, domain.Plan{ID: "pl-1"}, func(c *client.Client) (any, error) {
			return c.ProposePlan(ctx, domain.ProposePlanRequest{Title: "t", Rationale: "r"})
		}, recorded{method: "POST", path: "/api/v1/plans", body: `{"title":"t","rationale":"r","actions":null}`}, domain.Plan{ID: "pl-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := serve(t, tt.status, tt.answer)
			got, err := tt.call(c)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.auth = "Bearer s3cret"
			if *rec != tt.want {
				t.Errorf("request = %+v, want %+v", *rec, tt.want)
			}
			if !reflect.DeepEqual(got, tt.result) {
				t.Errorf("result = %#v, want %#v", got, tt.result)
			}
		})
	}
}

// The shapes of the groups claim.

package oidc

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

func TestGroupsIn(t *testing.T) {
	tests := []struct {
		name, claim, json string
		want              []string
		err               error
	}{
		{"a list", "groups", `{"groups":["ops","staff"]}`, []string{"ops", "staff"}, nil},
		{"a single string", "groups", `{"groups":"ops"}`, []string{"ops"}, nil},
		{"an empty string", "groups", `{"groups":""}`, nil, nil},
		{"absent", "groups", `{"sub":"x"}`, nil, nil},
		{"null", "groups", `{"groups":null}`, nil, nil},
		{"an object's keys", "roles", `{"roles":{"operator":{"1":"a"},"admin":{}}}`, []string{"admin", "operator"}, nil},
		{"a dotted path", "realm_access.roles", `{"realm_access":{"roles":["ops"]}}`, []string{"ops"}, nil},
		{"a claim named like a URL", "https://wingman.example.com/groups",
			`{"https://wingman.example.com/groups":["ops"]}`, []string{"ops"}, nil},
		{"a path that leads nowhere", "realm_access.roles", `{"realm_access":"x"}`, nil, nil},
		{"a list with a number", "groups", `{"groups":["ops",7]}`, nil, ErrGroupsFormat},
		{"a number", "groups", `{"groups":7}`, nil, ErrGroupsFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var all map[string]any
			if err := json.Unmarshal([]byte(tt.json), &all); err != nil {
				t.Fatal(err)
			}
			got, err := groupsIn(all, tt.claim)
			if !errors.Is(err, tt.err) || !slices.Equal(got, tt.want) {
				t.Fatalf("groupsIn = %q, %v; want %q, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

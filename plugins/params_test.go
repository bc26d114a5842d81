package plugins

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

type testParams struct {
	Script string            `json:"script"`
	Args   []string          `json:"args"`
	Env    map[string]string `json:"env"`
	Count  int               `json:"count"`
}

func TestDecodeParams(t *testing.T) {
	want := testParams{Script: "echo", Args: []string{"a", "b"}, Env: map[string]string{"K": "v"}, Count: 3}

	// Built in Go.
	var fromGo testParams
	err := DecodeParams(map[string]any{"script": "echo", "args": []string{"a", "b"}, "env": map[string]string{"K": "v"}, "count": 3}, &fromGo)
	if err != nil {
		t.Fatal(err)
	}
	// Decoded from the wire.
	var wire map[string]any
	if err := json.Unmarshal([]byte(`{"script":"echo","args":["a","b"],"env":{"K":"v"},"count":3}`), &wire); err != nil {
		t.Fatal(err)
	}
	var fromWire testParams
	if err := DecodeParams(wire, &fromWire); err != nil {
		t.Fatal(err)
	}
	for _, got := range []testParams{fromGo, fromWire} {
		if got.Script != want.Script || !slices.Equal(got.Args, want.Args) || !maps.Equal(got.Env, want.Env) || got.Count != want.Count {
			t.Errorf("decoded %+v, want %+v", got, want)
		}
	}

	var none testParams
	if err := DecodeParams(nil, &none); err != nil {
		t.Errorf("nil params: %v", err)
	}
}

func TestDecodeParamsRefuses(t *testing.T) {
	tests := []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{"scrpt": "echo"}, `unknown param "scrpt"`},
		{map[string]any{"script": 3}, `param "script": got number, want string`},
		{map[string]any{"args": "a b"}, `param "args": got string, want []string`},
		{map[string]any{"args": []any{"a", 1}}, `param "args": got number, want string`},
		{map[string]any{"env": map[string]any{"K": true}}, `got bool, want string`},
		{map[string]any{"count": 1.5}, `param "count": got number 1.5, want int`},
	}
	for _, tt := range tests {
		var p testParams
		err := DecodeParams(tt.params, &p)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("DecodeParams(%v) = %v, want it to contain %q", tt.params, err, tt.want)
		}
	}
}

package plugins

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// DecodeParams fills the struct v points to from an action's params, by
// their JSON field names, so that params decoded from the wire
// ([]any, map[string]any, float64) and params built in Go ([]string,
// map[string]string, int) are read the same way. A param v has no field for
// is refused, so a misspelt name fails the check before anything runs.
func DecodeParams(params map[string]any, v any) error {
	if params == nil {
		params = map[string]any{}
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("params: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("param %q: got %s, want %s", te.Field, te.Value, te.Type)
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return fmt.Errorf("unknown param %s", name)
		}
		return fmt.Errorf("params: %w", err)
	}
	return nil
}

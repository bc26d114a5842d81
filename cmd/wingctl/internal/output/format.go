// Package output prints command results as an aligned table, JSON or YAML,
// the one way every wingctl command does it.
package output

import "fmt"

// Format is the value of the global -o flag.
type Format string

// Formats. JSON and YAML carry the API's own field names.
const (
	Table Format = "table"
	JSON  Format = "json"
	YAML  Format = "yaml"
)

// Formats lists the accepted values, for help and completion.
var Formats = []string{string(Table), string(JSON), string(YAML)}

// String implements pflag.Value.
func (f *Format) String() string { return string(*f) }

// Set implements pflag.Value, refusing unknown formats at parse time so a
// typo is a usage error before any request is made.
func (f *Format) Set(s string) error {
	switch Format(s) {
	case Table, JSON, YAML:
		*f = Format(s)
		return nil
	}
	return fmt.Errorf("%q is not one of table, json, yaml", s)
}

// Type implements pflag.Value.
func (f *Format) Type() string { return "format" }

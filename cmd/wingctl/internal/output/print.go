package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
)

// Print writes v to w as JSON or YAML, or calls table to write it as a
// table; a nil table prints nothing. Commands call it with the value the
// API returned, so -o json shows exactly the API's fields.
func Print(w io.Writer, f Format, v any, table func(io.Writer) error) error {
	switch f {
	case JSON:
		return writeJSON(w, v)
	case YAML:
		return writeYAML(w, v)
	}
	if table == nil {
		return nil
	}
	return table(w)
}

// Printf prints v as JSON or YAML; in the table format it writes format
// and args instead, as fmt.Fprintf does, for results that read as a
// sentence rather than a table.
func Printf(w io.Writer, f Format, v any, format string, args ...any) error {
	return Print(w, f, v, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, format, args...)
		return err
	})
}

// PrintSecret prints v, which holds a secret shown only this once, as JSON
// or YAML. In the table format the secret is the only line on ios.Out, so
// that $(...) captures it, and note goes to ErrOut.
func PrintSecret(ios *iostreams.IOStreams, f Format, v any, secret, note string) error {
	return Print(ios.Out, f, v, func(w io.Writer) error {
		fmt.Fprintln(ios.ErrOut, note)
		_, err := fmt.Fprintln(w, secret)
		return err
	})
}

func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// writeYAML goes through JSON so YAML keys are the json tags, and through a
// yaml.Node (YAML reads JSON) so keys keep the struct's order.
func writeYAML(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode yaml: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("encode yaml: %w", err)
	}
	blockStyle(&doc)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return fmt.Errorf("encode yaml: %w", err)
	}
	return enc.Close()
}

// blockStyle drops the flow style and quoting that parsing JSON left on
// every node; the encoder quotes again wherever a plain scalar would change
// type.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// The embedded JSON Schema of a spec.

package spec

import (
	"bytes"
	_ "embed"
	"sync"

	"github.com/wingman-dev/wingman/dashboards/document"
)

//go:embed schema.json
var schemaJSON []byte

const schemaURL = "https://wingman.dev/schemas/dashboard.json"

// Schema returns the spec's JSON Schema, for `wingctl dashboards schema`
// and for editors.
func Schema() []byte { return bytes.Clone(schemaJSON) }

var compiledSchema = sync.OnceValues(func() (*document.Schema, error) {
	return document.CompileSchema(schemaURL, schemaJSON)
})

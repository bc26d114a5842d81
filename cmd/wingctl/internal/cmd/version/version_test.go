package version

import (
	"testing"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
)

func TestVersion(t *testing.T) {
	tests := []struct {
		format output.Format
		want   string
	}{
		{output.Table, "wingctl version v1.2.3\n"},
		{output.JSON, "{\n  \"version\": \"v1.2.3\"\n}\n"},
	}
	for _, tt := range tests {
		f, out, _ := apitest.NewFactory("http://unused", "", tt.format)
		cmd := NewCmdVersion(f, func(o *VersionOptions) error {
			o.Version = "v1.2.3"
			return versionRun(o)
		})
		if err := apitest.Run(cmd, ""); err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want {
			t.Errorf("%s: out = %q, want %q", tt.format, out, tt.want)
		}
	}
}

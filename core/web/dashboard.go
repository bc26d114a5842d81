// The front page: the overview dashboard, rendered by the same service and
// from the same data as the TUI's, read back from the JSON the render
// endpoint serves and laid out as tables and simple charts.

package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// overview is the dashboard on the front page.
const overview = "overview"

// renderTimeout bounds the overview's render, as the API bounds its own.
const renderTimeout = 5 * time.Second

// rendered is a rendered dashboard as the render endpoint serves it
// (dashboards/render.Dashboard, which core does not import).
type rendered struct {
	Title       string    `json:"title"`
	Description string    `json:"description"`
	RenderedAt  time.Time `json:"rendered_at"`
	Sections    []struct {
		Name       string              `json:"name"`
		Columns    int                 `json:"columns"`
		Components []renderedComponent `json:"components"`
	} `json:"sections"`
}

type renderedComponent struct {
	Type        string        `json:"type"`
	Title       string        `json:"title"`
	Width       int           `json:"width"`
	Color       string        `json:"color"`
	XAxis       string        `json:"x_axis"`
	YAxis       string        `json:"y_axis"`
	Orientation string        `json:"orientation"`
	GroupBy     string        `json:"group_by"`
	Error       string        `json:"error"`
	Data        *renderedData `json:"data"`
}

// renderedData is a query's result: one field is set, by its kind.
type renderedData struct {
	Integer *struct {
		Value    int64  `json:"value"`
		Previous *int64 `json:"previous"`
		Trend    string `json:"trend"`
	} `json:"integer"`
	Table      *tableData `json:"table"`
	Timeseries *struct {
		Series    []series `json:"series"`
		Truncated bool     `json:"truncated"`
	} `json:"timeseries"`
	Events *eventsData `json:"events"`
	Graph  *struct {
		Nodes     []graphNode `json:"nodes"`
		Truncated bool        `json:"truncated"`
	} `json:"graph"`
	Matrix *matrixData `json:"matrix"`
}

type column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type tableData struct {
	Columns   []column `json:"columns"`
	Rows      [][]any  `json:"rows"`
	Truncated bool     `json:"truncated"`
}

type series struct {
	Name   string `json:"name"`
	Points []struct {
		T time.Time `json:"t"`
		V float64   `json:"v"`
	} `json:"points"`
}

type eventsData struct {
	Fields []column `json:"fields"`
	Events []struct {
		At     time.Time      `json:"at"`
		Title  string         `json:"title"`
		Fields map[string]any `json:"fields"`
	} `json:"events"`
	Truncated bool `json:"truncated"`
}

type graphNode struct {
	ID     string `json:"id"`
	Parent string `json:"parent"`
	Kind   string `json:"kind"`
	Label  string `json:"label"`
	Status string `json:"status"`
}

type matrixData struct {
	X, Y struct {
		Name   string   `json:"name"`
		Labels []string `json:"labels"`
	}
	Values [][]float64 `json:"values"`
}

type dashboardPage struct {
	Dashboard *dashView
	// Error says why there is no dashboard.
	Error string
}

func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request, v *visit) error {
	var page dashboardPage
	if h.cfg.Dashboards == nil {
		page.Error = "This server renders no dashboards."
	} else {
		ctx, cancel := context.WithTimeout(r.Context(), renderTimeout)
		out, err := h.cfg.Dashboards.Render(ctx, domain.RenderRequest{Template: overview})
		cancel()
		if err != nil {
			if _, _, ok := refusal(err); !ok {
				h.cfg.Logger.Error("render the overview dashboard", "err", err)
			}
			page.Error = "The overview did not render: " + err.Error()
		} else if page.Dashboard, err = layout(out); err != nil {
			return err
		}
	}
	h.render(w, http.StatusOK, "dashboard", newView(v, "Dashboard", "dashboard", page))
	return nil
}

// decodeRendered reads a rendered dashboard back from its JSON, numbers
// kept exact.
func decodeRendered(out any) (rendered, error) {
	var d rendered
	b, err := json.Marshal(out)
	if err != nil {
		return d, fmt.Errorf("encode the rendered dashboard: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("read the rendered dashboard: %w", err)
	}
	return d, nil
}

// cell shows a table cell as its column's type says.
func cell(v any, typ string) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		if typ == "time" {
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return t.UTC().Format("2006-01-02 15:04")
			}
		}
		return x
	case json.Number:
		if typ == "number" {
			if f, err := x.Float64(); err == nil {
				return strconv.FormatFloat(f, 'f', -1, 64)
			}
		}
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}

// number reads a cell as a number for a chart.
func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

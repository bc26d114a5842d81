// Simple charts as inline SVG: lines over time and bars, drawn with
// attributes and classes only, so the pages need no script and no inline
// style.

package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// chart is an SVG drawing in a viewBox of Width by Height.
type chart struct {
	Width, Height float64
	Label         string
	Bars          []bar
	Lines         []line
	Labels        []label
}

type bar struct {
	X, Y, W, H float64
	Title      string
}

type line struct {
	Points string
	Class  string
	Title  string
}

type label struct {
	X, Y   float64
	Text   string
	Anchor string
	Class  string
}

// Chart geometry, in viewBox units.
const (
	chartW      = 480.0
	chartH      = 180.0
	padLeft     = 44.0
	padRight    = 10.0
	padTop      = 12.0
	padBottom   = 26.0
	rowH        = 22.0
	barLabelW   = 130.0
	barValueW   = 50.0
	seriesClass = 6 // colours in the stylesheet, s0 to s5
)

// lineChart draws each series as a line over a shared time axis.
func lineChart(title string, ss []series, xName, yName string) *chart {
	c := &chart{Width: chartW, Height: chartH, Label: title}
	var t0, t1 time.Time
	lo, hi := 0.0, 0.0
	n := 0
	for _, s := range ss {
		for _, p := range s.Points {
			if n == 0 || p.T.Before(t0) {
				t0 = p.T
			}
			if n == 0 || p.T.After(t1) {
				t1 = p.T
			}
			lo, hi = min(lo, p.V), max(hi, p.V)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	if hi == lo {
		hi = lo + 1
	}
	plotW, plotH := chartW-padLeft-padRight, chartH-padTop-padBottom
	x := func(t time.Time) float64 {
		if !t1.After(t0) {
			return padLeft + plotW/2
		}
		return padLeft + plotW*float64(t.Sub(t0))/float64(t1.Sub(t0))
	}
	y := func(v float64) float64 { return padTop + plotH*(1-(v-lo)/(hi-lo)) }
	c.Lines = append(c.Lines, line{Class: "axis",
		Points: fmt.Sprintf("%.1f,%.1f %.1f,%.1f %.1f,%.1f", padLeft, padTop, padLeft, padTop+plotH, padLeft+plotW, padTop+plotH)})
	for i, s := range ss {
		pts := make([]string, len(s.Points))
		for j, p := range s.Points {
			pts[j] = fmt.Sprintf("%.1f,%.1f", x(p.T), y(p.V))
		}
		class := fmt.Sprintf("series s%d", i%seriesClass)
		c.Lines = append(c.Lines, line{Points: strings.Join(pts, " "), Class: class, Title: s.Name})
		if s.Name != "" {
			c.Labels = append(c.Labels, label{X: chartW - padRight, Y: padTop + 12*float64(i+1), Text: s.Name, Anchor: "end", Class: "legend s" + fmt.Sprint(i%seriesClass)})
		}
	}
	c.Labels = append(c.Labels,
		label{X: padLeft - 4, Y: padTop + 4, Text: short(hi), Anchor: "end"},
		label{X: padLeft - 4, Y: padTop + plotH, Text: short(lo), Anchor: "end"},
		label{X: padLeft, Y: chartH - 8, Text: t0.UTC().Format("Jan 2"), Anchor: "start"},
		label{X: padLeft + plotW, Y: chartH - 8, Text: t1.UTC().Format("Jan 2"), Anchor: "end"},
	)
	if xName != "" {
		c.Labels = append(c.Labels, label{X: padLeft + plotW/2, Y: chartH - 8, Text: xName, Anchor: "middle", Class: "axis-name"})
	}
	if yName != "" {
		c.Labels = append(c.Labels, label{X: padLeft + 4, Y: padTop + 4, Text: yName, Anchor: "start", Class: "axis-name"})
	}
	return c
}

// item is one bar: a category and its value.
type item struct {
	Label string
	Value float64
}

// barChart draws items as bars, across (horizontal) or up.
func barChart(title string, items []item, horizontal bool) *chart {
	if len(items) == 0 {
		return nil
	}
	top := 0.0
	for _, it := range items {
		top = max(top, it.Value)
	}
	if top <= 0 {
		top = 1
	}
	if horizontal {
		c := &chart{Width: chartW, Height: rowH*float64(len(items)) + 8, Label: title}
		room := chartW - barLabelW - barValueW
		for i, it := range items {
			y := 4 + rowH*float64(i)
			w := room * max(it.Value, 0) / top
			c.Bars = append(c.Bars, bar{X: barLabelW, Y: y + 3, W: w, H: rowH - 8, Title: it.Label + ": " + short(it.Value)})
			c.Labels = append(c.Labels,
				label{X: barLabelW - 6, Y: y + rowH/2 + 3, Text: clip(it.Label, 20), Anchor: "end"},
				label{X: barLabelW + w + 4, Y: y + rowH/2 + 3, Text: short(it.Value), Anchor: "start"})
		}
		return c
	}
	c := &chart{Width: chartW, Height: chartH, Label: title}
	plotW, plotH := chartW-padLeft-padRight, chartH-padTop-padBottom
	slot := plotW / float64(len(items))
	for i, it := range items {
		h := plotH * max(it.Value, 0) / top
		x := padLeft + slot*float64(i)
		c.Bars = append(c.Bars, bar{X: x + slot*0.15, Y: padTop + plotH - h, W: slot * 0.7, H: h, Title: it.Label + ": " + short(it.Value)})
		c.Labels = append(c.Labels,
			label{X: x + slot/2, Y: padTop + plotH - h - 3, Text: short(it.Value), Anchor: "middle"},
			label{X: x + slot/2, Y: chartH - 8, Text: clip(it.Label, max(3, int(slot/7))), Anchor: "middle"})
	}
	return c
}

// short writes a chart's number without needless decimals.
func short(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// clip shortens a label to n characters.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:max(n-1, 1)]) + "…"
}

// Package dash implements "wingctl dash": a dashboard printed once, for
// cron mail, the message of the day and scripts.
package dash

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/dashboards"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/dashboards/render"
	"github.com/wingman-dev/wingman/tui/common"
	"github.com/wingman-dev/wingman/tui/components"
)

// Widths a dashboard is drawn at: the default off a terminal, and the
// bounds of --width.
const (
	defaultWidth     = 80
	minWidth         = 24
	maxWidth         = 1000
	defaultDashboard = "overview"
)

// DashOptions are the inputs of "wingctl dash".
type DashOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
	Getenv func(string) string
	// Location is the time zone times are shown in.
	Location *time.Location

	Template string
	// File is a spec file, "-" for stdin; it replaces Template.
	File string
	// Width is the width to draw at; 0 for the terminal's.
	Width int
}

// NewCmdDash returns "wingctl dash"; runF replaces the run in tests.
func NewCmdDash(f *cmdutil.Factory, runF func(*DashOptions) error) *cobra.Command {
	opts := &DashOptions{IO: f.IOStreams, Client: f.Client, Getenv: f.Getenv, Location: time.Local}
	cmd := &cobra.Command{
		Use:   "dash [<template> | -f <spec>]",
		Short: "Print a dashboard once",
		Long: `Print a dashboard once and exit: one of the server's pre-built dashboards
(overview when none is named; "wingctl dashboards list" lists them), or a
spec of your own with -f. The server resolves its data; wingctl draws it at
the terminal's width, at --width, or at 80 columns off a terminal.

It is made for cron mail, the message of the day and scripts: off a
terminal, or with NO_COLOR set, it writes plain text, and it draws every
row of every table. With -o json (or yaml) it prints the data the server
resolved instead of drawing it: each component with its data, or the error
that left it without.

A spec the server refuses is listed on stderr a problem a line, by path,
with exit 1; "wingctl dashboards validate" checks one without a server.`,
		Example: `  wingctl dash
  wingctl dash containers --width 120
  wingctl dash -f ~/dashboards/nas.yaml

  # What failed to load, for a monitoring script
  wingctl dash incidents -o json | jq -r '.sections[].components[] | select(.error) | .title'

  # A morning report by mail (crontab)
  0 7 * * * wingctl dash overview --width 100

  # The message of the day (/etc/update-motd.d/60-wingman)
  #!/bin/sh
  wingctl dash overview --width 80 2>/dev/null || true`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("%s takes one template name, got %q", cmd.CommandPath(), args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Template = args[0]
			}
			if opts.Template != "" && opts.File != "" {
				return cmdutil.FlagErrorf("name a template or give -f, not both")
			}
			if opts.Template == "" && opts.File == "" {
				opts.Template = defaultDashboard
			}
			if cmd.Flags().Changed("width") && (opts.Width < minWidth || opts.Width > maxWidth) {
				return cmdutil.FlagErrorf("--width %d is not between %d and %d", opts.Width, minWidth, maxWidth)
			}
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return dashRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.File, "file", "f", "", `a dashboard spec (YAML or JSON) to render; "-" reads stdin`)
	cmd.Flags().IntVar(&opts.Width, "width", 0, "draw this many columns wide (default: the terminal's, or 80)")
	return cmd
}

func dashRun(ctx context.Context, opts *DashOptions) error {
	req := domain.RenderRequest{Template: opts.Template}
	if opts.File != "" {
		text, err := dashboards.ReadSpec(opts.IO.In, opts.File)
		if err != nil {
			return err
		}
		req.Spec = string(text)
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	raw, err := c.RenderDashboard(ctx, req)
	var cerr *client.Error
	if errors.As(err, &cerr) && len(cerr.Problems) > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "wingctl: the server refused %s:\n", opts.File)
		dashboards.PrintProblems(opts.IO.ErrOut, opts.File, cerr.Problems)
		return cmdutil.ErrSilent
	}
	if err != nil {
		return err
	}
	switch opts.Format {
	case output.JSON:
		// The server's answer as it is: every field, in its order.
		var buf bytes.Buffer
		if err := json.Indent(&buf, raw, "", "  "); err != nil {
			return fmt.Errorf("dashboard answer: %w", err)
		}
		buf.WriteByte('\n')
		_, err := opts.IO.Out.Write(buf.Bytes())
		return err
	case output.YAML:
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("dashboard answer: %w", err)
		}
		return output.Print(opts.IO.Out, opts.Format, v, nil)
	}
	var d render.Dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		return fmt.Errorf("dashboard answer: %w", err)
	}
	st := common.NewStyles(renderer(opts))
	_, err = io.WriteString(opts.IO.Out, components.Draw(st, opts.Location, &d, width(opts))+"\n")
	return err
}

// renderer writes colour only to a terminal, and not even there with
// NO_COLOR set.
func renderer(opts *DashOptions) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(opts.IO.Out)
	if !opts.IO.IsStdoutTTY() || opts.Getenv("NO_COLOR") != "" {
		r.SetColorProfile(termenv.Ascii)
	}
	// Asking the terminal for its background costs a round trip, long
	// over a slow SSH link, and answers arrive as stray input on some
	// terminals; dark is the common case, and it only shades the greys.
	r.SetHasDarkBackground(true)
	return r
}

// width is --width, else the terminal's, else $COLUMNS, else 80.
func width(opts *DashOptions) int {
	if opts.Width > 0 {
		return opts.Width
	}
	if f, ok := opts.IO.Out.(*os.File); ok && opts.IO.IsStdoutTTY() {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w >= minWidth {
			return w
		}
	}
	if w, err := strconv.Atoi(opts.Getenv("COLUMNS")); err == nil && w >= minWidth && w <= maxWidth {
		return w
	}
	return defaultWidth
}

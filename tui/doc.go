// Package tui is wingctl's terminal console: a bubbletea program with one
// view per subject (incidents, plans, workers, audit), kept live by the
// control plane's event stream. It talks to wingmand only through the API
// client, never to a store, so it shows what every other client shows.
//
// It follows soft-serve's shape: every view implements one interface
// (View), shares one Common (styles, keys, size, client), and declares the
// messages it handles beside it; styles and keys live in package common.
package tui

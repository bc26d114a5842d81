// Package filelog tails the log files of a worker's site and summarises
// them for the control plane.
//
// The privacy rule: a raw log line never leaves the site. Every line read
// goes into a logsum.Summarizer, which redacts it before it keeps anything
// of it, and a Tailer hands out only those summaries (Flush) and counters
// (Stats), never a line. Nothing here logs a line either.
//
// Files are polled, not watched, so that the package needs nothing beyond
// the standard library and works on any file system, network ones
// included. A Tailer follows each path across rotation (logrotate's create
// and copytruncate), waits for files that do not exist yet, and lets one
// file's trouble stop none of the others.
package filelog

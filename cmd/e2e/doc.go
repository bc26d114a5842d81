// Package e2e tests Wingman's real binaries end to end: it builds wingmand
// and wingctl, starts the daemon on a free loopback port against SQLite or
// the test PostgreSQL, and drives it with wingctl and shell scripts the way
// an operator's cron job would.
package e2e

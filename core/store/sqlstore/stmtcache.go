package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the cache; the queries come from this
// package's code, so only multi-row statements of unusual sizes go past it.
const maxCachedStatements = 512

// stmtCache keeps statements prepared once per pool and query text.
//
// A transaction already holds one of its pool's connections, so preparing
// on the pool from inside it would wait for a second one: with every
// connection held by a transaction doing the same, nothing would move. A
// miss is therefore prepared on the transaction itself, and the pool-level
// statement is prepared in the background for the next use.
type stmtCache struct {
	mu      sync.Mutex
	stmts   map[stmtKey]*sql.Stmt // guarded by mu
	pending map[stmtKey]bool      // guarded by mu; being prepared in the background
	closed  bool                  // guarded by mu
	fills   sync.WaitGroup
}

type stmtKey struct {
	pool *sql.DB
	q    string
}

// lookup returns the cached statement for q, or nil after scheduling its
// preparation.
func (c *stmtCache) lookup(pool *sql.DB, q string) *sql.Stmt {
	k := stmtKey{pool, q}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[k]; ok {
		return st
	}
	if c.closed || c.pending[k] || len(c.stmts)+len(c.pending) >= maxCachedStatements {
		return nil
	}
	if c.pending == nil {
		c.pending = map[stmtKey]bool{}
	}
	c.pending[k] = true
	c.fills.Add(1)
	go c.fill(k)
	return nil
}

// fill prepares k on its pool, waiting for a free connection if need be:
// it holds none meanwhile.
func (c *stmtCache) fill(k stmtKey) {
	defer c.fills.Done()
	st, err := k.pool.PrepareContext(context.Background(), k.q)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, k)
	if err != nil {
		return // the statement's next use reports the error
	}
	if c.closed {
		st.Close()
		return
	}
	if c.stmts == nil {
		c.stmts = map[stmtKey]*sql.Stmt{}
	}
	c.stmts[k] = st
}

// close waits for background preparations (they use the pools, which close
// next) and closes every cached statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.fills.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, st := range c.stmts {
		st.Close()
		delete(c.stmts, k)
	}
}

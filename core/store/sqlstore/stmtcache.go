package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the cache; the queries come from this
// package's code, so only multi-row statements of unusual sizes go past it.
const maxCachedStatements = 512

// stmtCache keeps prepared statements per pool and query text.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[stmtKey]*sql.Stmt // guarded by mu
}

type stmtKey struct {
	pool *sql.DB
	q    string
}

// get returns q prepared on pool, preparing it on first use. Past the cap
// the statement is prepared uncached; the caller's Stmt is then closed
// with its transaction.
func (c *stmtCache) get(ctx context.Context, pool *sql.DB, q string) (*sql.Stmt, error) {
	k := stmtKey{pool, q}
	c.mu.Lock()
	st, ok := c.stmts[k]
	c.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := pool.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stmts == nil {
		c.stmts = map[stmtKey]*sql.Stmt{}
	}
	if prev, ok := c.stmts[k]; ok {
		st.Close()
		return prev, nil
	}
	if len(c.stmts) < maxCachedStatements {
		c.stmts[k] = st
	}
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, st := range c.stmts {
		st.Close()
		delete(c.stmts, k)
	}
}

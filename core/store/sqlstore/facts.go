package sqlstore

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// MarkEnvelopes records a worker's envelope ids in one statement per
// chunk and returns those not seen before.
func (t *tx) MarkEnvelopes(workerID string, ids []string, pt domain.PayloadType, at time.Time) (map[string]bool, error) {
	const cols = 4
	// In id order, so that a resend racing the original takes the same
	// unique-key locks in the same order instead of deadlocking.
	ids = slices.Sorted(slices.Values(ids))
	fresh := make(map[string]bool, len(ids))
	for start := 0; start < len(ids); start += rowsPerStatement {
		chunk := ids[start:min(start+rowsPerStatement, len(ids))]
		args := make([]any, 0, len(chunk)*cols)
		for _, id := range chunk {
			args = append(args, id, workerID, string(pt), ms(at))
		}
		rows, err := t.query(`INSERT INTO envelopes (id, worker_id, payload_type, received_at) VALUES `+
			t.placeholders(len(chunk), cols, 1)+` ON CONFLICT (id) DO NOTHING RETURNING id`, args...)
		var ids []string
		if err == nil {
			ids, err = scanIDs(rows)
		}
		if err != nil {
			return nil, fmt.Errorf("mark %d envelopes of %s: %w", len(chunk), workerID, err)
		}
		for _, id := range ids {
			fresh[id] = true
		}
	}
	return fresh, nil
}

type factKey struct{ worker, typ, name string }

type factState struct {
	status string
	attrs  string
	at     int64
}

// rowsPerStatement keeps multi-row statements under both databases'
// limits on bound parameters.
const rowsPerStatement = 500

// ApplyFacts stores a batch of facts in a few multi-row statements: one
// read of the current states, one upsert, one history insert per chunk.
// Batching is what lets ingest keep up with many workers on one fsync per
// envelope.
func (t *tx) ApplyFacts(facts []domain.Fact) ([]domain.FactChange, error) {
	if len(facts) == 0 {
		return nil, nil
	}
	sorted := make([]domain.Fact, len(facts))
	copy(sorted, facts)
	// Oldest first, so that within one batch each fact follows the one before.
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ObservedAt.Before(sorted[j].ObservedAt) })

	current, err := t.currentStates(sorted)
	if err != nil {
		return nil, err
	}
	var history []factRow
	var changes []domain.FactChange
	// One row per key in the upsert: a statement may not touch a row twice.
	latest := map[factKey]factRow{}
	for _, f := range sorted {
		attrs, err := toJSON(f.Attrs)
		if err != nil {
			return nil, fmt.Errorf("fact %s/%s: attrs: %w", f.Type, f.Name, err)
		}
		row := factRow{Fact: f, attrs: attrs}
		k := factKey{f.WorkerID, f.Type, f.Name}
		cur, known := current[k]
		if known && ms(f.ObservedAt) < cur.at {
			// An older state arriving late (an offline backlog) belongs to
			// history; it must not overwrite what is newer.
			history = append(history, row)
			continue
		}
		latest[k] = row
		if known && cur.status == f.Status && cur.attrs == attrs {
			current[k] = factState{cur.status, cur.attrs, ms(f.ObservedAt)}
			continue
		}
		row.prev = cur.status
		latest[k] = row
		history = append(history, row)
		changes = append(changes, domain.FactChange{Fact: f, PrevStatus: cur.status})
		current[k] = factState{f.Status, attrs, ms(f.ObservedAt)}
	}
	rows := make([]factRow, 0, len(latest))
	for _, r := range latest {
		rows = append(rows, r)
	}
	// Concurrent batches lock rows in one order (the key's), so two
	// replicas storing overlapping facts wait for each other instead of
	// deadlocking.
	sort.Slice(rows, func(i, j int) bool { return rows[i].key().less(rows[j].key()) })
	if err := t.upsertFacts(rows); err != nil {
		return nil, err
	}
	if err := t.insertHistory(history); err != nil {
		return nil, err
	}
	return changes, nil
}

type factRow struct {
	domain.Fact
	attrs string
	prev  string
}

func (r factRow) key() factKey { return factKey{r.WorkerID, r.Type, r.Name} }

func (k factKey) less(o factKey) bool {
	if k.worker != o.worker {
		return k.worker < o.worker
	}
	if k.typ != o.typ {
		return k.typ < o.typ
	}
	return k.name < o.name
}

// currentStates reads the stored state of every key in facts.
func (t *tx) currentStates(facts []domain.Fact) (map[factKey]factState, error) {
	byGroup := map[[2]string][]string{}
	var groups [][2]string
	for _, f := range facts {
		g := [2]string{f.WorkerID, f.Type}
		if _, ok := byGroup[g]; !ok {
			groups = append(groups, g)
		}
		byGroup[g] = append(byGroup[g], f.Name)
	}
	// Lock in key order, as upsertFacts writes (see there).
	sort.Slice(groups, func(i, j int) bool {
		return groups[i][0] < groups[j][0] || groups[i][0] == groups[j][0] && groups[i][1] < groups[j][1]
	})
	out := make(map[factKey]factState, len(facts))
	for _, g := range groups {
		names := byGroup[g]
		sort.Strings(names)
		for start := 0; start < len(names); start += rowsPerStatement {
			chunk := names[start:min(start+rowsPerStatement, len(names))]
			args := []any{g[0], g[1]}
			for _, n := range chunk {
				args = append(args, n)
			}
			rows, err := t.query(`SELECT name, status, attrs, observed_at FROM facts
				WHERE worker_id = $1 AND type = $2 AND name IN `+t.placeholders(1, len(chunk), 3)+` ORDER BY name`+t.d.LockRow, args...)
			if err != nil {
				return nil, fmt.Errorf("read facts of %s: %w", g[0], err)
			}
			for rows.Next() {
				var name string
				var st factState
				if err := rows.Scan(&name, &st.status, &st.attrs, &st.at); err != nil {
					rows.Close()
					return nil, fmt.Errorf("read facts of %s: %w", g[0], err)
				}
				out[factKey{g[0], g[1], name}] = st
			}
			if err := rows.Close(); err != nil {
				return nil, fmt.Errorf("read facts of %s: %w", g[0], err)
			}
		}
	}
	return out, nil
}

func (t *tx) upsertFacts(rows []factRow) error {
	const cols = 7
	for start := 0; start < len(rows); start += rowsPerStatement {
		chunk := rows[start:min(start+rowsPerStatement, len(rows))]
		args := make([]any, 0, len(chunk)*cols)
		for _, r := range chunk {
			args = append(args, r.WorkerID, r.Type, r.Name, r.SiteName, r.Status, r.attrs, ms(r.ObservedAt))
		}
		q := `INSERT INTO facts (worker_id, type, name, site_name, status, attrs, observed_at) VALUES ` +
			t.placeholders(len(chunk), cols, 1) + `
			ON CONFLICT (worker_id, type, name) DO UPDATE SET site_name = excluded.site_name,
				status = excluded.status, attrs = excluded.attrs, observed_at = excluded.observed_at
			WHERE facts.observed_at <= excluded.observed_at`
		if _, err := t.exec(q, args...); err != nil {
			return fmt.Errorf("store facts: %w", err)
		}
	}
	return nil
}

func (t *tx) insertHistory(rows []factRow) error {
	const cols = 8
	for start := 0; start < len(rows); start += rowsPerStatement {
		chunk := rows[start:min(start+rowsPerStatement, len(rows))]
		args := make([]any, 0, len(chunk)*cols)
		for _, r := range chunk {
			args = append(args, r.WorkerID, r.Type, r.Name, r.SiteName, r.Status, r.prev, r.attrs, ms(r.ObservedAt))
		}
		q := `INSERT INTO fact_history (worker_id, type, name, site_name, status, prev_status, attrs, observed_at) VALUES ` +
			t.placeholders(len(chunk), cols, 1)
		if _, err := t.exec(q, args...); err != nil {
			return fmt.Errorf("store fact history: %w", err)
		}
	}
	return nil
}

// placeholders returns "($1,$2),($3,$4)" for rows×cols parameters
// numbered from first, or the same with "?" where the dialect is
// positional (the earlier parameters must then be "?" too, or $1..$first-1
// bound in order: SQLite numbers a "?" one past the largest so far).
func (t *tx) placeholders(rows, cols, first int) string {
	var b strings.Builder
	n := first
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := 0; c < cols; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			if t.d.Positional {
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", n)
			}
			n++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// typedRows returns "SELECT CAST($1 AS T) AS c, … UNION ALL SELECT …" for
// rows of the given "name TYPE" columns: a row source both databases read
// (PostgreSQL needs the casts to type the parameters; SQLite cannot name
// the columns of a VALUES list).
func (t *tx) typedRows(rows int, cols []string) string {
	var b strings.Builder
	n := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(" UNION ALL ")
		}
		b.WriteString("SELECT ")
		for c, col := range cols {
			name, typ, _ := strings.Cut(col, " ")
			if c > 0 {
				b.WriteByte(',')
			}
			ph := "?"
			if !t.d.Positional {
				ph = fmt.Sprintf("$%d", n)
			}
			fmt.Fprintf(&b, "CAST(%s AS %s) AS %s", ph, typ, name)
			n++
		}
	}
	return b.String()
}

// factWhere builds the WHERE clause shared by fact listings.
func factWhere(f domain.FactFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(col, v string) {
		if v != "" {
			args = append(args, v)
			conds = append(conds, fmt.Sprintf("%s = $%d", col, len(args)))
		}
	}
	add("worker_id", f.WorkerID)
	add("type", f.Type)
	add("name", f.Name)
	add("status", f.Status)
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListFacts lists latest states by worker, type and name.
func (t *tx) ListFacts(f domain.FactFilter) ([]domain.Fact, error) {
	where, args := factWhere(f)
	args = append(args, limit(f.Limit, 10000))
	rows, err := t.query(`SELECT worker_id, site_name, type, name, status, attrs, observed_at FROM facts`+where+
		fmt.Sprintf(" ORDER BY worker_id, type, name LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list facts: %w", err)
	}
	defer rows.Close()
	var out []domain.Fact
	for rows.Next() {
		var fc domain.Fact
		var attrs string
		var at int64
		if err := rows.Scan(&fc.WorkerID, &fc.SiteName, &fc.Type, &fc.Name, &fc.Status, &attrs, &at); err != nil {
			return nil, fmt.Errorf("list facts: %w", err)
		}
		if err := fromJSON(attrs, &fc.Attrs); err != nil {
			return nil, fmt.Errorf("list facts: %w", err)
		}
		fc.ObservedAt = fromMS(at)
		out = append(out, fc)
	}
	return out, rows.Err()
}

// FactHistory lists state changes, newest first.
func (t *tx) FactHistory(f domain.FactFilter) ([]domain.FactChange, error) {
	where, args := factWhere(f)
	args = append(args, limit(f.Limit, 10000))
	rows, err := t.query(`SELECT worker_id, site_name, type, name, status, prev_status, attrs, observed_at FROM fact_history`+where+
		fmt.Sprintf(" ORDER BY observed_at DESC, id DESC LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("fact history: %w", err)
	}
	defer rows.Close()
	var out []domain.FactChange
	for rows.Next() {
		var c domain.FactChange
		var attrs string
		var at int64
		if err := rows.Scan(&c.WorkerID, &c.SiteName, &c.Type, &c.Name, &c.Status, &c.PrevStatus, &attrs, &at); err != nil {
			return nil, fmt.Errorf("fact history: %w", err)
		}
		if err := fromJSON(attrs, &c.Attrs); err != nil {
			return nil, fmt.Errorf("fact history: %w", err)
		}
		c.ObservedAt = fromMS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddLogSummaries stores summaries as the worker made them.
func (t *tx) AddLogSummaries(workerID string, sums []domain.LogSummary) error {
	for _, s := range sums {
		body, err := toJSON(s)
		if err != nil {
			return err
		}
		if _, err := t.exec(`INSERT INTO log_summaries (worker_id, source, from_at, to_at, summary) VALUES ($1, $2, $3, $4, $5)`,
			workerID, s.Source, ms(s.From), ms(s.To), body); err != nil {
			return fmt.Errorf("store log summary of %s: %w", s.Source, err)
		}
	}
	return nil
}

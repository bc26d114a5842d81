package logsum

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
)

func TestMinerClassic(t *testing.T) {
	t.Parallel()
	m := NewMiner(Options{})
	a := m.Add("Connected to 10.0.0.1 port 22")
	b := m.Add("Connected to 10.0.0.2 port 22")
	if a != b {
		t.Errorf("the two connections are clusters %d and %d, want one", a, b)
	}
	for _, l := range []string{
		"Receive from node 4",
		"Receive from node 5",
		"PacketResponder 1 for block blk_38865049064139660 terminating",
		"PacketResponder 0 for block blk_-6952295868487656571 terminating",
		"PacketResponder 2 for block blk_7128370237687728475 terminating",
		"Deleting block blk_1781953582842324563 file /mnt/hadoop/dfs/data/current/subdir0/blk_1781953582842324563",
	} {
		m.Add(l)
	}
	want := []domain.LogTemplate{
		{Template: "PacketResponder <*> for block <*> terminating", Count: 3},
		{Template: "Connected to <ip> port 22", Count: 2},
		{Template: "Receive from node <*>", Count: 2},
		{Template: "Deleting block blk_1781953582842324563 file /mnt/hadoop/dfs/data/current/subdir0/blk_1781953582842324563", Count: 1},
	}
	if got := m.Templates(); !reflect.DeepEqual(got, want) {
		t.Errorf("Templates() =\n%v\nwant\n%v", got, want)
	}
}

// Lines join a cluster only when similar enough, and the template keeps
// what all its lines share.
func TestMinerSimilarity(t *testing.T) {
	t.Parallel()
	m := NewMiner(Options{})
	a := m.Add("connection closed by alice port web")
	b := m.Add("connection closed by bob port web")
	c := m.Add("connection closed for carol port app")
	d := m.Add("disk sda is failing badly now")
	if a != b || b != c {
		t.Errorf("closed connections are clusters %d, %d, %d; want one", a, b, c)
	}
	if d == a {
		t.Error("a disk failure joined the connections")
	}
	want := []domain.LogTemplate{
		{Template: "connection closed <*> <*> port <*>", Count: 3},
		{Template: "disk sda is failing badly now", Count: 1},
	}
	if got := m.Templates(); !reflect.DeepEqual(got, want) {
		t.Errorf("Templates() = %v, want %v", got, want)
	}

	// At Similarity 0.9 the same lines stay apart.
	strict := NewMiner(Options{Similarity: 0.9})
	if strict.Add("connection closed by alice port web") == strict.Add("connection closed by bob port web") {
		t.Error("at Similarity 0.9, lines with 5 of 6 tokens equal joined")
	}
}

func TestMinerTokenCountsNeverMerge(t *testing.T) {
	t.Parallel()
	m := NewMiner(Options{Similarity: 0.01})
	a := m.Add("job 1 done")
	b := m.Add("job 2 done in 5s")
	c := m.Add("job 3 done")
	if a == b {
		t.Error("lines of 3 and 5 tokens joined")
	}
	if a != c {
		t.Errorf("lines of 3 tokens: clusters %d and %d", a, c)
	}
	if got := len(m.Templates()); got != 2 {
		t.Errorf("%d templates, want 2", got)
	}
}

// The prefix layers put lines that differ in their first tokens apart
// before any similarity is computed; numbers are wildcards there.
func TestMinerPrefixTree(t *testing.T) {
	t.Parallel()
	m := NewMiner(Options{Similarity: 0.01})
	if m.Add("GET /a 200 12ms") == m.Add("PUT /a 200 12ms") {
		t.Error("lines with different first tokens joined")
	}
	if m.Add("42 items synced ok") != m.Add("17 items synced ok") {
		t.Error("lines differing in a leading number did not join")
	}
}

func TestMinerClusterCap(t *testing.T) {
	t.Parallel()
	m := NewMiner(Options{MaxClusters: 10})
	first := m.Add("alpha event happened")
	for i := range 100 {
		m.Add(fmt.Sprintf("event%c%c kind %d", 'a'+i%26, 'a'+i/26, i))
	}
	if n := len(m.clusters); n != 10 {
		t.Errorf("%d clusters, want 10", n)
	}
	if n := len(m.Templates()); n > 10 {
		t.Errorf("%d templates, want at most 10", n)
	}
	if m.recent.Len() != len(m.clusters) {
		t.Errorf("recent list %d, clusters %d", m.recent.Len(), len(m.clusters))
	}
	// The least recently used went first, and took its branch with it.
	if _, ok := m.clusters[first]; ok {
		t.Error("the oldest cluster is still kept")
	}
	if n := m.root.children["3"]; n != nil && n.children["alpha"] != nil {
		t.Error("the tree still has the forgotten cluster's branch")
	}
	if leaves := countLeafClusters(&m.root); leaves != 10 {
		t.Errorf("the tree holds %d clusters, want 10", leaves)
	}
	// A cluster in use is kept.
	m = NewMiner(Options{MaxClusters: 3})
	hot := m.Add("hot line")
	for i := range 20 {
		m.Add(fmt.Sprintf("cold%c line number", 'a'+i))
		if m.Add("hot line") != hot {
			t.Fatal("the cluster in use was forgotten")
		}
	}
}

func countLeafClusters(n *node) int {
	c := len(n.clusters)
	for _, ch := range n.children {
		c += countLeafClusters(ch)
	}
	return c
}

func TestMinerMaxChildren(t *testing.T) {
	t.Parallel()
	m := NewMiner(Options{MaxChildren: 5, Depth: 5})
	for i := range 50 {
		m.Add(fmt.Sprintf("svc%c says hello w%c", 'a'+i%26, 'a'+i/26))
	}
	var walk func(n *node, depth int)
	walk = func(n *node, depth int) {
		if depth > 0 && len(n.children) > 5 {
			t.Errorf("a node at depth %d has %d children", depth, len(n.children))
		}
		for _, c := range n.children {
			walk(c, depth+1)
		}
	}
	walk(&m.root, 0)
	if m.root.children["4"].children[Wildcard] == nil {
		t.Error("no wildcard child took the overflow")
	}
}

func TestMinerDeterministic(t *testing.T) {
	t.Parallel()
	lines := mixedLog(3000)
	run := func() ([]domain.LogTemplate, []int) {
		m := NewMiner(Options{MaxClusters: 40})
		ids := make([]int, len(lines))
		for i, l := range lines {
			ids[i] = m.Add(l)
		}
		return m.Templates(), ids
	}
	t1, ids1 := run()
	for range 3 {
		t2, ids2 := run()
		if !reflect.DeepEqual(t1, t2) || !reflect.DeepEqual(ids1, ids2) {
			t.Fatal("two runs over the same lines differ")
		}
	}
	for i := 1; i < len(t1); i++ {
		if t1[i-1].Count < t1[i].Count || t1[i-1].Count == t1[i].Count && t1[i-1].Template >= t1[i].Template {
			t.Fatalf("templates out of order at %d: %v", i, t1[i-1:i+1])
		}
	}
}

// The Miner sees redacted lines only.
func TestMinerRedacts(t *testing.T) {
	t.Parallel()
	m := NewMiner(Options{})
	m.Add("login bob@example.com password=hunter2 from 192.168.0.4")
	want := "login <email> password=<secret> from <ip>"
	if got := m.Templates(); len(got) != 1 || got[0].Template != want {
		t.Errorf("Templates() = %v, want %q", got, want)
	}
}

func TestMinerEmptyAndLongLines(t *testing.T) {
	t.Parallel()
	m := NewMiner(Options{})
	if m.Add("") != m.Add("   ") {
		t.Error("empty lines are two clusters")
	}
	long := make([]byte, 10*maxMined)
	for i := range long {
		long[i] = "ab "[i%3]
	}
	m.Add(string(long))
	for _, tp := range m.Templates() {
		if len(tp.Template) > maxMined {
			t.Errorf("a template of %d bytes", len(tp.Template))
		}
	}
}

func TestMinerJSON(t *testing.T) {
	t.Parallel()
	m := NewMiner(Options{})
	a := m.Add(`{"time":"2024-01-15T10:30:20Z","level":"WARN","msg":"slow query","took_ms":1682}`)
	b := m.Add(`{"time":"2024-01-15T10:31:07Z","level":"WARN","msg":"slow query","took_ms":708}`)
	if a != b {
		t.Error("two JSON lines of one message are two clusters")
	}
	want := `<*> "level":"WARN", "msg":"slow query", <*>`
	if got := m.Templates(); len(got) != 1 || got[0].Template != want {
		t.Errorf("Templates() = %v, want %q", got, want)
	}
}

package plugins

import (
	"context"
	"sync"
)

// fake is a plugin whose steps are whatever a test says; a nil step
// succeeds. It records the steps called, in order.
type fake struct {
	id      string
	actions []string
	pre     func(context.Context) error
	exec    func(context.Context) (Result, error)
	post    func(context.Context, Result) error
	back    func(context.Context, Result) error

	mu    sync.Mutex
	calls []string // guarded by mu
}

func (f *fake) ID() string        { return f.id }
func (f *fake) Actions() []string { return f.actions }

func (f *fake) record(step string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, step)
}

func (f *fake) called() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fake) ValidatePre(ctx context.Context, a Action) error {
	f.record("pre")
	if f.pre == nil {
		return nil
	}
	return f.pre(ctx)
}

func (f *fake) Execute(ctx context.Context, a Action) (Result, error) {
	f.record("execute")
	if f.exec == nil {
		return Result{Output: "done"}, nil
	}
	return f.exec(ctx)
}

func (f *fake) ValidatePost(ctx context.Context, a Action, r Result) error {
	f.record("post")
	if f.post == nil {
		return nil
	}
	return f.post(ctx, r)
}

func (f *fake) Rollback(ctx context.Context, a Action, r Result) error {
	f.record("rollback")
	if f.back == nil {
		return nil
	}
	return f.back(ctx, r)
}

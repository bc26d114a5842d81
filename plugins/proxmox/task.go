package proxmox

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	pve "github.com/wingman-dev/wingman/core/collect/proxmox"
)

// maxPollErrors is how many status requests in a row may fail before the
// wait gives up: a blip on the network should not fail an action whose
// task goes on.
const maxPollErrors = 3

// start calls a change (POST or DELETE) whose answer is the UPID of the
// task Proxmox started for it, and waits for that task.
func (p *Plugin) start(ctx context.Context, method, path string, form url.Values) (string, error) {
	var upid string
	if err := p.c.Do(ctx, method, path, form, &upid); err != nil {
		return "", err
	}
	if upid == "" {
		return "", fmt.Errorf("proxmox: %s %s: answered no task", method, path)
	}
	return upid, p.wait(ctx, upid)
}

// wait polls the status of task upid until it has stopped, and returns
// nil if it ended well: exit status "OK", or "WARNINGS: n" for a task
// that did its work and logged warnings. Any other exit status is the
// task's error and wraps ErrTaskFailed. When ctx ends first the task is
// left running on Proxmox: stopping a migration half way is worse than
// letting it finish.
func (p *Plugin) wait(ctx context.Context, upid string) error {
	node, err := taskNode(upid)
	if err != nil {
		return err
	}
	path := pve.Path("nodes", node, "tasks", upid, "status")
	failures := 0
	for {
		var st struct {
			Status     string `json:"status"`
			ExitStatus string `json:"exitstatus"`
		}
		err := p.c.Get(ctx, path, &st)
		switch {
		case err != nil && ctx.Err() == nil:
			if failures++; failures >= maxPollErrors {
				return fmt.Errorf("task %s: %w", upid, err)
			}
		case err != nil:
		case st.Status == "stopped" && (st.ExitStatus == "OK" || strings.HasPrefix(st.ExitStatus, "WARNINGS")):
			return nil
		case st.Status == "stopped":
			return fmt.Errorf("%w: %s: %s", ErrTaskFailed, upid, st.ExitStatus)
		default:
			failures = 0
		}
		t := time.NewTimer(p.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("task %s still running on Proxmox, no longer waited for: %w", upid, context.Cause(ctx))
		case <-t.C:
		}
	}
}

// taskNode is the node a task runs on, the second field of its UPID
// ("UPID:pve1:0002F1E6A:…"); its status is asked of that node.
func taskNode(upid string) (string, error) {
	f := strings.Split(upid, ":")
	if len(f) < 8 || f[0] != "UPID" || !validNode(f[1]) {
		return "", fmt.Errorf("proxmox answered %q, not a task ID", upid)
	}
	return f[1], nil
}

// post is start with POST.
func (p *Plugin) post(ctx context.Context, path string, form url.Values) (string, error) {
	return p.start(ctx, http.MethodPost, path, form)
}

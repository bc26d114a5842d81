package offline

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// nameTime is the timestamp in a file name: RFC 3339 with colons made
// dashes (file systems and scp dislike colons) and nanoseconds.
const nameTime = "2006-01-02T15-04-05.000000000Z"

// resultPrefix starts the name of an execution result's file, which is
// named for its task: a task has one result, so writing it again replaces
// it rather than adding a second.
const resultPrefix = "execution-result-"

var taskIDPattern = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,128}$`)

// fileName names the file of an envelope.
func fileName(pt domain.PayloadType, at time.Time, taskID string) (string, error) {
	if pt == domain.PayloadExecutionResult {
		if !taskIDPattern.MatchString(taskID) {
			return "", fmt.Errorf("execution result: task id %q cannot name a file", taskID)
		}
		return resultPrefix + taskID + ".json", nil
	}
	switch pt {
	case domain.PayloadFacts, domain.PayloadHealth, domain.PayloadLogs:
		return string(pt) + "-" + at.UTC().Format(nameTime) + ".json", nil
	}
	return "", fmt.Errorf("payload type %q has no file name", pt)
}

// parseName tells an envelope's file by its name: its payload type and,
// but for results (named for their task), its timestamp.
func parseName(name string) (domain.PayloadType, time.Time, bool) {
	base, ok := strings.CutSuffix(name, ".json")
	if !ok {
		return "", time.Time{}, false
	}
	if id, ok := strings.CutPrefix(base, resultPrefix); ok {
		return domain.PayloadExecutionResult, time.Time{}, taskIDPattern.MatchString(id)
	}
	for _, pt := range []domain.PayloadType{domain.PayloadFacts, domain.PayloadHealth, domain.PayloadLogs} {
		if rest, ok := strings.CutPrefix(base, string(pt)+"-"); ok {
			at, err := time.Parse(nameTime, rest)
			return pt, at, err == nil
		}
	}
	return "", time.Time{}, false
}

// droppable reports whether a full buffer may drop envelopes of this type:
// facts and health are superseded by newer ones, log summaries are history,
// but an execution result is the only record of what a task did.
func droppable(pt domain.PayloadType) bool { return pt != domain.PayloadExecutionResult }

// dropRank orders what a full buffer drops first: facts and health, then
// log summaries.
func dropRank(pt domain.PayloadType) int {
	if pt == domain.PayloadLogs {
		return 1
	}
	return 0
}

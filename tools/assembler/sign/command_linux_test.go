package sign

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A signer command that hangs is stopped after its timeout, and so is the
// process it started in the background, which holds its stdout open.
func TestCommandThatHangsIsStoppedWithItsChildren(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	script := "sleep 3600 & echo $! >" + pidFile + "; wait"
	_, err := Command(script, nil, 300*time.Millisecond).Sign(context.Background(), []byte("payload"))
	if err == nil || !strings.Contains(err.Error(), "did not finish within 300ms") || !strings.Contains(err.Error(), "--signer-timeout") {
		t.Fatalf("a hanging signer command: %v; want it stopped after its timeout", err)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	waitGone(t, pid)
}

// A command that exits but leaves a process behind has it killed too.
func TestCommandLeftoversAreKilled(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	script := "sleep 3600 >/dev/null 2>&1 & echo $! >" + pidFile + "; echo c2lnbmF0dXJl"
	if _, err := Command(script, nil, time.Minute).Sign(context.Background(), []byte("payload")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	waitGone(t, pid)
}

// waitGone waits until pid has died: no process, or a zombie left for its
// new parent to reap.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	for range 600 {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return
		}
		// The state follows the command name, which is in parentheses.
		if fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:])); len(fields) > 0 && fields[0] == "Z" {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("process %d, which the signer command started, still runs", pid)
}

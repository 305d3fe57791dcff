package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// EnvICALJS names ical.js's CommonJS build (node_modules/ical.js/dist/
// ical.es5.cjs), an independent iCalendar parser that the feed tests read
// the feeds with; .ci/run installs it.
const EnvICALJS = "SAMSPIL_TEST_ICALJS"

// envRequireBrowser makes the tests that need an outside checker fail
// instead of skipping without it (as internal/server's browser tests do).
const envRequireBrowser = "SAMSPIL_TEST_REQUIRE_BROWSER"

// icalJSScript prints what ical.js reads from the feed on stdin.
const icalJSScript = `const ICAL = require(process.argv[2]);
let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', d => text += d);
process.stdin.on('end', () => {
  const cal = new ICAL.Component(ICAL.parse(text));
  const events = cal.getAllSubcomponents('vevent').map(ev => {
    const start = ev.getFirstPropertyValue('dtstart');
    return {
      uid: ev.getFirstPropertyValue('uid'),
      summary: ev.getFirstPropertyValue('summary'),
      description: ev.getFirstPropertyValue('description'),
      start: start.toString(),
      all_day: start.isDate,
      transp: ev.getFirstPropertyValue('transp'),
      alarms: ev.getAllSubcomponents('valarm').map(a => ({
        action: a.getFirstPropertyValue('action'),
        trigger: a.getFirstPropertyValue('trigger').toString(),
        trigger_seconds: a.getFirstPropertyValue('trigger').toSeconds(),
        description: a.getFirstPropertyValue('description'),
      })),
    };
  });
  process.stdout.write(JSON.stringify(events));
});
`

// jsEvent is an event as ical.js reads it.
type jsEvent struct {
	UID         string    `json:"uid"`
	Summary     string    `json:"summary"`
	Description string    `json:"description"`
	Start       string    `json:"start"` // 2033-06-30 for a date
	AllDay      bool      `json:"all_day"`
	Transp      string    `json:"transp"`
	Alarms      []jsAlarm `json:"alarms"`
}

type jsAlarm struct {
	Action         string `json:"action"`
	Trigger        string `json:"trigger"`
	TriggerSeconds int64  `json:"trigger_seconds"`
	Description    string `json:"description"`
}

// icalJS returns a reader of feeds through ical.js, or skips the test
// (failing it when the outside checkers are required).
func icalJS(t *testing.T) func(feed []byte) map[string]jsEvent {
	t.Helper()
	lib := os.Getenv(EnvICALJS)
	node, nodeErr := exec.LookPath("node")
	if lib == "" || nodeErr != nil {
		if os.Getenv(envRequireBrowser) != "" {
			t.Fatalf("%s is set but %s does not name ical.js's dist/ical.es5.cjs or node is missing (%v)", envRequireBrowser, EnvICALJS, nodeErr)
		}
		t.Skip("the independent iCalendar check needs node and ical.js: npm install ical.js and set " + EnvICALJS + " to its dist/ical.es5.cjs")
	}
	if _, err := os.Stat(lib); err != nil {
		t.Fatalf("%s: %v", EnvICALJS, err)
	}
	script := filepath.Join(t.TempDir(), "read-feed.cjs")
	if err := os.WriteFile(script, []byte(icalJSScript), 0o600); err != nil {
		t.Fatal(err)
	}
	return func(feed []byte) map[string]jsEvent {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, node, script, lib)
		cmd.Stdin = bytes.NewReader(feed)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("ical.js cannot read the feed: %v\n%s\n%s", err, stderr.Bytes(), feed)
		}
		var events []jsEvent
		if err := json.Unmarshal(out, &events); err != nil {
			t.Fatalf("ical.js output %s: %v", out, err)
		}
		byUID := map[string]jsEvent{}
		for _, e := range events {
			byUID[e.UID] = e
		}
		return byUID
	}
}

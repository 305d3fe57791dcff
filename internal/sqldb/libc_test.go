package sqldb_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// modernc.org/sqlite is generated against one exact modernc.org/libc; other
// modules (goose) pull a newer libc, which Go's minimal version selection
// would pick and which can corrupt memory at run time. go.mod pins libc with a
// replace directive; this test fails when the pin and sqlite's own
// requirement drift apart (e.g. after upgrading sqlite).
func TestLibcMatchesSQLite(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not installed")
	}
	root := moduleRoot(t, goBin)
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(goBin, args...)
		cmd.Dir = root
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return out
	}

	type module struct {
		Path    string
		Version string
		Replace *module
	}
	selected := func(path string) string {
		t.Helper()
		var m module
		if err := json.Unmarshal(run("list", "-m", "-json", path), &m); err != nil {
			t.Fatalf("go list -m -json %s: %v", path, err)
		}
		if m.Replace != nil {
			if m.Replace.Path != path {
				t.Fatalf("%s is replaced by another module %s", path, m.Replace.Path)
			}
			return m.Replace.Version
		}
		return m.Version
	}
	sqliteVersion := selected("modernc.org/sqlite")
	libcVersion := selected("modernc.org/libc")

	required := sqliteRequiresLibc(t, string(run("mod", "graph")), sqliteVersion)
	if required == "" {
		t.Fatalf("the module graph has no modernc.org/libc requirement of modernc.org/sqlite@%s", sqliteVersion)
	}
	if libcVersion != required {
		t.Fatalf("the build uses modernc.org/libc %s, but modernc.org/sqlite %s requires %s: "+
			"set `replace modernc.org/libc => modernc.org/libc %s` in go.mod", libcVersion, sqliteVersion, required, required)
	}
}

// sqliteRequiresLibc returns the libc version that the given sqlite version
// requires according to `go mod graph` output.
func sqliteRequiresLibc(t *testing.T, graph, sqliteVersion string) string {
	t.Helper()
	from := "modernc.org/sqlite@" + sqliteVersion
	for _, line := range strings.Split(graph, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == from && strings.HasPrefix(f[1], "modernc.org/libc@") {
			return strings.TrimPrefix(f[1], "modernc.org/libc@")
		}
	}
	return ""
}

func moduleRoot(t *testing.T, goBin string) string {
	t.Helper()
	out, err := exec.Command(goBin, "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == "/dev/null" {
		t.Fatalf("not inside a module (GOMOD=%q)", gomod)
	}
	return filepath.Dir(gomod)
}

func TestSQLiteRequiresLibcParsesGraph(t *testing.T) {
	graph := "github.com/samspil/samspil modernc.org/libc@v1.80.2\n" +
		"modernc.org/sqlite@v1.61.0 modernc.org/libc@v1.70.0\n" +
		"modernc.org/sqlite@v1.62.0 golang.org/x/sys@v0.49.0\n" +
		"modernc.org/sqlite@v1.62.0 modernc.org/libc@v1.80.1\n" +
		"github.com/pressly/goose/v3@v3.30.0 modernc.org/libc@v1.80.2\n"
	for version, want := range map[string]string{"v1.62.0": "v1.80.1", "v1.61.0": "v1.70.0", "v1.0.0": ""} {
		if got := sqliteRequiresLibc(t, graph, version); got != want {
			t.Errorf("sqlite %s requires libc %q, want %q", version, got, want)
		}
	}
}

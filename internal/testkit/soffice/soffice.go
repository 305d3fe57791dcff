// Package soffice lets tests read a spreadsheet with LibreOffice, an
// independent reader of the XLSX files samspil writes. It imports nothing
// of samspil, so that the tests of any package may use it.
package soffice

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// EnvRequire makes a missing LibreOffice a failure instead of a skip; CI
// sets it, as it sets it for the browser.
const EnvRequire = "SAMSPIL_TEST_REQUIRE_BROWSER"

// ReadXLSX has LibreOffice (soffice, headless, with a profile of its own)
// read the XLSX file and returns what it read as a flat OpenDocument
// spreadsheet (FODS). Without soffice the test is skipped, or fails when
// EnvRequire is set.
func ReadXLSX(t testing.TB, name string, xlsx []byte) []byte {
	t.Helper()
	bin, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv(EnvRequire) != "" {
			t.Fatalf("%s is set but soffice (LibreOffice) is not installed: apt-get install libreoffice-calc-nogui", EnvRequire)
		}
		t.Skip("the independent XLSX check needs LibreOffice (soffice): apt-get install libreoffice-calc-nogui")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, name+".xlsx")
	if err := os.WriteFile(in, xlsx, 0o600); err != nil {
		t.Fatal(err)
	}
	// A profile of its own, so that no other LibreOffice holds its lock.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "fods", "--outdir", dir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	fods, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(filepath.Base(in), ".xlsx")+".fods"))
	if err != nil {
		t.Fatalf("LibreOffice wrote no file: %v", err)
	}
	return fods
}

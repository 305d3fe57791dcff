// Package pdftext lets tests read the text of a PDF with pdftotext (Debian
// poppler-utils), an independent reader of the PDFs samspil writes. It
// imports nothing of samspil, so that the tests of any package may use it.
package pdftext

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// EnvRequire makes a missing pdftotext a failure instead of a skip; CI
// sets it, as it sets it for the browser.
const EnvRequire = "SAMSPIL_TEST_REQUIRE_BROWSER"

// Read returns the text pdftotext reads from the PDF, its white space
// (line breaks too) collapsed to single spaces so that a sentence is found
// whole. Without pdftotext the test is skipped, or fails when EnvRequire
// is set.
func Read(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv(EnvRequire) != "" {
			t.Fatalf("%s is set but pdftotext is not installed: apt-get install poppler-utils", EnvRequire)
		}
		t.Skip("the independent PDF check needs pdftotext: apt-get install poppler-utils")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, stderr.String())
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

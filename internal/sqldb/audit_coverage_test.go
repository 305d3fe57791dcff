package sqldb_test

import (
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/samspil/samspil/internal/sqldb"
)

// Every audit action the store can emit is produced by some test: the
// actions are the Action literals of the auditEntry values in the package's
// code, and TestMain compares them with the actions the tests wrote once the
// whole package has run.

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && wholePackageRan() {
		if err := checkAuditCoverage(); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// wholePackageRan tells whether every test ran, not a selection.
func wholePackageRan() bool {
	for _, name := range []string{"test.run", "test.skip", "test.list"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return true
}

// checkAuditCoverage names every action the code can emit that no test
// produced, and every action produced that the code does not list.
func checkAuditCoverage() error {
	emitted, err := auditActions(".")
	if err != nil {
		return err
	}
	produced := sqldb.ProducedAuditActions()
	var problems []string
	for _, action := range slices.Sorted(func(yield func(string) bool) {
		for a := range emitted {
			if !yield(a) {
				return
			}
		}
	}) {
		if produced[action] == 0 {
			problems = append(problems, fmt.Sprintf("  %s (%s): no test produces it", action, positions(emitted[action])))
		}
	}
	for action := range produced {
		if _, ok := emitted[action]; !ok {
			problems = append(problems, fmt.Sprintf("  %s: written by a test, but no auditEntry of the package names it", action))
		}
	}
	if testing.Verbose() {
		fmt.Printf("audit actions: %d the code can emit, %d of them produced by tests\n", len(emitted), len(emitted)-len(problems))
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("audit coverage: every audit action needs a test that produces it (write one that checks what the user sees change):\n%s",
			strings.Join(problems, "\n"))
	}
	return nil
}

func positions(ps []token.Position) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
	}
	return strings.Join(s, ", ")
}

// auditActions parses the package's non-test Go files in dir and returns
// the Action of every auditEntry composite literal with where it is written.
// An Action that is not a string literal, a literal without one and an
// assignment to the Action of an auditEntry variable are errors, so that the
// list is complete.
func auditActions(dir string) (map[string][]token.Position, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	actions := map[string][]token.Position{}
	var errs []error
	bad := func(n ast.Node, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", fset.Position(n.Pos()), fmt.Sprintf(format, args...)))
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			return nil, err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if !isAuditEntry(n.Type) {
					return true
				}
				found := false
				for _, el := range n.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						bad(el, "auditEntry literal without field names")
						continue
					}
					if key, ok := kv.Key.(*ast.Ident); !ok || key.Name != "Action" {
						continue
					}
					found = true
					lit, ok := kv.Value.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						bad(kv.Value, "the Action of an auditEntry must be a string literal, so that the audit coverage test lists it")
						continue
					}
					action, err := strconv.Unquote(lit.Value)
					if err != nil || action == "" {
						bad(lit, "the Action %s is not a usable string", lit.Value)
						continue
					}
					actions[action] = append(actions[action], fset.Position(lit.Pos()))
				}
				if !found {
					bad(n, "auditEntry literal without an Action")
				}
			case *ast.AssignStmt:
				for _, lhs := range n.Lhs {
					if sel, ok := lhs.(*ast.SelectorExpr); ok && sel.Sel.Name == "Action" && isAuditEntryVar(sel.X) {
						bad(sel, "the Action of an auditEntry is set after the literal; write it in the literal as a string")
					}
				}
			}
			return true
		})
	}
	return actions, errors.Join(errs...)
}

// isAuditEntry tells whether a type expression is auditEntry.
func isAuditEntry(e ast.Expr) bool {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "auditEntry"
}

// isAuditEntryVar tells whether x is a local variable or parameter declared
// as an auditEntry (with its type or from a literal).
func isAuditEntryVar(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	if !ok || id.Obj == nil {
		return false
	}
	switch d := id.Obj.Decl.(type) {
	case *ast.Field:
		return isAuditEntry(d.Type)
	case *ast.ValueSpec:
		if d.Type != nil {
			return isAuditEntry(d.Type)
		}
		for i, n := range d.Names {
			if n.Name == id.Name && i < len(d.Values) {
				return isAuditEntryValue(d.Values[i])
			}
		}
	case *ast.AssignStmt:
		for i, lhs := range d.Lhs {
			if l, ok := lhs.(*ast.Ident); ok && l.Name == id.Name && i < len(d.Rhs) {
				return isAuditEntryValue(d.Rhs[i])
			}
		}
	}
	return false
}

func isAuditEntryValue(e ast.Expr) bool {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	lit, ok := e.(*ast.CompositeLit)
	return ok && isAuditEntry(lit.Type)
}

// TestAuditActionsAreLiterals: the list of actions can be read from the
// code, and it finds what the code writes.
func TestAuditActionsAreLiterals(t *testing.T) {
	actions, err := auditActions(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"login.success", "contract.update", "decision.vote.change", "forum.meetings.extend"} {
		if _, ok := actions[want]; !ok {
			t.Errorf("the list of audit actions misses %s", want)
		}
	}
}

// TestAuditActionsFindsGaps: the reader refuses an Action it cannot list.
func TestAuditActionsFindsGaps(t *testing.T) {
	dir := t.TempDir()
	src := `package sqldb

func f(tx *Tx, action string) error {
	e := auditEntry{Action: "ok.literal"}
	e.Action = action
	if err := tx.Audit(auditEntry{OrgID: "x", Action: action}); err != nil {
		return err
	}
	return tx.Audit(auditEntry{ObjectType: "y"})
}
`
	if err := os.WriteFile(filepath.Join(dir, "f.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	actions, err := auditActions(dir)
	if err == nil {
		t.Fatal("want errors for an Action that is not a literal")
	}
	for _, want := range []string{"f.go:5:", "set after the literal", "f.go:6:", "must be a string literal", "f.go:9:", "without an Action"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in the error, got:\n%v", want, err)
		}
	}
	if _, ok := actions["ok.literal"]; !ok || len(actions) != 1 {
		t.Errorf("want the literal action listed, got %v", actions)
	}
}

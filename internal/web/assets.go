package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
)

//go:embed static
var staticFS embed.FS

// assets serves the embedded static files under content-hashed names
// (app.3f2a9c1e.css), so that browsers may cache them for good.
type assets struct {
	byName   map[string]string // "app.css" -> "/static/app.3f2a9c1e.css"
	byHashed map[string]asset  // "app.3f2a9c1e.css" -> content
}

type asset struct {
	body        []byte
	contentType string
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, byHashed: map[string]asset{}}
	var sheets []string
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if path.Ext(name) == ".css" {
			sheets = append(sheets, name) // after the files they refer to
			return nil
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		a.add(name, body)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, name := range sheets {
		body, err := staticFS.ReadFile("static/" + name)
		if err != nil {
			return nil, err
		}
		a.add(name, a.rewriteURLs(name, body))
	}
	return a, nil
}

// add keeps a file under its content-hashed name.
func (a *assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
	ct := mime.TypeByExtension(ext)
	if ct == "" {
		ct = "text/plain; charset=utf-8"
	}
	a.byName[name] = "/static/" + hashed
	a.byHashed[hashed] = asset{body: body, contentType: ct}
}

// cssURL matches a relative url() in a style sheet (the vendored design
// system refers to its fonts and icons as url(../fonts/…)).
var cssURL = regexp.MustCompile(`url\(["']?([^"')]+)["']?\)`)

// rewriteURLs points a style sheet's relative references at the hashed
// names of the files they name, so fonts and icons are cached for good as
// well. A reference to a file not shipped stays as it is.
func (a *assets) rewriteURLs(sheet string, body []byte) []byte {
	dir := path.Dir(sheet)
	return cssURL.ReplaceAllFunc(body, func(m []byte) []byte {
		ref := string(cssURL.FindSubmatch(m)[1])
		if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "/") || strings.Contains(ref, "://") {
			return m
		}
		if u, ok := a.byName[path.Join(dir, ref)]; ok {
			return []byte("url(" + u + ")")
		}
		return m
	})
}

// url returns the hashed URL of a static file; it panics on an unknown
// name, which the start-up template check turns into a failed start.
func (a *assets) url(name string) string {
	u, ok := a.byName[name]
	if !ok {
		panic("unknown asset " + name)
	}
	return u
}

func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byHashed[r.PathValue("path")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(f.body)
}

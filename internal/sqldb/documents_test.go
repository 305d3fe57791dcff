package sqldb_test

import (
	"bytes"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// documentTitles returns the titles of a collaboration's founding
// documents as the actor sees them.
func documentTitles(t testing.TB, db *sqldb.DB, actor *samspil.Actor, collabID string) []string {
	t.Helper()
	c, err := db.FindCollaboration(ctx, actor, collabID)
	must(t, err)
	var titles []string
	for _, d := range c.Documents {
		titles = append(titles, d.Title)
	}
	return titles
}

func TestCollaborationDocuments(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := newStory(t, db, samspil.VisibilityPrivate)
		c := s.collab
		pdf := []byte("%PDF-1.4 hensigtserklæring")

		// Only the secretariat and the chair add documents, and bad input
		// is refused by its field.
		unchanged(t, db, func() {
			_, err := db.AddDocument(ctx, s.vAdmin.Actor, c.ID, samspil.DocumentInput{Kind: samspil.DocStatutes, Title: "Vedtægter",
				URL: "https://viborg.example/vedtaegter"})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
			_, err = db.AddDocument(ctx, s.sAdmin.Actor, c.ID, samspil.DocumentInput{Kind: samspil.DocStatutes, Title: "Vedtægter",
				URL: "https://silkeborg.example/vedtaegter", FileName: "v.pdf", Content: pdf})
			wantField(t, err, samspil.EINVALID, "url")
			_, err = db.AddDocument(ctx, s.aAdmin.Actor, c.ID, samspil.DocumentInput{Kind: samspil.DocStatutes, Title: "Vedtægter",
				URL: "https://aarhus.example/vedtaegter"})
			testkit.ErrCode(t, err, samspil.ENOTFOUND)
		})

		// Silkeborg's secretariat adds the declaration of intent as a file
		// and the agreement as a link; the changes are Silkeborg's.
		mark := auditMark(t, db)
		file, err := db.AddDocument(ctx, s.sAdmin.Actor, c.ID, samspil.DocumentInput{Kind: samspil.DocDeclaration,
			Title: "Hensigtserklæring 2014", FileName: "hensigt.pdf", ContentType: "application/pdf", Content: pdf})
		must(t, err)
		e := wantEvent(t, db, mark, "collaboration.document.add", s.silkeborg.ID, file.ID)
		if after := jsonObject(t, e.After); after["title"] != "Hensigtserklæring 2014" || after["collaboration_id"] != c.ID {
			t.Fatalf("collaboration.document.add after image %s", e.After)
		}
		mark = auditMark(t, db)
		link, err := db.AddDocument(ctx, s.sAdmin.Actor, c.ID, samspil.DocumentInput{Kind: samspil.DocAgreement,
			Title: "Samarbejdsaftale", URL: "https://silkeborg.example/samarbejdsaftale"})
		must(t, err)
		wantEvent(t, db, mark, "collaboration.document.add", s.silkeborg.ID, link.ID)

		// Viborg's viewer sees both and downloads the file; Aarhus, not a
		// member, sees neither.
		if got := documentTitles(t, db, s.vViewer.Actor, c.ID); len(got) != 2 {
			t.Fatalf("Viborg's viewer sees documents %v", got)
		}
		doc, content, err := db.DocumentContent(ctx, s.vViewer.Actor, c.ID, file.ID)
		must(t, err)
		if !bytes.Equal(content, pdf) || doc.FileName != "hensigt.pdf" || doc.Size != int64(len(pdf)) {
			t.Fatalf("downloaded %q as %+v", content, doc)
		}
		_, _, err = db.DocumentContent(ctx, s.vViewer.Actor, c.ID, link.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, _, err = db.DocumentContent(ctx, s.aAdmin.Actor, c.ID, file.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)

		// A member that does not manage the collaboration cannot remove one.
		unchanged(t, db, func() {
			testkit.ErrCode(t, db.DeleteDocument(ctx, s.vAdmin.Actor, c.ID, file.ID), samspil.EFORBIDDEN)
		})

		// The secretariat removes the file: gone for everyone.
		mark = auditMark(t, db)
		must(t, db.DeleteDocument(ctx, s.sAdmin.Actor, c.ID, file.ID))
		e = wantEvent(t, db, mark, "collaboration.document.delete", s.silkeborg.ID, file.ID)
		if before := jsonObject(t, e.Before); before["title"] != "Hensigtserklæring 2014" {
			t.Fatalf("collaboration.document.delete before image %s", e.Before)
		}
		if got := documentTitles(t, db, s.vViewer.Actor, c.ID); len(got) != 1 || got[0] != "Samarbejdsaftale" {
			t.Fatalf("after the removal Viborg's viewer sees %v", got)
		}
		_, _, err = db.DocumentContent(ctx, s.vViewer.Actor, c.ID, file.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		unchanged(t, db, func() {
			testkit.ErrCode(t, db.DeleteDocument(ctx, s.sAdmin.Actor, c.ID, file.ID), samspil.ENOTFOUND)
		})
	})
}

package sqldb_test

import (
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// An organisation's data classification levels: KITOS's defaults from its
// start, kept by its administrators, and the only values its usages take.
func TestDataClassifications(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)

		// Reference organisations and new ones start with KITOS's levels;
		// reading writes nothing.
		mark, rows := auditMark(t, db), countRows(t, db, "data_classifications")
		for _, org := range []*samspil.Organization{l.silkeborg, l.hidden} {
			levels, err := db.DataClassifications(ctx, testkit.System, org.ID)
			must(t, err)
			if len(levels) != len(samspil.DefaultDataClassifications) {
				t.Fatalf("%s starts with %+v", org.Name, levels)
			}
			for i, d := range samspil.DefaultDataClassifications {
				if levels[i].Key != d.Key || levels[i].Name != d.Name || !levels[i].Active || levels[i].OrganizationID != org.ID {
					t.Errorf("%s level %d = %+v, want %+v", org.Name, i, levels[i], d)
				}
			}
		}
		if ev := auditSince(t, db, mark); len(ev) != 0 || countRows(t, db, "data_classifications") != rows {
			t.Fatalf("reading wrote %+v", ev)
		}
		viborgs, err := db.DataClassifications(ctx, l.sViewer.Actor, l.viborg.ID)
		must(t, err)
		_, err = db.DataClassifications(ctx, l.sViewer.Actor, l.hidden.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)

		// Only the organisation's administrators add and change levels;
		// refusals write nothing.
		for _, c := range []struct {
			name  string
			actor *samspil.Actor
			org   string
			in    samspil.DataClassificationInput
			code  string
			field string
		}{
			{"editor", l.sEditor.Actor, l.silkeborg.ID, samspil.DataClassificationInput{Name: "Særlige"}, samspil.EFORBIDDEN, ""},
			{"other organisation", admin.Actor, l.viborg.ID, samspil.DataClassificationInput{Name: "Særlige"}, samspil.EFORBIDDEN, ""},
			{"hidden organisation", admin.Actor, l.hidden.ID, samspil.DataClassificationInput{Name: "Særlige"}, samspil.ENOTFOUND, ""},
			{"no name", admin.Actor, l.silkeborg.ID, samspil.DataClassificationInput{Name: "  "}, samspil.EINVALID, "name"},
			{"long description", admin.Actor, l.silkeborg.ID, samspil.DataClassificationInput{Name: "X", Description: string(make([]rune, 1001))}, samspil.EINVALID, "description"},
			{"a default's name", admin.Actor, l.silkeborg.ID, samspil.DataClassificationInput{Name: "FORTROLIGE DATA"}, samspil.ECONFLICT, "name"},
		} {
			_, err := db.CreateDataClassification(ctx, c.actor, c.org, c.in)
			if c.field != "" {
				wantField(t, err, c.code, c.field)
			} else {
				testkit.ErrCode(t, err, c.code)
			}
		}
		if n := countRows(t, db, "data_classifications"); n != rows {
			t.Fatalf("refusals wrote levels: %d, want %d", n, rows)
		}
		mark = auditMark(t, db)
		special, err := db.CreateDataClassification(ctx, admin.Actor, l.silkeborg.ID,
			samspil.DataClassificationInput{Name: " Særligt følsomme data ", Description: "Art. 9 og 10"})
		must(t, err)
		if special.Key != "saerligt_foelsomme_data" || special.Name != "Særligt følsomme data" || !special.Active || special.Version != 1 {
			t.Fatalf("created %+v", special)
		}
		wantEvent(t, db, mark, "data_classification.create", l.silkeborg.ID, special.ID)
		// A name whose key is taken gets the next free number.
		again, err := db.CreateDataClassification(ctx, admin.Actor, l.silkeborg.ID, samspil.DataClassificationInput{Name: "Særligt følsomme data!"})
		must(t, err)
		if again.Key != "saerligt_foelsomme_data_2" {
			t.Errorf("second key %q", again.Key)
		}
		levels, err := db.DataClassifications(ctx, l.sViewer.Actor, l.silkeborg.ID)
		must(t, err)
		if n := len(levels); n != 6 || levels[4].ID != special.ID || levels[5].ID != again.ID {
			t.Fatalf("levels after adding %+v", levels)
		}
		if other, err := db.DataClassifications(ctx, l.sViewer.Actor, l.viborg.ID); err != nil || len(other) != len(viborgs) {
			t.Fatalf("Viborg's levels changed: %+v %v", other, err)
		}

		// Usages take the organisation's active levels by key.
		s := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Fagsystem", Visibility: samspil.VisibilityPublic})
		s2 := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Andet", Visibility: samspil.VisibilityPublic})
		u, err := db.CreateUsage(ctx, l.sEditor.Actor, samspil.UsageInput{SystemID: s.ID, Lifecycle: samspil.LifecycleOperational,
			UsageKITOSFields: samspil.UsageKITOSFields{DataClassification: special.Key}})
		must(t, err)
		if u.DataClassification != special.Key || u.DataClassificationName != "Særligt følsomme data" {
			t.Fatalf("usage %q %q", u.DataClassification, u.DataClassificationName)
		}
		usages := countRows(t, db, "usages")
		_, err = db.CreateUsage(ctx, l.sEditor.Actor, samspil.UsageInput{SystemID: s2.ID, Lifecycle: samspil.LifecycleOperational,
			UsageKITOSFields: samspil.UsageKITOSFields{DataClassification: "top_secret"}})
		wantField(t, err, samspil.EINVALID, "data_classification")
		if e := err.(*samspil.Error); e.Fields[0].Message != "must be one of the organisation's data classifications: public (Offentlige data), "+
			"internal (Interne data), confidential (Fortrolige data), secret (Hemmelige data), saerligt_foelsomme_data (Særligt følsomme data), "+
			"saerligt_foelsomme_data_2 (Særligt følsomme data!)" {
			t.Errorf("message %q", e.Fields[0].Message)
		}
		if n := countRows(t, db, "usages"); n != usages {
			t.Fatalf("a refused usage was written")
		}

		// Renaming keeps the key; the usage shows the new name.
		_, err = db.UpdateDataClassification(ctx, l.sEditor.Actor, special.ID, 1, samspil.DataClassificationPatch{Name: ptr("Følsomme")})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.UpdateDataClassification(ctx, admin.Actor, special.ID, 1, samspil.DataClassificationPatch{Name: ptr("interne data")})
		wantField(t, err, samspil.ECONFLICT, "name")
		_, err = db.UpdateDataClassification(ctx, admin.Actor, special.ID, 1, samspil.DataClassificationPatch{Name: ptr("")})
		wantField(t, err, samspil.EINVALID, "name")
		mark = auditMark(t, db)
		renamed, err := db.UpdateDataClassification(ctx, admin.Actor, special.ID, 1, samspil.DataClassificationPatch{Name: ptr("Følsomme")})
		must(t, err)
		if renamed.Key != special.Key || renamed.Name != "Følsomme" || renamed.Description != "Art. 9 og 10" || renamed.Version != 2 {
			t.Fatalf("renamed %+v", renamed)
		}
		wantEvent(t, db, mark, "data_classification.update", l.silkeborg.ID, special.ID)
		_, err = db.UpdateDataClassification(ctx, admin.Actor, special.ID, 1, samspil.DataClassificationPatch{Active: ptr(false)})
		testkit.ErrCode(t, err, samspil.ESTALE)
		if found, err := db.FindUsage(ctx, l.sViewer.Actor, u.ID); err != nil || found.DataClassificationName != "Følsomme" {
			t.Fatalf("usage after rename %+v %v", found, err)
		}

		// A deactivated level stays on the usage that has it, through other
		// changes, but no usage can take it anew.
		_, err = db.UpdateDataClassification(ctx, admin.Actor, special.ID, 2, samspil.DataClassificationPatch{Active: ptr(false)})
		must(t, err)
		kept, err := db.UpdateUsage(ctx, l.sEditor.Actor, u.ID, u.Version, samspil.UsagePatch{Notes: ptr("Stadig følsomme")})
		must(t, err)
		if kept.DataClassification != special.Key {
			t.Fatalf("level lost on update: %q", kept.DataClassification)
		}
		_, err = db.CreateUsage(ctx, l.sEditor.Actor, samspil.UsageInput{SystemID: s2.ID, Lifecycle: samspil.LifecycleOperational,
			UsageKITOSFields: samspil.UsageKITOSFields{DataClassification: special.Key}})
		wantField(t, err, samspil.EINVALID, "data_classification")
		// Viborg's usage cannot take Silkeborg's level.
		_, err = db.CreateUsage(ctx, l.vEditor.Actor, samspil.UsageInput{SystemID: s2.ID, Lifecycle: samspil.LifecycleOperational,
			UsageKITOSFields: samspil.UsageKITOSFields{DataClassification: again.Key}})
		wantField(t, err, samspil.EINVALID, "data_classification")

		// Levels of an organisation the actor cannot see are not found.
		hiddenLevels, err := db.DataClassifications(ctx, testkit.System, l.hidden.ID)
		must(t, err)
		_, err = db.FindDataClassification(ctx, l.sViewer.Actor, hiddenLevels[0].ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, err = db.UpdateDataClassification(ctx, admin.Actor, hiddenLevels[0].ID, 1, samspil.DataClassificationPatch{Name: ptr("x")})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
	})
}

// ClassificationKey makes keys of names.
func TestClassificationKey(t *testing.T) {
	for name, want := range map[string]samspil.DataClassification{
		"Særligt følsomme data":  "saerligt_foelsomme_data",
		"  Ånd -- og  Ære  ":     "aand_og_aere",
		"Art. 9/10":              "art_9_10",
		"???":                    "level",
		"Niveau 3 (høj)":         "niveau_3_hoej",
		string(make([]byte, 50)): "level",
		"abcdefghij abcdefghij abcdefghij abcdefghij": "abcdefghij_abcdefghij_abcdefghij_abcdefg",
	} {
		if got := samspil.ClassificationKey(name); got != want {
			t.Errorf("ClassificationKey(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestListsMigration fills the schema as it was before migration 00027
// with an organisation whose usage role types were added on first reading
// (one renamed), one with none, and usages with a level each, and checks
// that the migration gives both every list they lack, keeps what they
// had, and keeps every usage's level.
func TestListsMigration(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			db := openStore(t, freshDSN(t, e))
			must(t, db.MigrateTo(ctx, 26))
			now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
			exec := func(q string, args ...any) {
				t.Helper()
				must(t, db.Exec(ctx, q, args...))
			}
			for _, o := range [][2]string{{"org-s", "Silkeborg Kommune"}, {"org-v", "Viborg Kommune"}} {
				exec(`INSERT INTO organizations (id, kind, name, name_fold, country, visibility, version, created_at, updated_at)
					VALUES ($1, 'municipality', $2, $3, 'DK', 'public', 1, $4, $4)`, o[0], o[1], samspil.Fold(o[1]), now)
			}
			exec(`INSERT INTO role_types (id, organization_id, object_kind, name, name_fold, active, position, version, created_at, updated_at)
				VALUES ('rt-own', 'org-s', 'usage', 'Systemejeren', 'systemejeren', TRUE, 1, 2, $1, $1)`, now)
			exec(`INSERT INTO systems (id, name, name_fold, category, owner_id, visibility, version, created_at, updated_at)
				VALUES ('sys', 'Fagsystem', 'fagsystem', 'case_management', 'org-s', 'public', 1, $1, $1)`, now)
			for _, u := range [][3]string{{"u-s", "org-s", "secret"}, {"u-v", "org-v", "confidential"}} {
				exec(`INSERT INTO usages (id, organization_id, system_id, lifecycle, visibility, version, created_at, updated_at, data_classification)
					VALUES ($1, $2, 'sys', 'operational', 'public', 1, $3, $3, $4)`, u[0], u[1], now, u[2])
			}

			must(t, db.Migrate(ctx))

			usageTypes, err := db.RoleTypes(ctx, testkit.System, "org-s", samspil.RoleOnUsage)
			must(t, err)
			if len(usageTypes) != 1 || usageTypes[0].ID != "rt-own" {
				t.Errorf("Silkeborg's own usage role types became %+v", usageTypes)
			}
			for _, org := range []string{"org-s", "org-v"} {
				for _, kind := range samspil.RoleObjectKinds {
					if org == "org-s" && kind == samspil.RoleOnUsage {
						continue
					}
					types, err := db.RoleTypes(ctx, testkit.System, org, kind)
					must(t, err)
					defaults := samspil.DefaultRoleTypes[kind]
					if len(types) != len(defaults) {
						t.Fatalf("%s %s: %+v", org, kind, types)
					}
					for i, d := range defaults {
						if types[i].Name != d.Name || !types[i].Active || types[i].ID == "" || types[i].CreatedAt.IsZero() {
							t.Errorf("%s %s %d: %+v, want %s", org, kind, i, types[i], d.Name)
						}
					}
				}
				levels, err := db.DataClassifications(ctx, testkit.System, org)
				must(t, err)
				if len(levels) != 4 || levels[0].Key != samspil.DataPublic || levels[3].Name != "Hemmelige data" || levels[0].ID == levels[1].ID {
					t.Errorf("%s levels %+v", org, levels)
				}
			}
			for id, want := range map[string]string{"u-s": "Hemmelige data", "u-v": "Fortrolige data"} {
				u, err := db.FindUsage(ctx, testkit.System, id)
				must(t, err)
				if u.DataClassificationName != want {
					t.Errorf("usage %s's level is %q, want %q", id, u.DataClassificationName, want)
				}
			}
		})
	}
}

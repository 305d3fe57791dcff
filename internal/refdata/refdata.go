// Package refdata holds the reference data that ships inside samspil: the
// Danish municipalities and regions and the current KLE taxonomy. See
// data/SOURCES.md for origin and licence.
package refdata

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
)

//go:embed data/dk_municipalities.csv
var municipalitiesCSV []byte

//go:embed data/kle_current_hierarchy_2026-02.csv
var kleCSV []byte

// KLEEdition names the embedded KLE edition.
const KLEEdition = "KLE 2026-02 (OS2KLE 3.23)"

// Region is a Danish region.
type Region struct {
	Code   string // DAGI regionskode, 1081-1085
	Name   string // e.g. "Region Midtjylland"
	NameEN string
}

// regionNamesEN are the official English names of the Danish regions.
var regionNamesEN = map[string]string{
	"1081": "North Denmark Region",
	"1082": "Central Denmark Region",
	"1083": "Region of Southern Denmark",
	"1084": "Capital Region of Denmark",
	"1085": "Region Zealand",
}

// officialNames are the municipalities whose official name is not
// "<name> Kommune".
var officialNames = map[string]string{
	"0101": "Københavns Kommune",
	"0400": "Bornholms Regionskommune",
}

// Municipality is a Danish municipality.
type Municipality struct {
	Code       string // kommunekode, 4 digits
	Name       string
	NameEN     string
	RegionCode string
	Population []samspil.Population
}

// Denmark returns the 98 municipalities and the 5 regions, sorted by code.
func Denmark() ([]Municipality, []Region, error) {
	rows, err := readCSV(municipalitiesCSV, "kommunekode,navn,regionskode,region,iso_3166_2,navn_en,befolkning_2025,befolkning_2010")
	if err != nil {
		return nil, nil, fmt.Errorf("dk_municipalities.csv: %w", err)
	}
	var ms []Municipality
	regions := map[string]Region{}
	for i, r := range rows {
		var pop []samspil.Population
		for j, year := range []int{2025, 2010} {
			n, err := strconv.Atoi(r[6+j])
			if err != nil {
				return nil, nil, fmt.Errorf("dk_municipalities.csv row %d: population %q: %w", i+2, r[6+j], err)
			}
			pop = append(pop, samspil.Population{Year: year, Inhabitants: n})
		}
		ms = append(ms, Municipality{Code: r[0], Name: r[1], NameEN: r[5], RegionCode: r[2], Population: pop})
		regions[r[2]] = Region{Code: r[2], Name: r[3], NameEN: regionNamesEN[r[2]]}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Code < ms[j].Code })
	var rs []Region
	for _, r := range regions {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Code < rs[j].Code })
	return ms, rs, nil
}

// Organizations returns the municipalities and regions as organisations to
// register, with a hash of their content.
func Organizations() ([]samspil.OrganizationInput, string, error) {
	ms, rs, err := Denmark()
	if err != nil {
		return nil, "", err
	}
	var out []samspil.OrganizationInput
	for _, r := range rs {
		out = append(out, samspil.OrganizationInput{Kind: samspil.KindRegion, Name: r.Name, Country: "DK", Region: r.Code,
			Visibility: samspil.VisibilityPublic})
	}
	for _, m := range ms {
		name := m.Name + " Kommune"
		if official, ok := officialNames[m.Code]; ok {
			name = official
		}
		out = append(out, samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: name, MunicipalityCode: m.Code,
			Country: "DK", Region: m.RegionCode, Visibility: samspil.VisibilityPublic, Population: m.Population})
	}
	return out, hashOf(municipalitiesCSV), nil
}

// Tasks returns the embedded KLE taxonomy with a hash of its content.
func Tasks() ([]samspil.Task, string, error) {
	rows, err := readCSV(kleCSV, "level,nr,titel,parent,titel_kilde")
	if err != nil {
		return nil, "", fmt.Errorf("kle_current_hierarchy_2026-02.csv: %w", err)
	}
	tasks := make([]samspil.Task, 0, len(rows))
	for i, r := range rows {
		level, err := strconv.Atoi(r[0])
		if err != nil || level < 1 || level > 3 {
			return nil, "", fmt.Errorf("kle_current_hierarchy_2026-02.csv row %d: level %q", i+2, r[0])
		}
		tasks = append(tasks, samspil.Task{Code: r[1], Level: level, Title: r[2], ParentCode: r[3]})
	}
	return tasks, hashOf(kleCSV), nil
}

func readCSV(data []byte, header string) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(data))
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != header {
		return nil, fmt.Errorf("unexpected header; want %s", header)
	}
	return rows[1:], nil
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Loader is what Load needs of the store.
type Loader interface {
	samspil.ReferenceService
	samspil.TaskService
}

// Load registers the embedded municipalities and regions and makes the
// embedded KLE edition current. Data loaded before with the same content is
// left alone, so calling it at every start is cheap and safe.
func Load(ctx context.Context, store Loader) error {
	actor := samspil.SystemActor("refdata")
	orgs, hash, err := Organizations()
	if err != nil {
		return err
	}
	if _, err := store.SyncReferenceOrganizations(ctx, actor, hash, orgs); err != nil {
		return fmt.Errorf("load municipalities and regions: %w", err)
	}
	tasks, hash, err := Tasks()
	if err != nil {
		return err
	}
	// The embedded edition is checked when it is added to the binary, and a
	// server must start whatever it expires.
	if _, err := store.LoadTasks(ctx, actor, samspil.TaskEdition{Source: KLEEdition, Hash: hash, Levels: []int{1, 2, 3}, Tasks: tasks,
		AllowExpire: true}); err != nil {
		return fmt.Errorf("load KLE: %w", err)
	}
	return nil
}

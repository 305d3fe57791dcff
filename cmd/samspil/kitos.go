package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/kitos"
)

type kitosCmd struct {
	Sync kitosSyncCmd `cmd:"" help:"Read an organisation's IT systems, usages (with their relations), contracts and data processing registrations from KITOS (API v2) and bring samspil's records in step."`
}

type kitosSyncCmd struct {
	dbFlag
	URL       string        `name:"url" required:"" help:"The KITOS instance, e.g. https://kitos.dk."`
	TokenFile string        `name:"token-file" required:"" type:"existingfile" help:"A file holding a KITOS API token: the bearer token (JWT) that KITOS's POST /api/authorize/GetToken returns for a user with API access."`
	Org       string        `name:"org" required:"" help:"The organisation in samspil: municipality code (e.g. 0740) or ID."`
	KitosOrg  string        `name:"kitos-org" help:"The organisation's UUID in KITOS (default: found by CVR number, else by name, among the token user's organisations)."`
	DryRun    bool          `name:"dry-run" help:"Read and show what would change; write nothing."`
	Retries   int           `name:"retries" default:"3" help:"Further attempts after a server error or a timeout, with growing pauses."`
	Timeout   time.Duration `name:"timeout" default:"60s" help:"Time to wait for each answer."`
}

func (c *kitosSyncCmd) Run(m *Main, ctx context.Context) error {
	base, err := url.Parse(strings.TrimRight(strings.TrimSpace(c.URL), "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return fmt.Errorf("--url: %q is not an http or https address", c.URL)
	}
	baseURL := base.String()
	raw, err := os.ReadFile(c.TokenFile)
	if err != nil {
		return err
	}
	token := strings.TrimSpace(string(raw))
	if token == "" || strings.ContainsAny(token, " \n\r\t") {
		return fmt.Errorf("--token-file: %s must hold one token and nothing else", c.TokenFile)
	}
	db, err := openStore(ctx, c.dsn(), auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	actor := samspil.SystemActor("cli")
	org, err := db.FindOrganization(ctx, actor, c.Org)
	if err != nil {
		return err
	}
	retries := c.Retries
	if retries <= 0 {
		retries = -1
	}
	client := &kitos.Client{BaseURL: baseURL, Token: token, Retries: retries, Timeout: c.Timeout, UserAgent: "samspil/" + Version}
	orgUUID := c.KitosOrg
	if orgUUID == "" {
		ko, err := client.FindOrganization(ctx, org.CVR, org.Name)
		if err != nil {
			return err
		}
		orgUUID = ko.UUID
	}
	state, err := db.KitosState(ctx, actor, org.ID, baseURL)
	if err != nil {
		return err
	}
	var cp *kitos.Checkpoint
	save := func(cp *kitos.Checkpoint) error {
		b, err := json.Marshal(cp)
		if err != nil {
			return err
		}
		return db.SaveKitosCheckpoint(context.WithoutCancel(ctx), actor, org.ID, baseURL, b)
	}
	if c.DryRun {
		save = nil // a dry run writes nothing, not even how far it got
	} else if state.Checkpoint != nil {
		cp = &kitos.Checkpoint{}
		if err := json.Unmarshal(state.Checkpoint, cp); err != nil {
			cp = nil
		} else if cp.OrganizationUUID == orgUUID {
			fmt.Fprintln(m.Stderr, "continuing the read that stopped before")
		}
	}
	what := "everything (first run)"
	if state.Since != nil {
		what = "changes since " + state.Since.Format(time.RFC3339)
	}
	fmt.Fprintf(m.Stderr, "reading %s of %s from %s\n", what, org.Name, baseURL)
	snap, err := kitos.Read(ctx, client, orgUUID, state.Since, cp, save)
	if err != nil {
		if save != nil && !errors.Is(err, kitos.ErrUnauthorized) {
			return fmt.Errorf("%w\nnothing was changed; the pages read so far are kept, so running the command again continues from there", err)
		}
		return fmt.Errorf("%w\nnothing was changed", err)
	}
	snap.BaseURL = baseURL
	run, err := db.SyncKitos(ctx, actor, org.ID, snap, c.DryRun)
	if err != nil {
		return err
	}
	printKitosRun(m.Stdout, run, snap)
	return nil
}

// printKitosRun writes a run's changes for people: a line of counts per
// kind, then each change with its name and notes.
func printKitosRun(w io.Writer, run *samspil.KitosSyncRun, snap *samspil.KitosSnapshot) {
	verb := "applied"
	if run.DryRun {
		verb = "dry run, nothing written; would apply"
	}
	fmt.Fprintf(w, "KITOS: read %d systems, %d usages, %d contracts, %d data processing registrations, %d deletions in %d requests; %s:\n",
		len(snap.Systems), len(snap.Usages), len(snap.Contracts), len(snap.DataProcessing),
		len(snap.DeletedSystems)+len(snap.DeletedUsages)+len(snap.DeletedContracts)+len(snap.DeletedDataProcessing), snap.Requests, verb)
	for _, kind := range []struct{ key, label string }{{"system", "systems"}, {"usage", "usages"}, {"contract", "contracts"},
		{"relation", "relations"}, {"data_processing", "data processing registrations"}} {
		n := run.Counts[kind.key]
		fmt.Fprintf(w, "  %s: %d created, %d updated, %d deleted, %d kept, %d skipped\n", kind.label, n.Created, n.Updated, n.Deleted, n.Kept, n.Skipped)
	}
	marks := map[samspil.KitosChangeOp]string{samspil.KitosCreate: "+", samspil.KitosUpdate: "~", samspil.KitosDelete: "-", samspil.KitosKept: "=", samspil.KitosSkipped: "!"}
	for _, c := range run.Changes {
		fmt.Fprintf(w, "%s %s %s %q (%s)", marks[c.Op], c.Op, strings.ReplaceAll(c.Kind, "_", " "), c.Name, c.UUID)
		for i, n := range c.Notes {
			sep := "; "
			if i == 0 {
				sep = ": "
			}
			fmt.Fprint(w, sep+n.String())
		}
		fmt.Fprintln(w)
	}
}

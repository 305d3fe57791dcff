package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth/sso"
	"github.com/samspil/samspil/internal/httpx"
)

// MaxFormBytes caps form posts.
const MaxFormBytes = 64 << 10

// MaxSAMLFormBytes caps the form a SAML identity provider posts: the
// base64 of a response of at most sso.MaxResponseSize, and the RelayState.
const MaxSAMLFormBytes = sso.MaxResponseSize*4/3 + 8<<10

// routes is the route table of the pages: every page with its permission.
func (w *Web) routes(rt *httpx.Router) {
	resp := responder{w}
	page := func(pattern string, p samspil.Permission, h http.HandlerFunc) {
		rt.Handle(pattern, p, resp, w.limitForm(h))
	}
	page("GET /static/{path...}", samspil.PermPublic, w.assets.serve) // {path...}: vendor/htmx.min.<hash>.js has a slash
	page("GET /{$}", samspil.PermPublic, w.home)                      // "Mit overblik" when signed in, else the directory
	page("GET /", samspil.PermPublic, w.notFound)                     // every other address: "not found" in the reader's language
	page("GET /my/votes", samspil.PermSignedIn, w.myVotes)
	page("GET /my/meetings", samspil.PermSignedIn, w.myMeetings)
	page("GET /my/action-items", samspil.PermSignedIn, w.myActionItems)
	page("GET /search", samspil.PermPublic, w.search)
	page("GET /search/suggest", samspil.PermPublic, w.searchSuggest)
	page("POST /language", samspil.PermPublic, w.setLanguage)
	page("GET /login", samspil.PermPublic, w.loginPage)
	page("POST /login", samspil.PermPublic, w.login)
	page("POST /logout", samspil.PermSignedIn, w.logout)
	w.ssoRoutes(page)
	// A SAML response is larger than a form of the pages: its own limit.
	rt.Handle("POST "+sso.ACSPath, samspil.PermPublic, resp, w.limitBody(MaxSAMLFormBytes, w.samlACS))

	page("GET /organizations", samspil.PermPublic, w.directory)
	page("GET /organizations/{id}", samspil.PermPublic, w.organization)
	page("POST /organizations/{id}/units", samspil.PermUnitsWrite, w.createUnit)
	page("GET /organizations/{id}/units/{unit}", samspil.PermPublic, w.unit)
	page("POST /organizations/{id}/units/{unit}", samspil.PermUnitsWrite, w.updateUnit)
	page("POST /organizations/{id}/units/{unit}/delete", samspil.PermUnitsWrite, w.deleteUnit)

	page("GET /organizations/{id}/people", samspil.PermPeopleRead, w.people)
	w.roleRoutes(page)
	page("POST /organizations/{id}/people", samspil.PermPeopleManage, w.addPerson)
	page("POST /organizations/{id}/people/{membership}/role", samspil.PermPeopleManage, w.changeRole)
	page("POST /organizations/{id}/people/{membership}/position", samspil.PermPeopleManage, w.setPosition)
	page("POST /organizations/{id}/people/{membership}/remove", samspil.PermPeopleManage, w.removePerson)
	page("POST /organizations/{id}/people/{membership}/account", samspil.PermPeopleManage, w.setDisabled)

	page("POST /organizations/{id}/invitations", samspil.PermPeopleManage, w.invitePerson)
	page("POST /organizations/{id}/invitations/{inv}/withdraw", samspil.PermPeopleManage, w.withdrawPersonInvitation)
	page("POST /organizations/{id}/partners/{collab}", samspil.PermCollabConsent, w.setPartnerCollaboration)
	page("GET /join/{secret}", samspil.PermPublic, w.joinPage)
	page("POST /join/{secret}", samspil.PermPublic, w.join)
	page("GET /password-reset", samspil.PermPublic, w.resetRequestPage)
	page("POST /password-reset", samspil.PermPublic, w.requestReset)
	page("GET /password-reset/{secret}", samspil.PermPublic, w.resetPage)
	page("POST /password-reset/{secret}", samspil.PermPublic, w.resetPassword)

	page("GET /organizations/{id}/audit", samspil.PermAuditRead, w.auditLog)

	page("GET /systems", samspil.PermPublic, w.catalogue)
	page("GET /systems/new", samspil.PermLandscapeWrite, w.newSystemPage)
	page("POST /systems", samspil.PermLandscapeWrite, w.createSystem)
	page("GET /systems/{id}", samspil.PermPublic, w.systemPage)
	page("POST /systems/{id}", samspil.PermLandscapeWrite, w.updateSystem)
	page("POST /systems/{id}/merge", samspil.PermPlatformManage, w.mergeSystem)
	page("POST /systems/{id}/interfaces", samspil.PermLandscapeWrite, w.createInterface)
	page("POST /systems/{id}/interfaces/{interface}", samspil.PermLandscapeWrite, w.updateInterface)
	page("POST /systems/{id}/interfaces/{interface}/delete", samspil.PermLandscapeWrite, w.deleteInterface)
	page("GET /who-can-help", samspil.PermSignedIn, w.whoCanHelp)
	page("GET /groupings", samspil.PermOpportunities, w.groupings) // a query: asking changes nothing (groupings.go)
	page("POST /usages", samspil.PermLandscapeWrite, w.createUsage)
	page("GET /organizations/{id}/landscape", samspil.PermPublic, w.landscape)
	page("POST /organizations/{id}/usages/{usage}", samspil.PermLandscapeWrite, w.updateUsage)
	page("POST /organizations/{id}/usages/{usage}/delete", samspil.PermLandscapeWrite, w.deleteUsage)
	page("GET /organizations/{id}/usages/{usage}", samspil.PermPublic, w.usagePage)
	page("POST /organizations/{id}/usages/{usage}/relations", samspil.PermLandscapeWrite, w.createRelation)
	page("POST /organizations/{id}/usages/{usage}/relations/{relation}", samspil.PermLandscapeWrite, w.updateRelation)
	page("POST /organizations/{id}/usages/{usage}/relations/{relation}/delete", samspil.PermLandscapeWrite, w.deleteRelation)
	page("GET /organizations/{id}/deadlines", samspil.PermPublic, w.deadlines)
	page("GET /organizations/{id}/opportunities", samspil.PermOpportunities, w.opportunities) // its own people only; others get 404 (opportunities.go)
	page("GET /organizations/{id}/health", samspil.PermPublic, w.healthPortfolio)             // the collaborations whose health the reader sees (health_portfolio.go)
	page("GET /organizations/{id}/contracts/new", samspil.PermLandscapeWrite, w.newContractPage)
	page("POST /organizations/{id}/contracts", samspil.PermLandscapeWrite, w.createContract)
	page("GET /contracts/{id}", samspil.PermPublic, w.contractPage)
	page("POST /contracts/{id}", samspil.PermLandscapeWrite, w.updateContract)
	page("POST /contracts/{id}/delete", samspil.PermLandscapeWrite, w.deleteContract)
	page("GET /organizations/{id}/data-processing/new", samspil.PermLandscapeWrite, w.newDataProcessingPage)
	page("POST /organizations/{id}/data-processing", samspil.PermLandscapeWrite, w.createDataProcessing)
	page("GET /data-processing/{id}", samspil.PermPublic, w.dataProcessingPage)
	page("POST /data-processing/{id}", samspil.PermLandscapeWrite, w.updateDataProcessing)
	page("POST /data-processing/{id}/delete", samspil.PermLandscapeWrite, w.deleteDataProcessing)
	page("GET /calendar/{file}", samspil.PermPublic, w.calendarFeed) // the secret in the address is the credential
	page("GET /organizations/{id}/import", samspil.PermLandscapeWrite, w.importPage)
	rt.Handle("POST /organizations/{id}/import", samspil.PermLandscapeWrite, resp, http.HandlerFunc(w.upload)) // its own, larger limit
	page("GET /imports/{import}", samspil.PermLandscapeWrite, w.importStatus)
	page("POST /imports/{import}/commit", samspil.PermLandscapeWrite, w.commitImport)
	page("GET /imports/{import}/invalid-rows", samspil.PermLandscapeWrite, w.invalidRows)
	page("GET /organizations/{id}/kitos", samspil.PermSignedIn, w.kitosSync) // the organisation's people only; others get 404 (kitos.go)
	page("GET /organizations/{id}/export", samspil.PermPublic, w.export)
	page("GET /templates/{file}", samspil.PermPublic, w.template)
	page("GET /organizations/{id}/calendar-feeds", samspil.PermSignedIn, w.feeds)
	w.initiativesRoutes(page)
	w.initiativeRoutes(page)
	page("POST /organizations/{id}/calendar-feeds", samspil.PermSignedIn, w.createFeed)
	page("POST /organizations/{id}/calendar-feeds/{feed}/revoke", samspil.PermSignedIn, w.revokeFeed)

	page("GET /collaborations", samspil.PermPublic, w.collaborations)
	page("POST /collaborations", samspil.PermCollabCreate, w.createCollaboration)
	page("GET /collaborations/{id}", samspil.PermPublic, w.collaboration)
	page("POST /collaborations/{id}", samspil.PermCollabManage, w.updateCollaboration)
	page("POST /collaborations/{id}/invitations", samspil.PermCollabManage, w.inviteOrganisation)
	page("POST /invitations/{id}/accept", samspil.PermCollabConsent, w.answerInvitation(true))
	page("POST /invitations/{id}/decline", samspil.PermCollabConsent, w.answerInvitation(false))
	page("POST /invitations/{id}/withdraw", samspil.PermCollabManage, w.withdrawInvitation)
	page("POST /collaborations/{id}/leave", samspil.PermCollabConsent, w.leaveCollaboration)
	page("POST /collaborations/{id}/adjustments", samspil.PermCollabManage, w.proposeAdjustment)
	page("POST /adjustments/{id}/approve", samspil.PermCollabConsent, w.answerAdjustment(true))
	page("POST /adjustments/{id}/decline", samspil.PermCollabConsent, w.answerAdjustment(false))
	page("POST /adjustments/{id}/withdraw", samspil.PermCollabManage, w.withdrawAdjustment)
	page("POST /collaborations/{id}/chair-terms", samspil.PermCollabManage, w.setChairTerms)
	rt.Handle("POST /collaborations/{id}/documents", samspil.PermCollabManage, resp, http.HandlerFunc(w.addCollabDocument)) // its own, larger limit
	page("GET /collaborations/{id}/documents/{doc}", samspil.PermPublic, w.collabDocument)
	page("POST /collaborations/{id}/documents/{doc}/delete", samspil.PermCollabManage, w.deleteCollabDocument)
	page("GET /collaborations/{id}/forums", samspil.PermPublic, w.forums)
	page("POST /collaborations/{id}/forums", samspil.PermCollabManage, w.createForum)
	page("GET /forums/{id}", samspil.PermPublic, w.forum)
	page("POST /forums/{id}/calendar-feed", samspil.PermSignedIn, w.createForumFeed)
	page("POST /forums/{id}/edit", samspil.PermCollabManage, w.updateForum)
	page("POST /forums/{id}/discontinue", samspil.PermCollabManage, w.discontinueForum)
	page("POST /forums/{id}/meetings", samspil.PermCollabManage, w.createMeeting)
	page("GET /meetings/{id}", samspil.PermPublic, w.meeting)
	page("POST /meetings/{id}/agenda", samspil.PermMeetingRecord, w.addAgendaItem)
	page("POST /meetings/{id}/agenda/{item}", samspil.PermMeetingRecord, w.updateAgendaItem)
	page("POST /meetings/{id}/agenda/{item}/delete", samspil.PermMeetingRecord, w.deleteAgendaItem)
	page("POST /meetings/{id}/minutes", samspil.PermMeetingRecord, w.saveMinutes)
	page("POST /meetings/{id}/status", samspil.PermMeetingRecord, w.setMeetingStatus) // held by members; cancelled by managers (the store decides)
	page("POST /meetings/{id}/move", samspil.PermCollabManage, w.moveMeeting)
	page("POST /meetings/{id}/attendance", samspil.PermMeetingRecord, w.setAttendance)
	page("POST /meetings/{id}/decisions", samspil.PermCollabManage, w.proposeAtMeeting)
	page("GET /collaborations/{id}/decisions", samspil.PermPublic, w.decisions)
	page("POST /collaborations/{id}/decisions", samspil.PermCollabManage, w.createDecision)
	page("GET /decisions/{id}", samspil.PermPublic, w.decision)
	page("POST /decisions/{id}/votes", samspil.PermCollabRepresent, w.castVote)
	page("POST /decisions/{id}/proxies", samspil.PermCollabRepresent, w.setProxy)
	page("POST /decisions/{id}/close", samspil.PermCollabManage, w.closeDecision)
	page("GET /collaborations/{id}/ambitions", samspil.PermPublic, w.ambitions)
	page("POST /collaborations/{id}/ambitions", samspil.PermCollabRepresent, w.declareAmbitions)
	page("GET /collaborations/{id}/strategies", samspil.PermPublic, w.strategies)
	page("POST /collaborations/{id}/strategies", samspil.PermCollabRepresent, w.createStrategy) // or its managers, for a joint strategy (the store decides)
	page("POST /strategies/{sid}/adoptions", samspil.PermCollabRepresent, w.adoptStrategy)
	page("GET /collaborations/{id}/action-items", samspil.PermPublic, w.actionItems)
	page("GET /collaborations/{id}/health", samspil.PermPublic, w.health) // its members' people only; others get 404 (health.go)
	page("POST /collaborations/{id}/health/settings", samspil.PermCollabManage, w.setHealthSettings)
	page("GET /collaborations/{id}/health/report", samspil.PermPublic, w.healthReport) // a page, or a PDF (format=pdf or Accept: application/pdf)
	page("POST /collaborations/{id}/action-items", samspil.PermActionItemWrite, w.createActionItem)
	page("POST /action-items/{aid}", samspil.PermActionItemWrite, w.updateActionItem)

	page("GET /account", samspil.PermSignedIn, w.account)
	page("POST /account/password", samspil.PermSignedIn, w.changePassword)
	page("POST /account/invitations/{id}/accept", samspil.PermSignedIn, w.answerMyInvitation(true))
	page("POST /account/invitations/{id}/decline", samspil.PermSignedIn, w.answerMyInvitation(false))
	page("POST /account/notices", samspil.PermSignedIn, w.setNotices)
	page("POST /account/meeting-feed", samspil.PermSignedIn, w.createMeetingFeed)
	page("POST /account/tokens", samspil.PermSignedIn, w.createToken)
	page("POST /account/tokens/{id}/revoke", samspil.PermSignedIn, w.revokeToken)
}

// notFound answers an address that is no page with the error page; an
// address of the API gets the plain answer it always had.
func (w *Web) notFound(rw http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		http.NotFound(rw, r)
		return
	}
	w.fail(rw, r, samspil.NotFound("page"))
}

// limitForm caps request bodies so that an oversized post is refused with
// 413 and bounded memory.
func (w *Web) limitForm(h http.HandlerFunc) http.HandlerFunc { return w.limitBody(MaxFormBytes, h) }

// FormReadTimeout is how long a form's body may take to arrive; a client
// that sends it slower is refused (the server's own ReadTimeout, a minute, is
// for the large uploads).
const FormReadTimeout = 10 * time.Second

// limitBody caps request bodies at max bytes, and the time they take to
// arrive at FormReadTimeout.
func (w *Web) limitBody(max int64, h http.HandlerFunc) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			w.fail(rw, r, samspil.Errorf(samspil.ETOOLARGE, "the form is larger than %d KiB", max>>10))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			// net/http lifts the deadline itself once the body has been
			// read to its end, so a handler may work on past it.
			http.NewResponseController(rw).SetReadDeadline(time.Now().Add(FormReadTimeout))
		}
		r.Body = http.MaxBytesReader(rw, r.Body, max)
		h(rw, r)
	}
}

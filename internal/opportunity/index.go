package opportunity

import (
	"bytes"
	"cmp"
	"hash/fnv"
	"io"
	"maps"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/samspil/samspil"
)

// Index answers where working together makes sense. It is built from the
// facts (Build) and read by any number of goroutines; it is never changed
// once built. Update makes a new index with some organisations' facts
// replaced, sharing everything else with the old one, so that a change is
// answered without building the whole index again.
type Index struct {
	orgs  []Org
	fold  []string // the organisations' names folded (samspil.Fold), for ties
	byID  map[string]int32
	names []string // system names by system number
	ids   []string // system IDs by system number
	cats  []string // system categories by system number
	sysID map[string]int32
	// sysTasks are, per system, the numbers of the KLE tasks the catalogue
	// says it supports, sorted; tasks holds the codes by number.
	sysTasks [][]int32
	tasks    []string
	taskNum  map[string]int32
	// uses are each organisation's usages, by system number.
	uses [][]use
	// brief is what ranking and windows read of every organisation, side
	// by side and small (an Org is many times larger).
	brief []orgBrief
	// idRank is each organisation's rank in the order of the
	// organisations' IDs: ties in the order of decisions are broken by it.
	idRank []int32
	// useTasks are the tasks of the usages whose organisation changed the
	// system's tasks (TaskChanges), by useKey; the others have their
	// system's.
	useTasks map[uint64][]int32
	// postings are, per system, the organisations that use it, by
	// organisation number; none for a dense system (below).
	postings [][]posting
	// The dense systems, those used openly by a large share of the
	// organisations (say, an ESDH system three in four run), are held as
	// bits rather than in posting lists, which would be long: densePos
	// gives, per system, its bit or -1, and bits holds, per organisation,
	// nd words with the bit of each dense system it uses openly (sector
	// or public). A partner query adds up a candidate's dense systems a
	// byte at a time from tables of the asker's points (partners.go), and
	// finds the uses it sees only as a partner in the uses of the
	// organisations whose partners-only records it sees.
	densePos []int32
	nd       int
	bits     []uint64
	// commons counts, per system, the organisations whose use of it is
	// shared with every signed-in organisation (sector or public): the
	// rarity of a system is counted over these only, so that no private
	// or partners-only record shapes anyone else's weights. commonsTotal
	// counts the organisations with at least one such use (openly).
	commons      []int32
	commonsTotal int32
	openly       []bool
	// sysContracts are, per system, the live contracts covering it (with
	// a next decision), in the order of their next decisions (then of
	// their organisations' IDs, then their IDs): windows and joint
	// procurement read them by date.
	sysContracts [][]sysContract
	// byOrg are, per system, the positions in sysContracts in the order
	// of the organisations' numbers, each with its organisation's: an
	// organisation's are looked up by it (contractsOf).
	byOrg [][]orgPos
	// openContracts are, per system, the contracts of sysContracts shared
	// with every signed-in organisation (sector or public), in the same
	// order and held small: joint procurement reads these rather than the
	// whole list, most of which an asker may not see.
	openContracts [][]openContract
	// cids are the IDs of the contracts in sysContracts.
	cids contractIDs
	// contractSys are, per organisation, the systems its live contracts
	// cover, sorted: where to look for its contracts.
	contractSys [][]int32
	// counts are the month counts of the long lists of contracts, made
	// as windows need them.
	counts *counts
	// last is the organisation orgNumber found last (building only).
	last struct {
		id string
		n  int32
	}
	// scratch keeps the arrays of partner queries for the next.
	scratch  *sync.Pool
	partners map[string][]string
	together map[[2]string]Together
	// partnerOwners are, per organisation, the organisations whose
	// partners-only records it sees (partners turned around), and
	// togetherOf its pairs working together: both by organisation number,
	// for a query to look them up without strings.
	partnerOwners map[int32][]int32
	togetherOf    map[int32][]togetherWith
}

// togetherWith is a pair working together as one of the two sees it.
type togetherWith struct {
	other int32
	t     Together
}

// relate computes partnerOwners and togetherOf from partners and
// together.
func (x *Index) relate() {
	x.partnerOwners = map[int32][]int32{}
	for owner, viewers := range x.partners {
		o, ok := x.byID[owner]
		if !ok {
			continue
		}
		for _, v := range viewers {
			if n, ok := x.byID[v]; ok {
				x.partnerOwners[n] = append(x.partnerOwners[n], o)
			}
		}
	}
	for _, owners := range x.partnerOwners {
		slices.Sort(owners)
	}
	x.togetherOf = map[int32][]togetherWith{}
	for _, t := range x.together {
		a, okA := x.byID[t.A]
		b, okB := x.byID[t.B]
		if okA && okB {
			x.togetherOf[a] = append(x.togetherOf[a], togetherWith{b, t})
			x.togetherOf[b] = append(x.togetherOf[b], togetherWith{a, t})
		}
	}
}

// viewer is an organisation's view of visibility, by organisation number.
type viewer struct {
	a      int32
	owners []int32 // whose partners-only records it sees, sorted
}

// viewerOf returns the view of the organisation a.
func (x *Index) viewerOf(a int32) viewer { return viewer{a: a, owners: x.partnerOwners[a]} }

// sees reports whether the viewer sees a record of level l of the
// organisation owner: as Index.sees does.
func (v viewer) sees(owner int32, l level) bool {
	if l >= levelSector || owner == v.a {
		return true
	}
	if l == levelPartners {
		_, ok := slices.BinarySearch(v.owners, owner)
		return ok
	}
	return false
}

type use struct {
	sys     int32
	vis     level
	changes bool // the usage changes its system's tasks (TaskChanges)
}

// level is a visibility as the index keeps it: its rank in
// samspil.Visibilities, from private (0) to public, in one byte.
type level uint8

// levelOf returns the level of a visibility.
func levelOf(v samspil.Visibility) level { return level(max(slices.Index(samspil.Visibilities, v), 0)) }

// Levels of visibility.
var (
	levelPartners = levelOf(samspil.VisibilityPartners)
	levelSector   = levelOf(samspil.VisibilitySector)
)

// sysContract is a contract as the list of a system's contracts holds it.
// It holds no pointer (the contract's ID is a number in cids), so that
// the garbage collector need not walk the lists.
type sysContract struct {
	org         int32
	id          int32 // in cids
	next, actBy day
	vis         level
}

// contractIDs holds the contracts' IDs by number, in chunks of bytes
// with the end of each ID: no pointer per ID for the garbage collector to
// follow (ten million strings would make every collection walk them). An
// index made by Update copies only the last chunk and the list of chunks,
// and shares the others. (The IDs of contracts an update replaces stay
// until the day's rebuild.)
type contractIDs struct {
	chunks []*idChunk
}

// idChunk is up to idChunkLen IDs, one after the other in bytes; the i-th
// ends at ends[i].
type idChunk struct {
	bytes []byte
	ends  []uint32
}

const idChunkLen = 1 << 16

// bytesOf returns the ID numbered n, in the chunk's bytes (not to be
// changed).
func (c *contractIDs) bytesOf(n int32) []byte {
	ch, i := c.chunks[n/idChunkLen], n%idChunkLen
	start := uint32(0)
	if i > 0 {
		start = ch.ends[i-1]
	}
	return ch.bytes[start:ch.ends[i]]
}

// get returns the ID numbered n. It shares the chunk's bytes, which are
// written once and never changed (add only appends; clone copies), so a
// window's members cost no copy of their contracts' IDs.
func (c *contractIDs) get(n int32) string {
	b := c.bytesOf(n)
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// compare compares the IDs numbered a and b as strings compare.
func (c *contractIDs) compare(a, b int32) int { return bytes.Compare(c.bytesOf(a), c.bytesOf(b)) }

// add adds an ID and returns its number.
func (c *contractIDs) add(id string) int32 {
	if len(c.chunks) == 0 || len(c.chunks[len(c.chunks)-1].ends) == idChunkLen {
		// Room for IDs of 36 characters (UUIDs); longer ones grow it.
		c.chunks = append(c.chunks, &idChunk{bytes: make([]byte, 0, idChunkLen*36), ends: make([]uint32, 0, idChunkLen)})
	}
	last := len(c.chunks) - 1
	ch := c.chunks[last]
	ch.bytes = append(ch.bytes, id...)
	ch.ends = append(ch.ends, uint32(len(ch.bytes)))
	return int32(last*idChunkLen + len(ch.ends) - 1)
}

// clone returns a copy to add to, leaving c as it is.
func (c *contractIDs) clone() contractIDs {
	out := contractIDs{chunks: slices.Clone(c.chunks)}
	if n := len(out.chunks); n > 0 {
		last := out.chunks[n-1]
		out.chunks[n-1] = &idChunk{bytes: slices.Clip(slices.Clone(last.bytes)), ends: slices.Clip(slices.Clone(last.ends))}
	}
	return out
}

type posting struct {
	org int32
	vis level
}

// useKey is the key of an organisation's usage of a system in useTasks.
func useKey(org, sys int32) uint64 { return uint64(org)<<32 | uint64(uint32(sys)) }

// Build builds the index from the facts.
func Build(f *Facts) *Index {
	b := NewBuilder()
	f.Feed(b)
	return b.Index()
}

// Sink takes facts one by one: a Builder, or Facts to hold them. The
// catalogue and the organisations come first; then usages, contracts,
// partners and pairs working together, in any order.
type Sink interface {
	AddSystem(System)
	AddOrg(Org)
	AddUsage(Usage)
	AddContract(Contract)
	AddPartners(owner string, viewers []string) // viewers sorted
	AddTogether(Together)
}

// Feed gives the facts to a sink in the order it takes them.
func (f *Facts) Feed(s Sink) {
	for _, x := range f.Systems {
		s.AddSystem(x)
	}
	for _, o := range f.Orgs {
		s.AddOrg(o)
	}
	for _, u := range f.Usages {
		s.AddUsage(u)
	}
	for _, c := range f.Contracts {
		s.AddContract(c)
	}
	for owner, viewers := range f.Partners {
		s.AddPartners(owner, viewers)
	}
	for _, t := range f.Together {
		s.AddTogether(t)
	}
}

// AddSystem adds a catalogue entry to the facts.
func (f *Facts) AddSystem(s System) { f.Systems = append(f.Systems, s) }

// AddOrg adds an organisation to the facts.
func (f *Facts) AddOrg(o Org) { f.Orgs = append(f.Orgs, o) }

// AddUsage adds a usage to the facts.
func (f *Facts) AddUsage(u Usage) { f.Usages = append(f.Usages, u) }

// AddContract adds a contract to the facts.
func (f *Facts) AddContract(c Contract) { f.Contracts = append(f.Contracts, c) }

// AddPartners sets who sees what an organisation shares with partners.
func (f *Facts) AddPartners(owner string, viewers []string) {
	if f.Partners == nil {
		f.Partners = map[string][]string{}
	}
	f.Partners[owner] = viewers
}

// AddTogether adds a pair working together to the facts.
func (f *Facts) AddTogether(t Together) { f.Together = append(f.Together, t) }

// Builder builds an index from facts given one by one (it is a Sink), so
// that facts at European scale are never all held at once: each usage and
// contract goes straight into the index's lists.
type Builder struct {
	x    *Index
	kept map[uint64]taskChanges
}

// taskChanges are the task changes of the usage kept for a system: of
// the usages with changes, the widest and of those the first. They count
// only when that usage is also the first of the widest of all the
// organisation's usages of the system (a narrower usage's changes must
// not show); finishUses checks.
type taskChanges struct {
	rank level
	tc   []samspil.TaskChange
}

// NewBuilder returns a builder of an empty index.
func NewBuilder() *Builder {
	return &Builder{x: &Index{byID: map[string]int32{}, sysID: map[string]int32{}, taskNum: map[string]int32{},
		useTasks: map[uint64][]int32{}, partners: map[string][]string{}, together: map[[2]string]Together{}}, kept: map[uint64]taskChanges{}}
}

// AddSystem adds a catalogue entry.
func (b *Builder) AddSystem(s System) { b.x.setSystem(s) }

// AddOrg adds an organisation.
func (b *Builder) AddOrg(o Org) {
	b.x.setOrg(o)
	for len(b.x.uses) < len(b.x.orgs) {
		b.x.uses = append(b.x.uses, nil)
		b.x.contractSys = append(b.x.contractSys, nil)
	}
}

// AddUsage adds a usage of an organisation added before; others are left
// out.
func (b *Builder) AddUsage(u Usage) { b.x.addUsage(u, nil, b.kept) }

// AddContract adds a live contract of an organisation added before.
func (b *Builder) AddContract(c Contract) { b.x.addContract(c, nil) }

// AddPartners sets who sees what an organisation shares with partners.
func (b *Builder) AddPartners(owner string, viewers []string) { b.x.partners[owner] = viewers }

// AddTogether adds a pair working together.
func (b *Builder) AddTogether(t Together) { b.x.together[pair(t.A, t.B)] = t }

// Index finishes the index: each organisation's uses in order, one per
// system, the posting lists and rarities, the contract lists in order.
// The builder is not to be used after.
func (b *Builder) Index() *Index {
	x := b.x
	x.finishUses(nil, b.kept)
	x.openly = make([]bool, len(x.orgs))
	for o := range x.uses {
		for _, u := range x.uses[o] {
			if shared(u.vis) {
				x.commons[u.sys]++
				if !x.openly[o] {
					x.openly[o] = true
					x.commonsTotal++
				}
			}
		}
	}
	x.chooseDense()
	x.bits = make([]uint64, len(x.orgs)*x.nd)
	for o := range x.uses {
		x.setBits(int32(o))
		for _, u := range x.uses[o] {
			if x.densePos[u.sys] < 0 {
				x.postings[u.sys] = append(x.postings[u.sys], posting{org: int32(o), vis: u.vis})
			}
		}
	}
	for len(x.sysContracts) < len(x.ids) {
		x.sysContracts = append(x.sysContracts, nil)
	}
	for o, ss := range x.contractSys {
		slices.Sort(ss)
		x.contractSys[o] = slices.Clip(slices.Compact(ss))
	}
	x.rankIDs()
	// Each system's list is ordered on its own: on every processor, the
	// next list to the next free one (a few lists are long).
	x.byOrg = make([][]orgPos, len(x.sysContracts))
	x.openContracts = make([][]openContract, len(x.sysContracts))
	var next atomic.Int64
	parallel(true, runtime.GOMAXPROCS(0), func(int, int) struct{} {
		for s := int(next.Add(1) - 1); s < len(x.sysContracts); s = int(next.Add(1) - 1) {
			x.byOrg[s] = x.order(x.sysContracts[s])
			x.openContracts[s] = openOf(x.sysContracts[s])
		}
		return struct{}{}
	}, func(struct{}) {})
	x.relate()
	x.counts = &counts{}
	x.scratch = &sync.Pool{}
	b.x = nil
	return x
}

// Dense systems: a system is held as bits when at least one in
// denseShare of the organisations sharing their landscape use it openly,
// and at least denseMin; the maxDense most used at most. (Variables for
// the tests, which make every system dense or none.)
var (
	denseShare int64 = 16
	denseMin   int32 = 64
	maxDense         = 2048
)

// chooseDense chooses the dense systems from the counts of their open
// uses, the most used first: which systems are dense decides only how a
// query adds up, never what it answers.
func (x *Index) chooseDense() {
	var dense []int32
	for s, n := range x.commons {
		if n >= denseMin && int64(n)*denseShare >= int64(x.commonsTotal) && n > 0 {
			dense = append(dense, int32(s))
		}
	}
	slices.SortFunc(dense, func(a, b int32) int { return cmp.Or(cmp.Compare(x.commons[b], x.commons[a]), cmp.Compare(a, b)) })
	dense = dense[:min(len(dense), maxDense)]
	x.densePos = make([]int32, len(x.ids))
	for s := range x.densePos {
		x.densePos[s] = -1
	}
	for i, s := range dense {
		x.densePos[s] = int32(i)
	}
	x.nd = (len(dense) + 63) / 64
}

// setBits sets the organisation o's bits from its uses (its words
// cleared first).
func (x *Index) setBits(o int32) {
	row := x.bits[int(o)*x.nd : int(o+1)*x.nd]
	clear(row)
	for _, u := range x.uses[o] {
		if p := x.densePos[u.sys]; p >= 0 && shared(u.vis) {
			row[p/64] |= 1 << (p % 64)
		}
	}
}

// setSystem adds a catalogue entry or replaces its name, category and
// tasks, and returns its number.
func (x *Index) setSystem(s System) int32 {
	n, ok := x.sysID[s.ID]
	if !ok {
		n = int32(len(x.ids))
		x.sysID[s.ID] = n
		x.ids = append(x.ids, s.ID)
		x.names = append(x.names, s.Name)
		x.cats = append(x.cats, s.Category)
		x.sysTasks = append(x.sysTasks, nil)
		x.postings = append(x.postings, nil)
		x.commons = append(x.commons, 0)
		if x.densePos != nil {
			x.densePos = append(x.densePos, -1)
		}
		if x.sysContracts != nil {
			x.sysContracts = append(x.sysContracts, nil)
		}
	} else {
		x.names[n], x.cats[n] = s.Name, s.Category
	}
	x.sysTasks[n] = x.taskNumbers(s.Tasks)
	return n
}

// system returns the number of a system a usage or contract names,
// adding it (with the usage's name) when the catalogue facts did not.
func (x *Index) system(id, name string) int32 {
	if n, ok := x.sysID[id]; ok {
		return n
	}
	return x.setSystem(System{ID: id, Name: name})
}

// orgNumber returns the number of the organisation id while usages and
// contracts are added, trying first the last one asked for: an
// organisation's records mostly come together.
func (x *Index) orgNumber(id string) (int32, bool) {
	if id == x.last.id && id != "" {
		return x.last.n, true
	}
	n, ok := x.byID[id]
	if ok {
		x.last.id, x.last.n = id, n
	}
	return n, ok
}

// setOrg adds an organisation or replaces what the index knows of it, and
// returns its number.
func (x *Index) setOrg(o Org) int32 {
	if n, ok := x.byID[o.ID]; ok {
		x.orgs[n], x.fold[n], x.brief[n] = o, samspil.Fold(o.Name), briefOf(&o)
		return n
	}
	n := int32(len(x.orgs))
	x.byID[o.ID] = n
	x.orgs = append(x.orgs, o)
	x.fold = append(x.fold, samspil.Fold(o.Name))
	x.brief = append(x.brief, briefOf(&o))
	return n
}

// taskNumbers returns the numbers of KLE codes, sorted, numbering new
// codes.
func (x *Index) taskNumbers(codes []string) []int32 {
	if len(codes) == 0 {
		return nil
	}
	out := make([]int32, 0, len(codes))
	for _, c := range codes {
		n, ok := x.taskNum[c]
		if !ok {
			n = int32(len(x.tasks))
			x.taskNum[c] = n
			x.tasks = append(x.tasks, c)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// addUsage adds a usage to its organisation's list (when only is not
// nil, of an organisation in only), unsorted; finishUses puts the lists in
// order.
func (x *Index) addUsage(u Usage, only map[int32]bool, kept map[uint64]taskChanges) {
	o, ok := x.orgNumber(u.OrgID)
	if !ok || (only != nil && !only[o]) {
		return
	}
	s := x.system(u.SystemID, u.SystemName)
	v := levelOf(u.Visibility)
	x.uses[o] = append(x.uses[o], use{sys: s, vis: v, changes: len(u.TaskChanges) > 0})
	if len(u.TaskChanges) == 0 {
		return // most usages: nothing to keep, no map entry
	}
	if k, ok := kept[useKey(o, s)]; !ok || v > k.rank {
		kept[useKey(o, s)] = taskChanges{v, u.TaskChanges}
	}
}

// finishUses sorts the uses of the organisations (of those in only, when
// it is not nil) by system, one per system with the widest visibility of
// the organisation's usages of it, which sorts first; and records the
// task changes kept.
func (x *Index) finishUses(only map[int32]bool, kept map[uint64]taskChanges) {
	for o, us := range x.uses {
		if only != nil && !only[int32(o)] {
			continue
		}
		// Stable: of the widest usages of a system, the first sorts first.
		slices.SortStableFunc(us, func(a, b use) int {
			return cmp.Or(cmp.Compare(a.sys, b.sys), cmp.Compare(b.vis, a.vis))
		})
		us = slices.Clip(slices.CompactFunc(us, func(a, b use) bool { return a.sys == b.sys }))
		for i, u := range us {
			if u.changes {
				if k := kept[useKey(int32(o), u.sys)]; len(k.tc) > 0 {
					x.useTasks[useKey(int32(o), u.sys)] = x.changedTasks(u.sys, k.tc)
				}
				us[i].changes = false
			}
		}
		x.uses[o] = us
	}
	for len(x.postings) < len(x.ids) {
		x.postings = append(x.postings, nil)
		x.commons = append(x.commons, 0)
	}
}

// changedTasks are a system's tasks with a usage's changes applied.
func (x *Index) changedTasks(sys int32, changes []samspil.TaskChange) []int32 {
	var add, drop []string
	for _, c := range changes {
		if c.OptOut {
			drop = append(drop, c.Code)
		} else {
			add = append(add, c.Code)
		}
	}
	out := slices.Clone(x.sysTasks[sys])
	out = append(out, x.taskNumbers(add)...)
	out = slices.DeleteFunc(out, func(n int32) bool { return slices.Contains(drop, x.tasks[n]) })
	slices.Sort(out)
	return slices.Compact(out)
}

// usageTasks returns the KLE task numbers of an organisation's usage of a
// system, sorted.
func (x *Index) usageTasks(org, sys int32) []int32 {
	if t, ok := x.useTasks[useKey(org, sys)]; ok {
		return t
	}
	return x.sysTasks[sys]
}

// addContract adds a live contract (one with a next decision) to the
// lists of the systems it covers, unsorted (when only is not nil, of an
// organisation in only), and returns the systems whose lists grew.
func (x *Index) addContract(c Contract, only map[int32]bool) []int32 {
	o, ok := x.orgNumber(c.OrgID)
	if !ok || (only != nil && !only[o]) || c.NextDecision == nil {
		return nil
	}
	actBy := c.NextDecision // a contract that simply expires: its successor must be in place by then
	if c.NoticeBy != nil {
		actBy = c.NoticeBy
	}
	var grew []int32
	cid := x.cids.add(c.ID)
	for _, id := range c.SystemIDs {
		s := x.system(id, "")
		for len(x.sysContracts) <= int(s) {
			x.sysContracts = append(x.sysContracts, nil)
		}
		x.sysContracts[s] = append(x.sysContracts[s], sysContract{org: o, id: cid, next: dayOf(*c.NextDecision), actBy: dayOf(*actBy), vis: levelOf(c.Visibility)})
		x.contractSys[o] = append(x.contractSys[o], s)
		grew = append(grew, s)
	}
	return grew
}

// Update returns a new index in which the organisations of u.Orgs have
// the usages and contracts of u (all of theirs: what they had before and
// u does not list is gone), and the catalogue entries of u.Systems are
// added or replaced; Partners and Together, when not nil, replace the
// index's. The old index is left as it was and stays valid; the new one
// shares with it every list no change touches.
func (x *Index) Update(u *Facts) *Index {
	y := *x
	y.orgs, y.fold, y.brief = slices.Clone(x.orgs), slices.Clone(x.fold), slices.Clone(x.brief)
	if slices.ContainsFunc(u.Orgs, func(o Org) bool { _, ok := x.byID[o.ID]; return !ok }) {
		y.byID = maps.Clone(x.byID) // a new organisation
	}
	y.sysID, y.taskNum = maps.Clone(x.sysID), maps.Clone(x.taskNum)
	y.names, y.ids, y.cats, y.tasks = slices.Clone(x.names), slices.Clone(x.ids), slices.Clone(x.cats), slices.Clone(x.tasks)
	y.sysTasks, y.postings, y.commons = slices.Clone(x.sysTasks), slices.Clone(x.postings), slices.Clone(x.commons)
	y.uses, y.openly, y.sysContracts = slices.Clone(x.uses), slices.Clone(x.openly), slices.Clone(x.sysContracts)
	y.densePos, y.bits = slices.Clone(x.densePos), slices.Clone(x.bits)
	y.cids = x.cids.clone()
	y.useTasks = maps.Clone(x.useTasks)
	for _, s := range u.Systems {
		y.setSystem(s)
	}
	changed := map[int32]bool{}
	for _, o := range u.Orgs {
		n := y.setOrg(o)
		changed[n] = true
	}
	for len(y.uses) < len(y.orgs) {
		y.uses = append(y.uses, nil)
		y.openly = append(y.openly, false)
	}
	y.bits = append(y.bits, make([]uint64, len(y.orgs)*y.nd-len(y.bits))...)

	// Usages: take the changed organisations out of the posting lists of
	// the systems they used and out of the counts, put their new usages
	// in.
	dirty := map[int32]bool{} // systems whose posting lists change
	for o := range changed {
		for _, us := range y.uses[o] {
			dirty[us.sys] = true
			delete(y.useTasks, useKey(o, us.sys))
			if shared(us.vis) {
				y.commons[us.sys]--
			}
		}
		y.uses[o] = nil
		if y.openly[o] {
			y.openly[o] = false
			y.commonsTotal--
		}
	}
	kept := map[uint64]taskChanges{}
	for _, us := range u.Usages {
		y.addUsage(us, changed, kept)
	}
	y.finishUses(changed, kept)
	for len(y.postings) < len(y.ids) {
		y.postings = append(y.postings, nil)
		y.commons = append(y.commons, 0)
	}
	for o := range changed {
		y.setBits(o)
		for _, us := range y.uses[o] {
			dirty[us.sys] = true
			if shared(us.vis) {
				y.commons[us.sys]++
				if !y.openly[o] {
					y.openly[o] = true
					y.commonsTotal++
				}
			}
		}
	}
	for sys := range dirty {
		list := slices.DeleteFunc(slices.Clone(y.postings[sys]), func(p posting) bool { return changed[p.org] })
		for o := range changed {
			for _, us := range y.uses[o] {
				if us.sys == sys && y.densePos[sys] < 0 {
					list = append(list, posting{org: o, vis: us.vis})
				}
			}
		}
		slices.SortFunc(list, func(a, b posting) int { return cmp.Compare(a.org, b.org) })
		y.postings[sys] = list
	}

	// Contracts: the same for the lists of the systems they cover.
	for len(y.sysContracts) < len(y.ids) {
		y.sysContracts = append(y.sysContracts, nil)
	}
	dirty = map[int32]bool{}
	y.contractSys = slices.Clone(x.contractSys)
	for len(y.contractSys) < len(y.orgs) {
		y.contractSys = append(y.contractSys, nil)
	}
	for o := range changed {
		for _, sys := range y.contractSys[o] {
			if !dirty[sys] {
				y.sysContracts[sys] = slices.DeleteFunc(slices.Clone(y.sysContracts[sys]), func(c sysContract) bool { return changed[c.org] })
				dirty[sys] = true
			}
		}
		y.contractSys[o] = nil
	}
	for sys := range y.addContractsCopy(u.Contracts, changed, dirty) {
		dirty[sys] = true
	}
	for o := range changed {
		slices.Sort(y.contractSys[o])
		y.contractSys[o] = slices.Clip(slices.Compact(y.contractSys[o]))
	}
	if len(y.orgs) > len(x.orgs) {
		y.rankIDs() // the old orders stay true: ranks keep their order
	}
	y.byOrg = slices.Clone(x.byOrg)
	for len(y.byOrg) < len(y.sysContracts) {
		y.byOrg = append(y.byOrg, nil)
	}
	y.openContracts = slices.Clone(x.openContracts)
	for len(y.openContracts) < len(y.sysContracts) {
		y.openContracts = append(y.openContracts, nil)
	}
	for sys := range dirty {
		y.byOrg[sys] = y.order(y.sysContracts[sys])
		y.openContracts[sys] = openOf(y.sysContracts[sys])
	}
	y.keepCounts(x, dirty, len(u.Systems) > 0)
	y.scratch = &sync.Pool{}

	if u.Partners != nil {
		y.partners = u.Partners
	}
	if u.Together != nil {
		y.together = make(map[[2]string]Together, len(u.Together))
		for _, t := range u.Together {
			y.together[pair(t.A, t.B)] = t
		}
	}
	if u.Partners != nil || u.Together != nil || len(y.orgs) > len(x.orgs) {
		y.relate()
	}
	return &y
}

// order puts a system's contracts in the order of their next decisions,
// then of their organisations' IDs, then of their IDs, and returns their
// positions in the order of the organisations' numbers.
func (x *Index) order(list []sysContract) []orgPos {
	slices.SortFunc(list, func(p, q sysContract) int {
		// Not cmp.Or, which would look up and compare the IDs every time.
		if c := cmp.Compare(p.next, q.next); c != 0 {
			return c
		}
		if c := cmp.Compare(x.idRank[p.org], x.idRank[q.org]); c != 0 {
			return c
		}
		return x.cids.compare(p.id, q.id)
	})
	byOrg := make([]orgPos, len(list))
	for i, c := range list {
		byOrg[i] = orgPos{org: c.org, pos: int32(i)}
	}
	slices.SortStableFunc(byOrg, func(a, b orgPos) int { return cmp.Compare(a.org, b.org) })
	return byOrg
}

// openContract is a contract of a system's list shared with every
// signed-in organisation.
type openContract struct {
	org         int32
	next, actBy day
}

// openOf returns the contracts of a system's list (ordered) that are
// shared with every signed-in organisation, in its order.
func openOf(list []sysContract) []openContract {
	var out []openContract
	for _, c := range list {
		if shared(c.vis) {
			out = append(out, openContract{org: c.org, next: c.next, actBy: c.actBy})
		}
	}
	return slices.Clip(out)
}

// orgPos is a position in a system's list of contracts with the number of
// the contract's organisation.
type orgPos struct{ org, pos int32 }

// contractsOf returns the positions in a system's list of the
// organisation o's contracts.
func (x *Index) contractsOf(sys, o int32) []orgPos {
	byOrg := x.byOrg[sys]
	lo := searchOrg(byOrg, o)
	hi := lo
	for hi < len(byOrg) && byOrg[hi].org == o {
		hi++
	}
	return byOrg[lo:hi]
}

// searchOrg returns the first place in list (in the order of the
// organisations' numbers) whose organisation is o or later. The numbers
// of a system's users spread about evenly, so it first guesses the place
// from o's share of the way between the first and the last, then widens
// a bracket around the guess step by doubling step and searches within
// it: a few looks where a binary search over a long list would take some
// twenty, far apart in memory.
func searchOrg(list []orgPos, o int32) int {
	n := len(list)
	if n == 0 || o <= list[0].org {
		return 0
	}
	if o > list[n-1].org {
		return n
	}
	// Here list[0].org < o <= list[n-1].org: the place is in 1..n-1.
	first, last := int64(list[0].org), int64(list[n-1].org)
	g := int((int64(o) - first) * int64(n-1) / (last - first))
	lo, hi := 0, n-1 // list[lo].org < o <= list[hi].org
	if list[g].org < o {
		lo = g
		for step := 1; ; step *= 2 {
			if g+step >= hi {
				break
			}
			if list[g+step].org >= o {
				hi = g + step
				break
			}
			lo = g + step
		}
	} else {
		hi = g
		for step := 1; ; step *= 2 {
			if g-step <= lo {
				break
			}
			if list[g-step].org < o {
				lo = g - step
				break
			}
			hi = g - step
		}
	}
	return lo + 1 + sort.Search(hi-lo-1, func(i int) bool { return list[lo+1+i].org >= o })
}

// rankIDs ranks the organisations by ID.
func (x *Index) rankIDs() {
	byID := make([]int32, len(x.orgs))
	for i := range byID {
		byID[i] = int32(i)
	}
	slices.SortFunc(byID, func(a, b int32) int { return cmp.Compare(x.orgs[a].ID, x.orgs[b].ID) })
	x.idRank = make([]int32, len(x.orgs))
	for r, o := range byID {
		x.idRank[o] = int32(r)
	}
}

// addContractsCopy is addContract for an index made by Update: a list
// not already copied (in copied) is copied before it grows, so that the
// old index's list is left alone.
func (x *Index) addContractsCopy(cs []Contract, only, copied map[int32]bool) map[int32]bool {
	for _, c := range cs {
		o, ok := x.byID[c.OrgID]
		if !ok || !only[o] {
			continue
		}
		for _, id := range c.SystemIDs {
			if s, ok := x.sysID[id]; ok && !copied[s] {
				x.sysContracts[s] = slices.Clone(x.sysContracts[s])
				copied[s] = true
			}
		}
	}
	grew := map[int32]bool{}
	for _, c := range cs {
		for _, s := range x.addContract(c, only) {
			grew[s] = true
		}
	}
	return grew
}

// pair is the key of two organisations, in order.
func pair(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// shared reports whether a record of level v is seen by every signed-in
// organisation (sector or public).
func shared(v level) bool { return v >= levelSector }

// sees reports whether the organisation asker sees a record of owner with
// level v: samspil.Actor.CanSee for an organisation's people.
func (x *Index) sees(asker, owner string, v level) bool {
	switch {
	case asker == owner || shared(v):
		return true
	case v == levelPartners:
		_, ok := slices.BinarySearch(x.partners[owner], asker)
		return ok
	}
	return false
}

// seesOrg reports whether the organisation asker sees the organisation o.
func (x *Index) seesOrg(asker string, o *Org) bool { return x.sees(asker, o.ID, levelOf(o.Visibility)) }

// Rarity is the weight of sharing a system that n of total organisations
// use (n counted over shared records only, at least 1): ln(total / n), so
// that sharing a system 3 of 98 use says far more than one all 98 use.
func Rarity(n, total int) float64 {
	n, total = max(n, 1), max(total, 1)
	if n >= total {
		return 0
	}
	return math.Log(float64(total) / float64(n))
}

// Org returns an organisation of the index by ID.
func (x *Index) Org(id string) (Org, bool) {
	i, ok := x.byID[id]
	if !ok {
		return Org{}, false
	}
	return x.orgs[i], true
}

// Stats count what the index holds.
type Stats struct {
	Orgs, Systems   int
	Uses            int // usages, one per organisation and system
	ContractEntries int // live contracts, once per system they cover
}

// Stats counts what the index holds.
func (x *Index) Stats() Stats {
	s := Stats{Orgs: len(x.orgs), Systems: len(x.ids)}
	for _, us := range x.uses {
		s.Uses += len(us)
	}
	for _, cs := range x.sysContracts {
		s.ContractEntries += len(cs)
	}
	return s
}

// candidate reports whether an organisation may be suggested as a
// partner: public bodies and communities, not companies.
func candidate(o *Org) bool { return o.Kind != samspil.KindCompany }

// orgBrief is what ranking and windows read of an organisation.
type orgBrief struct {
	population int
	place      uint64 // its country and region hashed (placeOf), 0 for no region
	level      level  // its own visibility
	candidate  bool   // whether it may be suggested (candidate)
}

func briefOf(o *Org) orgBrief {
	return orgBrief{population: o.Population, place: placeOf(o), level: levelOf(o.Visibility), candidate: candidate(o)}
}

// placeOf hashes an organisation's country and region (FNV-1a), never to
// 0, which stands for no region: two organisations with the same place
// are in the same region unless the hashes collide, which sameRegion
// rules out.
func placeOf(o *Org) uint64 {
	if o.Region == "" {
		return 0
	}
	h := fnv.New64a()
	io.WriteString(h, o.Country+"\x00"+o.Region)
	return h.Sum64() | 1
}

// sameRegion reports whether the organisations a and b are in one region
// of one country (for the term TermSameRegion).
func (x *Index) sameRegion(a, b int32) bool {
	return x.brief[a].place != 0 && x.brief[a].place == x.brief[b].place &&
		x.orgs[a].Region == x.orgs[b].Region && x.orgs[a].Country == x.orgs[b].Country
}

// byScore orders suggestions by score, highest first, then by name.
func byScore(a, b Suggestion) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name)), cmp.Compare(a.OrgID, b.OrgID))
}

// day is a date as the index keeps it, in four bytes: year*10000 +
// month*100 + day, which orders as the dates do. The zero day is no date.
type day int32

// dayOf returns the day of a date.
func dayOf(d samspil.Date) day { return day(d.Year*10000 + int(d.Month)*100 + d.Day) }

// Date returns the date of a day.
func (d day) Date() samspil.Date {
	return samspil.Date{Year: int(d) / 10000, Month: time.Month(int(d) / 100 % 100), Day: int(d) % 100}
}

// Before, After and Compare compare days as their dates.
func (d day) Before(o day) bool   { return d < o }
func (d day) After(o day) bool    { return d > o }
func (d day) Compare(o day) int   { return cmp.Compare(d, o) }
func (d day) AddMonths(n int) day { return dayOf(d.Date().AddMonths(n)) }
func (d day) ptr() *samspil.Date  { v := d.Date(); return &v }

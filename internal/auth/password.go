// Package auth holds what signing in needs besides the store: password
// hashing and policy, and (later) single sign-on adapters.
package auth

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/samspil/samspil"
	"golang.org/x/crypto/argon2"
)

// Password rules, after NIST SP 800-63B for passwords that are the only
// factor: a minimum length, no composition rules, and a blocklist.
const (
	MinPasswordLength = 15   // characters
	MaxPasswordBytes  = 1024 // bounds hashing work
)

// Argon2Params are the argon2id cost parameters.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
	SaltLen int
}

// DefaultArgon2 follows the OWASP recommendation (19 MiB, 2 passes, 1 lane).
var DefaultArgon2 = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// Limit bounds the hashing work in flight. Each argon2id computation holds
// its memory cost (19 MiB at the defaults) and takes tens of milliseconds of
// CPU, so a burst of sign-ins must not start them all at once.
type Limit struct {
	InFlight int           // computations at once; 0 means max(2, GOMAXPROCS)
	Wait     time.Duration // how long a computation waits for its turn; 0 means 2 s
}

// DefaultHashWait is how long a hash computation waits for its turn unless
// configured otherwise.
const DefaultHashWait = 2 * time.Second

// RetryBusy is what a refused computation tells the client to wait before
// trying again.
const RetryBusy = time.Second

// Passwords implements samspil.Passwords with argon2id.
type Passwords struct {
	params Argon2Params
	dummy  string        // a real hash to compare against when there is none
	slots  chan struct{} // one token per computation in flight
	wait   time.Duration
	// derive is the key derivation, argon2.IDKey; tests watch it.
	derive func(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte
}

var _ samspil.Passwords = (*Passwords)(nil)

// NewPasswords returns a hasher with the given parameters that runs at most
// l.InFlight computations at once.
func NewPasswords(p Argon2Params, l Limit) *Passwords {
	if l.InFlight <= 0 {
		l.InFlight = max(2, runtime.GOMAXPROCS(0))
	}
	if l.Wait <= 0 {
		l.Wait = DefaultHashWait
	}
	pw := &Passwords{params: p, slots: make(chan struct{}, l.InFlight), wait: l.Wait, derive: argon2.IDKey}
	pw.dummy, _ = pw.Hash(context.Background(), "samspil dummy password for timing")
	return pw
}

// errBusy is the answer when no computation slot came free in time.
func errBusy() error {
	e := samspil.Errorf(samspil.EBUSY, "the server is busy; try again in a moment")
	e.RetryAfter = RetryBusy
	return e
}

// key runs one key derivation once a slot is free. It waits at most pw.wait
// and not after ctx ends; then it answers EBUSY.
func (pw *Passwords) key(ctx context.Context, password, salt []byte, p Argon2Params, keyLen uint32) ([]byte, error) {
	select {
	case pw.slots <- struct{}{}:
	default:
		t := time.NewTimer(pw.wait)
		defer t.Stop()
		select {
		case pw.slots <- struct{}{}:
		case <-t.C:
			return nil, errBusy()
		case <-ctx.Done():
			return nil, errBusy()
		}
	}
	defer func() { <-pw.slots }()
	return pw.derive(password, salt, p.Time, p.Memory, p.Threads, keyLen), nil
}

// Hash returns the PHC-format argon2id hash of password with a fresh salt.
func (pw *Passwords) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, pw.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p := pw.params
	key, err := pw.key(ctx, []byte(password), salt, p, p.KeyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Verify reports whether password matches hash, in constant time. The
// parameters stored in the hash are used, so old hashes keep working after
// the defaults change. It answers EBUSY when the computation could not
// start in time.
func (pw *Passwords) Verify(ctx context.Context, hash, password string) (bool, error) {
	real := hash != ""
	if !real {
		hash = pw.dummy
	}
	var version int
	var p Argon2Params
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, nil
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, nil
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, nil
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 || p.Memory > 1<<22 || p.Time > 64 || p.Threads == 0 {
		return false, nil
	}
	got, err := pw.key(ctx, []byte(password), salt, p, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1 && real, nil
}

//go:embed common-passwords.txt
var commonPasswordsTxt []byte

var commonPasswords = func() map[string]bool {
	m := make(map[string]bool, 10000)
	s := bufio.NewScanner(bytes.NewReader(commonPasswordsTxt))
	for s.Scan() {
		if w := strings.TrimSpace(s.Text()); w != "" {
			m[w] = true
		}
	}
	return m
}()

func weakPassword(format string, args ...any) error {
	return samspil.ErrorAt(samspil.EINVALID, "password", format, args...)
}

// minOwnLetters is how many letters a password must have besides the
// person's own name and e-mail, this site's name and keyboard walks: fewer
// than a handful left means the password is essentially made of those.
const minOwnLetters = 5

// Check refuses passwords that are too short or too long, common (also with
// digits and symbols around them, or repeated), a repeated pattern, a simple
// sequence, a keyboard walk, or made of the person's own e-mail address or
// name (context), each with its own message. Digits, punctuation and spaces
// around or between the parts do not make such a password acceptable.
func (pw *Passwords) Check(password string, context ...string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return weakPassword("must be valid text")
	case n < MinPasswordLength:
		return weakPassword("must be at least %d characters; a few unrelated words make a good one", MinPasswordLength)
	case len(password) > MaxPasswordBytes:
		return weakPassword("must be at most %d bytes", MaxPasswordBytes)
	}
	lower := strings.ToLower(password)
	compact := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, lower)
	// core is the password without the digits and symbols around it, and
	// letters its letters alone: a pattern in the letters is no better for
	// digits around or between them. Without letters, the digits are what
	// is judged.
	core := strings.TrimFunc(compact, func(r rune) bool { return !unicode.IsLetter(r) })
	letters := onlyLetters(compact)
	if utf8.RuneCountInString(letters) < 4 {
		letters = ""
	}
	digits := ""
	if core == "" {
		digits = onlyDigits(compact)
	}
	switch {
	case commonPasswords[lower] || commonPasswords[compact] || commonPasswords[core] || repeatsCommon(core):
		return weakPassword("is too common or too easy to guess")
	case isRepetition(compact) || isRepetition(letters) || isRepetition(digits):
		return weakPassword("repeats a short pattern, such as abcabc or 1111")
	case isSequence(compact) || isSequence(letters) || isSequence(digits):
		return weakPassword("is a simple sequence, such as abcdef or 123456")
	}
	switch closeTo(compact, contextWords(context)) {
	case closeToOwn:
		return weakPassword("is too close to your own name or e-mail address")
	case closeToSite:
		return weakPassword("is too common or too easy to guess")
	case closeToKeyboard:
		return weakPassword("follows the keys of a keyboard, such as qwerty or 1q2w3e; a few unrelated words make a better one")
	}
	return nil
}

// siteWords are words everyone here would think of.
var siteWords = []string{"samspil"}

// contextWords returns the letters of the words that describe the person,
// lower case: for an e-mail address its local part, the pieces of the local
// part split on . _ - +, the domain and its labels; for a name each word and
// the whole name; and, for anything else, its words. Words of fewer than
// three letters are left out: they occur inside too many other words.
func contextWords(context []string) []string {
	seen := map[string]bool{}
	var words []string
	add := func(w string) {
		w = onlyLetters(strings.ToLower(w))
		if utf8.RuneCountInString(w) >= 3 && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	for _, c := range context {
		c = strings.TrimSpace(c)
		add(c) // the whole: the e-mail address, or the name without spaces
		if local, domain, ok := cutLast(c, "@"); ok {
			add(local)
			for _, w := range strings.FieldsFunc(local, func(r rune) bool { return strings.ContainsRune("._-+", r) }) {
				add(w)
			}
			add(domain)
			for _, w := range strings.Split(domain, ".") {
				add(w)
			}
		}
		for _, w := range strings.FieldsFunc(c, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			add(w)
		}
	}
	return words
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

func onlyLetters(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, s)
}

// closeness says what a password is essentially made of.
type closeness int

const (
	closeToNothing  closeness = iota
	closeToOwn                // the person's own name or e-mail address
	closeToSite               // this site's name
	closeToKeyboard           // keyboard walks
)

// closeTo judges compact, a lower-case password without spaces: keyboard
// walks are taken out first, then the person's own words (and this site's)
// from the letters that remain, as often as they occur. When fewer than
// minOwnLetters letters are left, the password is essentially what was
// taken out. Digits and symbols never count as the password's own: they
// are what people add around a name to pass a rule. A password without
// letters is a keyboard walk only when walks make up at least half of it.
func closeTo(compact string, own []string) closeness {
	r := []rune(compact)
	walked := keyboardWalks(r)
	var rest []rune
	walkLetters, walkLen := 0, 0
	for i, c := range r {
		switch {
		case walked[i]:
			walkLen++
			if unicode.IsLetter(c) {
				walkLetters++
			}
		case unicode.IsLetter(c):
			rest = append(rest, c)
		}
	}
	left, foundOwn := removeWords(string(rest), own)
	left, foundSite := removeWords(left, siteWords)
	if utf8.RuneCountInString(left) >= minOwnLetters {
		return closeToNothing
	}
	switch {
	case foundOwn:
		return closeToOwn
	case foundSite:
		return closeToSite
	case walkLen > 0 && (walkLetters > 0 || 2*walkLen >= len(r)):
		return closeToKeyboard
	}
	return closeToNothing
}

// removeWords deletes every occurrence of the words from s, the longest
// words first, until none is left (deleting one can join the halves of
// another), and reports whether it deleted any.
func removeWords(s string, words []string) (string, bool) {
	words = slices.Clone(words)
	slices.SortFunc(words, func(a, b string) int { return len(b) - len(a) })
	found := false
	for changed := true; changed; {
		changed = false
		for _, w := range words {
			if w != "" && strings.Contains(s, w) {
				s = strings.ReplaceAll(s, w, "")
				found, changed = true, true
			}
		}
	}
	return s, found
}

// minWalk is the shortest run of keys that counts as a keyboard walk.
const minWalk = 4

// keyboardLayouts are the keyboards people here type on, each as its number
// row and three letter rows, aligned so that the keys at the same index form
// a column that slants down to the right, like 1 q a z.
var keyboardLayouts = [][4]string{
	{"1234567890-=", "qwertyuiop[]", "asdfghjkl;'\\", "zxcvbnm,./"}, // US and UK
	{"1234567890+´", "qwertyuiopå¨", "asdfghjklæø'", "zxcvbnm,.-"},  // Danish
	{"1234567890+\\", "qwertyuiopå¨", "asdfghjkløæ'", "zxcvbnm,.-"}, // Norwegian
	{"1234567890+´", "qwertyuiopå¨", "asdfghjklöä'", "zxcvbnm,.-"},  // Swedish and Finnish
	{"1234567890ß´", "qwertzuiopü+", "asdfghjklöä#", "yxcvbnm,.-"},  // German
}

// keyboardLines lists, separated by newlines, the runs of keys people walk
// along, each both ways: the rows (also the shifted number rows), the
// zigzags between neighbouring rows (1q2w3e, qawsed), the columns one after
// the other (1qaz2wsx, qazwsx, zaq1xsw2) and the numeric keypad.
var keyboardLines = func() string {
	lines := []string{"!@#$%^&*()_+", "!\"#¤%&/()=?", "7894561230", "1472583690", "3692581470"}
	for _, l := range keyboardLayouts {
		rows := [4][]rune{[]rune(l[0]), []rune(l[1]), []rune(l[2]), []rune(l[3])}
		lines = append(lines, l[:]...)
		for i := 0; i+1 < len(rows); i++ {
			var down, up []rune
			for k := 0; k < min(len(rows[i]), len(rows[i+1])); k++ {
				down = append(down, rows[i][k], rows[i+1][k])
				up = append(up, rows[i+1][k], rows[i][k])
			}
			lines = append(lines, string(down), string(up))
		}
		for _, first := range []int{0, 1} { // columns with and without the digit
			var down, up []rune
			for k := 0; k < len(rows[3]); k++ {
				for i := first; i < 4; i++ {
					down = append(down, rows[i][k])
					up = append(up, rows[3-i+first][k])
				}
			}
			lines = append(lines, string(down), string(up))
		}
	}
	for _, l := range slices.Clone(lines) {
		r := []rune(l)
		slices.Reverse(r)
		lines = append(lines, string(r))
	}
	return strings.Join(lines, "\n")
}()

// keyboardWalks marks the runes of s that belong to a keyboard walk: a run
// of at least minWalk runes found in keyboardLines, the longest first from
// the left.
func keyboardWalks(s []rune) []bool {
	walked := make([]bool, len(s))
	for i := 0; i+minWalk <= len(s); {
		j := i
		for j < len(s) && s[j] != '\n' && strings.Contains(keyboardLines, string(s[i:j+1])) {
			j++
		}
		if j-i < minWalk {
			i++
			continue
		}
		for k := i; k < j; k++ {
			walked[k] = true
		}
		i = j
	}
	return walked
}

func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// isRepetition reports whether s is one short unit repeated, such as
// "aaaaaaaaaaaaaaa", "abcabcabcabcabc" or "abc2026abc2026abc" (the last
// repetition may be cut short).
func isRepetition(s string) bool {
	r := []rune(s)
	for unit := 1; unit <= len(r)/2; unit++ {
		same := true
		for i := unit; i < len(r) && same; i++ {
			same = r[i] == r[i-unit]
		}
		if same {
			return true
		}
	}
	return false
}

// isSequence reports whether s runs up or down by one code point per
// character (with digit wrap-around), like "123456789012345" or
// "abcdefghijklmnopq".
func isSequence(s string) bool {
	r := []rune(s)
	if len(r) < 3 {
		return false
	}
	step := func(a, b rune) rune {
		d := b - a
		if unicode.IsDigit(a) && unicode.IsDigit(b) && (d == 9 || d == -9) {
			d = -d / 9
		}
		return d
	}
	d := step(r[0], r[1])
	if d != 1 && d != -1 {
		return false
	}
	for i := 2; i < len(r); i++ {
		if step(r[i-1], r[i]) != d {
			return false
		}
	}
	return true
}

// repeatsCommon reports whether s is a common password written two or more
// times.
func repeatsCommon(s string) bool {
	r := []rune(s)
	for unit := 1; unit <= len(r)/2; unit++ {
		if len(r)%unit != 0 {
			continue
		}
		u := string(r[:unit])
		if commonPasswords[u] && strings.Repeat(u, len(r)/unit) == s {
			return true
		}
	}
	return false
}

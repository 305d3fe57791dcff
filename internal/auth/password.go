// Package auth holds what signing in needs besides the store: password
// hashing and policy, and (later) single sign-on adapters.
package auth

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
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

// Passwords implements samspil.Passwords with argon2id.
type Passwords struct {
	params Argon2Params
	dummy  string // a real hash to compare against when there is none
}

var _ samspil.Passwords = (*Passwords)(nil)

// NewPasswords returns a hasher with the given parameters.
func NewPasswords(p Argon2Params) *Passwords {
	pw := &Passwords{params: p}
	pw.dummy, _ = pw.Hash("samspil dummy password for timing")
	return pw
}

// Hash returns the PHC-format argon2id hash of password with a fresh salt.
func (pw *Passwords) Hash(password string) (string, error) {
	salt := make([]byte, pw.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p := pw.params
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Verify reports whether password matches hash, in constant time. The
// parameters stored in the hash are used, so old hashes keep working after
// the defaults change.
func (pw *Passwords) Verify(hash, password string) bool {
	real := hash != ""
	if !real {
		hash = pw.dummy
	}
	var version int
	var p Argon2Params
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 || p.Memory > 1<<22 || p.Time > 64 || p.Threads == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1 && real
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

// Check refuses passwords that are too short or too long, common, a common
// password padded with digits and symbols, a repetition or a simple
// sequence, or made of the user's own e-mail or name (context).
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
	if commonPasswords[lower] || isRepetition(lower) || isSequence(lower) {
		return weakPassword("is too common or too easy to guess")
	}
	core := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	if core == "" && (isRepetition(onlyDigits(lower)) || isSequence(onlyDigits(lower))) {
		return weakPassword("is too common or too easy to guess")
	}
	words := map[string]bool{"samspil": true}
	for _, c := range context {
		for _, w := range strings.FieldsFunc(strings.ToLower(c), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			if utf8.RuneCountInString(w) >= 3 {
				words[w] = true
			}
		}
	}
	if core != "" && (commonPasswords[core] || words[core] || repeatsListed(core, words)) {
		return weakPassword("is a common password or your own name with digits or symbols added")
	}
	return nil
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
// "aaaaaaaaaaaaaaa" or "abcabcabcabcabc".
func isRepetition(s string) bool {
	r := []rune(s)
	for unit := 1; unit <= len(r)/2; unit++ {
		if len(r)%unit != 0 {
			continue
		}
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

// repeatsListed reports whether s is a common password or a context word
// written two or more times.
func repeatsListed(s string, words map[string]bool) bool {
	r := []rune(s)
	for unit := 1; unit <= len(r)/2; unit++ {
		if len(r)%unit != 0 {
			continue
		}
		u := string(r[:unit])
		if (commonPasswords[u] || words[u]) && strings.Repeat(u, len(r)/unit) == s {
			return true
		}
	}
	return false
}

package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// The person in the tables.
var mette = []string{"mette.holm@silkeborg.dk", "Mette Holm"}

// The refusals, one message each.
const (
	msgShort    = "must be at least %d characters; a few unrelated words make a good one"
	msgLong     = "must be at most %d bytes"
	msgText     = "must be valid text"
	msgCommon   = "is too common or too easy to guess"
	msgRepeat   = "repeats a short pattern, such as abcabc or 1111"
	msgSequence = "is a simple sequence, such as abcdef or 123456"
	msgOwn      = "is too close to your own name or e-mail address"
	msgKeyboard = "follows the keys of a keyboard, such as qwerty or 1q2w3e; a few unrelated words make a better one"
)

// checkMessage returns the format of Check's refusal, "" for none, and
// fails unless the refusal is EINVALID on the field "password".
func checkMessage(t *testing.T, password string, context ...string) string {
	t.Helper()
	err := (&Passwords{}).Check(password, context...)
	if err == nil {
		return ""
	}
	var e *samspil.Error
	if !errors.As(err, &e) || e.Code != samspil.EINVALID || len(e.Fields) != 1 || e.Fields[0].Path != "password" {
		t.Fatalf("Check(%q): %v is not an EINVALID error on the field password", password, err)
	}
	var format string
	e.Localize(func(f string, args ...any) string { format = f; return "" })
	return format
}

func TestCheckRefuses(t *testing.T) {
	for _, c := range []struct {
		password string
		want     string
	}{
		{"kort kodeord", msgShort},
		{"fjorten tegn!", msgShort},
		{strings.Repeat("lang sætning ", 80), msgLong},
		{"ugyldig tekst \xff\xfe her", msgText},

		// Common passwords, also with digits and symbols around or repeated.
		{"passwordpassword", msgCommon},
		{"Password2026!!!!", msgCommon},
		{"!!!sommer2026!!!", msgCommon},
		{"Samspil2026!!!!!", msgCommon},
		{"2026 samspil 2026", msgCommon},

		// The person's own e-mail address and name, in any case, with
		// digits, punctuation and spaces around or between.
		{"mette.holm@silkeborg.dk", msgOwn},
		{"Mette.Holm2026!!!!", msgOwn},
		{"METTEHOLM-1234567", msgOwn},
		{"silkeborg.dk123456", msgOwn},
		{"Silkeborg!!2026!!", msgOwn},
		{"mettehol m 2026!!", msgOwn},
		{"holm mette 2026 holm", msgOwn},
		{"Holm.Mette#4711#0815", msgOwn},
		{"2026-Mette-2026-Holm", msgOwn},
		{"mette.silkeborg.1969", msgOwn},
		{"MetteHolm-kage!!", msgOwn},     // four letters of her own are not enough
		{"Mette qwerty 2026!!!", msgOwn}, // name and a walk
		{"dk.silkeborg.mette.1", msgOwn}, // the labels in another order

		// Keyboard walks: rows and their reverse, Danish rows with æøå,
		// number rows, columns and zigzags, also with digits around.
		{"qwertyuiopå2026!", msgKeyboard},
		{"poiuytrewqlkjhgf", msgKeyboard},
		{"asdfghjklæø12345", msgKeyboard},
		{"øælkjhgfdsa!!2026", msgKeyboard},
		{"zxcvbnm,.-æølkj", msgKeyboard},
		{"1qaz2wsx3edc4rfv", msgKeyboard},
		{"zaq12wsxcde34rfv", msgKeyboard},
		{"qazwsxedcrfvtgb", msgKeyboard},
		{"1q2w3e4r5t6y7u8i", msgKeyboard},
		{"q1w2e3r4t5y6u7i8", msgKeyboard},
		{"qawsedrftgyhujik", msgKeyboard},
		{"Qwerty!Hest2026", msgKeyboard},
		{"7894561230789456", msgKeyboard},
		{"!@#$%^&*()_+!@#$", msgKeyboard},
		{"!\"#¤%&/()=?!\"#¤", msgKeyboard},
		{"qwertzuiopüasdfg", msgKeyboard},

		// Repeated patterns, also with digits around or between.
		{"aaaaaaaaaaaaaaa", msgRepeat},
		{"abcabcabcabcabc", msgRepeat},
		{"abcabcabcabcabca", msgRepeat},
		{"xyzxyzxyzxyz2026!", msgRepeat},
		{"abcabc2026abcabcab", msgRepeat},
		{"1111-1111-1111-1", msgRepeat},
		{"hest hest hest hest", msgRepeat},

		// Simple sequences.
		{"abcdefghijklmnop", msgSequence},
		{"123456789012345", msgSequence},
		{"1234 5678 9012 3456", msgSequence},
		{"987654321098765!!", msgSequence},
		{"!!abcdefghijk2026", msgSequence},
	} {
		if got := checkMessage(t, c.password, mette...); got != c.want {
			t.Errorf("Check(%q): got %q, want %q", c.password, got, c.want)
		}
	}
}

func TestCheckAccepts(t *testing.T) {
	for _, password := range []string{
		"korrekt hest batteri hæfteklamme",
		"grøn cykel under regnbuen",
		"lilla kaffekande over horisonten",
		"demo-adgang-til-samspil",
		"kodeord til mit arbejde",
		"ærlig talt er det svært",
		"dyrlægen ringer igen",
		"hvidløg og persille",
		// The person's name among other words is fine: enough is her own.
		"Mette Holm elsker at cykle",
		"MetteHolm-kager!",
		"Silkeborg søen om morgenen",
		// A short walk among words, and digits that are no pattern.
		"qwer korrekt hest",
		"839274619027364",
		"83924567190273ab",
		"Tr0ub4dor&3xyzzy",
	} {
		if got := checkMessage(t, password, mette...); got != "" {
			t.Errorf("Check(%q) refused: %q", password, got)
		}
	}
	// Someone else's name is no reason to refuse.
	if got := checkMessage(t, "Mette.Holm2026!!!!", "bo.jensen@viborg.dk", "Bo Jensen"); got != "" {
		t.Errorf("Check refused another person's name for Bo: %q", got)
	}
}

// Check stays quick on the longest passwords it accepts.
func TestCheckLongPassword(t *testing.T) {
	words := strings.Fields("korrekt hest batteri hæfteklamme grøn cykel under regnbuen lilla kaffekande over horisonten")
	var b strings.Builder
	for i := 1; b.Len() < MaxPasswordBytes-20; i = i * 7 % 101 {
		b.WriteString(words[i%len(words)] + " ")
	}
	long := b.String()
	start := time.Now()
	for range 10 {
		if got := checkMessage(t, long, mette...); got != "" {
			t.Fatalf("Check refused a long passphrase: %q", got)
		}
	}
	if d := time.Since(start) / 10; d > 50*time.Millisecond {
		t.Errorf("Check of %d bytes took %v", len(long), d)
	}
}

func TestHashAndVerify(t *testing.T) {
	pw := NewPasswords(Argon2Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, Limit{})
	ctx := context.Background()
	hash, err := pw.Hash(ctx, "korrekt hest batteri hæfteklamme")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q", hash)
	}
	for _, c := range []struct {
		hash, password string
		want           bool
	}{
		{hash, "korrekt hest batteri hæfteklamme", true},
		{hash, "korrekt hest batteri hæfteklamm", false},
		{"", "korrekt hest batteri hæfteklamme", false},
		{"", "samspil dummy password for timing", false}, // the dummy hash never lets anyone in
		{"$argon2id$v=19$m=1024,t=1,p=1$bm9wZQ", "x", false},
	} {
		ok, err := pw.Verify(ctx, c.hash, c.password)
		if err != nil || ok != c.want {
			t.Errorf("Verify(%q, %q) = %v, %v; want %v", c.hash, c.password, ok, err, c.want)
		}
	}
}

// watch makes the key derivation of pw observable: it counts the
// computations in flight and keeps the most at once, and each one waits
// for release (or takes hold when release is nil).
func watch(pw *Passwords, hold time.Duration, release <-chan struct{}) (inFlight, most *atomic.Int64) {
	inFlight, most = new(atomic.Int64), new(atomic.Int64)
	derive := pw.derive
	pw.derive = func(password, salt []byte, passes, memory uint32, threads uint8, keyLen uint32) []byte {
		n := inFlight.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		if release != nil {
			select {
			case <-release:
			case <-time.After(10 * time.Second): // a broken bound must fail, not hang
			}
		} else {
			time.Sleep(hold)
		}
		defer inFlight.Add(-1)
		return derive(password, salt, passes, memory, threads, keyLen)
	}
	return inFlight, most
}

func TestHashingBounded(t *testing.T) {
	const limit = 3
	pw := NewPasswords(Argon2Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, Limit{InFlight: limit, Wait: time.Minute})
	hash, err := pw.Hash(context.Background(), "korrekt hest batteri hæfteklamme")
	if err != nil {
		t.Fatal(err)
	}
	_, most := watch(pw, 5*time.Millisecond, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			var err error
			if i%2 == 0 {
				_, err = pw.Hash(context.Background(), "grøn cykel under regnbuen")
			} else {
				var ok bool
				if ok, err = pw.Verify(context.Background(), hash, "korrekt hest batteri hæfteklamme"); err == nil && !ok {
					err = errors.New("the right password did not verify")
				}
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a call that could wait failed: %v", err)
	}
	if got := most.Load(); got != limit {
		t.Fatalf("at most %d computations at once under 50 calls, want exactly the limit %d", got, limit)
	}
}

func TestHashingBusy(t *testing.T) {
	const wait = 100 * time.Millisecond
	pw := NewPasswords(Argon2Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, Limit{InFlight: 2, Wait: wait})
	release := make(chan struct{})
	inFlight, _ := watch(pw, 0, release)
	// Two computations take both slots and hold them.
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, err := pw.Hash(context.Background(), "korrekt hest batteri hæfteklamme"); err != nil {
				t.Errorf("a computation with a slot failed: %v", err)
			}
		})
	}
	for inFlight.Load() < 2 {
		time.Sleep(time.Millisecond)
	}

	// A third waits for its turn, then is turned away with the error that
	// answers 429 with Retry-After.
	start := time.Now()
	_, err := pw.Verify(context.Background(), "", "korrekt hest batteri hæfteklamme")
	if waited := time.Since(start); waited < wait {
		t.Errorf("turned away after %v, before the wait of %v", waited, wait)
	}
	if samspil.ErrorCode(err) != samspil.EBUSY || httpx.Status(err) != http.StatusTooManyRequests {
		t.Fatalf("Verify with no slot: %v (status %d), want busy and 429", err, httpx.Status(err))
	}
	h := http.Header{}
	httpx.SetRetryAfter(h, err)
	if got := h.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After %q, want 1", got)
	}
	if _, err := pw.Hash(context.Background(), "grøn cykel under regnbuen"); samspil.ErrorCode(err) != samspil.EBUSY {
		t.Fatalf("Hash with no slot: %v, want busy", err)
	}

	// A request that ends stops waiting at once.
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	pw.wait = time.Minute
	start = time.Now()
	if _, err := pw.Verify(ctx, "", "korrekt hest batteri hæfteklamme"); samspil.ErrorCode(err) != samspil.EBUSY {
		t.Fatalf("Verify when the request ended: %v, want busy", err)
	}
	if waited := time.Since(start); waited > 10*time.Second {
		t.Errorf("an ended request waited %v", waited)
	}

	// Once the slots are free, calls go through again.
	close(release)
	wg.Wait()
	if ok, err := pw.Verify(context.Background(), "", "x"); err != nil || ok {
		t.Fatalf("Verify after the slots came free: %v, %v", ok, err)
	}
	if n := inFlight.Load(); n != 0 {
		t.Fatalf("%d computations still counted in flight", n)
	}
}

func TestDefaultLimit(t *testing.T) {
	pw := NewPasswords(Argon2Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, Limit{})
	if cap(pw.slots) < 2 || pw.wait != DefaultHashWait {
		t.Fatalf("default limit: %d slots, wait %v", cap(pw.slots), pw.wait)
	}
}

// Package i18n holds Twofold's words in English and French and picks
// the user's language. The GUI and the CLI share it, so the CLI never
// needs the GUI toolkit.
//
// A message's ID is its English text, a fmt format where it takes
// values: T("Lock"), Tf("Removed %s.", label). Plural messages are
// keyed by their English plural form and chosen by a count:
// Nf("%d accounts", n, n). The catalogues are go-i18n JSON files (the
// format Fyne's lang package reads too) under catalog/: en.json holds
// only the English singular forms, fr.json every message. The package
// test fails when a message used in the code is missing from a
// catalogue or a translation's placeholders differ from the English.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/jeandeaual/go-locale"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages are the languages Twofold speaks, English (the source) first.
var Languages = []string{"en", "fr"}

// Names are the languages' names in their own language, for a picker.
var Names = map[string]string{"en": "English", "fr": "Français"}

// Files holds the catalogues (FilesDir/en.json, fr.json, …) in go-i18n's
// JSON format, for the GUI toolkit's own translation engine.
//
//go:embed catalog/*.json
var Files embed.FS

// FilesDir is the catalogues' directory in Files.
const FilesDir = "catalog"

var (
	mu      sync.RWMutex
	current = "en"
	cache   = map[string]string{} // message ID -> text in the current language

	// bundle and loc are made when a message first needs a catalogue,
	// and a language's catalogue is parsed when it is first needed: a
	// command's start-up pays only for what it says (English needs the
	// catalogue for plurals only; its other messages are their IDs).
	bundle *i18n.Bundle
	parsed = map[string]bool{}
	loc    *i18n.Localizer
)

// localizer is the current language's, with its catalogue and
// English's parsed. It runs with mu held for writing.
func localizer() *i18n.Localizer {
	if bundle == nil {
		bundle = i18n.NewBundle(language.English)
		bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	}
	for _, lang := range []string{"en", current} {
		if !parsed[lang] {
			parse(bundle, lang)
			parsed[lang] = true
		}
	}
	if loc == nil {
		loc = i18n.NewLocalizer(bundle, current, "en")
	}
	return loc
}

// parse adds lang's catalogue to b.
func parse(b *i18n.Bundle, lang string) {
	name := FilesDir + "/" + lang + ".json"
	data, err := Files.ReadFile(name)
	if err != nil {
		panic(err) // every language's file is embedded
	}
	if _, err := b.ParseMessageFileBytes(data, name); err != nil {
		panic(fmt.Sprintf("i18n: %s: %v", name, err)) // the package test parses them too
	}
}

// Set makes lang ("en", "fr", or "" for the system's language) the
// language of every message from now on.
func Set(lang string) {
	if lang == "" {
		lang = System()
	}
	lang = Match(lang)
	mu.Lock()
	defer mu.Unlock()
	current = lang
	loc = nil
	clear(cache)
}

// Current is the language in use.
func Current() string {
	mu.RLock()
	defer mu.RUnlock()
	return current
}

// System is the best of Languages for the operating system's language
// list (LANGUAGE, LC_ALL, LC_MESSAGES and LANG on Unix; the user's
// display language on Windows and macOS); English when none matches.
func System() string {
	all, err := locale.GetLocales()
	if err != nil || len(all) == 0 {
		return "en"
	}
	for _, l := range all {
		// "C" and "POSIX" mean no language chosen; a matcher would
		// guess one from them.
		if l == "C" || l == "POSIX" || strings.HasPrefix(l, "C.") {
			continue
		}
		if m := match(l); m != "" {
			return m
		}
	}
	return "en"
}

// Match is the language of Languages that tag ("fr-CA", "fr_FR.UTF-8")
// names, or English.
func Match(tag string) string {
	if m := match(tag); m != "" {
		return m
	}
	return "en"
}

func match(tag string) string {
	tag, _, _ = strings.Cut(tag, ".") // fr_FR.UTF-8
	t, err := language.Parse(strings.ReplaceAll(tag, "_", "-"))
	if err != nil {
		return ""
	}
	base, _ := t.Base()
	for _, l := range Languages {
		if base.String() == l {
			return l
		}
	}
	return ""
}

// T is msg in the current language.
func T(msg string) string {
	mu.RLock()
	s, ok := cache[msg]
	mu.RUnlock()
	if ok {
		return s
	}
	mu.Lock()
	defer mu.Unlock()
	if current == "en" {
		s = msg // see bundle
	} else {
		s = localize(msg, nil)
	}
	cache[msg] = s
	return s
}

// Tf formats args with msg's translation.
func Tf(msg string, args ...any) string {
	return fmt.Sprintf(T(msg), args...)
}

// N is the plural form of msg (keyed by its English plural) that n
// takes in the current language.
func N(msg string, n int) string {
	mu.Lock()
	defer mu.Unlock()
	return localize(msg, &n)
}

// Nf formats args with the form of msg that n takes; n itself is not
// one of the args unless given again. A form may leave out trailing
// values ("Where should the account go?" for one): they are dropped.
func Nf(msg string, n int, args ...any) string {
	form := N(msg, n)
	if v := Verbs(form); !reordered(v) && len(v) < len(args) {
		args = args[:len(v)]
	}
	return fmt.Sprintf(form, args...)
}

var verb = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d*)?([a-zA-Z%])`)
})

// Verbs lists a fmt format's placeholders as "argument:verb" ("1:d"),
// sorted, so that a translation reordering them with %[2]s lists the
// same.
func Verbs(format string) []string {
	var out []string
	arg := 0
	for _, m := range verb().FindAllStringSubmatch(format, -1) {
		if m[4] == "%" {
			continue
		}
		if m[2] != "" {
			arg, _ = strconv.Atoi(m[2])
		} else {
			arg++
		}
		out = append(out, strconv.Itoa(arg)+":"+m[4])
	}
	slices.Sort(out)
	return out
}

// reordered: the verbs are not simply 1, 2, 3… in order.
func reordered(verbs []string) bool {
	for i, v := range verbs {
		if !strings.HasPrefix(v, strconv.Itoa(i+1)+":") {
			return true
		}
	}
	return false
}

// Errorf is fmt.Errorf with msg's translation (%w works as there).
func Errorf(msg string, args ...any) error {
	return fmt.Errorf(T(msg), args...)
}

// Error is an error whose text is msg in the language in use when the
// text is read, so that package-level errors are translated too. Each
// call makes a distinct error for errors.Is.
func Error(msg string) error { return &message{msg} }

type message struct{ msg string }

func (m *message) Error() string { return T(m.msg) }

// List is msgs (i18n.Key literals) in the current language.
func List(msgs []string) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = T(m)
	}
	return out
}

// Key marks msg as a message for the catalogue test and returns it
// unchanged, for tables of words translated later with T.
func Key(msg string) string { return msg }

// localize runs with mu held for writing.
func localize(msg string, n *int) string {
	cfg := &i18n.LocalizeConfig{DefaultMessage: &i18n.Message{ID: msg, Other: msg}}
	if n != nil {
		cfg.PluralCount = *n
	}
	s, err := localizer().Localize(cfg)
	if s == "" && err != nil {
		return msg // a catalogue bug the package test catches; never lose the text
	}
	return s
}

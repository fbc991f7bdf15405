package i18n

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// pluralForms are the CLDR plural forms each language's messages need.
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"fr": {"one", "many", "other"},
}

// use is one message the code asks for.
type use struct {
	id     string
	plural bool
	where  string
}

// uses finds every call of this package's functions in the module's
// non-test Go files.
func uses(t *testing.T) []use {
	t.Helper()
	root := filepath.Join("..", "..")
	var found []use
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "i18n" {
				return true
			}
			where := fset.Position(call.Pos()).String()
			var plural bool
			switch sel.Sel.Name {
			case "T", "Tf", "Errorf", "Error", "Key":
			case "N", "Nf":
				plural = true
			default:
				return true
			}
			switch a := call.Args[0].(type) {
			case *ast.BasicLit:
				s, err := strconv.Unquote(a.Value)
				if err != nil {
					t.Errorf("%s: %v", where, err)
					return true
				}
				found = append(found, use{s, plural, where})
			case *ast.Ident, *ast.SelectorExpr, *ast.IndexExpr:
				// A word from a table of i18n.Key literals.
			default:
				t.Errorf("%s: i18n.%s's message is neither a literal nor a variable, so no test can check it", where, sel.Sel.Name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 100 {
		t.Fatalf("found only %d messages in the code; the walk is broken", len(found))
	}
	return found
}

// readCatalog reads one language's file as go-i18n reads it: a message
// is a string or an object of plural forms.
func readCatalog(t *testing.T, lang string) map[string]map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("catalog", lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s.json: %v", lang, err)
	}
	out := map[string]map[string]string{}
	for id, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[id] = map[string]string{"other": s}
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(v, &forms); err != nil {
			t.Errorf("%s.json: %q is neither a string nor plural forms", lang, id)
			continue
		}
		out[id] = forms
	}
	return out
}

func TestCatalogs(t *testing.T) {
	used := uses(t)
	cats := map[string]map[string]map[string]string{}
	for _, l := range Languages {
		cats[l] = readCatalog(t, l)
	}
	files, _ := filepath.Glob(filepath.Join("catalog", "*.json"))
	if len(files) != len(Languages) {
		t.Errorf("catalog/ holds %v; Languages lists %v", files, Languages)
	}

	wanted := map[string]bool{} // id -> plural
	for _, u := range used {
		if p, ok := wanted[u.id]; ok && p != u.plural {
			t.Errorf("%s: %q is used both as a plural and not", u.where, u.id)
		}
		wanted[u.id] = u.plural
	}
	for id, plural := range wanted {
		english := map[string]string{"other": id}
		if plural {
			english = cats["en"][id]
			for _, f := range pluralForms["en"] {
				if english[f] == "" {
					t.Errorf("en.json: plural %q lacks its %q form", id, f)
				}
			}
			if english["other"] != id {
				t.Errorf("en.json: plural %q's other form is %q; the ID must be the English plural", id, english["other"])
			}
		} else if _, ok := cats["en"][id]; ok {
			t.Errorf("en.json: %q is not a plural; its English is its ID", id)
		}
		for _, l := range Languages[1:] {
			tr, ok := cats[l][id]
			if !ok {
				t.Errorf("%s.json lacks %q", l, id)
				continue
			}
			forms := []string{"other"}
			if plural {
				forms = pluralForms[l]
			}
			for _, f := range forms {
				text, ok := tr[f]
				if !ok || text == "" {
					t.Errorf("%s.json: %q lacks its %q form", l, id, f)
					continue
				}
				// A one form may drop the count as the English one
				// does, or keep it (French uses it for 0 too).
				got, other := Verbs(text), Verbs(english["other"])
				if f == "one" && slices.Equal(got, Verbs(english["one"])) {
					continue
				}
				if !slices.Equal(got, other) {
					t.Errorf("%s.json: %q (%s) has placeholders %v; the English has %v", l, id, f, got, other)
				}
			}
			if !plural && len(tr) != 1 {
				t.Errorf("%s.json: %q has plural forms but is not used as a plural", l, id)
			}
		}
	}
	for _, l := range Languages {
		for id := range cats[l] {
			if _, ok := wanted[id]; !ok {
				t.Errorf("%s.json: %q is not used in the code", l, id)
			}
		}
	}
}

func TestVerbs(t *testing.T) {
	for _, tc := range []struct {
		format string
		want   []string
	}{
		{"plain", nil},
		{"%d of %s, 100%%", []string{"1:d", "2:s"}},
		{"%[2]s à %[1]q", []string{"1:q", "2:s"}},
		{"%5.1f%%", []string{"1:f"}},
	} {
		if got := Verbs(tc.format); !slices.Equal(got, tc.want) {
			t.Errorf("verbs(%q) = %v, want %v", tc.format, got, tc.want)
		}
	}
}

// errMadeInEnglish is made before any Set, as package-level errors are:
// its text follows the language in use when it is read.
var errMadeInEnglish = Error("nothing to add")

func TestTranslate(t *testing.T) {
	t.Cleanup(func() { Set("en") })
	for _, tc := range []struct {
		lang string
		got  func() string
		want string
	}{
		{"fr", func() string { return Nf("%d accounts", 1, 1) }, "1 compte"},
		{"fr", func() string { return Nf("%d accounts", 0, 0) }, "0 compte"},
		{"fr", func() string { return Nf("%d accounts", 2, 2) }, "2 comptes"},
		{"fr", func() string { return Nf("%d accounts", 1000000, 1000000) }, "1000000 de comptes"},
		{"fr", func() string { return T("Settings") }, "Paramètres"},
		{"fr", func() string { return T("not in any catalogue") }, "not in any catalogue"},
		{"fr", func() string { return Nf("Where should the %d accounts go?", 1, 1) }, "Où mettre le compte ?"},
		{"fr", func() string { return errMadeInEnglish.Error() }, "rien à ajouter"},
		{"en", func() string { return Nf("%d accounts", 1, 1) }, "1 account"},
		{"en", func() string { return Nf("%d accounts", 0, 0) }, "0 accounts"},
		{"en", func() string { return Nf("Where should the %d accounts go?", 1, 1) }, "Where should the account go?"},
		{"en", func() string { return T("Settings") }, "Settings"},
	} {
		Set(tc.lang)
		if got := tc.got(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.lang, got, tc.want)
		}
	}
}

func TestMatch(t *testing.T) {
	for in, want := range map[string]string{
		"fr": "fr", "fr_FR.UTF-8": "fr", "fr-CA": "fr", "en_GB": "en",
		"de_DE": "en", "": "en", "garbage!": "en",
	} {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
}

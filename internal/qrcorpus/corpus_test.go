package qrcorpus

import (
	"bytes"
	"testing"
)

// TestDeterministic: the same seed gives the same images, transfer codes
// included (their batch IDs come from the seed too).
func TestDeterministic(t *testing.T) {
	a, b := Generate(4, 1), Generate(4, 1)
	for i := range a {
		if !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("%s differs between two runs with one seed", a[i].Name)
		}
	}
}

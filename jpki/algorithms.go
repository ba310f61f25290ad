package jpki

import (
	"crypto"
	"crypto/rsa"
	"fmt"
)

// Algorithm is a signature algorithm a JPKI card generation makes: RSA of a
// given modulus size with PKCS#1 v1.5 padding over a DigestInfo of Hash.
// Card profiles list what their cards make (card.Profile); a verifier
// accepts what some generation makes and nothing weaker.
type Algorithm struct {
	Name    string
	RSABits int
	Hash    crypto.Hash
}

// The algorithms JPKI cards make or may make. J-LIS has published only
// RSA-2048 with SHA-256 for today's cards; CRYPTREC allows new RSA-2048
// signatures until 2030, and the next generation's algorithms are not
// published, so the larger RSA sizes are the ones a profile may list.
var (
	RSA2048SHA256 = Algorithm{"rsa2048-pkcs1v15-sha256", 2048, crypto.SHA256}
	RSA3072SHA256 = Algorithm{"rsa3072-pkcs1v15-sha256", 3072, crypto.SHA256}
	RSA4096SHA256 = Algorithm{"rsa4096-pkcs1v15-sha256", 4096, crypto.SHA256}
)

// Algorithms per card generation. The card layer's profiles point here, so
// the service side (which imports no card code) accepts the same set.
var (
	// AlgorithmsCurrent: the My Number Card since 2016.
	AlgorithmsCurrent = []Algorithm{RSA2048SHA256}
	// AlgorithmsNextGen: the hypothetical next-generation profile the
	// virtual card can play (planned from fiscal 2026, algorithms not yet
	// published).
	AlgorithmsNextGen = []Algorithm{RSA2048SHA256, RSA3072SHA256, RSA4096SHA256}
)

// AcceptedAlgorithms is every algorithm some known generation makes: what a
// verifier accepts by default.
func AcceptedAlgorithms() []Algorithm {
	var out []Algorithm
	for _, gen := range [][]Algorithm{AlgorithmsCurrent, AlgorithmsNextGen} {
		for _, a := range gen {
			if !containsAlg(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

func containsAlg(list []Algorithm, a Algorithm) bool {
	for _, b := range list {
		if b == a {
			return true
		}
	}
	return false
}

// AlgorithmFor picks, from allowed, the algorithm for a certificate's public
// key: the one whose RSA size is the key's. The signer takes its algorithm
// and size from here, never from a constant.
func AlgorithmFor(pub crypto.PublicKey, allowed []Algorithm) (Algorithm, error) {
	rk, ok := pub.(*rsa.PublicKey)
	if !ok {
		return Algorithm{}, fmt.Errorf("jpki: %T key: JPKI keys are RSA", pub)
	}
	bits := rk.N.BitLen()
	for _, a := range allowed {
		if a.RSABits == bits {
			return a, nil
		}
	}
	return Algorithm{}, fmt.Errorf("jpki: RSA-%d is not an algorithm of any JPKI card generation", bits)
}

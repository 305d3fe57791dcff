package devidp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/go-jose/go-jose/v4"
)

// The Sign* methods make compact JWTs of claims (nil is {}), correctly
// signed or signed in the ways a relying party must refuse. Use them with
// [Provider.MintIDToken] to hand out a bad ID token in a real flow.

// SignRS256 signs claims correctly: RS256 with the provider's key, under
// its key id.
func (p *Provider) SignRS256(claims map[string]any) (string, error) {
	return signRS256(p.key, p.kid, claims)
}

// SignNone returns an unsigned token: header {"alg":"none"} and an empty
// signature ("header.payload.").
func (p *Provider) SignNone(claims map[string]any) (string, error) {
	return signUnsafe(map[string]any{"alg": "none"}, claims, nil)
}

// SignHS256WithPublicKey returns the classic key-confusion attack: HS256,
// under the provider's key id, with the provider's public key as the HMAC
// secret, namely the bytes of [Provider.PublicKeyPEM]. A relying party that
// lets the token's header pick the algorithm would accept it.
func (p *Provider) SignHS256WithPublicKey(claims map[string]any) (string, error) {
	header := map[string]any{"alg": "HS256", "typ": "JWT", "kid": p.kid}
	return signUnsafe(header, claims, func(input []byte) []byte {
		mac := hmac.New(sha256.New, p.publicPEM)
		mac.Write(input)
		return mac.Sum(nil)
	})
}

// SignUnknownKID signs with the provider's key, RS256, but under a key id
// that is not in the JWKS.
func (p *Provider) SignUnknownKID(claims map[string]any) (string, error) {
	kid := p.kid
	for kid == p.kid {
		kid = "unknown-" + randomString(12)
	}
	return signRS256(p.key, kid, claims)
}

// SignOtherKey signs with another RSA key, RS256, but under the provider's
// key id, so the signature does not verify with the JWKS's key.
func (p *Provider) SignOtherKey(claims map[string]any) (string, error) {
	p.otherOnce.Do(func() {
		p.otherKey, p.otherKeyErr = rsa.GenerateKey(rand.Reader, 2048)
	})
	if p.otherKeyErr != nil {
		return "", fmt.Errorf("devidp: generate the other key: %w", p.otherKeyErr)
	}
	return signRS256(p.otherKey, p.kid, claims)
}

// PublicKeyPEM returns the provider's public key in PEM, as PKIX ("PUBLIC
// KEY"), with a final newline: the secret of
// [Provider.SignHS256WithPublicKey].
func (p *Provider) PublicKeyPEM() []byte { return slices.Clone(p.publicPEM) }

func signRS256(key *rsa.PrivateKey, kid string, claims map[string]any) (string, error) {
	payload, err := encodeClaims(claims)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return "", fmt.Errorf("devidp: make signer: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("devidp: sign: %w", err)
	}
	return jws.CompactSerialize()
}

// signUnsafe builds a compact JWS by hand, for algorithms that jose
// libraries rightly refuse to make. sign returns the signature of the
// signing input; nil means an empty signature.
func signUnsafe(header, claims map[string]any, sign func(input []byte) []byte) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", fmt.Errorf("devidp: encode header: %w", err)
	}
	payload, err := encodeClaims(claims)
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(payload)
	var signature []byte
	if sign != nil {
		signature = sign([]byte(input))
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(signature), nil
}

func encodeClaims(claims map[string]any) ([]byte, error) {
	if claims == nil {
		claims = map[string]any{}
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return nil, fmt.Errorf("devidp: encode claims: %w", err)
	}
	return payload, nil
}

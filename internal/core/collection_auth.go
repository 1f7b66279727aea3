package core

import (
	"fmt"
	"slices"
	"strings"

	galley "github.com/galleyhq/galley"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// authOptionKeys are the auth-collection option keys of a collection body.
var authOptionKeys = []string{"authAlert", "oauth2", "passwordAuth", "mfa", "otp", "authToken", "passwordResetToken",
	"emailChangeToken", "verificationToken", "fileToken", "verificationTemplate", "resetPasswordTemplate", "confirmEmailChangeTemplate"}

// Bounds of auth options.
const (
	minTokenDuration = 10
	maxTokenDuration = 94670856 // three years, as PocketBase
	minSecretLength  = 30
	maxSecretLength  = 255
)

// applyAuthOptions merges the auth option keys present in raw into opts
// (PATCH semantics per option object: members not sent keep their values;
// token secrets sent empty keep the old secret) and validates the result
// against c. Errors are added under the option's key ("otp.length").
func applyAuthOptions(raw map[string]jsontext.Value, c *galley.Collection, prefix string, add addFunc) {
	if !c.IsAuth() {
		for _, k := range authOptionKeys {
			if _, ok := raw[k]; ok {
				add(k, "validation_auth_only", "Only auth collections have %q.", k)
			}
		}
		return
	}
	if c.Auth == nil {
		c.Auth = galley.DefaultAuthOptions()
	}
	o := c.Auth
	oldSecrets := map[string]string{}
	tokens := map[string]*galley.TokenOptions{"authToken": &o.AuthToken, "passwordResetToken": &o.PasswordResetToken,
		"emailChangeToken": &o.EmailChangeToken, "verificationToken": &o.VerificationToken, "fileToken": &o.FileToken}
	for k, t := range tokens {
		oldSecrets[k] = t.Secret
	}
	oldProviderSecrets := map[string]string{}
	for _, p := range o.OAuth2.Providers {
		oldProviderSecrets[p.Name] = p.ClientSecret
	}
	targets := map[string]any{"authAlert": &o.AuthAlert, "oauth2": &o.OAuth2, "passwordAuth": &o.PasswordAuth, "mfa": &o.MFA,
		"otp": &o.OTP, "verificationTemplate": &o.VerificationTemplate, "resetPasswordTemplate": &o.ResetPasswordTemplate,
		"confirmEmailChangeTemplate": &o.ConfirmEmailChangeTemplate}
	for k, t := range tokens {
		targets[k] = t
	}
	for _, k := range authOptionKeys {
		v, ok := raw[k]
		if !ok {
			continue
		}
		if string(v) == "null" || len(v) == 0 || v[0] != '{' {
			add(k, "validation_invalid_type", "Invalid value for %q: expected an object.", k)
			continue
		}
		if err := jsonv2.Unmarshal(v, targets[k], jsonv2.RejectUnknownMembers(true)); err != nil {
			add(k, "validation_invalid_type", "Invalid value for %q: %s.", k, jsonErrMessage(err))
		}
	}
	for k, t := range tokens {
		switch {
		case t.Secret == "":
			t.Secret = oldSecrets[k]
			if t.Secret == "" {
				t.Secret = galley.RandomString(50, tokenKeyAlphabet)
			}
		case len(t.Secret) < minSecretLength || len(t.Secret) > maxSecretLength:
			add(k+".secret", "validation_length_out_of_range", "The length must be between %d and %d.", minSecretLength, maxSecretLength,
				errParams{"min": minSecretLength, "max": maxSecretLength})
		}
		durationIn(add, k+".duration", t.Duration, maxTokenDuration)
	}
	validateIdentityFields(c, add)
	// A length out of range is refused even while OTP is off (PocketBase
	// takes any); an unset one only when OTP is on, as in PocketBase.
	switch {
	case o.OTP.Length == 0:
		if o.OTP.Enabled {
			add("otp.length", "validation_required", "Cannot be blank.")
		}
	case o.OTP.Length < 4 || o.OTP.Length > 32:
		add("otp.length", "validation_out_of_range", "The OTP length must be between 4 and 32.")
	}
	if o.OTP.Enabled {
		durationIn(add, "otp.duration", o.OTP.Duration, 86400)
	}
	if o.MFA.Enabled {
		durationIn(add, "mfa.duration", o.MFA.Duration, 86400)
	}
	if o.OAuth2.MappedFields == nil {
		o.OAuth2.MappedFields = map[string]string{}
	}
	for k, field := range o.OAuth2.MappedFields {
		if !slices.Contains([]string{"id", "name", "username", "avatarURL"}, k) {
			add("oauth2.mappedFields."+k, "validation_invalid_key", "Unknown mapped field %q (use id, name, username or avatarURL).", k)
		} else if field != "" && c.Field(field) == nil {
			add("oauth2.mappedFields."+k, "validation_unknown_field", "The collection has no field %q.", field)
		}
	}
	seen := map[string]bool{}
	for i, p := range o.OAuth2.Providers {
		key := fmt.Sprintf("oauth2.providers.%d", i)
		if p.Name == "" || seen[p.Name] {
			add(key+".name", "validation_invalid_value", "Provider names must be set and unique.")
		}
		seen[p.Name] = true
		if p.ClientSecret == "" {
			o.OAuth2.Providers[i].ClientSecret = oldProviderSecrets[p.Name]
		}
		if p.ClientID == "" {
			add(key+".clientId", "validation_required", "Cannot be blank.")
		}
	}
	if o.OAuth2.Providers == nil {
		o.OAuth2.Providers = []galley.OAuth2Provider{}
	}
}

// durationIn adds PocketBase's error for a duration in seconds that is
// not set or outside [minTokenDuration, max].
func durationIn(add addFunc, key string, d, max int64) {
	switch {
	case d == 0:
		add(key, "validation_required", "Cannot be blank.")
	case d < minTokenDuration:
		atLeast(add, key, minTokenDuration)
	case d > max:
		atMost(add, key, int(max))
	}
}

// validateIdentityFields requires, when password log-in is on, at least one
// identity field, each a text or email field of c (PocketBase accepts
// fields of other types; Galley does not).
func validateIdentityFields(c *galley.Collection, add addFunc) {
	pa := &c.Auth.PasswordAuth
	if pa.IdentityFields == nil {
		pa.IdentityFields = []string{}
	}
	if !pa.Enabled {
		return
	}
	if len(pa.IdentityFields) == 0 {
		add("passwordAuth.identityFields", "validation_required", "Cannot be blank.")
	}
	for _, name := range pa.IdentityFields {
		f := c.Field(name)
		if f == nil || (f.Type != galley.FieldText && f.Type != galley.FieldEmail) || strings.EqualFold(name, "password") {
			add("passwordAuth.identityFields", "validation_missing_field", "Invalid or missing field %s.", name, errParams{"fieldName": name})
			return
		}
	}
}

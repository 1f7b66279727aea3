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
	maxTokenDuration = 60 * 60 * 24 * 365 // a year
	minSecretLength  = 30
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
		case len(t.Secret) < minSecretLength:
			add(k+".secret", "validation_length_out_of_range", "The secret must be at least %d characters.", minSecretLength)
		}
		if t.Duration < minTokenDuration || t.Duration > maxTokenDuration {
			add(k+".duration", "validation_out_of_range", "The duration must be between %d and %d seconds.", minTokenDuration, maxTokenDuration)
		}
	}
	validateIdentityFields(c, add)
	if o.OTP.Length < 4 || o.OTP.Length > 32 {
		add("otp.length", "validation_out_of_range", "The OTP length must be between 4 and 32.")
	}
	if o.OTP.Duration < minTokenDuration || o.OTP.Duration > 86400 {
		add("otp.duration", "validation_out_of_range", "The OTP duration must be between %d and 86400 seconds.", minTokenDuration)
	}
	if o.MFA.Duration < minTokenDuration || o.MFA.Duration > 86400 {
		add("mfa.duration", "validation_out_of_range", "The MFA duration must be between %d and 86400 seconds.", minTokenDuration)
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

// validateIdentityFields requires passwordAuth identity fields to be text or
// email fields of c.
func validateIdentityFields(c *galley.Collection, add addFunc) {
	if len(c.Auth.PasswordAuth.IdentityFields) == 0 {
		c.Auth.PasswordAuth.IdentityFields = []string{"email"}
	}
	for i, name := range c.Auth.PasswordAuth.IdentityFields {
		f := c.Field(name)
		if f == nil || (f.Type != galley.FieldText && f.Type != galley.FieldEmail) || strings.EqualFold(name, "password") {
			add(fmt.Sprintf("passwordAuth.identityFields.%d", i), "validation_invalid_value",
				"Identity field %q must be a text or email field of the collection.", name)
		}
	}
}

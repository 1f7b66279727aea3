package oauth2

import (
	"context"
	"fmt"
	"net/url"

	galley "github.com/galleyhq/galley"
	xoauth2 "golang.org/x/oauth2"
)

// registerBuiltins registers the providers Galley ships. Adding one is a
// Factory plus a line here.
func registerBuiltins(r *Registry) {
	r.Register("oidc", "OpenID Connect", newOIDC)
	r.Register("oidc2", "OpenID Connect (2)", newOIDC)
	r.Register("oidc3", "OpenID Connect (3)", newOIDC)
	r.Register("google", "Google", newGoogle)
	r.Register("github", "GitHub", newGitHub)
	r.Register("gitlab", "GitLab", newGitLab)
	r.Register("microsoft", "Microsoft", newMicrosoft)
	r.Register("discord", "Discord", newDiscord)
}

// userFunc adapts a user-fetching function to a Provider.
type userFunc struct {
	*base
	user func(ctx context.Context, b *base, tok *xoauth2.Token) (*User, error)
}

func (p *userFunc) User(ctx context.Context, tok *xoauth2.Token) (*User, error) {
	u, err := p.user(ctx, p.base, tok)
	if err != nil {
		return nil, err
	}
	return finish(u, tok)
}

func simple(d endpoints, user func(ctx context.Context, b *base, tok *xoauth2.Token) (*User, error)) Factory {
	return func(cfg galley.OAuth2Provider, r *Registry) (Provider, error) {
		b, err := newBase(cfg, r, d)
		if err != nil {
			return nil, err
		}
		return &userFunc{base: b, user: user}, nil
	}
}

// Google: the OpenID userinfo document carries email_verified.
var newGoogle = simple(endpoints{
	auth:   "https://accounts.google.com/o/oauth2/v2/auth",
	token:  "https://oauth2.googleapis.com/token",
	user:   "https://openidconnect.googleapis.com/v1/userinfo",
	scopes: []string{"openid", "email", "profile"},
	pkce:   true,
}, func(ctx context.Context, b *base, tok *xoauth2.Token) (*User, error) {
	raw, err := b.getRaw(ctx, tok, b.userURL)
	if err != nil {
		return nil, err
	}
	return &User{ID: str(raw, "sub"), Name: str(raw, "name"), Email: str(raw, "email"),
		EmailVerified: truthy(raw["email_verified"]), AvatarURL: str(raw, "picture"), Raw: raw}, nil
})

// GitHub: the profile email may be absent or unverified, so the email is
// the primary entry of /user/emails, and verified only if GitHub says so.
var newGitHub = simple(endpoints{
	auth:   "https://github.com/login/oauth/authorize",
	token:  "https://github.com/login/oauth/access_token",
	user:   "https://api.github.com/user",
	scopes: []string{"read:user", "user:email"},
	pkce:   true,
}, func(ctx context.Context, b *base, tok *xoauth2.Token) (*User, error) {
	raw, err := b.getRaw(ctx, tok, b.userURL)
	if err != nil {
		return nil, err
	}
	u := &User{ID: str(raw, "id"), Name: str(raw, "name"), Username: str(raw, "login"),
		AvatarURL: str(raw, "avatar_url"), Raw: raw}
	emailsURL, err := url.JoinPath(b.userURL, "emails")
	if err != nil {
		return nil, fmt.Errorf("oauth2: github: %w", err)
	}
	var emails []struct {
		Email    string `json:"email"`
		Primary  bool   `json:"primary"`
		Verified bool   `json:"verified"`
	}
	if err := b.getJSON(ctx, tok, emailsURL, &emails); err != nil {
		return nil, err
	}
	for _, e := range emails {
		if e.Primary {
			u.Email, u.EmailVerified = e.Email, e.Verified
			break
		}
	}
	return u, nil
})

// GitLab: the email is the primary one; it counts as verified only when the
// document shows a confirmation date.
var newGitLab = simple(endpoints{
	auth:   "https://gitlab.com/oauth/authorize",
	token:  "https://gitlab.com/oauth/token",
	user:   "https://gitlab.com/api/v4/user",
	scopes: []string{"read_user"},
	pkce:   true,
}, func(ctx context.Context, b *base, tok *xoauth2.Token) (*User, error) {
	raw, err := b.getRaw(ctx, tok, b.userURL)
	if err != nil {
		return nil, err
	}
	return &User{ID: str(raw, "id"), Name: str(raw, "name"), Username: str(raw, "username"),
		Email: str(raw, "email"), EmailVerified: str(raw, "confirmed_at") != "",
		AvatarURL: str(raw, "avatar_url"), Raw: raw}, nil
})

// Microsoft (Entra ID through Microsoft Graph): Graph does not say whether
// "mail" was verified, so the email never counts as verified.
var newMicrosoft = simple(endpoints{
	auth:   "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
	token:  "https://login.microsoftonline.com/common/oauth2/v2.0/token",
	user:   "https://graph.microsoft.com/v1.0/me",
	scopes: []string{"User.Read"},
	pkce:   true,
}, func(ctx context.Context, b *base, tok *xoauth2.Token) (*User, error) {
	raw, err := b.getRaw(ctx, tok, b.userURL)
	if err != nil {
		return nil, err
	}
	return &User{ID: str(raw, "id"), Name: str(raw, "displayName"), Email: str(raw, "mail"), Raw: raw}, nil
})

// Discord: "verified" says whether the email was verified.
var newDiscord = simple(endpoints{
	auth:   "https://discord.com/api/oauth2/authorize",
	token:  "https://discord.com/api/oauth2/token",
	user:   "https://discord.com/api/users/@me",
	scopes: []string{"identify", "email"},
	pkce:   true,
}, func(ctx context.Context, b *base, tok *xoauth2.Token) (*User, error) {
	raw, err := b.getRaw(ctx, tok, b.userURL)
	if err != nil {
		return nil, err
	}
	u := &User{ID: str(raw, "id"), Name: str(raw, "global_name"), Username: str(raw, "username"),
		Email: str(raw, "email"), EmailVerified: truthy(raw["verified"]), Raw: raw}
	if av := str(raw, "avatar"); av != "" && u.ID != "" {
		u.AvatarURL = "https://cdn.discordapp.com/avatars/" + url.PathEscape(u.ID) + "/" + url.PathEscape(av) + ".png"
	}
	return u, nil
})

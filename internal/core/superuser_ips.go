package core

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	galley "github.com/galleyhq/galley"
)

// The superuserIPs setting restricts where superusers may act from. While
// it is not empty, a request from any other IP (after trusted-proxy
// resolution) is refused with 403 when it carries a superuser token
// (Authenticate) or calls an auth endpoint of _superusers (log-in, OTP,
// password reset...; authCollectionFor), before any password is checked.
// 403 rather than 401: the credentials may be perfectly valid, it is the
// place they are used from that is refused, and a client must not take it
// for an expired token. The command line (galley superuser ...) is not a
// request and is never refused.

// errSuperuserIP is the answer to a superuser request from an IP that
// superuserIPs does not list.
func errSuperuserIP() error {
	return galley.Errorf(galley.EForbidden, "Superusers are not allowed to sign in or act from this IP address.")
}

// parseIPRange parses an IP address ("203.0.113.7", "2001:db8::1") as a
// one-address range, or a CIDR range ("10.0.0.0/8"). IPv4-mapped IPv6
// addresses are unmapped, as client IPs are.
func parseIPRange(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("zoned address %q", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// superuserIPAllowed reports whether superusers may act from ip under
// list: always when list is empty, otherwise when ip lies in one of its
// entries (unparseable entries and IPs match nothing).
func superuserIPAllowed(list []string, ip string) bool {
	if len(list) == 0 {
		return true
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.WithZone("").Unmap()
	for _, s := range list {
		if p, err := parseIPRange(s); err == nil && p.Contains(a) {
			return true
		}
	}
	return false
}

// IPListed reports whether ip lies in one of the IPs and CIDR ranges of
// list (the rate limits' excludedIPs); an empty list holds no IP.
func IPListed(list []string, ip string) bool {
	return len(list) > 0 && superuserIPAllowed(list, ip)
}

// checkSuperuserIP returns EForbidden (errSuperuserIP) when the
// superuserIPs setting is not empty and ip is not in it, nil otherwise.
// Unreadable settings are EInternal: refusing is safer than guessing.
func (app *App) checkSuperuserIP(ctx context.Context, ip string) error {
	set, err := app.Settings(ctx)
	if err != nil {
		return err
	}
	if !superuserIPAllowed(set.SuperuserIPs, ip) {
		return errSuperuserIP()
	}
	return nil
}

// authCollectionFor resolves the auth collection of an auth endpoint called
// by a (ENotFound when missing or not auth). For _superusers it also
// applies the superuserIPs setting to a.IP (EForbidden when refused).
func (app *App) authCollectionFor(ctx context.Context, a Actor, nameOrID string) (*galley.Collection, error) {
	c, err := app.authCollection(nameOrID)
	if err != nil {
		return nil, err
	}
	if c.Name == galley.SuperusersName {
		if err := app.checkSuperuserIP(ctx, a.IP); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// checkSuperuserLockout refuses (EInvalid on superuserIPs) settings whose
// superuserIPs would refuse the request that saves them: a superuser could
// otherwise lock itself out. Work Galley does on its own (no IP) is not
// checked.
func checkSuperuserLockout(a Actor, next *Settings) error {
	if a.IP == "" || superuserIPAllowed(next.SuperuserIPs, a.IP) {
		return nil
	}
	return galley.FieldInvalid("superuserIPs", "validation_superuser_ip_lockout",
		fmt.Sprintf("The list must include the IP of this request (%s): saving it would lock you out.", a.IP))
}

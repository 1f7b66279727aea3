package jsvm

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/dop251/goja"
	galley "github.com/galleyhq/galley"
	"github.com/golang-jwt/jwt/v5"
)

const defaultAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// maxRandom bounds $security's random strings (a typo like 1e9 must not
// take the process's memory).
const maxRandom = 1 << 16

// installSecurity defines $security: random strings (crypto/rand), HMACs
// and hashes as hex, a constant-time compare, and HS256 JWTs.
func (r *runtime) installSecurity() error {
	rt := r.rt
	o := rt.NewObject()
	length := func(v goja.Value) int {
		n := int(v.ToInteger())
		if n < 0 || n > maxRandom {
			panic(rt.NewTypeError(fmt.Sprintf("length must be 0 to %d", maxRandom)))
		}
		return n
	}
	random := func(call goja.FunctionCall) goja.Value {
		return rt.ToValue(galley.RandomString(length(call.Argument(0)), defaultAlphabet))
	}
	_ = o.Set("randomString", random)
	_ = o.Set("pseudorandomString", random)
	withAlphabet := func(call goja.FunctionCall) goja.Value {
		alphabet := call.Argument(1).String()
		if len(alphabet) == 0 || len(alphabet) > 255 || !isASCII(alphabet) {
			panic(rt.NewTypeError("the alphabet must be 1 to 255 ASCII characters"))
		}
		return rt.ToValue(galley.RandomString(length(call.Argument(0)), alphabet))
	}
	_ = o.Set("randomStringWithAlphabet", withAlphabet)
	_ = o.Set("pseudorandomStringWithAlphabet", withAlphabet)
	mac := func(h func() hash.Hash) func(call goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			m := hmac.New(h, []byte(call.Argument(1).String()))
			m.Write([]byte(call.Argument(0).String()))
			return rt.ToValue(hex.EncodeToString(m.Sum(nil)))
		}
	}
	_ = o.Set("hs256", mac(sha256.New))
	_ = o.Set("hs512", mac(sha512.New))
	sum := func(h func() hash.Hash) func(call goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			x := h()
			x.Write([]byte(call.Argument(0).String()))
			return rt.ToValue(hex.EncodeToString(x.Sum(nil)))
		}
	}
	_ = o.Set("md5", sum(md5.New))
	_ = o.Set("sha256", sum(sha256.New))
	_ = o.Set("sha512", sum(sha512.New))
	_ = o.Set("equal", func(call goja.FunctionCall) goja.Value {
		a, b := []byte(call.Argument(0).String()), []byte(call.Argument(1).String())
		return rt.ToValue(subtle.ConstantTimeCompare(a, b) == 1)
	})
	// createJWT(payload, secret, seconds): an HS256 token; seconds > 0 adds
	// exp that far in the future.
	_ = o.Set("createJWT", func(call goja.FunctionCall) goja.Value {
		claims := jwt.MapClaims{}
		if m, ok := r.plainMap(call.Argument(0)); ok {
			for k, v := range m {
				claims[k] = v
			}
		}
		if secs := call.Argument(2).ToInteger(); secs > 0 {
			claims["exp"] = time.Now().Add(time.Duration(secs) * time.Second).Unix()
		}
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(call.Argument(1).String()))
		if err != nil {
			r.throw(err)
		}
		return rt.ToValue(s)
	})
	// parseJWT(token, secret): the claims of a valid HS256 token (signature,
	// exp and nbf checked); anything else throws.
	_ = o.Set("parseJWT", func(call goja.FunctionCall) goja.Value {
		secret := []byte(call.Argument(1).String())
		claims := jwt.MapClaims{}
		_, err := jwt.ParseWithClaims(call.Argument(0).String(), claims, func(*jwt.Token) (any, error) { return secret, nil },
			jwt.WithValidMethods([]string{"HS256", "HS384", "HS512"}))
		if err != nil {
			r.throw(galley.Errorf(galley.EInvalid, "Invalid token: %s", strings.TrimPrefix(err.Error(), "token is ")))
		}
		return rt.ToValue(map[string]any(claims))
	})
	_ = o.Set("parseUnverifiedJWT", func(call goja.FunctionCall) goja.Value {
		claims := jwt.MapClaims{}
		if _, _, err := jwt.NewParser().ParseUnverified(call.Argument(0).String(), claims); err != nil {
			r.throw(galley.Errorf(galley.EInvalid, "Invalid token: %s", err))
		}
		return rt.ToValue(map[string]any(claims))
	})
	return rt.Set("$security", o)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// plainMap exports an object as a JSON-like Go map.
func (r *runtime) plainMap(v goja.Value) (map[string]any, bool) {
	if obj, ok := v.(*goja.Object); ok {
		b, err := r.stringify(obj)
		if err != nil {
			return nil, false
		}
		var m map[string]any
		if json.Unmarshal(b, &m) == nil {
			return m, true
		}
	}
	return nil, false
}

// httpMaxTimeout bounds $http.send's timeout.
const httpMaxTimeout = 120 * time.Second

// installHTTP defines $http.send({url, method, headers, body, timeout}):
// a request through the SSRF-safe client (no loopback or private
// addresses unless the VM was configured to allow them), answered as
// {statusCode, headers, raw, json}. timeout is in seconds (default 30,
// at most 120); a transport failure throws.
func (r *runtime) installHTTP() error {
	rt := r.rt
	o := rt.NewObject()
	_ = o.Set("send", func(call goja.FunctionCall) goja.Value {
		opts := call.Argument(0).ToObject(rt)
		str := func(k, def string) string {
			v := opts.Get(k)
			if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
				return def
			}
			return v.String()
		}
		timeout := 30 * time.Second
		if v := opts.Get("timeout"); v != nil && !goja.IsUndefined(v) && v.ToInteger() > 0 {
			timeout = min(time.Duration(v.ToInteger())*time.Second, httpMaxTimeout)
		}
		var body io.Reader
		contentType := ""
		if b := opts.Get("body"); b != nil && !goja.IsUndefined(b) && !goja.IsNull(b) {
			if obj, ok := b.(*goja.Object); ok {
				enc, err := r.stringify(obj)
				if err != nil {
					r.rethrow(err)
				}
				body, contentType = bytes.NewReader(enc), "application/json"
			} else {
				body = strings.NewReader(b.String())
			}
		}
		ctx, cancel := context.WithTimeout(r.ctx(), timeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, strings.ToUpper(str("method", "GET")), str("url", ""), body)
		if err != nil {
			r.throw(galley.Errorf(galley.EInvalid, "$http.send: %v", err))
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if h := opts.Get("headers"); h != nil && !goja.IsUndefined(h) && !goja.IsNull(h) {
			ho := h.ToObject(rt)
			for _, k := range ho.Keys() {
				req.Header.Set(k, ho.Get(k).String())
			}
		}
		res, err := r.gen.vm.http.Do(req)
		if err != nil {
			r.throw(galley.Errorf(galley.EInvalid, "$http.send: %v", err))
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err != nil {
			r.throw(galley.Errorf(galley.EInvalid, "$http.send: reading the response: %v", err))
		}
		headers := rt.NewObject()
		for k, v := range res.Header {
			items := make([]any, len(v))
			for i, s := range v {
				items[i] = s
			}
			_ = headers.Set(k, rt.NewArray(items...))
		}
		out := rt.NewObject()
		_ = out.Set("statusCode", res.StatusCode)
		_ = out.Set("headers", headers)
		_ = out.Set("raw", string(raw))
		js := r.parseJSON(raw)
		if goja.IsUndefined(js) {
			js = goja.Null()
		}
		_ = out.Set("json", js)
		return out
	})
	return rt.Set("$http", o)
}

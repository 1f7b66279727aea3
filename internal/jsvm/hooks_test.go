package jsvm_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/jsvm"
	"github.com/galleyhq/galley/internal/oauth2"
)

// Record hooks: a request hook changes the record, a write hook writes
// another record in the same transaction, thrown errors map to statuses,
// collection tags select the events.
func TestRecordHooks(t *testing.T) {
	e := setup(t, map[string]string{"10_records.pb.js": `
onRecordCreateRequest((e) => {
	const title = e.record.get("title");
	if (title === "banned") {
		throw new BadRequestError("Titles like that are not allowed.", {title: {code: "validation_banned", message: "Banned."}});
	}
	if (title === "shouting") {
		throw new BadRequestError("No shouting.");
	}
	if (title === "oops") {
		throw new Error("plain failure");
	}
	e.record.set("slug", title.toLowerCase().replaceAll(" ", "-"));
	e.record.set("views", "41");
	if (e.auth) {
		e.record.set("author", e.auth.id);
	}
	e.next();
}, "posts");

onRecordCreate((e) => {
	e.next();
	const log = new Record(e.app.findCollectionByNameOrId("logs"), {msg: "created " + e.record.id});
	e.app.save(log);
}, "posts");

onRecordUpdateRequest((e) => {
	e.record.set("views", e.record.getInt("views") + 1);
	e.next();
}, "posts");

onRecordDeleteRequest((e) => {
	if (e.record.getBool("draft") === false) {
		throw new ForbiddenError("Only drafts can be deleted.");
	}
	e.next();
}, "posts");

onRecordCreateRequest((e) => {
	throw new NotFoundError(); // never: tagged to another collection
}, "nothing_here");
`})
	_, tok := newUser(t, e.s, "ann@example.com")
	rec := e.s.Do("POST", "/api/collections/posts/records", tok, map[string]any{"title": "Hello World"}).Status(200).JSON()
	if rec["slug"] != "hello-world" || rec["views"] != 41.0 || rec["author"] == "" || rec["title"] != "Hello World" {
		t.Fatalf("record: %v", rec)
	}
	logs := e.s.Do("GET", "/api/collections/logs/records", "", nil).Status(200).JSON()["items"].([]any)
	if len(logs) != 1 || logs[0].(map[string]any)["msg"] != "created "+rec["id"].(string) {
		t.Fatalf("logs: %v", logs)
	}
	res := e.s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "banned"}).Status(400)
	if res.FieldCode("title") != "validation_banned" {
		t.Fatalf("field code: %s", res.Body)
	}
	e.s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "shouting"}).Status(400).Contains(`"message":"No shouting."`)
	e.s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "oops"}).Status(400).Contains("plain failure")
	id := rec["id"].(string)
	up := e.s.Do("PATCH", "/api/collections/posts/records/"+id, "", map[string]any{"title": "x"}).Status(200).JSON()
	if up["views"] != 42.0 {
		t.Fatalf("views after update %v", up["views"])
	}
	e.s.Do("DELETE", "/api/collections/posts/records/"+id, "", nil).Status(403).Contains("Only drafts can be deleted.")
	e.s.Do("PATCH", "/api/collections/posts/records/"+id, "", map[string]any{"draft": true}).Status(200)
	e.s.Do("DELETE", "/api/collections/posts/records/"+id, "", nil).Status(204)
}

// A write hook that throws after e.next() rolls its whole transaction
// back; so does an error inside $app.runInTransaction.
func TestRollback(t *testing.T) {
	e := setup(t, map[string]string{"tx.pb.js": `
onRecordCreate((e) => {
	e.next();
	e.app.save(new Record("logs", {msg: "side effect"}));
	if (e.record.get("title") === "fail") {
		throw new BadRequestError("failed after the write");
	}
}, "posts");

routerAdd("POST", "/api/tx", (e) => {
	const body = e.requestInfo().body;
	try {
		$app.runInTransaction((txApp) => {
			txApp.save(new Record("logs", {msg: "in tx 1"}));
			txApp.runInTransaction((inner) => inner.save(new Record("logs", {msg: "in tx 2"})));
			if (body.fail) {
				throw new Error("rollback please");
			}
		});
	} catch (err) {
		return e.json(200, {caught: String(err.message)});
	}
	e.json(200, {ok: true});
});
`})
	e.s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "fail"}).Status(400).Contains("failed after the write")
	count := func() int {
		return len(e.s.Do("GET", "/api/collections/logs/records", "", nil).Status(200).JSON()["items"].([]any))
	}
	if n := len(e.s.Do("GET", "/api/collections/posts/records", "", nil).Status(200).JSON()["items"].([]any)); n != 0 || count() != 0 {
		t.Fatalf("posts %d, logs %d after a rolled back create", n, count())
	}
	e.s.Do("POST", "/api/tx", "", map[string]any{"fail": true}).Status(200).Contains(`"caught":"rollback please"`)
	if count() != 0 {
		t.Fatalf("logs after a rolled back transaction: %d", count())
	}
	e.s.Do("POST", "/api/tx", "", map[string]any{"fail": false}).Status(200).Contains(`"ok":true`)
	if count() != 2 {
		t.Fatalf("logs after a committed transaction: %d", count())
	}
}

// $app's finders, save and delete; filter params are bound as literals.
func TestAppAPI(t *testing.T) {
	e := setup(t, map[string]string{"app.pb.js": `
routerAdd("GET", "/api/find", (e) => {
	const q = e.request.url.query().get("q");
	const list = $app.findRecordsByFilter("posts", "title = {:t} || slug = {:t}", "-views", 10, 0, {t: q});
	const first = $app.findFirstRecordByFilter("posts", "views > {:v}", {v: 1});
	const byData = $app.findFirstRecordByData("posts", "slug", "b");
	const byId = $app.findRecordById("posts", first.id);
	let missing = "";
	try { $app.findRecordById("posts", "nope"); } catch (err) { missing = err.status + " " + err.message; }
	e.json(200, {titles: list.map((r) => r.get("title")), first: first.get("title"), byData: byData.get("title"), byId: byId.id === first.id, missing, rec: first});
});
routerAdd("POST", "/api/save", (e) => {
	const r = new Record($app.findCollectionByNameOrId("posts"));
	r.load({title: "made", views: 3, tags: ["a", "b"], meta: {x: [1, 2]}, where: {lon: 1.5, lat: 2.5}, draft: "true", due: "2024-05-06"});
	$app.save(r);
	const again = $app.findRecordById("posts", r.id);
	again.set("title", "made twice");
	$app.save(again);
	const out = {id: r.id, title: $app.findRecordById("posts", r.id).get("title"), tags: again.get("tags"), meta: again.get("meta"),
		where: again.get("where"), draft: again.get("draft"), due: again.get("due"), views: again.get("views"), strViews: again.getString("views")};
	const gone = new Record("posts", {title: "short-lived"});
	$app.save(gone);
	$app.delete(gone);
	let bad = "";
	try { r.set("views", "not a number"); } catch (err) { bad = err.message + " " + JSON.stringify(err.data); }
	let unknown = "";
	try { r.set("nope", 1); } catch (err) { unknown = err.message; }
	out.bad = bad;
	out.unknown = unknown;
	e.json(200, out);
});
`})
	for _, p := range []map[string]any{{"title": "a", "slug": "a", "views": 1}, {"title": "b", "slug": "b", "views": 5}, {"title": `x" || title != "`, "views": 2}} {
		e.s.Do("POST", "/api/collections/posts/records", "", p).Status(200)
	}
	res := e.s.Do("GET", "/api/find?q=a", "", nil).Status(200).JSON()
	if fmt.Sprint(res["titles"]) != "[a]" || res["first"] != "b" || res["byData"] != "b" || res["byId"] != true || res["missing"] != "404 The requested resource wasn't found." {
		t.Fatalf("find: %v", res)
	}
	if rec := res["rec"].(map[string]any); rec["collectionName"] != "posts" || rec["title"] != "b" {
		t.Fatalf("a record as JSON: %v", rec)
	}
	// an injection attempt through the param matches only its literal self
	res = e.s.Do("GET", `/api/find?q=x%22+||+title+!%3D+%22`, "", nil).Status(200).JSON()
	if fmt.Sprint(res["titles"]) != `[x" || title != "]` {
		t.Fatalf("param injection: %v", res["titles"])
	}
	out := e.s.Do("POST", "/api/save", "", nil).Status(200).JSON()
	want := map[string]string{"title": "made twice", "tags": "[a b]", "meta": "map[x:[1 2]]", "where": "map[lat:2.5 lon:1.5]",
		"draft": "true", "due": "2024-05-06 00:00:00.000Z", "views": "3", "strViews": "3"}
	for k, v := range want {
		if fmt.Sprint(out[k]) != v {
			t.Errorf("%s = %v, want %s", k, out[k], v)
		}
	}
	if !strings.Contains(out["bad"].(string), "validation_invalid_value") || !strings.Contains(out["unknown"].(string), `no field "nope"`) {
		t.Errorf("conversion errors: %q / %q", out["bad"], out["unknown"])
	}
	if n := len(e.s.Do("GET", "/api/collections/posts/records?filter=title='short-lived'", "", nil).Status(200).JSON()["items"].([]any)); n != 0 {
		t.Errorf("deleted record still listed")
	}
}

// routerAdd with $apis middlewares and JavaScript middlewares; a webhook
// checking an HMAC signature with $security.
func TestRoutes(t *testing.T) {
	e := setup(t, map[string]string{"routes.pb.js": `
routerAdd("GET", "/api/me", (e) => e.json(200, {email: e.auth.email(), via: e.request.header.get("X-Via")}), $apis.requireAuth("users"));
routerAdd("GET", "/api/admin", (e) => e.string(200, "admin ok"), $apis.requireSuperuserAuth());
routerAdd("GET", "/api/guest", (e) => e.noContent(204), $apis.requireGuestOnly());
routerAdd("GET", "/api/mw", (e) => e.json(200, {seen: e.seen}), (e) => { e.seen = "mw"; e.response.header().set("X-Mw", "1"); return e.next(); });
routerAdd("GET", "/api/stop", (e) => e.string(200, "never"), (e) => { throw new UnauthorizedError("stopped here"); });
routerAdd("GET", "/api/missing", (e) => { throw e.notFoundError("no such thing"); });
routerAdd("POST", "/api/webhook", (e) => {
	const info = e.requestInfo();
	const raw = JSON.stringify(info.body);
	const sig = info.headers["x_signature"] || "";
	const want = $security.hs256(raw, $os.getenv("WEBHOOK_SECRET"));
	if (!$security.equal(sig, want)) {
		throw new UnauthorizedError("Bad signature.");
	}
	$app.save(new Record("logs", {msg: "paid " + info.body.order}));
	e.json(200, {ok: true});
});
`}, func(c *jsvm.Config) {
		c.Getenv = func(k string) string {
			if k == "WEBHOOK_SECRET" {
				return "s3cret"
			}
			return ""
		}
	})
	_, tok := newUser(t, e.s, "bob@example.com")
	e.s.Do("GET", "/api/me", "", nil).Status(401)
	e.s.Do("GET", "/api/me", e.s.SuperToken, nil).Status(403)
	e.s.DoWith("GET", "/api/me", tok, nil, map[string]string{"X-Via": "test"}).Status(200).Contains(`"email":"bob@example.com"`, `"via":"test"`)
	e.s.Do("GET", "/api/admin", tok, nil).Status(403)
	e.s.Do("GET", "/api/admin", e.s.SuperToken, nil).Status(200).Contains("admin ok")
	e.s.Do("GET", "/api/guest", "", nil).Status(204)
	e.s.Do("GET", "/api/guest", tok, nil).Status(400)
	if res := e.s.Do("GET", "/api/mw", "", nil).Status(200).Contains(`"seen":"mw"`); res.Header.Get("X-Mw") != "1" {
		t.Fatalf("middleware header missing")
	}
	e.s.Do("GET", "/api/stop", "", nil).Status(401).Contains("stopped here")
	e.s.Do("GET", "/api/missing", "", nil).Status(404).Contains("no such thing")

	body := `{"order":"A1"}`
	e.s.DoWith("POST", "/api/webhook", "", body, map[string]string{"X-Signature": "bad"}).Status(401).Contains("Bad signature.")
	sig := hmacHex(body, "s3cret")
	e.s.DoWith("POST", "/api/webhook", "", body, map[string]string{"X-Signature": sig}).Status(200)
	e.s.Do("GET", "/api/collections/logs/records", "", nil).Status(200).Contains("paid A1")
}

// e.blob answers a body with the content type the route names (an RSS feed).
func TestRouteBlob(t *testing.T) {
	e := setup(t, map[string]string{"feed.pb.js": `
routerAdd("GET", "/feed.xml", (e) => e.blob(200, "application/rss+xml; charset=utf-8", "<rss>&amp;</rss>"));
routerAdd("GET", "/bytes", (e) => e.blob(201, "application/octet-stream", [104, 105]));
routerAdd("GET", "/bad", (e) => e.blob(200, "", "x"));
routerAdd("POST", "/taken", (e) => { throw new ApiError(409, "Already taken.", {name: {code: "taken", message: "Taken."}}); });
routerAdd("POST", "/teapot", (e) => { throw new ApiError(200, "Not an error status."); });
`})
	res := e.s.Do("GET", "/feed.xml", "", nil).Status(200).Contains("<rss>&amp;</rss>")
	if ct := res.Header.Get("Content-Type"); ct != "application/rss+xml; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	if res := e.s.Do("GET", "/bytes", "", nil).Status(201); string(res.Body) != "hi" || res.Header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("bytes: %q %q", res.Body, res.Header.Get("Content-Type"))
	}
	e.s.Do("GET", "/bad", "", nil).Status(400).Contains("content type")
	// ApiError's status is answered as thrown, also one Galley has no code
	// for; a status that is not an error status falls back to 400.
	e.s.Do("POST", "/taken", "", nil).Status(409).Contains(`"status":409`, `"message":"Already taken."`, `"code":"taken"`)
	e.s.Do("POST", "/teapot", "", nil).Status(400)
}

// toString(e.request.body) is the body as it was sent — before or after
// requestInfo() parsed it — so a webhook can sign the raw bytes.
func TestRawBody(t *testing.T) {
	e := setup(t, map[string]string{"raw.pb.js": `
routerAdd("POST", "/api/raw-first", (e) => {
	const raw = toString(e.request.body);
	const parsed = e.requestInfo().body;
	e.json(200, {raw, again: readerToString(e.request.body), parsed, cut: toString(e.request.body, 4)});
});
routerAdd("POST", "/api/parsed-first", (e) => {
	const parsed = e.requestInfo().body;
	e.json(200, {raw: toString(e.request.body), parsed});
});
routerAdd("POST", "/api/sig", (e) => {
	const want = $security.hs256(toString(e.request.body), "k");
	if (!$security.equal(e.request.header.get("X-Sig"), want)) throw new UnauthorizedError("bad");
	e.json(200, {ok: e.requestInfo().body.n, other: [toString("s"), toString({a: 1}), toString(null)]});
});
`})
	body := `{ "b": 1.50,  "a": "x" }`
	want := `"raw":"{ \"b\": 1.50,  \"a\": \"x\" }"`
	e.s.Do("POST", "/api/raw-first", "", body).Status(200).Contains(want, `"again":"{ \"b\": 1.50,  \"a\": \"x\" }"`, `"parsed":{"a":"x","b":1.5}`, `"cut":"{ \"b"`)
	e.s.Do("POST", "/api/parsed-first", "", body).Status(200).Contains(want, `"parsed":{"a":"x","b":1.5}`)
	sig := `{"n": 7}`
	e.s.DoWith("POST", "/api/sig", "", sig, map[string]string{"X-Sig": hmacHex(sig, "k")}).Status(200).Contains(`"ok":7`, `"other":["s","{\"a\":1}",""]`)
	e.s.DoWith("POST", "/api/sig", "", `{"n":7}`, map[string]string{"X-Sig": hmacHex(sig, "k")}).Status(401)
}

// $security: random strings, hashes, HMAC, constant-time compare, JWTs.
func TestSecurity(t *testing.T) {
	e := setup(t, map[string]string{"sec.pb.js": `
routerAdd("GET", "/api/sec", (e) => {
	const tok = $security.createJWT({sub: "u1", n: 2}, "key", 60);
	const claims = $security.parseJWT(tok, "key");
	let badKey = "";
	try { $security.parseJWT(tok, "other"); } catch (err) { badKey = err.message; }
	const expired = $security.createJWT({sub: "u1", exp: 1}, "key", 0);
	let exp = "";
	try { $security.parseJWT(expired, "key"); } catch (err) { exp = err.message; }
	e.json(200, {
		r: $security.randomString(24),
		ra: $security.randomStringWithAlphabet(30, "ab"),
		hs256: $security.hs256("The quick brown fox jumps over the lazy dog", "key"),
		hs512: $security.hs512("msg", "key").length,
		sha256: $security.sha256("abc"),
		eq: [$security.equal("abc", "abc"), $security.equal("abc", "abd"), $security.equal("abc", "ab")],
		sub: claims.sub, n: claims.n, badKey, exp,
		unverified: $security.parseUnverifiedJWT(tok).sub,
	});
});
`})
	res := e.s.Do("GET", "/api/sec", "", nil).Status(200).JSON()
	if r := res["r"].(string); len(r) != 24 {
		t.Errorf("randomString: %q", r)
	}
	if ra := res["ra"].(string); len(ra) != 30 || strings.Trim(ra, "ab") != "" {
		t.Errorf("randomStringWithAlphabet: %q", ra)
	}
	// RFC 4231-style known value (the classic HMAC-SHA256 example)
	if res["hs256"] != "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8" {
		t.Errorf("hs256: %v", res["hs256"])
	}
	if res["hs512"] != 128.0 || res["sha256"] != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("hs512/sha256: %v %v", res["hs512"], res["sha256"])
	}
	if fmt.Sprint(res["eq"]) != "[true false false]" {
		t.Errorf("equal: %v", res["eq"])
	}
	if res["sub"] != "u1" || res["n"] != 2.0 || res["unverified"] != "u1" {
		t.Errorf("jwt claims: %v", res)
	}
	if !strings.Contains(res["badKey"].(string), "signature") || !strings.Contains(res["exp"].(string), "expired") {
		t.Errorf("jwt failures: %q %q", res["badKey"], res["exp"])
	}
}

// An after-create hook mails through the App's mailer (a real SMTP
// server); onMailerSend changes the mail on its way; onRecordAuthRequest
// refuses a log-in.
func TestMailAndAuthHooks(t *testing.T) {
	e := setup(t, map[string]string{"mail.pb.js": `
onRecordAfterCreateSuccess((e) => {
	const msg = new MailerMessage({
		to: [{address: "editor@example.com"}],
		subject: "New post: " + e.record.get("title"),
		html: "<p>" + e.record.id + "</p>",
	});
	e.app.newMailClient().send(msg);
	e.next();
}, "posts");
onMailerSend((e) => {
	e.message.subject = "[galley] " + e.message.subject;
	e.next();
});
onRecordAuthRequest((e) => {
	if (e.record.email() === "blocked@example.com") {
		throw new ForbiddenError("Suspended.");
	}
	e.next();
}, "users");
`})
	ms := e.s.StartMail()
	id := e.s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "Mail me"}).Status(200).JSON()["id"].(string)
	m := ms.WaitFor(t, "editor@example.com", 10*time.Second)
	if m.Subject != "[galley] New post: Mail me" || !strings.Contains(m.HTML, id) {
		t.Fatalf("mail: %q %q", m.Subject, m.HTML)
	}
	newUser(t, e.s, "fine@example.com")
	e.s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": "blocked@example.com", "password": "Passw0rd!x", "passwordConfirm": "Passw0rd!x"}).Status(200)
	e.s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "blocked@example.com", "password": "Passw0rd!x"}).Status(403).Contains("Suspended.")
}

// $http.send goes through the SSRF-safe client: a loopback server is
// refused unless the VM allows private networks.
func TestHTTPSend(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"method":%q,"auth":%q,"ct":%q}`, r.Method, r.Header.Get("Authorization"), r.Header.Get("Content-Type"))
	}))
	defer upstream.Close()
	src := map[string]string{"http.pb.js": `
routerAdd("GET", "/api/fetch", (e) => {
	const res = $http.send({url: e.request.url.query().get("url"), method: "post", headers: {Authorization: "Bearer x"}, body: {a: 1}, timeout: 5});
	e.json(200, {status: res.statusCode, json: res.json, ct: res.headers["Content-Type"][0]});
});
`}
	safe := setup(t, src)
	safe.s.Do("GET", "/api/fetch?url="+upstream.URL, "", nil).Status(400).Contains("not public")
	open := setup(t, src, func(c *jsvm.Config) { c.HTTPClient = oauth2.NewHTTPClient(oauth2.Options{AllowPrivateNetworks: true}) })
	open.s.Do("GET", "/api/fetch?url="+upstream.URL, "", nil).Status(200).
		Contains(`"status":200`, `"method":"POST"`, `"auth":"Bearer x"`, `"ct":"application/json"`)
}

// Two slow handlers run at the same time in two runtimes of the pool: each
// waits at a barrier that opens only when both have arrived.
func TestParallel(t *testing.T) {
	var mu sync.Mutex
	arrived := 0
	all := make(chan struct{})
	barrier := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrived++
		if arrived == 2 {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
			fmt.Fprint(w, "together")
		case <-time.After(10 * time.Second):
			fmt.Fprint(w, "alone")
		}
	}))
	defer barrier.Close()
	e := setup(t, map[string]string{"slow.pb.js": `
let calls = 0; // per runtime
routerAdd("GET", "/api/slow", (e) => {
	calls++;
	const res = $http.send({url: $os.getenv("BARRIER"), timeout: 20});
	e.json(200, {got: res.raw, calls});
});
`}, func(c *jsvm.Config) {
		c.HTTPClient = oauth2.NewHTTPClient(oauth2.Options{AllowPrivateNetworks: true, Timeout: 30 * time.Second})
		c.Getenv = func(string) string { return barrier.URL }
	})
	var wg sync.WaitGroup
	out := make([]string, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = string(e.s.Do("GET", "/api/slow", "", nil).Status(200).Body)
		}()
	}
	wg.Wait()
	for _, o := range out {
		if !strings.Contains(o, `"got":"together"`) || !strings.Contains(o, `"calls":1`) {
			t.Fatalf("responses %q: the handlers did not run in two runtimes at once", out)
		}
	}
}

// Errors name the file and line: at start (syntax error, a throw while
// loading), and at run time (in the log and the error's cause).
func TestErrorsNameFileAndLine(t *testing.T) {
	s := setup(t, nil).s
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		if err := writeFile(dir, name, src); err != nil {
			t.Fatal(err)
		}
	}
	write("a.pb.js", "onRecordCreate((e) => e.next());\n")
	write("bad.pb.js", "// fine\nconst x = ;\n")
	_, err := jsvm.Start(jsvm.Config{Dir: dir, App: s.App, Router: s.API})
	if err == nil || !strings.Contains(err.Error(), "bad.pb.js:2:") || !strings.Contains(err.Error(), "syntax error") {
		t.Fatalf("syntax error at start: %v", err)
	}
	write("bad.pb.js", "\n\nthrow new Error('no config');\n")
	_, err = jsvm.Start(jsvm.Config{Dir: dir, App: s.App, Router: s.API})
	if err == nil || !strings.Contains(err.Error(), "bad.pb.js:3:") || !strings.Contains(err.Error(), "no config") {
		t.Fatalf("throw at load: %v", err)
	}

	e := setup(t, map[string]string{"errs.pb.js": `// line 1
onRecordCreateRequest((e) => {
	const cfg = undefined;
	e.record.set("title", cfg.title); // line 4
	e.next();
}, "posts");
routerAdd("GET", "/api/log", (e) => {
	console.log("hello from", {a: 1});
	e.noContent(204);
});
`})
	e.s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "x"}).Status(400).Contains("Cannot read property 'title' of undefined")
	e.log.waitLog(t, "TypeError", "errs.pb.js:4:")
	e.s.Do("GET", "/api/log", "", nil).Status(204)
	e.log.waitLog(t, `hello from {\"a\":1}`, "errs.pb.js:8:")
	_ = context.Background()
}

// A hook that never ends is interrupted after the timeout: its request is
// a 500, the cause (file:line) is logged, the runtime is replaced and the
// next requests are served.
func TestTimeout(t *testing.T) {
	e := setup(t, map[string]string{"loop.pb.js": `
routerAdd("GET", "/api/loop", (e) => {
	while (true) {} // line 3
});
routerAdd("GET", "/api/ok", (e) => e.string(200, "ok"));
`}, func(c *jsvm.Config) { c.Timeout = 200 * time.Millisecond; c.PoolSize = 1 })
	// The runtime's timer is re-armed for each call: a loop after calls
	// that ended in time is interrupted too, and so is one in the runtime
	// that replaced an interrupted one.
	for range 2 {
		for range 3 {
			e.s.Do("GET", "/api/ok", "", nil).Status(200).Contains("ok")
		}
		e.s.Do("GET", "/api/loop", "", nil).Status(500)
	}
	e.log.waitLog(t, "loop.pb.js:", "--hooks-timeout")
	for range 3 {
		e.s.Do("GET", "/api/ok", "", nil).Status(200).Contains("ok")
	}
}

// Event properties made on first read (record, auth, request, response,
// a write event's app) behave as plain properties: the same object on
// every read, assignable before or after a read.
func TestEventProperties(t *testing.T) {
	e := setup(t, map[string]string{"props.pb.js": `
onRecordCreateRequest((e) => {
	const r = e.record;
	if (r !== e.record || e.auth !== null || e.app !== $app) {
		throw new BadRequestError("request event: record not kept, auth not null or app not $app");
	}
	const x = new Record("logs", {msg: "m"});
	x.note = "own";
	if (!(x instanceof Record) || !(r instanceof Record) || x.get("msg") !== "m" || x.collectionName !== "logs" ||
		Object.keys(x).join() !== "note" || JSON.parse(JSON.stringify(x)).msg !== "m") {
		throw new BadRequestError("records: not Records, or their properties wrong");
	}
	if (r.get("title") === "swap") {
		e.record = "replaced";
		if (e.record !== "replaced") {
			throw new BadRequestError("request event: record not assignable");
		}
		e.record = r;
	}
	e.next();
}, "posts");
onRecordCreate((e) => {
	if (e.record.get("title") === "assign-first") {
		e.app = "mine";
		if (e.app !== "mine") {
			throw new BadRequestError("write event: app not assignable");
		}
		e.next();
		return;
	}
	const app = e.app;
	if (app !== e.app || app === $app || typeof app.save !== "function" || !app.isTransactional() || $app.isTransactional()) {
		throw new BadRequestError("write event: app not the transaction's or not kept");
	}
	let inner = null;
	app.runInTransaction((tx) => { inner = tx; });
	if (inner !== app) {
		throw new BadRequestError("write event: a nested transaction is not the same app");
	}
	const detached = app.findRecordById;
	let refused = "";
	try { detached("posts", "x"); } catch (err) { refused = String(err); }
	if (!refused.includes("not a transaction's app")) {
		throw new BadRequestError("write event: a detached method ran: " + refused);
	}
	e.record.set("slug", "via-" + e.collection.name);
	e.next();
}, "posts");
routerAdd("GET", "/api/props", (e) => {
	const req = e.request;
	e.response.header().set("X-Same", String(req === e.request && e.response === e.response));
	e.auth = "overridden";
	e.mine = 1;
	const keys = Object.keys(e).join(",");
	delete e.mine;
	e.k1 = 1; e.k2 = 2; e.k3 = 3;
	for (const k in e) {
		if (/^k[0-9]$/.test(k)) delete e[k];
	}
	if (e.k1 !== undefined || e.k2 !== undefined || e.k3 !== undefined) {
		throw new BadRequestError("properties deleted in a for-in survived");
	}
	e.json(200, {auth: e.auth, path: e.request.url.path, app: e.app === $app, ip: typeof e.realIP(), keys: keys, deleted: e.mine === undefined});
});
routerAdd("GET", "/api/req/{id}", (e) => {
	const r = e.request;
	const q = r.url.query();
	const out = {method: r.method, host: r.host, addr: typeof r.remoteAddr, path: r.url.path, raw: r.url.rawQuery,
		a: q.get("a"), hasB: q.has("b"), hasC: q.has("c"), str: r.url.string(), id: r.pathValue("id"),
		via: r.header.get("X-Via"), same: r.url === r.url && r.header === r.header};
	r.method = "CHANGED";
	out.changed = r.method;
	try { r.url.query.call({}); } catch (err) { out.wrongThis = String(err); }
	try { Object.freeze(r); out.frozen = "yes"; } catch (err) { out.frozen = "refused"; }
	try { Object.defineProperty(r, "g", {get: () => 1}); out.getter = "yes"; } catch (err) { out.getter = "refused"; }
	e.json(200, out);
});
routerAdd("GET", "/api/detached", (e) => {
	const json = e.json;
	json(200, {never: true});
});
`})
	rec := e.s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "swap"}).Status(200).JSON()
	if rec["slug"] != "via-posts" {
		t.Fatalf("record: %v", rec)
	}
	rec = e.s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "assign-first"}).Status(200).JSON()
	if rec["slug"] != "" {
		t.Fatalf("record: %v", rec)
	}
	res := e.s.Do("GET", "/api/props", "", nil).Status(200).Contains(`"auth":"overridden"`, `"path":"/api/props"`, `"app":true`, `"ip":"string"`,
		`"keys":"request,response,auth,mine"`, `"deleted":true`)
	if res.Header.Get("X-Same") != "true" {
		t.Fatalf("X-Same: %q", res.Header.Get("X-Same"))
	}
	host := strings.TrimPrefix(e.s.URL, "http://")
	e.s.DoWith("GET", "/api/req/x7?a=1&b=", "", nil, map[string]string{"X-Via": "proxy"}).Status(200).Contains(
		`"method":"GET"`, `"host":"`+host+`"`, `"addr":"string"`, `"path":"/api/req/x7"`, `"raw":"a=1&b="`, `"a":"1"`,
		`"hasB":true`, `"hasC":false`, `"str":"/api/req/x7?a=1&b="`, `"id":"x7"`, `"via":"proxy"`, `"same":true`,
		`"changed":"CHANGED"`, `"wrongThis":"TypeError: not a request"`, `"frozen":"refused"`, `"getter":"refused"`)
	// A method called without its event throws a TypeError (a 400 naming
	// it, like other errors a handler throws), not a panic.
	e.s.Do("GET", "/api/detached", "", nil).Status(400).Contains("not a route event")
}

// In development the files reload on change; a broken file keeps the
// previous version running and logs why; a removed route answers 404.
func TestDevReload(t *testing.T) {
	e := setup(t, map[string]string{"r.pb.js": `routerAdd("GET", "/api/v", (e) => e.string(200, "v1"));`},
		func(c *jsvm.Config) { c.Dev = true; c.PollInterval = 20 * time.Millisecond })
	e.s.Do("GET", "/api/v", "", nil).Status(200).Contains("v1")
	waitBody := func(path string, status int, want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			res := e.s.Do("GET", path, "", nil)
			if res.Code == status && strings.Contains(string(res.Body), want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("GET %s: %d %s, want %d %q", path, res.Code, res.Body, status, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	e.write(t, "r.pb.js", `routerAdd("GET", "/api/v", (e) => e.string(200, "v2"));
routerAdd("GET", "/api/w", (e) => e.string(200, "w"));
onRecordCreateRequest((e) => { e.record.set("slug", "hooked"); e.next(); }, "posts");`)
	waitBody("/api/v", 200, "v2")
	waitBody("/api/w", 200, "w")
	e.s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "x"}).Status(200).Contains(`"slug":"hooked"`)

	e.write(t, "r.pb.js", "routerAdd(\"GET\", \"/api/v\", (e) => e.string(200, \"v3\"));\nconst = 1;\n")
	e.log.waitLog(t, "reload failed", "r.pb.js:2:")
	e.s.Do("GET", "/api/v", "", nil).Status(200).Contains("v2")

	e.write(t, "r.pb.js", `routerAdd("GET", "/api/v", (e) => e.string(200, "v4"));`)
	waitBody("/api/v", 200, "v4")
	waitBody("/api/w", 404, "")
	e.s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "y"}).Status(200).Contains(`"slug":""`)
}

// Collections from hooks: $app.save(new Collection(…)) creates one,
// findCollectionByNameOrId + save changes it, delete removes it; inside a
// transaction it is refused.
func TestCollectionsFromHooks(t *testing.T) {
	e := setup(t, map[string]string{"c.pb.js": `
routerAdd("POST", "/api/coll", (e) => {
	const c = new Collection({name: "notes", listRule: ""});
	c.fields.add(new TextField({name: "body"}));
	$app.save(c);
	const again = $app.findCollectionByNameOrId("notes");
	again.fields.add(new BoolField({name: "done"}));
	$app.save(again);
	let inTx = "";
	try { $app.runInTransaction((tx) => tx.save(new Collection({name: "nope"}))); } catch (err) { inTx = err.message; }
	e.json(200, {fields: $app.findCollectionByNameOrId("notes").fields.map((f) => f.name), inTx});
});
routerAdd("DELETE", "/api/coll", (e) => {
	$app.delete($app.findCollectionByNameOrId("notes"));
	e.noContent(204);
});
`}, func(c *jsvm.Config) {})
	e.s.Do("POST", "/api/coll", "", nil).Status(200).Contains(`"body"`, `"done"`, "inside a transaction")
	e.s.Do("GET", "/api/collections/notes/records", "", nil).Status(200)
	e.s.Do("DELETE", "/api/coll", "", nil).Status(204)
	e.s.Do("GET", "/api/collections/notes/records", "", nil).Status(404)
}

// With one runtime in the pool, a route whose $app.save fires JavaScript
// write and after-commit hooks (each needing a runtime while the route
// holds the only one) does not wait forever: the nested calls get extra
// runtimes.
func TestNestedCallsDoNotDeadlock(t *testing.T) {
	e := setup(t, map[string]string{"n.pb.js": `
onRecordCreate((e) => { e.record.set("slug", "from-write-hook"); e.next(); }, "posts");
onRecordAfterCreateSuccess((e) => { $app.save(new Record("logs", {msg: "after " + e.record.get("slug")})); e.next(); }, "posts");
routerAdd("POST", "/api/nested", (e) => {
	const r = new Record("posts", {title: "nested"});
	$app.save(r);
	e.json(200, {slug: $app.findRecordById("posts", r.id).get("slug")});
});
`}, func(c *jsvm.Config) { c.PoolSize = 1 })
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.s.Do("POST", "/api/nested", "", nil).Status(200).Contains(`"slug":"from-write-hook"`)
		}()
	}
	wg.Wait()
	if n := len(e.s.Do("GET", "/api/collections/logs/records", "", nil).Status(200).JSON()["items"].([]any)); n != 4 {
		t.Fatalf("after-commit hooks ran %d times, want 4", n)
	}
}

// require loads modules relative to the hooks directory (__hooks), once
// per runtime; a change of a required module reloads in --dev.
func TestRequire(t *testing.T) {
	e := setup(t, map[string]string{"main.pb.js": `
const utils = require(` + "`${__hooks}/lib/utils.js`" + `);
const cfg = require("lib/config.json");
routerAdd("GET", "/api/req", (e) => e.json(200, {slug: utils.slugify("Hello World"), same: require("lib/utils") === utils, name: cfg.name, v: utils.version}));
`,
		"lib/config.json": `{"name": "galley"}`,
		"lib/utils.js":    `module.exports = {slugify: (s) => s.toLowerCase().replaceAll(" ", "-"), version: 1};`,
	}, func(c *jsvm.Config) { c.Dev = true; c.PollInterval = 20 * time.Millisecond })
	deadline := time.Now().Add(10 * time.Second)
	for {
		res := e.s.Do("GET", "/api/req", "", nil)
		if res.Code == 200 && strings.Contains(string(res.Body), `"v":1`) {
			res.Contains(`"slug":"hello-world"`, `"same":true`, `"name":"galley"`)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("require: %d %s", res.Code, res.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.write(t, "lib/utils.js", `module.exports = {slugify: (s) => s, version: 2};`)
	for {
		res := e.s.Do("GET", "/api/req", "", nil)
		if strings.Contains(string(res.Body), `"v":2`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a changed module did not reload: %s", res.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Hooks for e2e/tests/hooks.test.mjs (run.mjs starts the server with
// --hooks-dir e2e/hooks). They touch only the e2e_hk_* collections, which
// that test creates and drops.

routerAdd("GET", "/api/e2e/hello/{name}", (e) => {
    e.json(200, {hello: e.request.pathValue("name"), auth: e.auth ? e.auth.email() : null});
});

routerAdd("GET", "/api/e2e/me", (e) => e.json(200, {id: e.auth.id}), $apis.requireAuth());

onRecordCreateRequest((e) => {
    const title = e.record.get("title");
    if (title.includes("forbidden")) {
        throw new BadRequestError("The title may not say forbidden.");
    }
    e.record.set("slug", title.toLowerCase().replaceAll(" ", "-"));
    e.next();
}, "e2e_hk_items");

onRecordAfterCreateSuccess((e) => {
    $app.save(new Record("e2e_hk_log", {msg: "created " + e.record.id}));
    e.next();
}, "e2e_hk_items");

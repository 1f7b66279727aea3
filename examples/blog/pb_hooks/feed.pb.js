/// <reference path="../pb_data/types.d.ts" />
// GET /feed.xml — the latest 20 published posts as RSS 2.0.

routerAdd("GET", "/feed.xml", (e) => {
    // XML text: the five special characters escaped, and the control
    // characters XML 1.0 cannot hold at all dropped.
    const x = (s) => String(s ?? "")
        .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
        .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;").replace(/'/g, "&apos;");
    const rfc822 = (d) => new Date(String(d).replace(" ", "T")).toUTCString();
    const proto = e.request.header.get("X-Forwarded-Proto") === "https" ? "https" : "http";
    const site = `${proto}://${e.request.host}`;

    const posts = $app.findRecordsByFilter("posts", 'status = "published"', "-created", 20, 0);
    const items = posts.map((p) => {
        const link = `${site}/post.html?id=${p.id}`;
        let author = "";
        try {
            author = $app.findRecordById("users", p.getString("author")).getString("name");
        } catch (err) { /* deleted author */ }
        const body = p.getString("body");
        const summary = body.length > 300 ? body.slice(0, 300) + "…" : body;
        return [
            "<item>",
            `<title>${x(p.getString("title"))}</title>`,
            `<link>${x(link)}</link>`,
            `<guid isPermaLink="true">${x(link)}</guid>`,
            `<pubDate>${rfc822(p.getString("created"))}</pubDate>`,
            author ? `<dc:creator>${x(author)}</dc:creator>` : "",
            ...p.getStringSlice("tags").map((t) => `<category>${x(t)}</category>`),
            `<description>${x(summary)}</description>`,
            "</item>",
        ].filter(Boolean).join("\n");
    });
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>The Galley Blog</title>
<link>${x(site)}/</link>
<description>Posts from the Galley example blog</description>
${items.join("\n")}
</channel>
</rss>
`;
    e.response.header().set("Cache-Control", "public, max-age=60");
    return e.blob(200, "application/rss+xml; charset=utf-8", xml);
});

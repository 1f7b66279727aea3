/// <reference path="../pb_data/types.d.ts" />
// The blog's schema: posts (cover image, tags, draft/published) by users,
// comments that moderators can hide, one like per user per post, and a view
// with each published post's like count. Users get a "role": "moderator".
migrate((app) => {
    const users = app.findCollectionByNameOrId("_pb_users_auth_");
    users.fields.add(new SelectField({ name: "role", values: ["moderator"], maxSelect: 1 }));
    // Authors are public (name and avatar; emails stay hidden unless shown on purpose).
    users.listRule = "";
    users.viewRule = "";
    // Nobody makes themselves a moderator: only a superuser (or a migration) sets the role.
    users.createRule = "@request.body.role:isset = false";
    users.updateRule = "id = @request.auth.id && @request.body.role:isset = false";
    app.save(users);

    const autodates = [
        { name: "created", type: "autodate", onCreate: true, onUpdate: false },
        { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ];
    const MINE = "author = @request.auth.id";
    app.importCollections([
        {
            id: "blog_posts",
            name: "posts",
            type: "base",
            // Published posts are public; a draft is seen by its author only.
            listRule: 'status = "published" || ' + MINE,
            viewRule: 'status = "published" || ' + MINE,
            createRule: '@request.auth.id != "" && ' + MINE,
            // Only the author edits, and cannot give the post away.
            updateRule: MINE + " && (@request.body.author:isset = false || @request.body.author = @request.auth.id)",
            deleteRule: MINE,
            fields: [
                { name: "title", type: "text", required: true, max: 200 },
                { name: "body", type: "text", max: 50000 },
                {
                    name: "cover", type: "file", maxSelect: 1, maxSize: 5242880,
                    mimeTypes: ["image/jpeg", "image/png", "image/webp", "image/gif"],
                    thumbs: ["1200x500", "480x270"],
                },
                { name: "tags", type: "select", maxSelect: 5, values: ["news", "howto", "go", "javascript", "databases", "design"] },
                { name: "status", type: "select", required: true, maxSelect: 1, values: ["draft", "published"] },
                { name: "author", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1, required: true },
                ...autodates,
            ],
            indexes: [
                "CREATE INDEX idx_posts_status_created ON posts (status, created)",
                "CREATE INDEX idx_posts_author ON posts (author)",
            ],
        },
        {
            id: "blog_comments",
            name: "comments",
            type: "base",
            // Comments of published posts; a hidden one only to its author and moderators.
            listRule: 'post.status = "published" && (hidden = false || author = @request.auth.id || @request.auth.role = "moderator")',
            viewRule: 'post.status = "published" && (hidden = false || author = @request.auth.id || @request.auth.role = "moderator")',
            createRule: '@request.auth.id != "" && ' + MINE + ' && post.status = "published" && @request.body.hidden:isset = false',
            // Moderators hide and show comments; they change nothing else.
            updateRule: '@request.auth.role = "moderator" && @request.body.body:isset = false && @request.body.author:isset = false && @request.body.post:isset = false',
            deleteRule: MINE + ' || @request.auth.role = "moderator"',
            fields: [
                { name: "post", type: "relation", collectionId: "blog_posts", maxSelect: 1, required: true, cascadeDelete: true },
                { name: "author", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1, required: true, cascadeDelete: true },
                { name: "body", type: "text", required: true, max: 2000 },
                { name: "hidden", type: "bool" },
                ...autodates,
            ],
            indexes: ["CREATE INDEX idx_comments_post ON comments (post, created)"],
        },
        {
            id: "blog_likes",
            name: "likes",
            type: "base",
            listRule: "user = @request.auth.id",
            viewRule: "user = @request.auth.id",
            createRule: '@request.auth.id != "" && user = @request.auth.id && post.status = "published"',
            deleteRule: "user = @request.auth.id",
            fields: [
                { name: "post", type: "relation", collectionId: "blog_posts", maxSelect: 1, required: true, cascadeDelete: true },
                { name: "user", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1, required: true, cascadeDelete: true },
                ...autodates,
            ],
            // One like per user per post.
            indexes: ["CREATE UNIQUE INDEX idx_likes_post_user ON likes (post, user)"],
        },
        {
            id: "blog_post_stats",
            name: "post_stats",
            type: "view",
            listRule: "",
            viewRule: "",
            viewQuery: "SELECT p.id AS id, (SELECT COUNT(*) FROM likes l WHERE l.post = p.id) AS likes FROM posts p WHERE p.status = 'published'",
        },
    ], false);
}, (app) => {
    for (const name of ["post_stats", "likes", "comments", "posts"]) {
        try { app.delete(app.findCollectionByNameOrId(name)); } catch (err) { if (err.status !== 404) throw err; }
    }
    const users = app.findCollectionByNameOrId("_pb_users_auth_");
    users.fields.removeByName("role");
    users.listRule = "id = @request.auth.id";
    users.viewRule = "id = @request.auth.id";
    users.createRule = "";
    users.updateRule = "id = @request.auth.id";
    app.save(users);
});

/// <reference path="../pb_data/types.d.ts" />
// The shop's schema: categories, products (with photos), a cart per user,
// orders (pending → paid → shipped), the payment events seen by the webhook,
// and the shop's settings. Plus a "role" on users:
// "admin" ships orders and manages the catalogue.
const ADMIN = '@request.auth.role = "admin"';

migrate((app) => {
    const users = app.findCollectionByNameOrId("_pb_users_auth_");
    users.fields.add(new SelectField({ name: "role", values: ["admin"], maxSelect: 1 }));
    // Nobody gives themselves a role: only a superuser (or a migration) sets it.
    users.createRule = '@request.body.role:isset = false';
    users.updateRule = 'id = @request.auth.id && @request.body.role:isset = false';
    app.save(users);

    const autodates = [
        { name: "created", type: "autodate", onCreate: true, onUpdate: false },
        { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ];
    app.importCollections([
        {
            id: "shop_categories",
            name: "categories",
            type: "base",
            listRule: "", viewRule: "", createRule: ADMIN, updateRule: ADMIN, deleteRule: ADMIN,
            fields: [
                { name: "name", type: "text", required: true, max: 60 },
                { name: "slug", type: "text", required: true, max: 60, pattern: "^[a-z0-9-]+$" },
                ...autodates,
            ],
            indexes: ["CREATE UNIQUE INDEX idx_categories_slug ON categories (slug)"],
        },
        {
            id: "shop_products",
            name: "products",
            type: "base",
            listRule: "", viewRule: "", createRule: ADMIN, updateRule: ADMIN, deleteRule: ADMIN,
            fields: [
                { name: "name", type: "text", required: true, max: 120 },
                { name: "description", type: "text", max: 2000 },
                // Prices are whole cents: no rounding anywhere.
                { name: "price", type: "number", required: true, min: 1, onlyInt: true },
                { name: "stock", type: "number", min: 0, onlyInt: true },
                { name: "category", type: "relation", collectionId: "shop_categories", maxSelect: 1 },
                {
                    name: "photo", type: "file", maxSelect: 1, maxSize: 5242880,
                    mimeTypes: ["image/jpeg", "image/png", "image/webp"],
                    thumbs: ["400x300", "96x96"],
                },
                ...autodates,
            ],
            indexes: [
                "CREATE INDEX idx_products_category ON products (category)",
                "CREATE INDEX idx_products_price ON products (price)",
            ],
        },
        {
            id: "shop_cart_items",
            name: "cart_items",
            type: "base",
            listRule: "user = @request.auth.id",
            viewRule: "user = @request.auth.id",
            createRule: '@request.auth.id != "" && user = @request.auth.id',
            updateRule: "user = @request.auth.id && (@request.body.user:isset = false || @request.body.user = @request.auth.id)",
            deleteRule: "user = @request.auth.id",
            fields: [
                { name: "user", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1, required: true, cascadeDelete: true },
                { name: "product", type: "relation", collectionId: "shop_products", maxSelect: 1, required: true, cascadeDelete: true },
                { name: "quantity", type: "number", required: true, min: 1, max: 99, onlyInt: true },
                ...autodates,
            ],
            // One line per product in a cart: adding it again changes the quantity.
            indexes: ["CREATE UNIQUE INDEX idx_cart_user_product ON cart_items (user, product)"],
        },
        {
            id: "shop_orders",
            name: "orders",
            type: "base",
            listRule: 'user = @request.auth.id || ' + ADMIN,
            viewRule: 'user = @request.auth.id || ' + ADMIN,
            createRule: null, // only POST /api/shop/checkout makes orders
            // Only an admin ships, and only a paid order; nothing else changes.
            updateRule: ADMIN + ' && status = "paid" && @request.body.status = "shipped"' +
                ' && @request.body.user:isset = false && @request.body.items:isset = false' +
                ' && @request.body.total:isset = false && @request.body.paymentRef:isset = false',
            deleteRule: null,
            fields: [
                { name: "user", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1, required: true },
                { name: "status", type: "select", values: ["pending", "paid", "shipped"], maxSelect: 1, required: true },
                { name: "total", type: "number", min: 0, onlyInt: true },
                // What was bought at which price: [{product, name, price, quantity}].
                { name: "items", type: "json", maxSize: 100000 },
                { name: "paymentRef", type: "text", max: 100 },
                ...autodates,
            ],
            indexes: ["CREATE INDEX idx_orders_user ON orders (user)", "CREATE INDEX idx_orders_status ON orders (status)"],
        },
        {
            id: "shop_webhook_events",
            name: "webhook_events",
            type: "base",
            // No rules: superusers only. The webhook route writes here.
            fields: [
                { name: "eventId", type: "text", required: true, max: 100 },
                { name: "type", type: "text", max: 60 },
                { name: "order", type: "relation", collectionId: "shop_orders", maxSelect: 1 },
                ...autodates,
            ],
            indexes: ["CREATE UNIQUE INDEX idx_webhook_events_event ON webhook_events (eventId)"],
        },
        {
            id: "shop_settings",
            name: "shop_settings",
            type: "base",
            // Superusers only: webhook_secret, payment_url. The env var
            // SHOP_WEBHOOK_SECRET is used when webhook_secret is not set.
            fields: [
                { name: "key", type: "text", required: true, max: 60 },
                { name: "value", type: "text", max: 2000 },
            ],
            indexes: ["CREATE UNIQUE INDEX idx_shop_settings_key ON shop_settings (key)"],
        },
    ], false);
}, (app) => {
    for (const name of ["shop_settings", "webhook_events", "orders", "cart_items", "products", "categories"]) {
        try { app.delete(app.findCollectionByNameOrId(name)); } catch (err) { if (err.status !== 404) throw err; }
    }
    const users = app.findCollectionByNameOrId("_pb_users_auth_");
    users.fields.removeByName("role");
    users.createRule = "";
    users.updateRule = "id = @request.auth.id";
    app.save(users);
});

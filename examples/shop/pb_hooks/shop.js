// Helpers for the shop's hooks (a CommonJS module: handlers load it with
// require(`${__hooks}/shop.js`), as PocketBase's hooks do).

/** A shop setting (shop_settings collection, superusers only), or fallback. */
function setting(app, key, fallback) {
    try {
        const r = app.findFirstRecordByFilter("shop_settings", "key = {:key}", { key });
        const v = r.getString("value");
        if (v !== "") return v;
    } catch (err) {
        if (err.status !== 404) throw err;
    }
    return fallback;
}

/** The webhook secret: shop_settings.webhook_secret, else $SHOP_WEBHOOK_SECRET. */
function webhookSecret(app) {
    const s = setting(app, "webhook_secret", $os.getenv("SHOP_WEBHOOK_SECRET"));
    if (!s) throw new InternalServerError("The shop has no webhook secret: set SHOP_WEBHOOK_SECRET or shop_settings.webhook_secret.");
    return s;
}

/** Money as the pages show it: cents → "€12.50". */
function money(cents) {
    return "€" + (cents / 100).toFixed(2);
}

/** Escapes text for HTML mail bodies. */
function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * Checks the X-Shop-Signature header, "t=<unix seconds>,v1=<hex HMAC-SHA256>",
 * over "<t>.<raw body>" with the webhook secret, and that t is within
 * 5 minutes of now. Throws 401 otherwise. raw is the body exactly as it was
 * sent: toString(e.request.body).
 */
function verifySignature(app, header, raw) {
    const parts = {};
    for (const kv of String(header || "").split(",")) {
        const i = kv.indexOf("=");
        if (i > 0) parts[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
    }
    if (!parts.t || !parts.v1) throw new UnauthorizedError("Missing or malformed X-Shop-Signature header.");
    const t = Number(parts.t);
    if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) {
        throw new UnauthorizedError("The signature's timestamp is too old or in the future.");
    }
    const expected = $security.hs256(parts.t + "." + raw, webhookSecret(app));
    if (!$security.equal(parts.v1, expected)) throw new UnauthorizedError("Invalid signature.");
}

/** Sends the order confirmation; failures are logged, never thrown. */
function sendConfirmation(app, order) {
    try {
        const user = app.findRecordById("users", order.getString("user"));
        const rows = (order.get("items") || []).map((it) =>
            `<tr><td>${esc(it.name)}</td><td>${it.quantity}</td><td>${money(it.price * it.quantity)}</td></tr>`).join("");
        app.newMailClient().send(new MailerMessage({
            to: [{ address: user.email() }],
            subject: `Order ${order.id} is paid`,
            html: `<p>Thank you! We received your payment of ${money(order.getInt("total"))} for order ${order.id}.</p>` +
                `<table><tr><th>Item</th><th>Qty</th><th>Amount</th></tr>${rows}</table>` +
                `<p>We will mail you again when it ships.</p>`,
            text: `Thank you! We received your payment of ${money(order.getInt("total"))} for order ${order.id}.`,
        }));
    } catch (err) {
        console.error("order confirmation mail failed", order.id, String(err));
    }
}

module.exports = { setting, webhookSecret, money, verifySignature, sendConfirmation };

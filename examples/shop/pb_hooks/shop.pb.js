/// <reference path="../pb_data/types.d.ts" />
// The shop's server side: checkout, paying an order, and the payment
// provider's webhook. Everything else (catalogue, cart, order list, shipping)
// is the REST API under the collections' rules.

// POST /api/shop/checkout — turns the caller's cart into a pending order, in
// one transaction: prices come from the products (never from the request),
// stock is taken and never goes below zero, the cart is emptied. Galley runs
// $app.runInTransaction blocks one at a time (on every database and node), so
// two checkouts never both read "1 left": no lock of our own is needed.
routerAdd("POST", "/api/shop/checkout", (e) => {
    const shop = require(`${__hooks}/shop.js`);
    const uid = e.auth.id;
    let orderId = "";
    $app.runInTransaction((tx) => {
        const lines = tx.findRecordsByFilter("cart_items", "user = {:uid}", "created", 100, 0, { uid });
        if (lines.length === 0) throw new BadRequestError("Your cart is empty.");
        const items = [];
        let total = 0;
        for (const line of lines) {
            const quantity = line.getInt("quantity");
            if (quantity < 1) throw new BadRequestError("Quantities must be at least 1.");
            const product = tx.findRecordById("products", line.getString("product"));
            const stock = product.getInt("stock");
            if (stock < quantity) {
                throw new BadRequestError(stock === 0
                    ? `Sorry, "${product.getString("name")}" is sold out.`
                    : `Sorry, only ${stock} of "${product.getString("name")}" left.`,
                { product: { code: "out_of_stock", message: `${stock} left` } });
            }
            product.set("stock", stock - quantity);
            tx.save(product);
            const price = product.getInt("price");
            total += price * quantity;
            items.push({ product: product.id, name: product.getString("name"), price, quantity });
            tx.delete(line);
        }
        const order = new Record("orders", { user: uid, status: "pending", total, items });
        tx.save(order);
        orderId = order.id;
    });
    return e.json(200, $app.findRecordById("orders", orderId));
}, $apis.requireAuth("users"));

// POST /api/shop/orders/{id}/pay — where to send the buyer to pay: the
// payment provider's page for this order and amount.
routerAdd("POST", "/api/shop/orders/{id}/pay", (e) => {
    const shop = require(`${__hooks}/shop.js`);
    let order;
    try {
        order = $app.findRecordById("orders", e.request.pathValue("id"));
    } catch (err) {
        throw new NotFoundError("There is no such order.");
    }
    if (order.getString("user") !== e.auth.id) {
        throw new ForbiddenError("You can only pay for your own orders.");
    }
    if (order.getString("status") !== "pending") {
        throw new BadRequestError("This order is already paid.");
    }
    const provider = shop.setting($app, "payment_url", $os.getenv("SHOP_PAYMENT_URL"));
    if (!provider) throw new BadRequestError("Payments are not set up: the shop has no payment_url.");
    const back = (e.requestInfo().body || {}).returnUrl || "";
    const q = `order=${encodeURIComponent(order.id)}&amount=${order.getInt("total")}&currency=EUR&return=${encodeURIComponent(back)}`;
    return e.json(200, { url: provider + (provider.includes("?") ? "&" : "?") + q });
}, $apis.requireAuth("users"));

// POST /api/shop/webhook — the payment provider tells us an order was paid.
// Signed with HMAC-SHA256 (see shop.js verifySignature); each event id is
// applied once: a second delivery of a known event is refused with 409.
routerAdd("POST", "/api/shop/webhook", (e) => {
    const shop = require(`${__hooks}/shop.js`);
    // The signature covers the body's bytes as they were sent.
    shop.verifySignature($app, e.request.header.get("X-Shop-Signature"), toString(e.request.body));
    const evt = e.requestInfo().body;
    if (typeof evt.id !== "string" || evt.id === "" || typeof evt.type !== "string" || !evt.data || typeof evt.data.order !== "string") {
        throw new BadRequestError("An event needs id, type and data.order.");
    }
    let paid = null;
    let conflict = ""; // answered 409 after the transaction (see below)
    $app.runInTransaction((tx) => {
        if (tx.findRecordsByFilter("webhook_events", "eventId = {:id}", "", 1, 0, { id: evt.id }).length > 0) {
            conflict = `Event ${evt.id} was already processed.`;
            return;
        }
        let order;
        try {
            order = tx.findRecordById("orders", evt.data.order);
        } catch (err) {
            throw new NotFoundError(`No order ${evt.data.order}.`);
        }
        if (evt.type === "payment.succeeded") {
            if (order.getString("status") !== "pending") {
                conflict = `Order ${order.id} is already ${order.getString("status")}.`;
                return;
            }
            if (evt.data.amount !== order.getInt("total")) {
                throw new BadRequestError(`The amount ${evt.data.amount} does not match the order's total ${order.getInt("total")}.`);
            }
            order.set("status", "paid");
            order.set("paymentRef", evt.id);
            tx.save(order);
            paid = order;
        }
        tx.save(new Record("webhook_events", { eventId: evt.id, type: evt.type, order: order.id }));
    });
    // A known event is refused with 409 Conflict. (Answered here rather than
    // thrown as ApiError(409) inside the transaction: Galley maps statuses it
    // has no error code for, such as 409, to 400.)
    if (conflict) return e.json(409, { status: 409, message: conflict, data: {} });
    if (paid) shop.sendConfirmation($app, paid); // after the commit
    return e.json(200, { received: evt.id });
});

// Orders are made by the checkout only; a shipped order mails its buyer.
onRecordAfterUpdateSuccess((e) => {
    e.next();
    if (e.record.getString("status") !== "shipped") return;
    try {
        const user = $app.findRecordById("users", e.record.getString("user"));
        $app.newMailClient().send(new MailerMessage({
            to: [{ address: user.email() }],
            subject: `Order ${e.record.id} has shipped`,
            html: `<p>Your order ${e.record.id} is on its way.</p>`,
            text: `Your order ${e.record.id} is on its way.`,
        }));
    } catch (err) {
        console.error("shipping mail failed", e.record.id, String(err));
    }
}, "orders");

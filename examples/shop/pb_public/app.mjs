// Galley Goods: the shop's front end. Plain ES modules, the pocketbase SDK,
// hash routes: #/ (catalogue), #/cart, #/orders, #/order/<id>, #/login.
import PocketBase from '/vendor/pocketbase.es.mjs';

const pb = new PocketBase(location.origin);
pb.autoCancellation(false);
const $ = (sel) => document.querySelector(sel);
const view = $('#view');

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const money = (cents) => `€${(cents / 100).toFixed(2)}`;
const me = () => (pb.authStore.isValid ? pb.authStore.record : null);
const isAdmin = () => me()?.role === 'admin';

/** The message of an API error, with the fields it names ("quantity: Must be greater or equal than 1."). */
function explain(err) {
  const data = err?.response?.data ?? {};
  const fields = Object.entries(data).filter(([, v]) => v && v.message).map(([k, v]) => `${k}: ${v.message}`);
  const msg = err?.response?.message || err?.message || String(err);
  return fields.length && !/out_of_stock/.test(JSON.stringify(data)) ? `${msg} ${fields.join(' ')}` : msg;
}
function showError(text) {
  $('#notice').hidden = true;
  $('#message').textContent = text;
  $('#message').hidden = false;
}
function showNotice(text) {
  $('#message').hidden = true;
  $('#notice').textContent = text;
  $('#notice').hidden = false;
}
function clearMessages() {
  $('#message').hidden = true;
  $('#notice').hidden = true;
}

function renderNav() {
  const u = me();
  $('#who').textContent = u ? `${u.email}${u.role === 'admin' ? ' (admin)' : ''}` : '';
  $('#nav-login').hidden = !!u;
  $('#logout').hidden = !u;
  $('#nav-orders').hidden = !u;
  $('#nav-orders').textContent = isAdmin() ? 'All orders' : 'My orders';
}

// Each route() gets a number; a view whose data arrives after a newer route
// started throws Stale instead of rendering over the newer one.
let routeSeq = 0;
class Stale extends Error {}
function current(seq) {
  if (seq !== routeSeq) throw new Stale();
}

async function refreshCartCount() {
  if (!me()) { $('#nav-cart').textContent = 'Cart'; return; }
  const list = await pb.collection('cart_items').getList(1, 1, { fields: 'id' }).catch(() => null);
  $('#nav-cart').textContent = list && list.totalItems ? `Cart (${list.totalItems})` : 'Cart';
}

// ---------- catalogue ----------
async function catalogue(params, seq) {
  const categories = await pb.collection('categories').getFullList({ sort: 'name' });
  const category = params.get('category') ?? '';
  const sort = params.get('sort') ?? 'name';
  const q = params.get('q') ?? '';
  const filters = [];
  const args = {};
  if (category) { filters.push('category.slug = {:category}'); args.category = category; }
  if (q) { filters.push('name ~ {:q}'); args.q = q; }
  if (params.get('instock') === '1') filters.push('stock > 0');
  const products = await pb.collection('products').getList(1, 60, {
    filter: pb.filter(filters.join(' && '), args), sort, expand: 'category',
  });
  const sorts = [['name', 'Name'], ['price', 'Price: low to high'], ['-price', 'Price: high to low'], ['-created', 'Newest']];
  current(seq);
  view.innerHTML = `
    <h1>Catalogue</h1>
    <form class="toolbar" id="filters" role="search" aria-label="Filter products">
      <div><label for="f-q">Search</label><input id="f-q" name="q" type="search" value="${esc(q)}" placeholder="kettle, pen…"></div>
      <div><label for="f-category">Category</label>
        <select id="f-category" name="category"><option value="">All categories</option>
          ${categories.map((c) => `<option value="${esc(c.slug)}" ${c.slug === category ? 'selected' : ''}>${esc(c.name)}</option>`).join('')}
        </select></div>
      <div><label for="f-sort">Sort by</label>
        <select id="f-sort" name="sort">${sorts.map(([v, t]) => `<option value="${v}" ${v === sort ? 'selected' : ''}>${t}</option>`).join('')}</select></div>
      <div><label><input type="checkbox" name="instock" value="1" ${params.get('instock') === '1' ? 'checked' : ''}> In stock only</label></div>
      <div><button type="submit" class="secondary">Apply</button></div>
    </form>
    <p class="muted" id="count">${products.totalItems} product${products.totalItems === 1 ? '' : 's'}</p>
    <ul class="grid" aria-label="Products">
      ${products.items.map((p) => `
        <li class="card" aria-label="${esc(p.name)}">
          ${p.photo ? `<img src="${pb.files.getURL(p, p.photo, { thumb: '400x300' })}" alt="Photo of ${esc(p.name)}">` : '<div class="nophoto" aria-hidden="true"></div>'}
          <div class="body">
            <h2>${esc(p.name)}</h2>
            <p>${esc(p.description)}</p>
            <div class="row"><span class="price">${money(p.price)}</span>
              <span class="stock ${p.stock === 0 ? 'out' : p.stock <= 5 ? 'low' : ''}">${p.stock === 0 ? 'Sold out' : p.stock <= 5 ? `Only ${p.stock} left` : `${p.stock} in stock`}</span></div>
            <button type="button" data-add="${esc(p.id)}" aria-label="Add ${esc(p.name)} to cart" ${p.stock === 0 ? 'disabled' : ''}>Add to cart</button>
          </div>
        </li>`).join('')}
    </ul>`;
  const form = $('#filters');
  const apply = (e) => {
    e?.preventDefault();
    const fd = new FormData(form);
    const next = new URLSearchParams();
    for (const [k, v] of fd) if (v) next.set(k, v);
    location.hash = `#/?${next}`;
  };
  form.addEventListener('submit', apply);
  form.querySelectorAll('select, input[type=checkbox]').forEach((el) => el.addEventListener('change', apply));
  view.querySelectorAll('[data-add]').forEach((b) => b.addEventListener('click', () => addToCart(b.dataset.add, b)));
}

async function addToCart(productId, button) {
  if (!me()) { showError('Sign in to add items to your cart.'); return; }
  button.disabled = true;
  try {
    const existing = await pb.collection('cart_items').getList(1, 1, { filter: pb.filter('product = {:p}', { p: productId }) });
    const name = button.closest('.card')?.querySelector('h2')?.textContent ?? 'Item';
    if (existing.items.length) {
      await pb.collection('cart_items').update(existing.items[0].id, { 'quantity+': 1 });
    } else {
      await pb.collection('cart_items').create({ user: me().id, product: productId, quantity: 1 });
    }
    showNotice(`${name} is in your cart.`);
    await refreshCartCount();
  } catch (err) {
    showError(`Could not add it to your cart: ${explain(err)}`);
  } finally {
    button.disabled = false;
  }
}

// ---------- cart ----------
async function cart(seq) {
  if (!me()) { view.innerHTML = '<h1>Your cart</h1><p>Please <a href="#/login">sign in</a> to use your cart.</p>'; return; }
  const items = await pb.collection('cart_items').getFullList({ expand: 'product', sort: 'created' });
  current(seq);
  if (!items.length) { view.innerHTML = '<h1>Your cart</h1><p>Your cart is empty. <a href="#/">Browse the catalogue</a>.</p>'; return; }
  const total = items.reduce((s, it) => s + (it.expand?.product?.price ?? 0) * it.quantity, 0);
  current(seq);
  view.innerHTML = `
    <h1>Your cart</h1>
    <table aria-label="Cart">
      <thead><tr><th>Product</th><th class="num">Price</th><th>Quantity</th><th class="num">Subtotal</th><th><span class="muted">Actions</span></th></tr></thead>
      <tbody>${items.map((it) => {
        const p = it.expand?.product ?? {};
        return `<tr>
          <td>${p.photo ? `<img class="thumb" alt="" src="${pb.files.getURL(p, p.photo, { thumb: '96x96' })}">` : ''} ${esc(p.name)}</td>
          <td class="num">${money(p.price)}</td>
          <td><form class="qty-form" data-id="${esc(it.id)}" data-name="${esc(p.name)}" novalidate>
            <label for="q-${esc(it.id)}" class="sr-only">Quantity of ${esc(p.name)}</label>
            <input class="qty" id="q-${esc(it.id)}" name="quantity" type="number" step="1" value="${it.quantity}">
            <button type="submit" class="secondary" aria-label="Update quantity of ${esc(p.name)}">Update</button></form></td>
          <td class="num">${money(p.price * it.quantity)}</td>
          <td><button type="button" class="link" data-remove="${esc(it.id)}" aria-label="Remove ${esc(p.name)}">Remove</button></td>
        </tr>`;
      }).join('')}</tbody>
    </table>
    <p class="total">Total: ${money(total)}</p>
    <p class="muted" style="text-align:right">Prices are checked again when you check out.</p>
    <div class="actions"><button type="button" id="checkout">Check out</button></div>`;
  view.querySelectorAll('.qty-form').forEach((f) => f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const raw = f.quantity.value.trim();
    try {
      await pb.collection('cart_items').update(f.dataset.id, { quantity: raw === '' ? null : Number(raw) });
      await route();
      showNotice(`Updated the quantity of ${f.dataset.name}.`);
    } catch (err) {
      showError(`Could not change the quantity of ${f.dataset.name}: ${err?.response?.data?.quantity?.message ?? explain(err)}`);
    }
  }));
  view.querySelectorAll('[data-remove]').forEach((b) => b.addEventListener('click', async () => {
    await pb.collection('cart_items').delete(b.dataset.remove);
    await route();
  }));
  $('#checkout').addEventListener('click', async (e) => {
    e.target.disabled = true;
    try {
      const order = await pb.send('/api/shop/checkout', { method: 'POST' });
      flash = 'Thank you! Your order is placed. Pay for it below.';
      location.hash = `#/order/${order.id}`;
    } catch (err) {
      showError(`Checkout failed: ${explain(err)}`);
      e.target.disabled = false;
      await refreshCartCount();
    }
  });
}

// ---------- orders ----------
const badge = (s) => `<span class="badge ${esc(s)}">${esc(s[0].toUpperCase() + s.slice(1))}</span>`;
const when = (d) => new Date(d.replace(' ', 'T')).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

async function orders(seq) {
  if (!me()) { view.innerHTML = '<h1>Orders</h1><p>Please <a href="#/login">sign in</a>.</p>'; return; }
  const list = await pb.collection('orders').getList(1, 50, { sort: '-created', expand: 'user' });
  const admin = isAdmin();
  current(seq);
  view.innerHTML = `
    <h1>${admin ? 'All orders' : 'My orders'}</h1>
    ${list.items.length === 0 ? '<p>No orders yet.</p>' : `
    <table aria-label="Orders">
      <thead><tr><th>Order</th><th>Date</th>${admin ? '<th>Buyer</th>' : ''}<th>Items</th><th class="num">Total</th><th>Status</th><th><span class="muted">Actions</span></th></tr></thead>
      <tbody>${list.items.map((o) => `<tr>
        <td><a href="#/order/${esc(o.id)}">${esc(o.id)}</a></td><td>${when(o.created)}</td>
        ${admin ? `<td>${esc(o.expand?.user?.email ?? o.user)}</td>` : ''}
        <td>${(o.items ?? []).map((i) => `${i.quantity} × ${esc(i.name)}`).join(', ')}</td>
        <td class="num">${money(o.total)}</td><td>${badge(o.status)}</td>
        <td>${admin && o.status === 'paid' ? `<button type="button" data-ship="${esc(o.id)}" aria-label="Mark order ${esc(o.id)} as shipped">Mark as shipped</button>` : ''}
            ${!admin && o.status === 'pending' ? `<a class="button" href="#/order/${esc(o.id)}">Pay now</a>` : ''}</td>
      </tr>`).join('')}</tbody>
    </table>`}`;
  view.querySelectorAll('[data-ship]').forEach((b) => b.addEventListener('click', async () => {
    try {
      await pb.collection('orders').update(b.dataset.ship, { status: 'shipped' });
      await route();
      showNotice(`Order ${b.dataset.ship} is marked as shipped.`);
    } catch (err) {
      showError(`Could not ship order ${b.dataset.ship}: ${explain(err)}`);
    }
  }));
}

async function order(id, seq) {
  let o;
  try {
    o = await pb.collection('orders').getOne(id);
  } catch (err) {
    current(seq);
    view.innerHTML = '<h1>Order</h1><p>Nothing to show.</p>';
    showError(err.status === 404 ? "This order doesn't exist or isn't yours." : explain(err));
    return;
  }
  current(seq);
  view.innerHTML = `
    <h1>Order ${esc(o.id)} ${badge(o.status)}</h1>
    <p class="muted">Placed ${when(o.created)}</p>
    <table aria-label="Order items">
      <thead><tr><th>Product</th><th class="num">Price</th><th class="num">Quantity</th><th class="num">Subtotal</th></tr></thead>
      <tbody>${(o.items ?? []).map((i) => `<tr><td>${esc(i.name)}</td><td class="num">${money(i.price)}</td><td class="num">${i.quantity}</td><td class="num">${money(i.price * i.quantity)}</td></tr>`).join('')}</tbody>
    </table>
    <p class="total">Total: ${money(o.total)}</p>
    <div class="actions">
      ${o.status === 'pending' && o.user === me()?.id ? '<button type="button" id="pay">Pay now</button>' : ''}
      ${o.status === 'paid' ? '<p>Paid — we are packing it. You will get a mail when it ships.</p>' : ''}
      ${o.status === 'shipped' ? '<p>Shipped — it is on its way.</p>' : ''}
    </div>`;
  $('#pay')?.addEventListener('click', async (e) => {
    e.target.disabled = true;
    try {
      const { url } = await pb.send(`/api/shop/orders/${encodeURIComponent(o.id)}/pay`, {
        method: 'POST', body: { returnUrl: `${location.origin}/#/order/${o.id}` },
      });
      location.href = url;
    } catch (err) {
      showError(`Payment could not start: ${explain(err)}`);
      e.target.disabled = false;
    }
  });
}

// ---------- sign in ----------
function login(seq) {
  current(seq);
  view.innerHTML = `
    <h1>Sign in</h1>
    <div class="forms">
      <section class="panel" aria-labelledby="h-in"><h2 id="h-in">I have an account</h2>
        <form id="signin"><label for="in-email">Email</label><input id="in-email" name="email" type="email" autocomplete="username" required>
          <label for="in-password">Password</label><input id="in-password" name="password" type="password" autocomplete="current-password" required>
          <button type="submit">Sign in</button></form></section>
      <section class="panel" aria-labelledby="h-up"><h2 id="h-up">I am new here</h2>
        <form id="signup"><label for="up-email">Email</label><input id="up-email" name="email" type="email" autocomplete="username" required>
          <label for="up-password">Password</label><input id="up-password" name="password" type="password" autocomplete="new-password" minlength="8" required>
          <button type="submit">Create account</button></form></section>
    </div>`;
  $('#signin').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await pb.collection('users').authWithPassword(e.target.email.value, e.target.password.value);
      location.hash = '#/';
    } catch (err) {
      showError(err.status === 400 ? 'Wrong email or password.' : explain(err));
    }
  });
  $('#signup').addEventListener('submit', async (e) => {
    e.preventDefault();
    const { email, password } = e.target;
    try {
      await pb.collection('users').create({ email: email.value, password: password.value, passwordConfirm: password.value });
      await pb.collection('users').authWithPassword(email.value, password.value);
      location.hash = '#/';
    } catch (err) {
      showError(`Could not create the account: ${explain(err)}`);
    }
  });
}

// ---------- router ----------
async function route() {
  const seq = ++routeSeq;
  renderNav();
  view.setAttribute('aria-busy', 'true');
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query ?? '');
  try {
    if (path === '/cart') await cart(seq);
    else if (path === '/orders') await orders(seq);
    else if (path.startsWith('/order/')) await order(decodeURIComponent(path.slice(7)), seq);
    else if (path === '/login') login(seq);
    else await catalogue(params, seq);
    await refreshCartCount();
  } catch (err) {
    if (err instanceof Stale) return; // a newer route renders
    showError(explain(err));
  }
  view.setAttribute('aria-busy', 'false');
  view.dataset.route = location.hash; // what is shown (tests wait for it)
}

let flash = ''; // a notice to show after the next route change
window.addEventListener('hashchange', async () => {
  clearMessages();
  await route();
  if (flash) { showNotice(flash); flash = ''; }
});
$('#logout').addEventListener('click', () => { pb.authStore.clear(); location.hash = '#/'; route(); });
pb.authStore.onChange(renderNav);
route();

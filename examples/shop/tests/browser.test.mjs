// The shop in a real browser: a buyer browses, filters and sorts the
// catalogue, signs up, fills the cart (a negative quantity is refused in the
// page), checks out, pays on the pretend provider's page and gets a mail; an
// admin ships the order in a second browser context; a third user cannot see it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, uniqueEmail } from '../../lib.mjs';
import { setupShop } from './helpers.mjs';

let shop;
let browser;
before(async () => {
  shop = await setupShop();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await shop?.close();
});

/** Waits until the page shows a route whose hash contains part. */
const shown = (page, part) => page.waitForFunction((p) => (document.querySelector('main').dataset.route ?? '').includes(p), part);
const productNames = (page) => page.getByRole('list', { name: 'Products' }).getByRole('heading').allTextContents();

async function signUp(page, email, password) {
  await page.getByRole('link', { name: 'Sign in' }).click();
  const form = page.getByRole('region', { name: 'I am new here' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Create account' }).click();
  await page.getByText(email).waitFor();
}

async function signIn(page, email, password) {
  await page.getByRole('link', { name: 'Sign in' }).click();
  const form = page.getByRole('region', { name: 'I have an account' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(email).waitFor();
}

test('buy, pay, ship — and what the page refuses', async () => {
  const buyerEmail = uniqueEmail('browser-buyer');
  const { ctx: buyerCtx, page } = await newPage(browser, 'buyer', '/');
  await page.getByRole('heading', { name: 'Catalogue' }).waitFor();
  await page.getByRole('img', { name: 'Photo of Copper kettle' }).waitFor();

  // Filter and sort.
  await page.getByLabel('Category').selectOption({ label: 'Desk' });
  await page.getByText('3 products').waitFor();
  await page.getByLabel('Sort by').selectOption({ label: 'Price: high to low' });
  await shown(page, 'sort=-price');
  assert.deepEqual(await productNames(page), ['Desk lamp', 'Fountain pen', 'Dot-grid notebook']);
  await page.getByLabel('Category').selectOption({ label: 'All categories' });
  await shown(page, '#/?sort=-price');
  await page.getByLabel('Search').fill('seeds');
  await page.getByRole('button', { name: 'Apply' }).click();
  await shown(page, 'q=seeds');
  await page.getByText('1 product', { exact: true }).waitFor();
  assert.deepEqual(await productNames(page), ['Wildflower seeds']);

  // A guest is told to sign in.
  await page.getByRole('button', { name: 'Add Wildflower seeds to cart' }).click();
  await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'Sign in to add items to your cart.' }).waitFor());

  await signUp(page, buyerEmail, 'Buyer-Pass-123');
  await page.getByRole('img', { name: 'Photo of Fountain pen' }).waitFor();
  await page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
  await screenshot(page, 'readme');
  await page.getByLabel('Category').selectOption({ label: 'Desk' });
  await page.getByText('3 products').waitFor();
  await page.getByRole('button', { name: 'Add Dot-grid notebook to cart' }).click();
  await page.getByRole('status').filter({ hasText: 'Dot-grid notebook is in your cart.' }).waitFor();
  await page.getByRole('button', { name: 'Add Desk lamp to cart' }).click();
  await page.getByRole('link', { name: 'Cart (2)' }).waitFor();
  await screenshot(page, 'catalogue');

  // The cart: a negative quantity is refused with a message; a good one is taken.
  await page.getByRole('link', { name: 'Cart (2)' }).click();
  await page.getByRole('heading', { name: 'Your cart' }).waitFor();
  await page.getByLabel('Quantity of Dot-grid notebook', { exact: true }).fill('-2');
  await page.getByRole('button', { name: 'Update quantity of Dot-grid notebook' }).click();
  await page.getByRole('alert').filter({ hasText: 'Could not change the quantity of Dot-grid notebook: Must be greater or equal than 1.' }).waitFor();
  await screenshot(page, 'cart-refused');
  await page.getByLabel('Quantity of Dot-grid notebook', { exact: true }).fill('3');
  await page.getByRole('button', { name: 'Update quantity of Dot-grid notebook' }).click();
  await page.getByText('Total: €101.00').waitFor(); // 3 × 14.00 + 59.00
  await screenshot(page, 'cart');

  // Check out, then pay on the provider's page and come back.
  await page.getByRole('button', { name: 'Check out' }).click();
  await page.getByRole('status').filter({ hasText: 'Your order is placed' }).waitFor();
  await page.getByText('Pending', { exact: true }).waitFor();
  const orderId = page.url().split('/order/')[1];
  assert.match(orderId, /^[a-z0-9]{15}$/);
  await page.getByRole('button', { name: 'Pay now' }).click();
  await page.getByRole('heading', { name: /DemoPay/ }).waitFor();
  await screenshot(page, 'provider');
  await page.getByRole('button', { name: 'Pay €101.00' }).click();
  await page.getByRole('heading', { name: `Order ${orderId} Paid` }).waitFor();
  await shop.mailbox.waitFor(() => shop.mailbox.to(buyerEmail).length >= 1);
  assert.equal(shop.mailbox.to(buyerEmail)[0].subject, `Order ${orderId} is paid`);
  await screenshot(page, 'order-paid');

  // Someone else cannot open the order (a second browser context).
  const { ctx: otherCtx, page: other } = await newPage(browser, 'other', '/');
  await signUp(other, uniqueEmail('nosy'), 'Nosy-Pass-123');
  await other.goto(`${other.url().split('#')[0]}#/order/${orderId}`);
  await other.getByRole('alert').filter({ hasText: "This order doesn't exist or isn't yours." }).waitFor();
  await screenshot(other, 'order-refused');

  // The admin ships it (a third context), and the buyer sees that.
  const { ctx: adminCtx, page: admin } = await newPage(browser, 'admin', '/');
  await signIn(admin, shop.admin.email, shop.admin.password);
  await admin.getByRole('link', { name: 'All orders' }).click();
  await admin.getByRole('button', { name: `Mark order ${orderId} as shipped` }).click();
  await admin.getByRole('status').filter({ hasText: `Order ${orderId} is marked as shipped.` }).waitFor();
  await screenshot(admin, 'admin-orders');
  await page.reload();
  await page.getByRole('heading', { name: `Order ${orderId} Shipped` }).waitFor();
  await page.getByRole('link', { name: 'My orders' }).click();
  await page.getByRole('table', { name: 'Orders' }).getByText('Shipped').waitFor();
  await screenshot(page, 'orders');
  await Promise.all([buyerCtx.close(), otherCtx.close(), adminCtx.close()]);
});

// Helpers for the blog's browser tests (not a test file).

export const PASSWORD = 'Writer-Pass-123';

/** Waits until the page's script has finished rendering. */
export const ready = (page) => page.locator('body[data-ready="1"]').waitFor();

export async function signUp(page, name, email) {
  await page.getByRole('link', { name: 'Sign in', exact: true }).click();
  const form = page.getByRole('region', { name: 'I am new here' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** A cover image: a JPEG the browser draws. */
export async function coverPng(page, from = '#9a3412', to = '#fdba74') {
  return page.evaluate(async ([from, to]) => {
    const c = document.createElement('canvas');
    c.width = 600; c.height = 250;
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 600, 250);
    grad.addColorStop(0, from); grad.addColorStop(1, to);
    g.fillStyle = grad; g.fillRect(0, 0, 600, 250);
    g.fillStyle = 'rgba(255,255,255,.85)';
    for (let i = 0; i < 9; i++) { g.beginPath(); g.arc(60 + i * 62, 125 + Math.sin(i) * 60, 20 + i * 3, 0, Math.PI * 2); g.fill(); }
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.85));
    return [...new Uint8Array(await blob.arrayBuffer())];
  }, [from, to]).then((bytes) => Buffer.from(bytes));
}


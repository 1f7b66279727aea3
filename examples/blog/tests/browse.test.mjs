// The blog as a guest in a real browser: pages through the posts, searches
// titles, filters by tag, and reads the RSS feed through the browser's own
// XML parser. The posts are written through the API first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, superuser, uniqueEmail } from '../../lib.mjs';
import { PASSWORD, ready, coverPng } from './helpers.mjs';

let browser;
let su;
before(async () => {
  su = await superuser();
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('page, search, filter by tag and read the feed as a guest', async () => {
  const { ctx, page: guest } = await newPage(browser, 'guest', '/');
  await ready(guest);
  const author = await su.collection('users').create({ email: uniqueEmail('ada'), name: 'Ada Author', password: PASSWORD, passwordConfirm: PASSWORD });
  const title = `Tom & Jerry's <guide> to "SQL" ${Date.now().toString(36)}`;
  const palette = [['#9a3412', '#fdba74'], ['#0f766e', '#99f6e4'], ['#1e3a8a', '#93c5fd'], ['#6b21a8', '#f0abfc'], ['#3f6212', '#bef264'], ['#9f1239', '#fda4af'], ['#854d0e', '#fde047']];
  const posts = [
    { title, body: 'Cartoons teach joins.\n\nA cat chases a mouse through every table.', tags: ['howto', 'databases'] },
    ...[1, 2, 3, 4, 5, 6].map((i) => ({ title: `Notes from the galley, part ${i}`, body: `Part ${i} of a series about running a kitchen on one binary.`, tags: ['news'] })),
  ];
  const covers = await Promise.all(posts.map((_, i) => coverPng(guest, ...palette[i])));
  // Created one after the other: the list is newest first.
  for (const [i, p] of posts.entries()) {
    await su.collection('posts').create({ ...p, status: 'published', author: author.id, cover: new File([covers[i]], `cover${i}.jpg`, { type: 'image/jpeg' }) });
  }
  await su.collection('posts').create({ title: 'A draft nobody sees', status: 'draft', author: author.id });

  await guest.reload();
  await ready(guest);
  await guest.getByText('Page 1 of 2').waitFor();
  await guest.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
  await screenshot(guest, 'readme');
  await guest.getByRole('button', { name: 'Next page' }).click();
  await guest.getByText('Page 2 of 2').waitFor();
  await ready(guest);
  assert.equal(await guest.getByRole('button', { name: 'Next page' }).isDisabled(), true);
  assert.deepEqual(await guest.getByRole('list', { name: 'Posts' }).getByRole('heading').allTextContents(), ['Notes from the galley, part 1', title]);

  await guest.getByLabel('Search titles').fill('jerry');
  await guest.getByRole('button', { name: 'Search' }).click();
  await guest.getByText('1 post found for “jerry”').waitFor();
  await guest.getByRole('link', { name: title }).waitFor();
  await guest.getByLabel('Search titles').fill('draft');
  await guest.getByRole('button', { name: 'Search' }).click();
  await guest.getByText('No posts found.').waitFor();
  await guest.getByLabel('Search titles').fill('');
  await guest.getByLabel('Tag').selectOption('news');
  await guest.getByRole('button', { name: 'Search' }).click();
  await guest.getByText('6 posts found tagged news').waitFor();

  // The RSS feed, parsed by the browser as XML.
  const feed = await guest.evaluate(async () => {
    const res = await fetch('/feed.xml');
    const doc = new DOMParser().parseFromString(await res.text(), 'application/xml');
    return {
      type: res.headers.get('content-type'),
      error: doc.querySelector('parsererror')?.textContent ?? null,
      titles: [...doc.querySelectorAll('item > title')].map((n) => n.textContent),
      creators: [...doc.getElementsByTagNameNS('http://purl.org/dc/elements/1.1/', 'creator')].map((n) => n.textContent),
    };
  });
  assert.equal(feed.error, null);
  assert.equal(feed.type, 'application/rss+xml; charset=utf-8');
  assert.ok(feed.titles.includes(title), JSON.stringify(feed.titles));
  assert.ok(!feed.titles.includes('A draft nobody sees'));
  assert.ok(feed.creators.includes('Ada Author'));
  await ctx.close();
});

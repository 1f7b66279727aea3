// The blog in a real browser, with several people at once (one browser
// context each): an author writes a draft with a cover image and publishes
// it; a reader likes and comments and is refused when editing the author's
// post; a moderator hides the comment. (browse.test.mjs: search, pages, feed.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, superuser, uniqueEmail } from '../../lib.mjs';
import { PASSWORD, ready, signUp, coverPng } from './helpers.mjs';

let browser;
let su;
before(async () => {
  su = await superuser();
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('write, publish, like, comment, refuse an edit, moderate', async () => {
  const title = `Tom & Jerry's <guide> to "SQL" ${Date.now().toString(36)}`;

  // The author writes a draft with a cover.
  const { ctx: authorCtx, page: author } = await newPage(browser, 'author', '/');
  await ready(author);
  await signUp(author, 'Ada Author', uniqueEmail('ada'));
  await author.getByRole('link', { name: 'Write a post' }).click();
  await ready(author);
  await author.getByLabel('Title').fill(title);
  await author.getByLabel('Text').fill('Cartoons teach joins.\n\nA cat chases a mouse through every table, and the mouse always gets away.');
  await author.getByRole('checkbox', { name: 'databases' }).check();
  await author.getByRole('checkbox', { name: 'howto' }).check();
  await author.getByLabel('Cover image').setInputFiles({ name: 'cover.jpg', mimeType: 'image/jpeg', buffer: await coverPng(author) });
  await screenshot(author, 'editor');
  await author.getByRole('button', { name: 'Save post' }).click();
  await author.getByRole('heading', { name: title }).waitFor();
  await author.getByText('Draft — only you can see it').waitFor();
  const postUrl = author.url();
  const postId = new globalThis.URL(postUrl).searchParams.get('id');

  // A guest cannot read the draft.
  const { ctx: guestCtx, page: guest } = await newPage(browser, 'guest', `/post.html?id=${postId}`);
  await guest.getByRole('alert').filter({ hasText: "This post doesn't exist, or it is a draft only its author can see." }).waitFor();

  // The author publishes it.
  await author.getByRole('link', { name: 'Edit post' }).click();
  await ready(author);
  await author.getByRole('radio', { name: 'Published' }).check();
  await author.getByRole('button', { name: 'Save post' }).click();
  await author.getByRole('button', { name: /Like this post \(0 likes\)/ }).waitFor();

  // A reader likes it and comments, and cannot edit it.
  const { ctx: readerCtx, page: reader } = await newPage(browser, 'reader', '/');
  await ready(reader);
  await signUp(reader, 'Rex Reader', uniqueEmail('rex'));
  await reader.goto(postUrl);
  await ready(reader);
  const like = reader.getByRole('button', { name: /Like this post/ });
  await like.click();
  await reader.getByRole('button', { name: 'Unlike this post (1 like)', pressed: true }).waitFor();
  await reader.getByLabel('Your comment').fill('First! Also: rude words.');
  await reader.getByRole('button', { name: 'Post comment' }).click();
  await reader.getByRole('listitem', { name: 'Comment by Rex Reader' }).waitFor();
  await reader.goto(`${postUrl.replace('/post.html', '/edit.html')}`);
  await reader.getByRole('alert').filter({ hasText: 'Only its author can edit this post.' }).waitFor();
  assert.equal(await reader.getByRole('button', { name: 'Save post' }).isDisabled(), true);
  await screenshot(reader, 'edit-refused');

  // A moderator hides the comment; guests no longer see it, its writer sees it marked.
  const modEmail = uniqueEmail('mo');
  await su.collection('users').create({ email: modEmail, name: 'Mo Moderator', password: PASSWORD, passwordConfirm: PASSWORD, role: 'moderator' });
  const { ctx: modCtx, page: mod } = await newPage(browser, 'moderator', '/login.html');
  const signin = mod.getByRole('region', { name: 'I have an account' });
  await signin.getByLabel('Email').fill(modEmail);
  await signin.getByLabel('Password').fill(PASSWORD);
  await signin.getByRole('button', { name: 'Sign in' }).click();
  await mod.getByText('Mo Moderator (moderator)').waitFor();
  await mod.goto(postUrl);
  await mod.getByRole('listitem', { name: 'Comment by Rex Reader' }).getByRole('button', { name: 'Hide comment' }).click();
  await mod.getByRole('status').filter({ hasText: 'The comment is hidden.' }).waitFor();
  await mod.getByText('Hidden by a moderator').waitFor();
  await guest.goto(postUrl);
  await ready(guest);
  await guest.getByText('No comments yet.').waitFor();
  await guest.getByRole('button', { name: 'Like this post (1 like)' }).waitFor();
  await reader.goto(postUrl);
  await reader.getByText('Hidden by a moderator').waitFor();
  await screenshot(reader, 'post');

  await Promise.all([authorCtx.close(), guestCtx.close(), readerCtx.close(), modCtx.close()]);
});

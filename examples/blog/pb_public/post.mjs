import { pb, $, esc, me, isModerator, day, authorName, explain, showError, showNotice, header, ready } from '/common.mjs';

const id = new URLSearchParams(location.search).get('id') ?? '';

async function likeState(post) {
  const stats = await pb.collection('post_stats').getOne(post.id).catch(() => ({ likes: 0 }));
  const mine = me() ? (await pb.collection('likes').getList(1, 1, { filter: pb.filter('post = {:p}', { p: post.id }) })).items[0] : null;
  return { count: stats.likes, mine };
}

async function renderLike(post) {
  const { count, mine } = await likeState(post);
  const b = $('#like');
  b.setAttribute('aria-pressed', mine ? 'true' : 'false');
  b.textContent = `${mine ? '♥ Liked' : '♡ Like'} · ${count}`;
  b.setAttribute('aria-label', `${mine ? 'Unlike' : 'Like'} this post (${count} ${count === 1 ? 'like' : 'likes'})`);
  b.onclick = async () => {
    if (!me()) { showError('Sign in to like posts.'); return; }
    b.disabled = true;
    try {
      if (mine) await pb.collection('likes').delete(mine.id);
      else await pb.collection('likes').create({ post: post.id, user: me().id });
    } catch (err) {
      showError(err?.response?.data?.post?.code === 'validation_not_unique' ? 'You already like this post.' : `Could not like it: ${explain(err)}`);
    }
    b.disabled = false;
    await renderLike(post);
  };
}

async function renderComments(post) {
  const list = await pb.collection('comments').getFullList({ filter: pb.filter('post = {:p}', { p: post.id }), sort: 'created', expand: 'author' });
  $('#comments').innerHTML = list.length === 0 ? '<li class="empty">No comments yet.</li>' : list.map((c) => `
    <li class="comment ${c.hidden ? 'hidden-comment' : ''}" aria-label="Comment by ${esc(authorName(c.expand?.author))}">
      <p class="meta"><strong>${esc(authorName(c.expand?.author))}</strong> · ${day(c.created)}
        ${c.hidden ? '<span class="badge draft">Hidden by a moderator</span>' : ''}</p>
      <p>${esc(c.body)}</p>
      ${isModerator() ? `<button type="button" class="secondary small" data-toggle="${c.id}" data-hidden="${c.hidden}">${c.hidden ? 'Show comment' : 'Hide comment'}</button>` : ''}
    </li>`).join('');
  $('#comments').querySelectorAll('[data-toggle]').forEach((b) => b.addEventListener('click', async () => {
    try {
      await pb.collection('comments').update(b.dataset.toggle, { hidden: b.dataset.hidden !== 'true' });
      showNotice(b.dataset.hidden === 'true' ? 'The comment is visible again.' : 'The comment is hidden.');
    } catch (err) {
      showError(`Could not change the comment: ${explain(err)}`);
    }
    await renderComments(post);
  }));
}

async function main() {
  header();
  let post;
  try {
    post = await pb.collection('posts').getOne(id, { expand: 'author' });
  } catch (err) {
    $('#post').innerHTML = '<h1>Post not found</h1><p><a href="/">Back to all posts</a></p>';
    showError(err.status === 404 ? "This post doesn't exist, or it is a draft only its author can see." : explain(err));
    return;
  }
  document.title = `${post.title} — The Galley Blog`;
  const mine = post.author === me()?.id;
  $('#post').innerHTML = `
    ${post.cover ? `<img class="hero" src="${pb.files.getURL(post, post.cover, { thumb: '1200x500' })}" alt="Cover image of ${esc(post.title)}">` : ''}
    <h1>${esc(post.title)}</h1>
    <p class="meta">${post.status === 'draft' ? '<span class="badge draft">Draft — only you can see it</span> ' : ''}by ${esc(authorName(post.expand?.author))} · ${day(post.created)}
      ${(post.tags ?? []).map((t) => `<a class="tag" href="/?tag=${encodeURIComponent(t)}">#${esc(t)}</a>`).join(' ')}</p>
    <div class="actions">
      ${post.status === 'published' ? '<button type="button" id="like" class="secondary" aria-pressed="false">♡ Like</button>' : ''}
      ${mine ? `<a class="button secondary" href="/edit.html?id=${post.id}">Edit post</a>` : ''}
    </div>
    <div class="body">${(post.body ?? '').split(/\n{2,}/).map((para) => `<p>${esc(para)}</p>`).join('')}</div>`;
  if (post.status !== 'published') return;
  await renderLike(post);
  $('#comments-section').hidden = false;
  if (me()) {
    $('#comment-form').hidden = false;
    $('#comment-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = $('#comment-body').value.trim();
      if (!body) { showError('Write something first.'); return; }
      try {
        await pb.collection('comments').create({ post: post.id, author: me().id, body });
        $('#comment-body').value = '';
        showNotice('Your comment is posted.');
        await renderComments(post);
      } catch (err) {
        showError(`Could not post the comment: ${explain(err)}`);
      }
    });
  } else {
    $('#comment-signin').hidden = false;
    $('#comment-signin a').href = `/login.html?next=${encodeURIComponent(location.pathname + location.search)}`;
  }
  await renderComments(post);
}

main().catch((err) => showError(explain(err))).finally(ready);

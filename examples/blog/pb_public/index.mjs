import { pb, $, esc, me, day, authorName, explain, showError, header, ready } from '/common.mjs';

const PER_PAGE = 5;
const params = new URLSearchParams(location.search);
const q = params.get('q') ?? '';
const tag = params.get('tag') ?? '';
const page = Math.max(1, Number(params.get('page')) || 1);

function go(changes) {
  const next = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) (v ? next.set(k, v) : next.delete(k));
  location.search = next.toString();
}

async function main() {
  header();
  $('#intro').hidden = !!me();
  $('#q').value = q;
  $('#tag').value = tag;
  $('#search').addEventListener('submit', (e) => {
    e.preventDefault();
    go({ q: $('#q').value.trim(), tag: $('#tag').value, page: '' });
  });
  const filters = [];
  if (q) filters.push('title ~ {:q}');
  if (tag) filters.push('tags ?= {:tag}');
  const list = await pb.collection('posts').getList(page, PER_PAGE, {
    filter: pb.filter(filters.join(' && '), { q, tag }),
    sort: '-created',
    expand: 'author',
  });
  // Like counts of the published posts on this page, from the post_stats view.
  const likes = {};
  const ids = list.items.filter((p) => p.status === 'published').map((p) => p.id);
  if (ids.length) {
    const stats = await pb.collection('post_stats').getFullList({
      filter: ids.map((id) => pb.filter('id = {:id}', { id })).join(' || '),
    });
    for (const s of stats) likes[s.id] = s.likes;
  }
  $('#count').textContent = q || tag
    ? `${list.totalItems} post${list.totalItems === 1 ? '' : 's'} found${q ? ` for “${q}”` : ''}${tag ? ` tagged ${tag}` : ''}`
    : `${list.totalItems} post${list.totalItems === 1 ? '' : 's'}`;
  $('#posts').innerHTML = list.items.length === 0 ? '<li class="empty">No posts found.</li>' : list.items.map((p) => `
    <li class="post-card">
      <article aria-labelledby="t-${p.id}">
        ${p.cover ? `<img class="cover" src="${pb.files.getURL(p, p.cover, { thumb: '480x270' })}" alt="">` : '<div class="cover nocover" aria-hidden="true"></div>'}
        <div class="text">
          <h2 id="t-${p.id}"><a href="/post.html?id=${p.id}">${esc(p.title)}</a></h2>
          <p class="meta">${p.status === 'draft' ? '<span class="badge draft">Draft</span> ' : ''}by ${esc(authorName(p.expand?.author))} · ${day(p.created)}
            ${p.status === 'published' ? ` · <span aria-label="${likes[p.id] ?? 0} likes">♥ ${likes[p.id] ?? 0}</span>` : ''}</p>
          <p class="tags">${(p.tags ?? []).map((t) => `<a class="tag" href="/?tag=${encodeURIComponent(t)}">#${esc(t)}</a>`).join(' ')}</p>
          <p class="excerpt">${esc((p.body ?? '').slice(0, 180))}${(p.body ?? '').length > 180 ? '…' : ''}</p>
        </div>
      </article>
    </li>`).join('');
  $('#pageinfo').textContent = `Page ${list.page} of ${Math.max(1, list.totalPages)}`;
  $('#prev').disabled = page <= 1;
  $('#next').disabled = page >= list.totalPages;
  $('#prev').addEventListener('click', () => go({ page: String(page - 1) }));
  $('#next').addEventListener('click', () => go({ page: String(page + 1) }));
}

main().catch((err) => showError(explain(err))).finally(ready);

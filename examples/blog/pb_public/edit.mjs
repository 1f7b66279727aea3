import { pb, $, me, explain, showError, header, ready } from '/common.mjs';

const id = new URLSearchParams(location.search).get('id') ?? '';

async function main() {
  header();
  const form = $('#editor');
  if (!me()) {
    $('#fields').disabled = true;
    showError('Sign in to write posts.');
    return;
  }
  if (id) {
    $('#heading').textContent = 'Edit post';
    let post;
    try {
      post = await pb.collection('posts').getOne(id);
    } catch (err) {
      $('#fields').disabled = true;
      showError(err.status === 404 ? "This post doesn't exist, or it is someone else's draft." : explain(err));
      return;
    }
    form.title.value = post.title;
    form.body.value = post.body;
    form.querySelectorAll('input[name=tags]').forEach((c) => { c.checked = (post.tags ?? []).includes(c.value); });
    form.querySelector(`input[name=status][value=${post.status}]`).checked = true;
    if (post.cover) { $('#current-cover').hidden = false; $('#current-cover').textContent = `Current cover: ${post.cover} (choose a file to replace it)`; }
    if (post.author !== me().id) {
      $('#fields').disabled = true;
      showError('Only its author can edit this post.');
      return;
    }
    $('#delete').hidden = false;
    $('#delete').addEventListener('click', async () => {
      if (!confirm('Delete this post for good?')) return;
      try {
        await pb.collection('posts').delete(id);
        location.href = '/';
      } catch (err) {
        showError(`Could not delete it: ${explain(err)}`);
      }
    });
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const tags = [...form.querySelectorAll('input[name=tags]:checked')].map((c) => c.value);
    const status = form.querySelector('input[name=status]:checked').value;
    $('#save').disabled = true;
    try {
      const body = { title: form.title.value.trim(), body: form.body.value, tags, status };
      if (form.cover.files[0]) body.cover = form.cover.files[0];
      const saved = id
        ? await pb.collection('posts').update(id, body)
        : await pb.collection('posts').create({ ...body, author: me().id });
      location.href = `/post.html?id=${saved.id}`;
    } catch (err) {
      showError(err.status === 404 ? 'Only its author can edit this post.' : `Could not save the post: ${explain(err)}`);
      $('#save').disabled = false;
    }
  });
}

main().catch((err) => showError(explain(err))).finally(ready);

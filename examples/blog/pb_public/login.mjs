import { pb, $, explain, showError, header, ready } from '/common.mjs';

const next = new URLSearchParams(location.search).get('next');
const back = () => { location.href = next && next.startsWith('/') && !next.startsWith('//') ? next : '/'; };

header();
$('#signin').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await pb.collection('users').authWithPassword(e.target.email.value, e.target.password.value);
    back();
  } catch (err) {
    showError(err.status === 400 ? 'Wrong email or password.' : explain(err));
  }
});
$('#signup').addEventListener('submit', async (e) => {
  e.preventDefault();
  const { name, email, password } = e.target;
  try {
    await pb.collection('users').create({ name: name.value, email: email.value, password: password.value, passwordConfirm: password.value });
    await pb.collection('users').authWithPassword(email.value, password.value);
    back();
  } catch (err) {
    showError(`Could not create the account: ${explain(err)}`);
  }
});
ready();

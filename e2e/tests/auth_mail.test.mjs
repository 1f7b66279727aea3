// The auth flows that go through mail, over real SMTP: an SMTP server runs in
// this test process and Galley's settings point at it. Password reset,
// verification, OTP, MFA (password + OTP) and email change; links and codes
// are read from the mails received.
//
// Galley's SMTP settings are global, so every test that reads mail lives in
// this one file (the tests of a file run one after another), the dashboard's
// superuser log-in with MFA (a browser test, last) included.
import { test, before, after } from 'node:test';
import {
  assert, URL, guest, superuser, expectStatus, assertErrorShape, assertFieldError, dropCollections,
} from './lib.mjs';
import { startMailbox, configureSMTP, disableSMTP, actionToken, otpCode } from './mail.mjs';
import {
  PASSWORD, uniqueEmail, createAuthCollection, signUp, login, assertAuthResponse,
} from './users.mjs';
import * as dash from '../browser/dashboard.mjs';

let pb;
let mailbox;
const C = {};

before(async () => {
  mailbox = await startMailbox();
  pb = await superuser();
  const s = await configureSMTP(pb, mailbox.port);
  assert.equal(s.smtp.enabled, true);
  assert.equal(s.smtp.host, '127.0.0.1');
  assert.equal(s.smtp.port, mailbox.port);
  assert.equal(s.meta.appURL, 'http://localhost:8090');
  assert.equal(s.meta.senderAddress, 'noreply@example.com');
  C.users = await createAuthCollection(pb, 'am_users', {
    fields: [{ name: 'name', type: 'text' }],
    otp: { enabled: true, duration: 300, length: 8 },
  });
  C.mfa = await createAuthCollection(pb, 'am_mfa', {
    otp: { enabled: true, duration: 300, length: 8 },
    mfa: { enabled: true, duration: 1800, rule: '' },
  });
});

after(async () => {
  if (pb) {
    await disableSMTP(pb);
    await dropCollections(pb, C.users?.id, C.mfa?.id);
  }
  await mailbox?.close();
});

/** Asserts the envelope and headers every auth mail shares. */
function assertMailBasics(mail, to) {
  assert.ok(mail.to.includes(to), `envelope recipients ${JSON.stringify(mail.to)} include ${to}`);
  assert.equal(mail.envelopeFrom, 'noreply@example.com', 'envelope sender is meta.senderAddress');
  assert.equal(mail.from?.address, 'noreply@example.com', 'From: is meta.senderAddress');
  assert.equal(mail.from?.name, 'Galley', 'From: name is meta.senderName');
  assert.ok(mail.subject.length > 0, 'the mail has a subject');
  assert.ok((mail.text || mail.html).length > 0, 'the mail has a body');
}

test('requestPasswordReset -> mail -> confirmPasswordReset: new password works, old one and old tokens do not', async () => {
  const email = uniqueEmail('reset');
  const rec = await signUp(C.users.name, email);
  const oldClient = await login(C.users.name, email);
  const oldToken = oldClient.authStore.token;

  const since = mailbox.mark();
  assert.equal(await guest().collection(C.users.name).requestPasswordReset(email), true);
  const mail = await mailbox.waitFor(email, { since, what: 'password reset mail' });
  assertMailBasics(mail, email);
  const token = actionToken(mail, 'confirm-password-reset');
  assert.ok(mail.html.includes('http://localhost:8090/_/#/auth/confirm-password-reset/' + token) ||
    mail.text.includes('http://localhost:8090/_/#/auth/confirm-password-reset/' + token),
  'the link is built on meta.appURL');

  // a mismatched confirmation is a validation error and does not use the token up
  const bad = await expectStatus(
    guest().collection(C.users.name).confirmPasswordReset(token, 'NewPassw0rd!', 'Different1!'), 400, 'mismatched passwordConfirm');
  assertFieldError(bad, 'passwordConfirm', 'validation_values_mismatch');

  const NEW = 'NewPassw0rd!';
  assert.equal(await guest().collection(C.users.name).confirmPasswordReset(token, NEW, NEW), true);

  const e = await expectStatus(guest().collection(C.users.name).authWithPassword(email, PASSWORD), 400, 'log-in with the old password');
  assert.equal(e.response.message, 'Failed to authenticate.');
  const res = await guest().collection(C.users.name).authWithPassword(email, NEW);
  assertAuthResponse(res, C.users, rec.id);

  // tokens issued before the reset are dead
  assert.equal(oldClient.authStore.token, oldToken);
  await expectStatus(oldClient.collection(C.users.name).authRefresh(), 401, 'authRefresh with a token from before the reset');
  const list = await oldClient.collection(C.users.name).getList(1, 10);
  assert.equal(list.totalItems, 0, 'the old token no longer authenticates (list rule id = @request.auth.id)');

  // the reset token is single-use
  const again = await expectStatus(
    guest().collection(C.users.name).confirmPasswordReset(token, 'Third-Passw0rd', 'Third-Passw0rd'), 400, 'reset token used twice');
  assertErrorShape(again, 400);
  await guest().collection(C.users.name).authWithPassword(email, NEW);
});

test('requestPasswordReset for an unknown email: 204 and no mail; a garbage token: 400', async () => {
  const email = uniqueEmail('reset_unknown');
  const since = mailbox.mark();
  assert.equal(await guest().collection(C.users.name).requestPasswordReset(email), true);
  await mailbox.expectNone(email, { since, what: 'password reset for an unknown email' });

  const e = await expectStatus(
    guest().collection(C.users.name).confirmPasswordReset('not.a.token', 'Whatever-123', 'Whatever-123'), 400, 'garbage reset token');
  assertErrorShape(e, 400);
  const e2 = await expectStatus(guest().collection(C.users.name).requestPasswordReset('not-an-email'), 400, 'invalid email');
  assertFieldError(e2, 'email', 'validation_is_email');
});

test('requestVerification -> mail -> confirmVerification: verified, token single-use', async () => {
  const email = uniqueEmail('verify');
  const rec = await signUp(C.users.name, email);
  assert.equal(rec.verified, false);
  const client = await login(C.users.name, email);
  assert.equal(client.authStore.record.verified, false);

  const since = mailbox.mark();
  assert.equal(await guest().collection(C.users.name).requestVerification(email), true);
  const mail = await mailbox.waitFor(email, { since, what: 'verification mail' });
  assertMailBasics(mail, email);
  const token = actionToken(mail, 'confirm-verification');

  // confirming through the user's own client also updates its authStore record
  assert.equal(await client.collection(C.users.name).confirmVerification(token), true);
  assert.equal(client.authStore.record.verified, true, 'the SDK marks authStore.record verified');
  assert.equal((await pb.collection(C.users.name).getOne(rec.id)).verified, true);
  const res = await guest().collection(C.users.name).authWithPassword(email, PASSWORD);
  assert.equal(res.record.verified, true);

  const e = await expectStatus(guest().collection(C.users.name).confirmVerification(token), 400, 'verification token reused');
  assertErrorShape(e, 400);
  await expectStatus(guest().collection(C.users.name).confirmVerification('not.a.token'), 400, 'garbage verification token');

  // an already verified user gets no new mail
  const since2 = mailbox.mark();
  assert.equal(await guest().collection(C.users.name).requestVerification(email), true);
  await mailbox.expectNone(email, { since: since2, what: 'verification request for a verified user' });
});

test('requestOTP -> mail -> authWithOTP works once', async () => {
  const email = uniqueEmail('otp');
  const rec = await signUp(C.users.name, email);
  const since = mailbox.mark();
  const { otpId } = await guest().collection(C.users.name).requestOTP(email);
  assert.equal(typeof otpId, 'string');
  assert.ok(otpId.length > 0);
  const mail = await mailbox.waitFor(email, { since, what: 'OTP mail' });
  assertMailBasics(mail, email);
  const code = otpCode(mail);
  assert.equal(code.length, 8, `the code has otp.length (8) digits: ${code}`);

  const client = guest();
  const res = await client.collection(C.users.name).authWithOTP(otpId, code);
  assertAuthResponse(res, C.users, rec.id);
  assert.equal(res.record.email, email);
  assert.equal(client.authStore.isValid, true);
  assert.equal(client.authStore.record.id, rec.id);

  const e = await expectStatus(guest().collection(C.users.name).authWithOTP(otpId, code), 400, 'the same otpId and code again');
  assertErrorShape(e, 400);
});

test('authWithOTP with a wrong code or an unknown otpId -> 400', async () => {
  const email = uniqueEmail('otp_wrong');
  await signUp(C.users.name, email);
  const since = mailbox.mark();
  const { otpId } = await guest().collection(C.users.name).requestOTP(email);
  const mail = await mailbox.waitFor(email, { since, what: 'OTP mail' });
  const code = otpCode(mail);
  const wrong = code === '00000000' ? '11111111' : '00000000';
  const client = guest();
  const e = await expectStatus(client.collection(C.users.name).authWithOTP(otpId, wrong), 400, 'wrong OTP code');
  assertErrorShape(e, 400);
  assert.equal(client.authStore.isValid, false);
  await expectStatus(client.collection(C.users.name).authWithOTP('missingotpid123', code), 400, 'unknown otpId');
  await expectStatus(client.collection(C.users.name).authWithOTP('', ''), 400, 'empty otpId and code');
});

test('requestOTP for an unknown email answers an otpId and sends nothing', async () => {
  const email = uniqueEmail('otp_unknown');
  const since = mailbox.mark();
  const res = await guest().collection(C.users.name).requestOTP(email);
  assert.deepEqual(Object.keys(res), ['otpId']);
  assert.equal(typeof res.otpId, 'string');
  assert.ok(res.otpId.length > 0);
  await mailbox.expectNone(email, { since, what: 'OTP for an unknown email' });
  await expectStatus(guest().collection(C.users.name).authWithOTP(res.otpId, '12345678'), 400, 'OTP of an unknown email');
});

test('MFA: password -> 401 {mfaId}; OTP with {mfaId} -> token; the mfaId is then used up', async () => {
  const email = uniqueEmail('mfa');
  const rec = await signUp(C.mfa.name, email);
  const client = guest();

  const first = await expectStatus(client.collection(C.mfa.name).authWithPassword(email, PASSWORD), 401, 'first factor');
  assert.deepEqual(Object.keys(first.response), ['mfaId'], `the 401 body is only {mfaId}: ${JSON.stringify(first.response)}`);
  const { mfaId } = first.response;
  assert.equal(typeof mfaId, 'string');
  assert.ok(mfaId.length > 0);
  assert.equal(client.authStore.isValid, false, 'no token after the first factor');

  const since = mailbox.mark();
  const { otpId } = await client.collection(C.mfa.name).requestOTP(email);
  const mail = await mailbox.waitFor(email, { since, what: 'MFA OTP mail' });
  const code = otpCode(mail);
  const res = await client.collection(C.mfa.name).authWithOTP(otpId, code, { mfaId });
  assertAuthResponse(res, C.mfa, rec.id);
  assert.equal(client.authStore.isValid, true);
  assert.equal(client.authStore.record.id, rec.id);
  // the token is a normal one: it refreshes
  const ref = await client.collection(C.mfa.name).authRefresh();
  assert.equal(ref.record.id, rec.id);

  // the MFA session is used up
  const e = await expectStatus(
    guest().collection(C.mfa.name).authWithPassword(email, PASSWORD, { mfaId }), 400, 'password again with a used mfaId');
  assertErrorShape(e, 400);
});

test('MFA: the second factor must be a different method (password twice -> 400)', async () => {
  const email = uniqueEmail('mfa_same');
  await signUp(C.mfa.name, email);
  const first = await expectStatus(guest().collection(C.mfa.name).authWithPassword(email, PASSWORD), 401, 'first factor');
  const { mfaId } = first.response;
  assert.equal(typeof mfaId, 'string');
  const client = guest();
  const e = await expectStatus(
    client.collection(C.mfa.name).authWithPassword(email, PASSWORD, { mfaId }), 400, 'password as the second factor too');
  assertErrorShape(e, 400);
  assert.equal(client.authStore.isValid, false);
  // an mfaId that does not exist
  await expectStatus(
    guest().collection(C.mfa.name).authWithPassword(email, PASSWORD, { mfaId: 'missingmfaid123' }), 400, 'unknown mfaId');
});

test('requestEmailChange -> mail to the new address -> confirmEmailChange -> log-in with the new email', async () => {
  const oldEmail = uniqueEmail('change_old');
  const newEmail = uniqueEmail('change_new');
  const rec = await signUp(C.users.name, oldEmail);
  const client = await login(C.users.name, oldEmail);

  // a guest may not ask
  await expectStatus(guest().collection(C.users.name).requestEmailChange(newEmail), 401, 'guest requestEmailChange');
  // an invalid address is a validation error
  const ei = await expectStatus(client.collection(C.users.name).requestEmailChange('not-an-email'), 400, 'invalid new email');
  assertFieldError(ei, 'newEmail', 'validation_is_email');
  // A taken address: Galley answers as for a free one and sends nothing, so
  // the answer does not reveal which addresses exist (PocketBase answers 400
  // on data.newEmail instead).
  const taken = uniqueEmail('change_taken');
  await signUp(C.users.name, taken);
  const sinceTaken = mailbox.mark();
  assert.equal(await client.collection(C.users.name).requestEmailChange(taken), true);

  const since = mailbox.mark();
  assert.equal(await client.collection(C.users.name).requestEmailChange(newEmail), true);
  const mail = await mailbox.waitFor(newEmail, { since, what: 'email change mail' });
  assertMailBasics(mail, newEmail);
  assert.ok(!mail.to.includes(oldEmail), 'the confirmation goes to the new address only');
  const token = actionToken(mail, 'confirm-email-change');

  // confirming needs the current password
  const ep = await expectStatus(
    guest().collection(C.users.name).confirmEmailChange(token, 'not-the-password'), 400, 'confirmEmailChange with a wrong password');
  assertErrorShape(ep, 400);
  assert.ok(ep.response.data.password, `data.password in ${JSON.stringify(ep.response)}`);

  await mailbox.expectNone(taken, { since: sinceTaken, ms: 500, what: 'email change to a taken address' });

  assert.equal(await client.collection(C.users.name).confirmEmailChange(token, PASSWORD), true);
  assert.equal(client.authStore.isValid, false, 'the SDK clears the authStore of the changed record');

  const su = await pb.collection(C.users.name).getOne(rec.id);
  assert.equal(su.email, newEmail);
  assert.equal(su.verified, true, 'the new address was proven by the mail');
  const res = await guest().collection(C.users.name).authWithPassword(newEmail, PASSWORD);
  assertAuthResponse(res, C.users, rec.id);
  assert.equal(res.record.email, newEmail);

  await expectStatus(guest().collection(C.users.name).confirmEmailChange(token, PASSWORD), 400, 'email change token reused');
});

// The dashboard's log-in of a superuser with MFA, in chromium: the
// _superusers collection gets OTP and MFA, with an MFA rule that matches
// only this test's own superuser (so the other files' superusers, logging
// in meanwhile, are not asked for a code); the code is read from the mail.
test('dashboard: superuser log-in with MFA (password, then the code from the mail; or the code, then the password)', { skip: dash.skip, timeout: 90000 }, async () => {
  await dash.setUp('mfa');
  const sus = await pb.collections.getOne('_superusers');
  const before = { otp: sus.otp, mfa: sus.mfa };
  const { main } = dash;
  try {
    const email = dash.state.email;
    await pb.collections.update('_superusers', {
      otp: { ...sus.otp, enabled: true, duration: 300, length: 6 },
      mfa: { ...sus.mfa, enabled: true, duration: 600, rule: pb.filter('email = {:e}', { e: email }) },
    });
    // Everyone else still logs in with the password alone.
    await superuser();

    // Password first, then the code the dashboard asks the server to mail.
    let { ctx, page } = await dash.newPage();
    try {
      await page.goto(`${URL}/_/`);
      const since = mailbox.mark();
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(dash.state.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByText(`We sent a one-time code to ${email}`).waitFor();
      const code = otpCode(await mailbox.waitFor(email, { since, what: 'MFA code of the dashboard log-in' }));
      assert.match(code, /^\d{6}$/, 'otp.length digits');
      // A wrong code is refused beside the field; the right one then logs in.
      const box = page.getByLabel('One-time code');
      await box.fill(code === '000000' ? '111111' : '000000');
      await page.getByRole('button', { name: 'Verify code' }).click();
      await page.locator('.field-error').first().waitFor();
      assert.equal(await box.getAttribute('aria-invalid'), 'true');
      await dash.axe(page, 'log-in code');
      await dash.shoot(page, 'login-mfa-code');
      await box.fill(code);
      await page.getByRole('button', { name: 'Verify code' }).click();
      await page.getByRole('heading', { name: 'Collections', exact: true, level: 1 }).waitFor();
      // The session is a superuser's: the settings load.
      await page.getByRole('link', { name: 'Settings' }).first().click();
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
      assert.deepEqual(page.problems, []);
    } finally {
      await ctx.close();
    }

    // The code first ("Email me a one-time code instead"), then the password.
    ({ ctx, page } = await dash.newPage());
    try {
      await page.goto(`${URL}/_/`);
      const since = mailbox.mark();
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Email me a one-time code instead' }).click();
      const code = otpCode(await mailbox.waitFor(email, { since, what: 'OTP of the dashboard log-in' }));
      await page.getByLabel('One-time code').fill(code);
      await page.getByRole('button', { name: 'Verify code' }).click();
      await page.getByText('Now enter your password (multi-factor authentication).').waitFor();
      await page.getByLabel('Password').fill(dash.state.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Collections', exact: true, level: 1 }).waitFor();
      assert.deepEqual(page.problems, []);
    } finally {
      await ctx.close();
    }
  } finally {
    await pb.collections.update('_superusers', before).catch(() => {});
    await dash.tearDown();
  }
});

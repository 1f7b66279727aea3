// Probes of auth flows beyond probes.mjs: OTP on, MFA on, password log-in
// off, username identity, other users' records. Own auth collection.
const RUN = Date.now().toString(36);
const W = `cdw_${RUN}`;
const ign = [/\.fields\[\d+\]\.(id|help)$/, /\.indexes\[\d+\]$/, /Template\.(body|subject)$/, /\.secret$/, /\.(authAlert|mfa|otp|authToken|verificationToken|passwordResetToken|emailChangeToken|fileToken)\./, /\.fields$/];

export const probes = [
  { name: 'auth2: create collection', method: 'POST', path: '/api/collections', body: { name: W, type: 'auth', listRule: '', viewRule: 'id = @request.auth.id', createRule: '', updateRule: 'id = @request.auth.id', deleteRule: 'id = @request.auth.id', fields: [{ name: 'username', type: 'text' }] }, ignore: ign },
  { name: 'auth2: user 1', method: 'POST', path: `/api/collections/${W}/records`, auth: null, body: { email: 'w1@example.com', password: '12345678', passwordConfirm: '12345678', username: 'wone', emailVisibility: true }, save: { w1: (j) => j.id } },
  { name: 'auth2: user 2', method: 'POST', path: `/api/collections/${W}/records`, auth: null, body: { email: 'w2@example.com', password: '12345678', passwordConfirm: '12345678', username: 'wtwo' }, save: { w2: (j) => j.id } },
  { name: 'auth2: log in 2', method: 'POST', path: `/api/collections/${W}/auth-with-password`, auth: null, body: { identity: 'w2@example.com', password: '12345678' }, save: { t2: (j) => j.token } },
  { name: 'auth2: list as user 2 (email visibility)', path: `/api/collections/${W}/records?sort=username`, auth: 't2' },
  { name: 'auth2: view other as user 2', path: `/api/collections/${W}/records/\${w1}`, auth: 't2' },
  { name: 'auth2: update other as user 2', method: 'PATCH', path: `/api/collections/${W}/records/\${w1}`, auth: 't2', body: { username: 'x' } },
  { name: 'auth2: delete other as user 2', method: 'DELETE', path: `/api/collections/${W}/records/\${w1}`, auth: 't2' },
  { name: 'auth2: log in by username (not an identity field)', method: 'POST', path: `/api/collections/${W}/auth-with-password`, auth: null, body: { identity: 'wone', password: '12345678' } },
  { name: 'auth2: log in identityField param', method: 'POST', path: `/api/collections/${W}/auth-with-password`, auth: null, body: { identity: 'w1@example.com', password: '12345678', identityField: 'username' } },
  { name: 'auth2: otp on', method: 'PATCH', path: `/api/collections/${W}`, body: { otp: { enabled: true, duration: 120, length: 6 } }, ignore: ign, statusOnly: true },
  { name: 'auth2: request otp known', method: 'POST', path: `/api/collections/${W}/request-otp`, auth: null, body: { email: 'w1@example.com' }, save: { otp1: (j) => j.otpId } },
  { name: 'auth2: request otp unknown', method: 'POST', path: `/api/collections/${W}/request-otp`, auth: null, body: { email: 'zz@example.com' } },
  { name: 'auth2: request otp bad email', method: 'POST', path: `/api/collections/${W}/request-otp`, auth: null, body: { email: 'nope' } },
  { name: 'auth2: otp wrong code', method: 'POST', path: `/api/collections/${W}/auth-with-otp`, auth: null, body: { otpId: '${otp1}', password: '000000' } },
  { name: 'auth2: otp unknown id', method: 'POST', path: `/api/collections/${W}/auth-with-otp`, auth: null, body: { otpId: 'aaaaaaaaaaaaaaa', password: '000000' } },
  { name: 'auth2: password off', method: 'PATCH', path: `/api/collections/${W}`, body: { passwordAuth: { enabled: false } }, statusOnly: true },
  { name: 'auth2: log in with password off', method: 'POST', path: `/api/collections/${W}/auth-with-password`, auth: null, body: { identity: 'w1@example.com', password: '12345678' } },
  { name: 'auth2: auth methods otp only', path: `/api/collections/${W}/auth-methods`, auth: null },
  { name: 'auth2: password on, mfa on', method: 'PATCH', path: `/api/collections/${W}`, body: { passwordAuth: { enabled: true }, mfa: { enabled: true } }, statusOnly: true },
  { name: 'auth2: log in with mfa', method: 'POST', path: `/api/collections/${W}/auth-with-password`, auth: null, body: { identity: 'w1@example.com', password: '12345678' } },
  { name: 'auth2: mfa bad mfaId', method: 'POST', path: `/api/collections/${W}/auth-with-password`, auth: null, body: { identity: 'w1@example.com', password: '12345678', mfaId: 'nope' } },
  { name: 'auth2: auth methods mfa', path: `/api/collections/${W}/auth-methods`, auth: null },
  { name: 'auth2: request verification known', method: 'POST', path: `/api/collections/${W}/request-verification`, auth: null, body: { email: 'w1@example.com' } },
  { name: 'auth2: request reset known', method: 'POST', path: `/api/collections/${W}/request-password-reset`, auth: null, body: { email: 'w1@example.com' } },
  { name: 'auth2: delete own', method: 'DELETE', path: `/api/collections/${W}/records/\${w2}`, auth: 't2' },
  { name: 'auth2: refresh after delete', method: 'POST', path: `/api/collections/${W}/auth-refresh`, auth: 't2' },
];

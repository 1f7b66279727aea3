// Chat hooks: the owner of a new room becomes its first member, messages carry their
// author's display name, and a room's owner invites people by email.

/** The name a user shows in rooms: their profile name, else the part of the email before @. */
function displayName(user) {
  const name = (user.getString('name') || '').trim();
  return name || user.email().split('@')[0];
}

// The owner joins the room they create, in the same transaction (a room is only visible to
// its members, so it must never exist without one).
onRecordCreate((e) => {
  e.next();
  const owner = e.app.findRecordById('users', e.record.getString('owner'));
  const m = new Record('members', {
    room: e.record.id,
    user: owner.id,
    name: displayName(owner),
    lastRead: new Date().toISOString().replace('T', ' '),
  });
  e.app.save(m);
}, 'rooms');

// A message says who wrote it (the users collection is private, so members cannot look each
// other up) and is never empty.
onRecordCreateRequest((e) => {
  if (!e.auth) throw new UnauthorizedError('Sign in to post.');
  const text = (e.record.getString('text') || '').trim();
  const files = e.record.getStringSlice('files') || [];
  if (!text && files.length === 0) {
    throw new BadRequestError('Write a message or attach a file.', {
      text: { code: 'validation_required', message: 'Write a message or attach a file.' },
    });
  }
  e.record.set('text', text);
  e.record.set('authorName', displayName(e.auth));
  e.next();
}, 'messages');

// POST /api/chat/rooms/{id}/members {"email": "..."}: the room's owner adds a user.
routerAdd('POST', '/api/chat/rooms/{id}/members', (e) => {
  const roomId = e.request.pathValue('id');
  let room;
  try {
    room = $app.findRecordById('rooms', roomId);
  } catch {
    throw new NotFoundError('No such room.');
  }
  if (room.getString('owner') !== e.auth.id) {
    throw new ForbiddenError('Only the owner of the room can invite people.');
  }
  const email = String(e.requestInfo().body.email || '').trim();
  if (!email) {
    throw new BadRequestError('Type the email of the person to invite.', {
      email: { code: 'validation_required', message: 'Cannot be blank.' },
    });
  }
  let user;
  try {
    user = $app.findAuthRecordByEmail('users', email);
  } catch {
    throw new NotFoundError(`Nobody has signed up as ${email} yet.`);
  }
  const existing = $app.findRecordsByFilter('members', 'room = {:room} && user = {:user}', '', 1, 0, { room: room.id, user: user.id });
  if (existing.length > 0) {
    throw new BadRequestError(`${displayName(user)} is already a member.`);
  }
  const m = new Record('members', { room: room.id, user: user.id, name: displayName(user) });
  $app.save(m);
  return e.json(200, m);
}, $apis.requireAuth('users'));

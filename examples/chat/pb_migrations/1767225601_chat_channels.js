// The WebSocket channels of the chat: "room:<room id>" for presence (who is online) and
// typing indicators. Only a member of the room may join its channel, and only under the
// name of their membership (the online list cannot be faked); sending needs a join first
// and a membership still.
//
// joinRule: the channel's name contains the room id the client gives in its join meta
// (a room id is 15 characters, so "room:<id>" contains exactly one), and a members row ties
// that room to the client's user with that display name.
const JOIN = [
  '@request.auth.collectionName = "users"',
  '@request.body.channel ~ @request.body.meta.room',
  '@collection.members:m.room = @request.body.meta.room',
  '@collection.members:m.user = @request.auth.id',
  '@collection.members:m.name = @request.body.meta.name',
].join(' && ');

// sendRule: the same membership check on the room id the message carries (data.room), so
// someone removed from a room cannot broadcast to it from a channel joined before (Galley
// also takes them out of the channel once the members change, as the joinRule reads that
// collection; this closes the moment in between).
const SEND = [
  '@request.auth.collectionName = "users"',
  '@request.body.channel ~ @request.body.data.room',
  '@collection.members:m.room = @request.body.data.room',
  '@collection.members:m.user = @request.auth.id',
].join(' && ');

migrate((app) => {
  const settings = app.settings();
  const others = (settings.realtime.channels || []).filter((c) => c.pattern !== 'room:*');
  settings.realtime.channels = [{ pattern: 'room:*', joinRule: JOIN, sendRule: SEND }, ...others];
  app.save(settings);
}, (app) => {
  const settings = app.settings();
  settings.realtime.channels = (settings.realtime.channels || []).filter((c) => c.pattern !== 'room:*');
  app.save(settings);
});

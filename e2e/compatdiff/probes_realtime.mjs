// Probes of realtime subscriptions (POST /api/realtime) on an open stream.
import { P, U } from './probes.mjs';

export const probes = [
  { name: 'rt: connect', sse: 'cid' },
  { name: 'rt: subscribe collection', method: 'POST', path: '/api/realtime', auth: null, body: { clientId: '${cid}', subscriptions: [P, `${P}/*`] } },
  { name: 'rt: subscribe record and options', method: 'POST', path: '/api/realtime', auth: null, body: { clientId: '${cid}', subscriptions: [`${P}/abc?options=${encodeURIComponent('{"query":{"expand":"owner"}}')}`] } },
  { name: 'rt: subscribe bad options', method: 'POST', path: '/api/realtime', auth: null, body: { clientId: '${cid}', subscriptions: [`${P}?options=nope`] } },
  { name: 'rt: subscribe custom topic', method: 'POST', path: '/api/realtime', auth: null, body: { clientId: '${cid}', subscriptions: ['my-topic', 'PB_CONNECT'] } },
  { name: 'rt: subscribe none', method: 'POST', path: '/api/realtime', auth: null, body: { clientId: '${cid}', subscriptions: [] } },
  { name: 'rt: subscribe not a list', method: 'POST', path: '/api/realtime', auth: null, body: { clientId: '${cid}', subscriptions: 'x' } },
  { name: 'rt: subscribe long topic', method: 'POST', path: '/api/realtime', auth: null, body: { clientId: '${cid}', subscriptions: ['x'.repeat(3000)] } },
  { name: 'rt: subscribe many', method: 'POST', path: '/api/realtime', auth: null, body: { clientId: '${cid}', subscriptions: Array.from({ length: 1001 }, (_, i) => `t${i}`) } },
  { name: 'rt: subscribe as superuser on a guest stream', method: 'POST', path: '/api/realtime', body: { clientId: '${cid}', subscriptions: [U] } },
  { name: 'rt: watch the collection (as the stream is now: a superuser)', method: 'POST', path: '/api/realtime', body: { clientId: '${cid}', subscriptions: [`${P}/*?options=${encodeURIComponent('{"query":{"fields":"id,title,views"}}')}`, P] } },
  { name: 'rt: create a record', method: 'POST', path: `/api/collections/${P}/records`, body: { title: 'Live', score: 2 }, save: { live: (j) => j.id } },
  { name: 'rt: create events', sseNext: 2 },
  { name: 'rt: update it', method: 'PATCH', path: `/api/collections/${P}/records/\${live}`, body: { views: 3 } },
  { name: 'rt: update events', sseNext: 2 },
  { name: 'rt: delete it', method: 'DELETE', path: `/api/collections/${P}/records/\${live}` },
  { name: 'rt: delete events', sseNext: 2 },
  { name: 'rt: subscribe unknown client', method: 'POST', path: '/api/realtime', auth: null, body: { clientId: 'nope', subscriptions: [P] } },
];

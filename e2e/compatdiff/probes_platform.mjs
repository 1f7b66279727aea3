// Probes of the platform routes: health, settings, batch, realtime, logs,
// crons, backups. They run after probes.mjs (batch uses its collection P).
import { P } from './probes.mjs';

const rec = (body) => ({ title: 'Hello', score: 1, ...body });
// A settings patch that can never be saved (meta.appName blank), so the
// probes leave the reference's settings as they were while showing how
// each other value is judged.
const badSettings = (name, body) => ({ name: `settings: ${name}`, method: 'PATCH', path: '/api/settings', body: { ...body, meta: { appName: '', ...(body.meta || {}) } } });
const tpl = (n) => Array.from({ length: n }, (_, i) => ({ label: `/api/p${i}`, duration: 1, maxRequests: 1 }));

export const probes = [
  // --- health, settings
  { name: 'health guest', path: '/api/health', auth: null },
  { name: 'health superuser', path: '/api/health' },
  { name: 'settings get', path: '/api/settings', ignore: [/\.meta\.appName$/, /\.meta\.appURL$/, /\.meta\.senderAddress$/, /\.rateLimits\.rules/, /TemplateText|\.body$|\.subject$/] },
  { name: 'settings guest', path: '/api/settings', auth: null },
  { name: 'settings bad appURL', method: 'PATCH', path: '/api/settings', body: { meta: { appURL: 'not a url' } } },
  { name: 'settings empty appName', method: 'PATCH', path: '/api/settings', body: { meta: { appName: '' } } },
  { name: 'settings bad sender', method: 'PATCH', path: '/api/settings', body: { meta: { senderAddress: 'nope' } } },
  { name: 'settings smtp enabled no host', method: 'PATCH', path: '/api/settings', body: { smtp: { enabled: true, host: '', port: 0 } } },
  { name: 'settings logs negative', method: 'PATCH', path: '/api/settings', body: { logs: { maxDays: -1 } } },
  { name: 'settings batch bad', method: 'PATCH', path: '/api/settings', body: { batch: { enabled: true, maxRequests: -5, timeout: -1 } } },
  { name: 'settings rateLimits bad', method: 'PATCH', path: '/api/settings', body: { rateLimits: { enabled: true, rules: [{ label: '', maxRequests: 0, duration: 0 }] } } },
  { name: 'settings s3 enabled empty', method: 'PATCH', path: '/api/settings', body: { s3: { enabled: true } } },
  { name: 'settings backups bad cron', method: 'PATCH', path: '/api/settings', body: { backups: { cron: 'nope', cronMaxKeep: -1 } } },
  { name: 'settings trustedProxy', method: 'PATCH', path: '/api/settings', body: { trustedProxy: { headers: ['X-Forwarded-For'], useLeftmostIP: true } }, ignore: [/\.meta\.|\.rateLimits\.rules|Template|\.smtp\./] },
  { name: 'settings invalid json', method: 'PATCH', path: '/api/settings', raw: '{"meta":' },
  { name: 'settings wrong type', method: 'PATCH', path: '/api/settings', body: { meta: { appName: 5 } } },
  { name: 'settings test email bad', method: 'POST', path: '/api/settings/test/email', body: { email: 'x', template: 'nope' } },
  { name: 'settings test s3 disabled', method: 'POST', path: '/api/settings/test/s3', body: { filesystem: 'storage' } },
  { name: 'settings test s3 bad fs', method: 'POST', path: '/api/settings/test/s3', body: { filesystem: 'nope' } },

  // --- batch
  { name: 'batch empty', method: 'POST', path: '/api/batch', body: {} },
  { name: 'batch empty list', method: 'POST', path: '/api/batch', body: { requests: [] } },
  { name: 'batch disabled?', method: 'POST', path: '/api/batch', body: { requests: [{ method: 'POST', url: `/api/collections/${P}/records`, body: rec({}) }] } },
  { name: 'settings batch on', method: 'PATCH', path: '/api/settings', body: { batch: { enabled: true, maxRequests: 5, timeout: 3, maxBodySize: 0 } }, statusOnly: true },
  { name: 'batch too many', method: 'POST', path: '/api/batch', body: { requests: Array.from({ length: 6 }, () => ({ method: 'POST', url: `/api/collections/${P}/records`, body: rec({}) })) } },
  { name: 'batch bad method', method: 'POST', path: '/api/batch', body: { requests: [{ method: 'GET', url: `/api/collections/${P}/records` }] } },
  { name: 'batch bad url', method: 'POST', path: '/api/batch', body: { requests: [{ method: 'POST', url: '/api/nope' }] } },
  { name: 'batch failing middle', method: 'POST', path: '/api/batch', body: { requests: [{ method: 'POST', url: `/api/collections/${P}/records`, body: rec({}) }, { method: 'POST', url: `/api/collections/${P}/records`, body: { title: '' } }] } },
  { name: 'batch ok', method: 'POST', path: '/api/batch', body: { requests: [{ method: 'POST', url: `/api/collections/${P}/records`, body: rec({}) }, { method: 'DELETE', url: `/api/collections/${P}/records/\${rec2}` }] } },

  // --- realtime, logs, crons, backups
  { name: 'realtime bad client', method: 'POST', path: '/api/realtime', body: { clientId: 'nope', subscriptions: ['x'] } },
  { name: 'realtime empty', method: 'POST', path: '/api/realtime', body: {} },
  { name: 'logs list', path: '/api/logs?perPage=1', statusOnly: true },
  { name: 'logs guest', path: '/api/logs', auth: null },
  { name: 'logs stats bad filter', path: '/api/logs/stats?filter=(((' },
  { name: 'log missing', path: '/api/logs/nope' },
  { name: 'crons list', path: '/api/crons', ignore: [/\[\d+\]/] },
  { name: 'cron run missing', method: 'POST', path: '/api/crons/nope' },
  { name: 'backups list', path: '/api/backups' },
  { name: 'backup create bad name', method: 'POST', path: '/api/backups', body: { name: '../x.zip' } },
  { name: 'backup delete missing', method: 'DELETE', path: '/api/backups/nope.zip' },
  { name: 'backup restore missing', method: 'POST', path: '/api/backups/nope.zip/restore' },
  { name: 'unknown api route', path: '/api/nope' },
  { name: 'superusers list guest', path: '/api/collections/_superusers/records', auth: null },

  // --- superuser-only routes as a user
  { name: 'settings as user', path: '/api/settings', auth: 'userToken' },
  { name: 'settings patch as user', method: 'PATCH', path: '/api/settings', auth: 'userToken', body: {} },
  { name: 'logs as user', path: '/api/logs', auth: 'userToken' },
  { name: 'crons as user', path: '/api/crons', auth: 'userToken' },
  { name: 'backups as user', path: '/api/backups', auth: 'userToken' },
  { name: 'test email as user', method: 'POST', path: '/api/settings/test/email', auth: 'userToken', body: {} },
  { name: 'collections as user', path: '/api/collections', auth: 'userToken' },

  // --- settings: every group, one bad value at a time (never saved)
  badSettings('meta long appName', { meta: { appName: 'x'.repeat(300) } }),
  badSettings('meta accentColor length', { meta: { accentColor: 'nope' } }),
  badSettings('meta accentColor hex', { meta: { accentColor: '#zzzzzz' } }),
  badSettings('meta accentColor empty', { meta: { accentColor: '' } }),
  badSettings('meta senderName long', { meta: { senderName: 'x'.repeat(300) } }),
  badSettings('meta senderAddress', { meta: { senderAddress: 'a b' } }),
  badSettings('logs maxDataSize', { logs: { maxDataSize: -1, maxDays: -1 } }),
  badSettings('batch negative', { batch: { maxRequests: -1, timeout: -1, maxBodySize: -1 } }),
  badSettings('batch enabled zero', { batch: { enabled: true, maxRequests: 0, timeout: 0 } }),
  badSettings('smtp port negative', { smtp: { port: -5, authMethod: 'nope' } }),
  badSettings('smtp authMethod lower', { smtp: { authMethod: 'plain' } }),
  badSettings('smtp enabled blank', { smtp: { enabled: true, host: '', port: 0 } }),
  badSettings('s3 endpoint', { s3: { endpoint: 'not a url' } }),
  badSettings('s3 enabled blank', { s3: { enabled: true } }),
  badSettings('backups s3 enabled blank', { backups: { s3: { enabled: true } } }),
  badSettings('backups cron segments', { backups: { cron: '* * * * * *' } }),
  badSettings('backups cron value', { backups: { cron: '61 * * * *', cronMaxKeep: 3 } }),
  badSettings('backups cron step', { backups: { cron: '*/0 * * * *', cronMaxKeep: 3 } }),
  badSettings('backups cron range', { backups: { cron: '5-1 * * * *', cronMaxKeep: 3 } }),
  badSettings('backups cronMaxKeep blank', { backups: { cron: '@daily', cronMaxKeep: 0 } }),
  badSettings('backups cronMaxKeep negative', { backups: { cron: '', cronMaxKeep: -1 } }),
  badSettings('rate limit rule negative', { rateLimits: { rules: [{ label: '', audience: 'x', duration: -1, maxRequests: -1 }] } }),
  badSettings('rate limit labels', { rateLimits: { rules: ['POST /api/x', 'users:create', '/api/x-y/', 'api', 'a:b:c', '/api/*', '*', 'nope:*', '/ap i', 'x:', 'get /x', 'GET/x'].map((label) => ({ label, duration: 1, maxRequests: 1 })) } }),
  badSettings('rate limit conflict', { rateLimits: { rules: [{ label: '*:auth', duration: 1, maxRequests: 1 }, { label: '*:auth', audience: '@guest', duration: 1, maxRequests: 1 }] } }),
  badSettings('rate limit audiences', { rateLimits: { rules: [{ label: 'a', audience: '@guest', duration: 1, maxRequests: 1 }, { label: 'a', audience: '@auth', duration: 1, maxRequests: 1 }] } }),
  badSettings('rate limit many rules', { rateLimits: { rules: tpl(20) } }),
  badSettings('excludedIPs', { rateLimits: { excludedIPs: ['nope', '10.0.0.0/8', '2001:db8::1'] } }),
  badSettings('superuserIPs', { superuserIPs: ['nope', '10.0.0.0/33'] }),
  { name: 'settings: wrong type smtp port', method: 'PATCH', path: '/api/settings', body: { smtp: { port: 'x' } }, ignore: [/\.data\./] },
  { name: 'settings: wrong type group', method: 'PATCH', path: '/api/settings', body: { logs: [] }, ignore: [/\.data\./] },
  { name: 'settings: not an object', method: 'PATCH', path: '/api/settings', raw: '[]' },
  { name: 'settings: float', method: 'PATCH', path: '/api/settings', body: { batch: { maxRequests: 1.5 } }, ignore: [/\.data\./] },

  // --- test email and S3
  { name: 'test email empty', method: 'POST', path: '/api/settings/test/email', body: {} },
  { name: 'test email bad collection', method: 'POST', path: '/api/settings/test/email', body: { email: 'a@example.com', template: 'verification', collection: 'nope' } },
  { name: 'test email base collection', method: 'POST', path: '/api/settings/test/email', body: { email: 'a@example.com', template: 'otp', collection: P } },
  { name: 'test email wrong type', method: 'POST', path: '/api/settings/test/email', body: { email: 5 } },
  { name: 'test s3 empty', method: 'POST', path: '/api/settings/test/s3', body: {} },
  { name: 'test s3 backups disabled', method: 'POST', path: '/api/settings/test/s3', body: { filesystem: 'backups' }, ignore: [/^\$\.message$/] },
  { name: 'test s3 wrong type', method: 'POST', path: '/api/settings/test/s3', body: { filesystem: 5 } },

  // --- batch (enabled above)
  { name: 'batch not an object', method: 'POST', path: '/api/batch', raw: '[]' },
  { name: 'batch requests not a list', method: 'POST', path: '/api/batch', body: { requests: 'x' } },
  { name: 'batch request without method or url', method: 'POST', path: '/api/batch', body: { requests: [{}] } },
  { name: 'batch request without url', method: 'POST', path: '/api/batch', body: { requests: [{ method: 'POST' }] } },
  { name: 'batch missing collection', method: 'POST', path: '/api/batch', body: { requests: [{ method: 'POST', url: '/api/collections/nope/records', body: {} }] } },
  { name: 'batch delete missing', method: 'POST', path: '/api/batch', body: { requests: [{ method: 'DELETE', url: `/api/collections/${P}/records/aaaaaaaaaaaaaaa` }] } },
  { name: 'batch update missing', method: 'POST', path: '/api/batch', body: { requests: [{ method: 'PATCH', url: `/api/collections/${P}/records/aaaaaaaaaaaaaaa`, body: {} }] } },
  { name: 'batch upsert new', method: 'POST', path: '/api/batch', body: { requests: [{ method: 'PUT', url: `/api/collections/${P}/records`, body: rec({ title: 'Upserted' }) }] }, ignore: [/\.body\.(id|created|updated)$/] },
  { name: 'batch upsert invalid', method: 'POST', path: '/api/batch', body: { requests: [{ method: 'PUT', url: `/api/collections/${P}/records`, body: { title: '' } }] } },
  { name: 'batch upsert missing id', method: 'POST', path: '/api/batch', body: { requests: [{ method: 'PUT', url: `/api/collections/${P}/records`, body: rec({ id: 'aaaaaaaaaaaaaa1' }) }] } },
  { name: 'batch with file', method: 'POST', path: '/api/batch', form: [['@jsonPayload', JSON.stringify({ requests: [{ method: 'POST', url: `/api/collections/${P}/records`, body: rec({}) }] })], ['requests.0.doc', Object.assign(new Blob(['hello'], { type: 'text/plain' }), { name: 'a.txt' })]], ignore: [/\.body\.(id|created|updated|doc)$/] },
  { name: 'batch file too big', method: 'POST', path: '/api/batch', form: [['@jsonPayload', JSON.stringify({ requests: [{ method: 'POST', url: `/api/collections/${P}/records`, body: rec({}) }] })], ['requests.0.doc', Object.assign(new Blob(['x'.repeat(100)], { type: 'text/plain' }), { name: 'a.txt' })]] },

  // --- realtime
  { name: 'realtime client id number', method: 'POST', path: '/api/realtime', body: { clientId: 5 } },
  { name: 'realtime form without client', method: 'POST', path: '/api/realtime', raw: 'subscriptions=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },

  // --- logs
  { name: 'logs fields', path: '/api/logs?perPage=1&fields=id', ignore: [/\.(totalItems|totalPages)$/] },
  { name: 'logs fields data', path: '/api/logs?perPage=1&fields=data.method&filter=' + encodeURIComponent('data.method = "GET"'), ignore: [/\.(totalItems|totalPages)$/] },
  { name: 'logs bad filter', path: '/api/logs?filter=(((' , ignore: [/^\$\.message$/] },
  { name: 'logs unknown field filter', path: '/api/logs?filter=nope=1', ignore: [/^\$\.message$/] },
  { name: 'logs bad sort', path: '/api/logs?sort=nope', ignore: [/^\$\.message$/] },
  { name: 'logs stats unknown field', path: '/api/logs/stats?filter=nope=1' },
  { name: 'logs perPage not a number', path: '/api/logs?perPage=abc', statusOnly: true },
  { name: 'logs page shape', path: '/api/logs?perPage=2&page=1&sort=-rowid', ignore: [/\.(totalItems|totalPages)$/, /\.items/] },

  // --- crons
  { name: 'cron run logs cleanup', method: 'POST', path: '/api/crons/__pbLogsCleanup__', statusOnly: true },
  { name: 'cron run missing as user', method: 'POST', path: '/api/crons/nope', auth: 'userToken' },

  // --- backups
  { name: 'backup create long name', method: 'POST', path: '/api/backups', body: { name: 'a'.repeat(200) + '.zip' } },
  { name: 'backup create wrong type', method: 'POST', path: '/api/backups', body: { name: 5 } },
  { name: 'backup create not an object', method: 'POST', path: '/api/backups', raw: '[]' },
  { name: 'backup upload no file', method: 'POST', path: '/api/backups/upload', form: [['x', 'y']] },
  { name: 'backup upload json', method: 'POST', path: '/api/backups/upload', body: {} },
  { name: 'backup upload garbage', method: 'POST', path: '/api/backups/upload', form: [['file', Object.assign(new Blob(['not a zip'], { type: 'application/zip' }), { name: 'bad.zip' })]], ignore: [/\.message$/] },
  { name: 'backup download no token', path: '/api/backups/nope.zip' },
  { name: 'file token', method: 'POST', path: '/api/files/token', save: { fileToken: (j) => j.token } },
  { name: 'backup download missing', path: '/api/backups/nope.zip?token=${fileToken}' },
  { name: 'backup delete bad key', method: 'DELETE', path: '/api/backups/..%2Fx.zip', ignore: [/^\$\.message$/] },
  { name: 'backup restore bad key', method: 'POST', path: '/api/backups/..%2Fx.zip/restore' },

  // --- unknown routes
  { name: 'unknown api route post', method: 'POST', path: '/api/nope' },
  { name: 'unknown api root', path: '/api' },
  { name: 'unknown path', path: '/nope' },
  { name: 'unknown path delete', method: 'DELETE', path: '/nope' },
];

// Probes of the platform routes: health, settings, batch, realtime, logs,
// crons, backups. They run after probes.mjs (batch uses its collection P).
import { P } from './probes.mjs';

const rec = (body) => ({ title: 'Hello', score: 1, ...body });

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
];

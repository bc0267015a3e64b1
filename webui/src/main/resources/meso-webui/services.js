'use strict';
// The services framework's pages (apps, one app, deployments), read from its Marathon-compatible
// /v2 API on this same port. The UI knows the framework only through that HTTP/JSON API. A page
// costs a few requests whatever the number of instances (never one per instance): again when
// /v2/events (server-sent events) says something changed, at most every 500 ms, and every 2 s
// while the page is open, for the queue's offer statistics, which change without an event.
// Loaded after app.js, whose helpers ($, esc, fmt, VIEWS, viewName) it uses.
const SV = { apps: null, queue: [], deployments: [], app: null, versions: [], error: '', msg: '',
  instPage: 0, pageSize: 100, loading: false, again: false, soon: null, events: null, shown: null };
const SERVICE_VIEWS = ['apps', 'app', 'deployments'];
const APPS_EMBED = 'apps.counts,apps.deployments,apps.lastTaskFailure,apps.taskStats';
const APP_EMBED = 'app.tasks,app.counts,app.deployments,app.lastTaskFailure,app.taskStats';
// The events /v2/events sends (services' EventsRoute); each one means the page may be stale.
const SERVICE_EVENTS = ['status_update_event', 'health_status_changed_event', 'app_terminated_event',
  'deployment_info', 'deployment_step_success', 'deployment_step_failure', 'deployment_success', 'deployment_failed'];
// Why an offer did not fit, in Marathon's funnel order (an offer counts under its first reason).
const NO_MATCH = {
  UnfulfilledRole: 'offered for another role', UnfulfilledConstraint: 'placement constraints not met',
  NoCorrespondingReservationFound: 'no matching reservation', AgentMaintenance: 'agent in maintenance',
  InsufficientCpus: 'not enough cpus', InsufficientMemory: 'not enough memory', InsufficientDisk: 'not enough disk',
  InsufficientGpus: 'not enough gpus', InsufficientPorts: 'required ports not free',
  DeclinedScarceResources: 'agent has GPUs the app does not use'
};

async function v2(path, init) {
  const r = await api('/v2' + path, Object.assign({ headers: { Accept: 'application/json' } }, init || {}));
  const text = await r.text();
  if (!r.ok) {
    let message;
    try { message = JSON.parse(text).message || text; } catch (e) {
      // The framework answers JSON; anything else comes from a master that does not serve /v2.
      message = r.status === 404 ? 'no services framework answers /v2 on this master' : text || r.statusText;
    }
    throw new Error(r.status + ' ' + message);
  }
  return text ? JSON.parse(text) : {};
}

// App ids are paths (/group/app); each segment is encoded so the id survives the hash.
function appHref(id) { return '#app' + String(id).split('/').map(encodeURIComponent).join('/'); }
function currentAppId() {
  const raw = location.hash.slice('#app'.length);
  try { return raw.split('/').map(decodeURIComponent).join('/'); } catch (e) { return raw; }
}
function appLink(id) { return '<a href="' + esc(appHref(id)) + '">' + esc(id) + '</a>'; }
function at(iso) { return iso ? new Date(iso).toLocaleString() : ''; }
function ago(iso) {
  if (!iso) return '';
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  return s < 120 ? s + ' s ago' : s < 7200 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
}
// Assigns only when the markup changed: a refresh does not replace a button under the mouse.
function setHtml(el, html) { if (el.__html !== html) { el.__html = html; el.innerHTML = html; } }
function grid(el, headers, rows) {
  setHtml(el, '<tr>' + headers.map(h => '<th class="plain">' + esc(h) + '</th>').join('') + '</tr>' + rows.join(''));
}
function setMsg() {
  const text = SV.error ? 'error: ' + SV.error : SV.msg;
  document.querySelectorAll('.svc-msg').forEach(el => { el.textContent = text; });
}

// Marathon UI's statuses: Delayed (launches held back after failures), Waiting (offers arrive but
// none fits), Deploying (a deployment touches it), Suspended (0 instances), else Running.
function appStatus(app, q) {
  if (q && q.delay && !q.delay.overdue) return 'Delayed';
  if (q && q.processedOffersSummary && q.processedOffersSummary.unusedOffersCount > 0) return 'Waiting';
  if ((app.deployments || []).length) return 'Deploying';
  if (app.instances === 0 && !app.tasksRunning) return 'Suspended';
  return 'Running';
}
function queueOf(id) { return SV.queue.find(q => q.app && q.app.id === id); }
function labelsText(labels) { return Object.entries(labels || {}).map(([k, v]) => k + '=' + v).join(', '); }

// Fetches what the open page shows; one fetch at a time, another one after it if asked meanwhile.
async function refreshServices() {
  const view = viewName();
  if (!SERVICE_VIEWS.includes(view)) return;
  if (SV.loading) { SV.again = true; return; }
  SV.loading = true;
  try {
    if (view === 'apps') {
      const [apps, queue] = await Promise.all([v2('/apps?embed=' + APPS_EMBED), v2('/queue')]);
      SV.apps = apps.apps; SV.queue = queue.queue;
    } else if (view === 'app') {
      const id = currentAppId(), path = '/apps' + id.split('/').map(encodeURIComponent).join('/');
      const [app, versions, queue, deployments] = await Promise.all([v2(path + '?embed=' + APP_EMBED),
        v2(path + '/versions'), v2('/queue'), v2('/deployments')]);
      SV.app = app.app; SV.versions = versions.versions; SV.queue = queue.queue; SV.deployments = deployments;
    } else {
      SV.deployments = await v2('/deployments');
    }
    SV.error = '';
  } catch (e) {
    SV.error = e.message;
    if (view === 'app') SV.app = null;
  } finally {
    SV.loading = false;
  }
  if (viewName() === view) VIEWS[view]();
  if (SV.again) { SV.again = false; refreshSoon(); }
}

function refreshSoon() {
  if (!SV.soon) SV.soon = setTimeout(() => { SV.soon = null; refreshServices(); }, 500);
}

// Subscribes to /v2/events once a services page is opened. A closed stream (no services framework
// on this master answers 404) is not retried: the 2 s refresh carries on without it.
function listenToServices() {
  if (SV.events) return;
  SV.events = new EventSource('/v2/events');
  SERVICE_EVENTS.forEach(type => SV.events.addEventListener(type, () => {
    if (SERVICE_VIEWS.includes(viewName())) refreshSoon();
  }));
}

// Called by render() for a services page: draws what is known, fetches afresh when the page changed.
function serviceView(draw) {
  return () => {
    listenToServices();
    if (SV.shown !== location.hash) { SV.shown = location.hash; SV.msg = ''; SV.instPage = 0; refreshServices(); }
    setMsg();
    draw();
  };
}

function renderApps() {
  if (!SV.apps) { setHtml($('apps-table'), SV.error ? '' : '<tr><td>loading…</td></tr>'); return; }
  const text = $('apps-filter').value.toLowerCase();
  const apps = SV.apps.filter(a => !text || (a.id + ' ' + labelsText(a.labels) + ' ' + (a.cmd || '')).toLowerCase()
    .includes(text)).sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  grid($('apps-table'), ['Id', 'Status', 'Running / instances', 'Healthy', 'Unhealthy', 'Staged', 'cpus (all)', 'mem MiB (all)',
    'Labels', 'Last failure'],
  apps.length ? apps.map(a => {
    const status = appStatus(a, queueOf(a.id)), f = a.lastTaskFailure;
    return '<tr data-app="' + esc(a.id) + '"><td>' + appLink(a.id) + '</td><td class="c-status status status-' + status
      + '">' + status + '</td><td class="c-running">' + a.tasksRunning + ' / ' + a.instances + '</td><td class="c-healthy">'
      + a.tasksHealthy + '</td><td class="c-unhealthy">' + a.tasksUnhealthy + '</td><td class="c-staged">' + a.tasksStaged
      + '</td><td title="' + fmt(a.cpus) + ' per instance">' + fmt(a.cpus * a.instances) + '</td><td title="' + fmt(a.mem)
      + ' per instance">' + fmt(a.mem * a.instances) + '</td><td>' + esc(labelsText(a.labels)) + '</td><td>'
      + (f ? esc(f.state + ' ' + ago(f.timestamp)) : '') + '</td></tr>';
  }) : ['<tr><td colspan="10">no apps' + (text ? ' match' : ' yet: POST one to /v2/apps, or meso app run FILE') + '</td></tr>']);
}

function renderApp() {
  const id = currentAppId(), a = SV.app && SV.app.id === id ? SV.app : null;
  if (!a) {
    $('app-title').textContent = 'App ' + id + (SV.error ? '' : ' (loading…)');
    ['app-summary', 'app-waiting', 'app-deployments', 'app-failure', 'app-instances', 'app-versions']
      .forEach(el => setHtml($(el), ''));
    $('inst-page').textContent = '';
    return;
  }
  const q = queueOf(id), status = appStatus(a, q);
  setHtml($('app-title'), 'App ' + esc(a.id) + ' <span id="app-status" class="status status-' + status + '">' + status + '</span>');
  const checks = (a.healthChecks || []).map(h => h.protocol + (h.path ? ' ' + h.path : '')).join(', ');
  const rows = [['Instances', a.tasksRunning + ' running of ' + a.instances + ', ' + a.tasksHealthy + ' healthy, '
      + a.tasksUnhealthy + ' unhealthy, ' + a.tasksStaged + ' staged'],
    ['Resources', 'cpus ' + fmt(a.cpus) + ', mem ' + fmt(a.mem) + ', disk ' + fmt(a.disk) + (a.gpus ? ', gpus ' + fmt(a.gpus) : '')
      + ' per instance'],
    ['Command', a.cmd != null ? a.cmd : (a.args || []).join(' ')], ['Labels', labelsText(a.labels)],
    ['Health checks', checks || 'none'], ['Constraints', (a.constraints || []).map(c => c.join(':')).join(', ')],
    ['Version', a.version]];
  setHtml($('app-summary'), rows.map(([k, v]) => '<tr><th class="plain">' + k + '</th><td>'
    + (k === 'Command' ? '<pre class="cmd" id="app-cmd">' + esc(v) + '</pre>' : esc(v)) + '</td></tr>').join(''));
  setHtml($('app-waiting'), q ? waitingBox(a, q) : '');
  const mine = (SV.deployments || []).filter(d => (d.affectedApps || []).includes(id));
  setHtml($('app-deployments'), mine.length ? '<div class="box"><h3>Deployments</h3><table>'
    + mine.map(deploymentRow).join('') + '</table></div>' : '');
  const f = a.lastTaskFailure;
  setHtml($('app-failure'), f ? '<div class="box failure"><h3>Last task failure</h3><b>' + esc(f.state) + '</b> '
    + esc(at(f.timestamp)) + ': task ' + esc(f.taskId) + ' on ' + esc(f.host) + ' (agent ' + esc(f.slaveId)
    + '), version ' + esc(f.version) + '<pre class="cmd">' + esc(f.message) + '</pre></div>' : '');
  renderInstances(a);
  const versions = SV.versions || [];
  setHtml($('app-versions'), versions.slice(0, 50).map(v => '<li>' + esc(v) + (v === a.version ? ' (current)' : '')
    + '</li>').join('') + (versions.length > 50 ? '<li>and ' + (versions.length - 50) + ' older</li>' : ''));
}

// Why an app still has instances to launch: its launch delay and how the offers it saw did not fit.
function waitingBox(a, q) {
  const s = q.processedOffersSummary || {};
  let html = '<div class="box waiting" id="waiting-because"><h3>Waiting because</h3>' + q.count + ' instance(s) to launch since '
    + esc(at(q.since)) + '. ';
  if (q.delay && !q.delay.overdue) {
    html += 'Launches are held back after failures (backoff): ' + q.delay.timeLeftSeconds + ' s left. <button data-reset-delay="'
      + esc(a.id) + '">Launch now</button> ';
  }
  html += (s.processedOffersCount || 0) + ' offer(s) looked at, ' + (s.unusedOffersCount || 0) + ' did not fit'
    + (s.lastUsedOfferAt ? '; last used ' + esc(ago(s.lastUsedOfferAt)) : '') + '.';
  const last = new Map((s.rejectSummaryLastOffers || []).map(r => [r.reason, r]));
  const reasons = (s.rejectSummaryLaunchAttempt || []).filter(r => r.declined > 0 || (last.get(r.reason) || {}).declined > 0);
  if (reasons.length) {
    html += '<table id="waiting-reasons"><tr><th>Reason</th><th>Declined (this launch attempt)</th><th>Declined (last offers)</th></tr>'
      + reasons.map(r => { const l = last.get(r.reason) || { declined: 0, processed: 0 };
        return '<tr><td>' + esc(r.reason) + ': ' + esc(NO_MATCH[r.reason] || '') + '</td><td>' + r.declined + ' of ' + r.processed
          + '</td><td>' + l.declined + ' of ' + l.processed + '</td></tr>'; }).join('') + '</table>';
  } else if (!s.processedOffersCount) {
    html += ' No offer has arrived yet.';
  }
  return html + '</div>';
}

function health(a, t) {
  if (!(a.healthChecks || []).length) return ['', 'no checks'];
  const h = (t.healthCheckResults || [])[0];
  if (!h) return ['', 'unknown'];
  if (h.alive) return ['healthy', 'healthy'];
  return ['unhealthy', 'unhealthy' + (h.consecutiveFailures ? ' (' + h.consecutiveFailures + ' failures)' : '')
    + (h.lastFailureCause ? ': ' + h.lastFailureCause : '')];
}

// 100 instances a page: a page of a 1,000-instance app stays quick to draw.
function renderInstances(a) {
  const text = $('inst-filter').value.toLowerCase();
  const list = (a.tasks || []).map(t => ({ t, h: health(a, t) }))
    .filter(x => !text || (x.t.id + ' ' + x.t.host + ' ' + x.t.state + ' ' + x.h[1]).toLowerCase().includes(text))
    .sort((x, y) => x.t.id < y.t.id ? -1 : x.t.id > y.t.id ? 1 : 0);
  const pages = Math.max(1, Math.ceil(list.length / SV.pageSize));
  SV.instPage = Math.min(SV.instPage, pages - 1);
  $('inst-page').textContent = ' page ' + (SV.instPage + 1) + ' of ' + pages + ' (' + list.length + ' instances) ';
  grid($('app-instances'), ['Task', 'Host', 'Agent', 'Ports', 'State', 'Health', 'Version', 'Started'],
  list.length ? list.slice(SV.instPage * SV.pageSize, (SV.instPage + 1) * SV.pageSize).map(({ t, h }) => '<tr data-instance="'
    + esc(t.id) + '"><td>' + esc(t.id) + '</td><td class="c-host">' + esc(t.host) + '</td><td class="c-agent">'
    + esc(t.agentId || t.slaveId) + '</td><td class="c-ports">' + esc((t.ports || []).join(', ')) + '</td><td class="c-state state state-'
    + esc(t.state) + '">' + esc(t.state) + '</td><td class="c-health health-' + h[0] + '">' + esc(h[1]) + '</td><td>'
    + esc(t.version) + (t.version !== a.version ? ' (old)' : '') + '</td><td title="staged ' + esc(at(t.stagedAt)) + '">'
    + esc(at(t.startedAt)) + '</td></tr>')
    : ['<tr><td colspan="8">' + ((a.tasks || []).length ? 'no instance matches' : 'no instances') + '</td></tr>']);
}

// One deployment as a row: its apps, its progress, what it does now, and the buttons that cancel it.
function deploymentRow(d) {
  const actions = (d.currentActions || []).map(c => esc(c.action || c.type) + ' ' + appLink(c.app)
    + ((c.readinessCheckResults || []).length ? ' (' + c.readinessCheckResults.filter(r => r.ready).length + '/'
      + c.readinessCheckResults.length + ' ready)' : '')).join('<br>');
  return '<tr data-deployment="' + esc(d.id) + '"><td>' + esc(d.id) + '</td><td>' + (d.affectedApps || []).map(appLink).join(', ')
    + '</td><td class="c-progress"><progress max="' + d.totalSteps + '" value="' + d.currentStep + '"></progress> step '
    + d.currentStep + ' / ' + d.totalSteps + '</td><td class="c-actions">' + actions + '</td><td>' + esc(at(d.version))
    + '</td><td><button data-cancel-deployment="' + esc(d.id) + '">Cancel (roll back)</button> <button data-stop-deployment="'
    + esc(d.id) + '">Stop (force)</button></td></tr>';
}

function renderDeployments() {
  const list = SV.deployments || [];
  grid($('deployments-table'), ['Id', 'Apps', 'Progress', 'Current actions', 'Started', ''],
  list.length ? list.map(deploymentRow) : ['<tr><td colspan="6">no deployment in progress</td></tr>']);
}

async function cancelDeployment(id, force) {
  const question = force ? 'Stop deployment ' + id + ' where it is? Nothing is rolled back.'
    : 'Cancel deployment ' + id + '? Its apps are rolled back to where they were before it.';
  if (!confirm(question)) return;
  const r = await v2('/deployments/' + encodeURIComponent(id) + (force ? '?force=true' : ''), { method: 'DELETE' });
  SV.msg = force ? 'Deployment ' + id + ' stopped.'
    : 'Deployment ' + id + ' cancelled; rolling back in deployment ' + r.deploymentId + '.';
  setMsg();
  refreshServices();
}

document.addEventListener('click', async ev => {
  const d = ev.target.dataset || {};
  try {
    if (d.cancelDeployment) await cancelDeployment(d.cancelDeployment, false);
    else if (d.stopDeployment) await cancelDeployment(d.stopDeployment, true);
    else if (d.resetDelay) {
      await v2('/queue' + d.resetDelay.split('/').map(encodeURIComponent).join('/') + '/delay', { method: 'DELETE' });
      refreshServices();
    }
  } catch (e) { SV.msg = e.message; setMsg(); }
});
$('apps-filter').oninput = () => renderApps();
$('inst-filter').oninput = () => { SV.instPage = 0; if (SV.app) renderInstances(SV.app); };
$('inst-prev').onclick = () => { SV.instPage = Math.max(0, SV.instPage - 1); if (SV.app) renderInstances(SV.app); };
$('inst-next').onclick = () => { SV.instPage++; if (SV.app) renderInstances(SV.app); };
Object.assign(VIEWS, { apps: serviceView(renderApps), app: serviceView(renderApp), deployments: serviceView(renderDeployments) });
setInterval(() => { if (SERVICE_VIEWS.includes(viewName())) refreshServices(); }, 2000);

'use strict';
// Meso web UI: agents and frameworks at load (GET_AGENTS, GET_FRAMEWORKS), then live master events
// over server-sent events (/ui/events, fed by the master's event stream). Tasks are never all in the
// browser: the tasks view shows one page from the master (GET /tasks, paged and filtered there),
// refetched at most every second while events come; a task's page fetches that task; the overview
// counts tasks from the master's metrics. No framework, no build step.
// S.tasks holds only what is on screen: the visible page's tasks and the open task.
const S = { agents: new Map(), frameworks: new Map(), tasks: new Map(), pageTasks: [], detail: null, metrics: {},
  history: [], sort: { key: 'created', dir: -1 }, page: 0, pageSize: 100, total: null, more: false, current: null,
  tails: {} };
const $ = id => document.getElementById(id);
const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
// Tasks listed as completed: a copy of io.meso.codecs.TaskStates.COMPLETED (TaskStatesInAppJsTest checks it).
const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED',
  'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN']);
// Every task state (mesos.v1.TaskState), for the state filter and the overview's counts.
const STATES = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_UNREACHABLE', 'TASK_FINISHED',
  'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR',
  'TASK_UNKNOWN'];

// Every request carries the browser's credentials for this origin: with authentication on, the
// browser asked for them (HTTP Basic) when the page itself was refused, and sends them from then on.
// A 401 later means they are gone or no longer accepted: say how to sign in again.
async function api(url, init) {
  const r = await fetch(url, Object.assign({ credentials: 'same-origin' }, init || {}));
  if (r.status === 401) needLogin();
  return r;
}

function needLogin() {
  $('login').hidden = false;
  $('live').textContent = 'not signed in';
}

async function call(type, body) {
  const r = await api('/api/v1', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(Object.assign({ type }, body || {})) });
  if (!r.ok) { throw new Error(r.status + ' ' + await r.text()); }
  const text = await r.text();
  return text ? JSON.parse(text) : {};
}

function scalars(resources) {
  const out = { cpus: 0, mem: 0, disk: 0, gpus: 0 };
  (resources || []).forEach(r => { if (r.type === 'SCALAR') out[r.name] = (out[r.name] || 0) + r.scalar.value; });
  return out;
}

// A task of GET /tasks (Mesos's v0 task object) as the views use it.
function fromV0(t) {
  const r = t.resources || {};
  return { key: t.framework_id + '/' + t.id, id: t.id, name: t.name || '', framework: t.framework_id,
    agent: t.agent_id || '', state: t.state, statuses: t.statuses || [],
    created: t.created_at || ((t.statuses && t.statuses[0] && t.statuses[0].timestamp) || 0), cpus: r.cpus || 0,
    mem: r.mem || 0 };
}

// The tasks on screen, by "framework/task": the visible page and the open task, nothing else.
function taskByKey(key) { return S.detail && S.detail.key === key ? S.detail : S.tasks.get(key); }
function rebuildTasks() {
  S.tasks = new Map(S.pageTasks.map(t => [t.key, t]));
  if (S.detail) S.tasks.set(S.detail.key, S.detail);
}

// Events carry no task counts: keep the ones the last GET_AGENTS / GET_FRAMEWORKS gave.
function putAgent(a) {
  const old = S.agents.get(a.agent_info.id.value);
  if (old && a.active_tasks === undefined) a.active_tasks = old.active_tasks;
  S.agents.set(a.agent_info.id.value, a);
}
function putFramework(f) {
  const old = S.frameworks.get(f.framework_info.id.value);
  if (old && f.active_tasks === undefined) f.active_tasks = old.active_tasks;
  S.frameworks.set(f.framework_info.id.value, f);
}

async function loadLists() {
  const [a, f] = await Promise.all([call('GET_AGENTS'), call('GET_FRAMEWORKS')]);
  S.agents.clear(); S.frameworks.clear();
  a.get_agents.agents.forEach(putAgent);
  f.get_frameworks.frameworks.forEach(putFramework);
  S.listsAt = Date.now();
}

async function load() {
  await loadLists();
  await refreshMetrics();
  S.detail = null;
  render();
  if (viewName() === 'tasks') fetchPage();
}

// Agents' and frameworks' task counts and allocations change with every task: refreshed when their
// view is opened (if older than 5 s) and every 30 s while it stays open. Each is a GetState on the
// master, which sums every active task's resources per framework (hundreds of ms at a million tasks).
function refreshListsSometimes(maxAge) {
  if (S.listsFetching || (S.listsAt && Date.now() - S.listsAt < (maxAge || 30000))) return;
  S.listsFetching = true;
  loadLists().catch(() => {}).finally(() => {
    S.listsFetching = false;
    const v = viewName();
    if (v === 'agents' || v === 'frameworks') render();
  });
}

// ---- the tasks view: one page from the master ------------------------------------------------
function pageQuery() {
  const q = new URLSearchParams({ limit: S.pageSize, offset: S.page * S.pageSize, order: S.sort.dir > 0 ? 'asc' : 'desc' });
  const text = $('f-text').value.trim(), state = $('f-state').value, fw = $('f-framework').value;
  if (text) q.set('task_id_prefix', text);
  if (state) q.set('state', state);
  if (fw) q.set('framework_id', fw);
  return q.toString();
}

// Fetches the page now, or (soon: an event moved tasks) once a second has passed since the last
// fetch; five seconds with a task id or state filter, which the master answers by walking tasks
// until the page is full (all of them for a rare state). A reply to an older query is dropped.
let pageSeq = 0, pageAt = 0, pageTimer = null;
function fetchPage(soon) {
  if (pageTimer) {
    if (soon) return;
    clearTimeout(pageTimer); pageTimer = null;
  }
  const every = $('f-text').value.trim() || $('f-state').value ? 5000 : 1000;
  const wait = soon ? Math.max(0, every - (Date.now() - pageAt)) : 0;
  pageTimer = setTimeout(async () => {
    pageTimer = null; pageAt = Date.now();
    const seq = ++pageSeq;
    try {
      const r = await api('/tasks?' + pageQuery());
      if (seq !== pageSeq) return;
      if (!r.ok) { $('page').textContent = ' ' + r.status + ' ' + (await r.text()).trim() + ' '; return; }
      const d = await r.json();
      if (seq !== pageSeq) return;
      S.pageTasks = (d.tasks || []).map(fromV0);
      const total = r.headers.get('X-Total-Count');
      S.total = total === null ? null : +total;
      S.more = r.headers.get('X-Has-More') === 'true';
      rebuildTasks();
      if (viewName() === 'tasks') renderTasks();
    } catch (e) { showError(e); }
  }, wait);
}

function onEvent(e) {
  switch (e.type) {
    case 'TASK_ADDED':
      if (viewName() === 'tasks') fetchPage(true);
      break;
    case 'TASK_UPDATED': {
      const u = e.task_updated, st = u.status, fw = u.framework_id ? u.framework_id.value : null;
      const key = (fw || '') + '/' + st.task_id.value;
      // Only tasks on screen are updated in place; the page is refetched for where tasks moved.
      const seen = new Set([S.tasks.get(key), S.detail && S.detail.key === key ? S.detail : null]);
      seen.forEach(t => { if (t) { t.state = u.state; t.statuses = t.statuses.concat([st]); } });
      if (viewName() === 'tasks') fetchPage(true);
      break;
    }
    case 'AGENT_ADDED': putAgent(e.agent_added.agent); break;
    case 'AGENT_REMOVED': { const a = S.agents.get(e.agent_removed.agent_id.value); if (a) a.active = false; break; }
    case 'FRAMEWORK_ADDED': putFramework(e.framework_added.framework); break;
    case 'FRAMEWORK_UPDATED': putFramework(e.framework_updated.framework); break;
    case 'FRAMEWORK_REMOVED': S.frameworks.delete(e.framework_removed.framework_info.id.value); break;
  }
  scheduleRender();
}

let renderPending = false, lastMetrics = 0;
function scheduleRender() {
  if (!renderPending) {
    renderPending = true;
    setTimeout(async () => {
      renderPending = false;
      if (Date.now() - lastMetrics > 1000) { lastMetrics = Date.now(); await refreshMetrics().catch(() => {}); }
      render();
    }, 150);
  }
}

function connect() {
  const es = new EventSource('/ui/events');
  es.onopen = () => { $('live').textContent = 'live'; load().catch(showError); };
  es.onmessage = m => onEvent(JSON.parse(m.data));
  es.onerror = () => {
    $('live').textContent = 'reconnecting…';
    // A refused stream (401: credentials gone) is not retried by the browser: find out why, retry later.
    if (es.readyState === EventSource.CLOSED) {
      api('/metrics/snapshot').catch(() => {});
      setTimeout(connect, 5000);
    }
  };
}

async function refreshMetrics() {
  const r = await api('/metrics/snapshot');
  if (!r.ok) return;
  S.metrics = await r.json();
  const now = Date.now();
  if (S.history.length && now - S.history[S.history.length - 1].t < 2000) S.history.pop();
  S.history.push({ t: now, used: S.metrics['master/cpus_used'] || 0, offered: S.metrics['master/cpus_offered'] || 0,
    total: S.metrics['master/cpus_total'] || 0 });
  while (S.history.length && now - S.history[0].t > 300000) S.history.shift();
}

function showError(e) { $('live').textContent = 'error: ' + e.message; }

function table(el, headers, rows, sortable) {
  const head = '<tr>' + headers.map(h => '<th data-key="' + h[0] + '">' + esc(h[1])
    + (sortable && S.sort.key === h[0] ? (S.sort.dir > 0 ? ' ▲' : ' ▼') : '') + '</th>').join('') + '</tr>';
  el.innerHTML = head + rows.join('');
}

// The pages, by the name after '#'; services.js and jobs.js add the frameworks' pages.
const VIEWS = { overview: renderOverview, agents: renderAgents, frameworks: renderFrameworks, tasks: renderTasks,
  task: renderTask, roles: renderRoles, offers: renderOffers };

function viewName() { return (location.hash || '#overview').slice(1).split('/')[0]; }

function render() {
  const view = VIEWS[viewName()] ? viewName() : 'overview';
  if (view === 'agents' || view === 'frameworks') refreshListsSometimes();
  document.querySelectorAll('.view').forEach(v => v.classList.toggle('active', v.id === 'view-' + view));
  VIEWS[view]();
}

function renderOverview() {
  const m = S.metrics;
  $('resources').innerHTML = ['cpus', 'mem', 'disk', 'gpus'].map(r => '<div class="card">' + r
    + '<b>' + fmt(m['master/' + r + '_used']) + ' / ' + fmt(m['master/' + r + '_total']) + '</b>used / total, '
    + fmt(m['master/' + r + '_offered']) + ' offered</div>').join('');
  // How many tasks are in each state, from the master's metrics (ended states: all-time counts).
  const counts = {};
  STATES.forEach(s => { const v = m['master/' + s.toLowerCase().replace('task_', 'tasks_')]; if (v) counts[s] = v; });
  const active = [...S.agents.values()].filter(a => a.active).length;
  const connected = [...S.frameworks.values()].filter(f => f.connected).length;
  $('counts').innerHTML = '<div class="card">agents<b>' + active + ' active</b>' + (S.agents.size - active) + ' unreachable</div>'
    + '<div class="card">frameworks<b>' + connected + ' connected</b>' + (S.frameworks.size - connected) + ' disconnected</div>'
    + Object.keys(counts).sort().map(s => '<div class="card state-' + s + '">' + s + '<b id="count-' + s + '">' + counts[s] + '</b></div>').join('');
  drawChart();
}

function fmt(v) { return v === undefined ? '-' : (Math.round(v * 100) / 100).toString(); }

function drawChart() {
  const c = $('chart'), g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const h = S.history; if (h.length < 1) return;
  const max = Math.max(1, ...h.map(p => p.total)), start = Date.now() - 300000;
  const line = (key, color) => {
    g.strokeStyle = color; g.beginPath();
    h.forEach((p, i) => { const x = ((p.t - start) / 300000) * (c.width - 10) + 5, y = c.height - 15 - (p[key] / max) * (c.height - 30);
      i ? g.lineTo(x, y) : g.moveTo(x, y); });
    g.stroke();
  };
  line('total', '#999'); line('used', '#07a'); line('offered', '#e90');
  g.fillStyle = '#333'; g.fillText('cpus: total (grey), used (blue), offered (orange), last 5 minutes', 8, 12);
}

function renderAgents() {
  table($('agents-table'), [['id', 'Id'], ['host', 'Hostname'], ['attrs', 'Attributes'], ['total', 'Resources'],
    ['used', 'Allocated'], ['tasks', 'Tasks'], ['active', 'Active'], ['gone', '']],
  [...S.agents.values()].map(a => {
    const id = a.agent_info.id.value, tot = scalars(a.total_resources), used = scalars(a.allocated_resources);
    const tasks = a.active_tasks === undefined ? '-' : a.active_tasks;
    const attrs = (a.agent_info.attributes || []).map(x => x.name + ':' + (x.text ? x.text.value : x.scalar ? x.scalar.value : '')).join(', ');
    return '<tr><td>' + esc(id) + '</td><td>' + esc(a.agent_info.hostname) + '</td><td>' + esc(attrs) + '</td><td>'
      + res(tot) + '</td><td>' + res(used) + '</td><td>' + tasks + '</td><td>' + a.active + (a.deactivated ? ' (draining)' : '') + '</td><td><button data-gone="'
      + esc(id) + '">Mark gone</button></td></tr>';
  }));
}

function res(r) { return 'cpus ' + fmt(r.cpus) + ', mem ' + fmt(r.mem) + ', disk ' + fmt(r.disk) + (r.gpus ? ', gpus ' + fmt(r.gpus) : ''); }

// Why agents were not offered to a framework, most frequent reasons first (GET_OFFER_SKIPS, every 2 s at most).
function skipsOf(id) {
  if (!S.skipsFetching && (!S.skipsAt || Date.now() - S.skipsAt > 2000)) {
    S.skipsFetching = true;
    call('GET_OFFER_SKIPS').then(d => {
      S.skips = new Map((d.get_offer_skips.frameworks || []).map(f => [f.framework_id.value, f.counts || []]));
      S.held = d.get_offer_skips.held_offers || [];
      S.skipsAt = Date.now();
    }).catch(() => {}).finally(() => {
      S.skipsFetching = false;
      const view = location.hash || '';
      if (view.startsWith('#frameworks')) renderFrameworks();
      if (view.startsWith('#offers')) renderOffers();
    });
  }
  const counts = ((S.skips && S.skips.get(id)) || []).filter(c => +c.count > 0).sort((a, b) => b.count - a.count);
  const text = counts.slice(0, 3).map(c => c.reason.toLowerCase().replace(/_/g, ' ') + ' ' + c.count).join(', ');
  // Resources held in other frameworks' offers are what "no free resources" often means.
  const others = (S.held || []).filter(h => h.framework_id.value !== id);
  return others.length ? text + (text ? '; ' : '') + others.length + ' offer(s) held by other frameworks (see Offers)' : text;
}

// "held in offer O to framework X since T; rescinded at T+timeout": why resources are not offered to others.
function heldText(h) {
  const at = s => s ? new Date(s * 1000).toLocaleTimeString() : '';
  return 'held by ' + (h.framework_name || '') + ' (' + h.framework_id.value + ') since ' + at(h.offered_at)
    + (h.expires_at ? ', rescinded at ' + at(h.expires_at) + ' unless answered' : ', until answered (no offer timeout)');
}

function renderFrameworks() {
  const totalCpus = S.metrics['master/cpus_total'] || 0, totalMem = S.metrics['master/mem_total'] || 0;
  table($('frameworks-table'), [['id', 'Id'], ['name', 'Name'], ['roles', 'Roles'], ['share', 'Dominant share'],
    ['tasks', 'Active tasks'], ['connected', 'Connected'], ['skips', 'Not offered because'], ['actions', '']],
  [...S.frameworks.values()].map(f => {
    const i = f.framework_info, id = i.id.value, used = scalars(f.allocated_resources);
    const share = Math.max(totalCpus ? used.cpus / totalCpus : 0, totalMem ? used.mem / totalMem : 0);
    const tasks = f.active_tasks === undefined ? '-' : f.active_tasks;
    return '<tr><td>' + esc(id) + '</td><td>' + esc(i.name) + '</td><td>' + esc((i.roles || [i.role || '*']).join(', '))
      + '</td><td>' + fmt(share * 100) + '%</td><td>' + tasks + '</td><td>' + f.connected + '</td><td>' + esc(skipsOf(id))
      + '</td><td><button data-teardown="'
      + esc(id) + '">Tear down</button></td></tr>';
  }));
}

function renderTasks() {
  const sel = $('f-state'), cur = sel.value;
  if (sel.options.length !== STATES.length + 1) {
    sel.innerHTML = '<option value="">all states</option>' + STATES.map(s => '<option' + (s === cur ? ' selected' : '') + '>' + s + '</option>').join('');
  }
  const fsel = $('f-framework'), fcur = fsel.value;
  const fopts = '<option value="">all frameworks</option>' + [...S.frameworks.values()].map(f => '<option value="'
    + esc(f.framework_info.id.value) + '"' + (f.framework_info.id.value === fcur ? ' selected' : '') + '>'
    + esc(f.framework_info.name + ' (' + f.framework_info.id.value + ')') + '</option>').join('');
  if (fsel.dataset.opts !== fopts) { fsel.innerHTML = fopts; fsel.dataset.opts = fopts; }
  const first = S.page * S.pageSize;
  $('page').textContent = S.total === null
    ? ' page ' + (S.page + 1) + (S.pageTasks.length ? ' (tasks ' + (first + 1) + '-' + (first + S.pageTasks.length) + ')' : ' (no tasks)') + ' '
    : ' page ' + (S.page + 1) + ' of ' + Math.max(1, Math.ceil(S.total / S.pageSize)) + ' (' + S.total + ' tasks) ';
  $('prev').disabled = S.page === 0;
  $('next').disabled = !S.more;
  // Only the launch time sorts (the master keeps tasks in launch order); the other columns do not.
  table($('tasks-table'), [['id', 'Id'], ['name', 'Name'], ['state', 'State'], ['framework', 'Framework'], ['agent', 'Agent'],
    ['cpus', 'cpus'], ['mem', 'mem'], ['created', 'Started']],
  S.pageTasks.map(t => '<tr data-task="' + esc(t.key) + '"><td><a href="#task/'
    + encodeURIComponent(t.key) + '">' + esc(t.id) + '</a></td><td>' + esc(t.name) + '</td><td class="state state-' + t.state + '">'
    + t.state + '</td><td>' + esc(t.framework) + '</td><td>' + esc(t.agent) + '</td><td>' + fmt(t.cpus) + '</td><td>'
    + fmt(t.mem) + '</td><td>' + new Date(t.created * 1000).toLocaleTimeString() + '</td></tr>'), true);
}

// A task's page: the task fetched by id (GET /tasks?framework_id=..&task_id=..), then kept current
// from the events.
function renderTask() {
  const key = decodeURIComponent(location.hash.slice('#task/'.length));
  const t = S.detail && S.detail.key === key ? S.detail : null;
  if (!t) {
    if (S.detailFetching !== key) {
      S.detailFetching = key;
      const slash = key.indexOf('/'), fw = key.slice(0, slash), id = key.slice(slash + 1);
      $('task-title').textContent = 'loading task ' + key;
      api('/tasks?' + new URLSearchParams({ framework_id: fw, task_id: id, limit: 1 })).then(async r => {
        if (!r.ok) throw new Error(r.status + ' ' + (await r.text()).trim());
        const d = await r.json();
        if (S.detailFetching !== key) return;
        if (!(d.tasks || []).length) { $('task-title').textContent = 'unknown task ' + key; return; }
        S.detail = fromV0(d.tasks[0]); rebuildTasks();
        if (location.hash.startsWith('#task/')) renderTask();
      }).catch(e => { $('task-title').textContent = 'task ' + key + ': ' + e.message; })
        .finally(() => { if (S.detailFetching === key) S.detailFetching = null; });
    }
    return;
  }
  $('task-title').innerHTML = 'Task ' + esc(t.id) + ' <span id="task-state" class="state-' + t.state + '">' + t.state + '</span>';
  $('task-actions').innerHTML = TERMINAL.has(t.state) ? '' : '<button data-kill="' + esc(t.key) + '">Kill task</button>';
  table($('task-statuses'), [['s', 'State'], ['t', 'Time'], ['r', 'Reason'], ['src', 'Source'], ['m', 'Message']],
    t.statuses.map(s => '<tr><td>' + s.state + '</td><td>' + (s.timestamp ? new Date(s.timestamp * 1000).toLocaleTimeString() : '')
      + '</td><td>' + esc(s.reason || '') + '</td><td>' + esc(s.source || '') + '</td><td>' + esc(s.message || '') + '</td></tr>'));
  if (S.current !== key) {
    S.current = key; S.tails = { stdout: 0, stderr: 0 };
    $('tail-stdout').textContent = ''; $('tail-stderr').textContent = '';
    drawUsage([]); $('task-usage-msg').textContent = '';
    browse(t); refreshUsage().catch(() => {});
  }
}

// The task's usage over time (GET /tasks/<id>/usage: samples its agent keeps), drawn as inline SVG:
// cpu use (cores) against the cpu limit, and memory rss against the memory limit. Fetched every 3 s
// while a task page is open; a reply for a task no longer shown is dropped.
async function refreshUsage() {
  const key = S.current, t = key && taskByKey(key);
  if (!t || !location.hash.startsWith('#task/') || S.usageFetching) return;
  S.usageFetching = true;
  try {
    const r = await api('/tasks/' + encodeURIComponent(t.id) + '/usage?framework_id=' + encodeURIComponent(t.framework));
    const d = await r.json().catch(() => ({ error: r.status + ' ' + r.statusText }));
    if (S.current !== key) return;
    if (!r.ok) { drawUsage([]); $('task-usage-msg').textContent = 'usage: ' + (d.error || r.status); return; }
    drawUsage(d.samples || []);
    $('task-usage-msg').textContent = (d.samples || []).length ? ''
      : 'no usage samples yet (its agent samples every ' + fmt(d.interval_seconds) + ' s)';
  } finally { S.usageFetching = false; }
}

function drawUsage(samples) {
  const svg = $('task-usage'), W = 900, H = 260, left = 60, right = 10, panel = 100;
  if (!samples.length) { svg.innerHTML = ''; svg.dataset.points = 0; return; }
  const t0 = samples[0].timestamp, t1 = Math.max(t0 + 1, samples[samples.length - 1].timestamp);
  const x = t => left + (t - t0) / (t1 - t0) * (W - left - right);
  const mib = b => b / 1048576;
  const cpu = samples.filter(s => s.cpus_used !== undefined).map(s => [s.timestamp, s.cpus_used]);
  const cpuLimit = samples.map(s => [s.timestamp, s.cpus_limit || 0]);
  const rss = samples.map(s => [s.timestamp, mib(s.mem_rss_bytes || 0)]);
  const memLimit = samples.map(s => [s.timestamp, mib(s.mem_limit_bytes || 0)]);
  const pts = (series, top, max) => series.map(([t, v]) => x(t).toFixed(1) + ',' + (top + panel - v / max * panel).toFixed(1)).join(' ');
  const part = (title, top, series, limit, cls, unit) => {
    const max = Math.max(1e-9, ...series.map(p => p[1]), ...limit.map(p => p[1])) * 1.1;
    return '<text x="4" y="' + (top - 4) + '">' + title + '</text>'
      + '<line class="axis" x1="' + left + '" y1="' + (top + panel) + '" x2="' + (W - right) + '" y2="' + (top + panel) + '"/>'
      + '<text x="4" y="' + (top + 10) + '">' + fmt(max) + ' ' + unit + '</text><text x="4" y="' + (top + panel) + '">0</text>'
      + (limit.some(p => p[1] > 0) ? '<polyline class="limit" points="' + pts(limit, top, max) + '"/>' : '')
      + '<polyline class="' + cls + '" data-points="' + series.length + '" points="' + pts(series, top, max) + '"/>';
  };
  const last = samples[samples.length - 1], lastCpu = cpu.length ? cpu[cpu.length - 1][1] : undefined;
  svg.innerHTML = part('cpu: ' + fmt(lastCpu) + ' of ' + fmt(last.cpus_limit) + ' cpus'
      + (last.cpus_nr_throttled ? ', throttled ' + last.cpus_nr_throttled + ' times' : '') + ' (limit dashed)', 22, cpu, cpuLimit, 'cpu', 'cpus')
    + part('memory rss: ' + fmt(mib(last.mem_rss_bytes || 0)) + ' of ' + fmt(mib(last.mem_limit_bytes || 0)) + ' MiB'
      + ', sandbox disk ' + fmt(mib(last.disk_used_bytes || 0)) + ' MiB', 150, rss, memLimit, 'rss', 'MiB')
    + '<text x="' + left + '" y="' + (H - 2) + '">' + new Date(t0 * 1000).toLocaleTimeString() + '</text>'
    + '<text x="' + (W - right) + '" y="' + (H - 2) + '" text-anchor="end">' + new Date(t1 * 1000).toLocaleTimeString() + '</text>';
  svg.dataset.points = samples.length;
}

function fileQuery(t, path) {
  return 'task_id=' + encodeURIComponent(t.id) + '&framework_id=' + encodeURIComponent(t.framework) + '&path=' + encodeURIComponent(path);
}

async function browse(t) {
  const r = await api('/files/browse?' + fileQuery(t, ''));
  if (!r.ok) { $('task-files').innerHTML = '<tr><td>' + esc(await r.text()) + '</td></tr>'; return; }
  const files = await r.json();
  table($('task-files'), [['p', 'Path'], ['s', 'Size'], ['d', '']], files.map(f => '<tr><td>' + esc(f.path) + '</td><td>'
    + f.size + '</td><td>' + (f.directory ? '' : '<a href="/files/download?' + fileQuery(t, f.path) + '">download</a>') + '</td></tr>'));
}

async function tail() {
  const key = S.current, t = key && taskByKey(key);
  if (!t || !location.hash.startsWith('#task/')) return;
  for (const f of ['stdout', 'stderr']) {
    const r = await api('/files/read?' + fileQuery(t, f) + '&offset=' + S.tails[f] + '&length=65536');
    if (!r.ok || S.current !== key) continue;
    const d = await r.json();
    if (d.data) { $('tail-' + f).textContent += d.data; S.tails[f] = d.offset + new TextEncoder().encode(d.data).length; }
  }
}

function renderRoles() {
  const roles = new Map([['*', { frameworks: [], cpus: 0, mem: 0 }]]);
  S.frameworks.forEach(f => {
    const i = f.framework_info, used = scalars(f.allocated_resources);
    (i.roles && i.roles.length ? i.roles : [i.role || '*']).forEach(r => {
      const e = roles.get(r) || { frameworks: [], cpus: 0, mem: 0 };
      e.frameworks.push(i.name); e.cpus += used.cpus; e.mem += used.mem; roles.set(r, e);
    });
  });
  // Weights, shares and quota come from the allocator (GET_ROLES), fetched at most every 2 s.
  if (!S.rolesFetching && (!S.rolesAt || Date.now() - S.rolesAt > 2000)) {
    S.rolesFetching = true;
    call('GET_ROLES').then(d => { S.roleInfo = new Map(d.get_roles.roles.map(r => [r.name, r])); S.rolesAt = Date.now(); })
      .catch(() => {})
      .finally(() => { S.rolesFetching = false; if ((location.hash || '').startsWith('#roles')) renderRoles(); });
  }
  const info = S.roleInfo || new Map();
  info.forEach((r, n) => { if (!roles.has(n)) roles.set(n, { frameworks: [], cpus: 0, mem: 0 }); });
  const quotaText = q => !q ? 'none' : ['guarantee', 'limit'].map(k => Object.keys(q[k] || {}).length
    ? k + ' ' + Object.entries(q[k]).map(([n, v]) => n + ' ' + fmt(v)).join(', ') : '').filter(x => x).join('; ') || 'none';
  const total = S.metrics['master/cpus_total'] || 0;
  table($('roles-table'), [['n', 'Role'], ['w', 'Weight'], ['q', 'Quota'], ['f', 'Frameworks'], ['a', 'Allocated'], ['s', 'cpu share']],
    [...roles].map(([n, e]) => { const r = info.get(n) || {}; return '<tr><td>' + esc(n) + '</td><td>' + fmt(r.weight || 1)
      + '</td><td>' + esc(quotaText(r.quota)) + '</td><td>' + esc(e.frameworks.join(', ')) + '</td><td>cpus '
      + fmt(e.cpus) + ', mem ' + fmt(e.mem) + '</td><td>' + fmt(total ? e.cpus / total * 100 : 0) + '%</td></tr>'; }));
}

function renderOffers() {
  skipsOf(''); // refreshes S.held (outstanding offers) every 2 s at most
  const held = new Map();
  (S.held || []).forEach(h => { const k = h.framework_id.value; if (!held.has(k)) held.set(k, []); held.get(k).push(h); });
  table($('offers-table'), [['f', 'Framework'], ['o', 'Offered'], ['w', 'Why held']], [...S.frameworks.values()].map(f =>
    '<tr><td>' + esc(f.framework_info.name + ' (' + f.framework_info.id.value + ')') + '</td><td>' + res(scalars(f.offered_resources))
    + '</td><td>' + (held.get(f.framework_info.id.value) || []).map(h => esc((h.hostname || h.agent_id.value) + ': '
      + heldText(h))).join('<br>') + '</td></tr>'));
}

document.addEventListener('click', async ev => {
  const el = ev.target;
  try {
    if (el.dataset.kill) {
      const t = taskByKey(el.dataset.kill);
      await call('KILL_TASK', { kill_task: { task_id: { value: t.id }, framework_id: { value: t.framework } } });
    } else if (el.dataset.teardown) {
      if (confirm('Tear down framework ' + el.dataset.teardown + '? Its tasks are killed.')) {
        await call('TEARDOWN', { teardown: { framework_id: { value: el.dataset.teardown } } });
      }
    } else if (el.dataset.gone) {
      if (confirm('Mark agent ' + el.dataset.gone + ' gone? Its tasks end TASK_GONE_BY_OPERATOR, it shuts down, '
          + 'and it can never rejoin under this id.')) {
        await call('MARK_AGENT_GONE', { mark_agent_gone: { agent_id: { value: el.dataset.gone } } });
        S.agents.delete(el.dataset.gone); render();
      }
    } else if (el.tagName === 'TH' && el.closest('#tasks-table') && el.dataset.key === 'created') {
      S.sort = { key: 'created', dir: -S.sort.dir }; S.page = 0; fetchPage();
    }
  } catch (e) { alert(e.message); }
});
$('prev').onclick = () => { S.page = Math.max(0, S.page - 1); fetchPage(); };
$('next').onclick = () => { if (S.more) { S.page++; fetchPage(); } };
let typing = null;
$('f-text').oninput = () => { clearTimeout(typing); typing = setTimeout(() => { S.page = 0; fetchPage(); }, 250); };
$('f-state').onchange = () => { S.page = 0; fetchPage(); };
$('f-framework').onchange = () => { S.page = 0; fetchPage(); };
window.addEventListener('hashchange', () => {
  const v = viewName();
  if (v !== 'task') { S.detail = null; S.current = null; rebuildTasks(); }
  if (v === 'agents' || v === 'frameworks') refreshListsSometimes(5000);
  render();
  if (v === 'tasks') fetchPage();
});
setInterval(() => refreshMetrics().then(() => { if ((location.hash || '#overview') === '#overview') renderOverview(); }), 2000);
setInterval(() => tail().catch(() => {}), 1000);
setInterval(() => refreshUsage().catch(() => {}), 3000);
connect();

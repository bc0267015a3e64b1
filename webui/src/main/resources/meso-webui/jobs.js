'use strict';
// Meso web UI: the jobs pages (#jobs, #jobs/job/NAME, #jobs/graph). They read the jobs framework's
// Chronos-compatible API (/v1/scheduler on the master's port) over HTTP, every 2 s while shown; the
// master's events do not carry jobs. Uses $ and esc from app.js, which calls renderJobs from render().
const JOBS = { route: null, loaded: null, list: [], summary: new Map(), job: null, stat: null, csv: '', error: '',
  busy: false, at: 0, message: '' };
const JOBS_API = '/v1/scheduler';

async function jobsCall(method, path) {
  const r = await api(JOBS_API + path, { method, headers: { Accept: 'application/json' } });
  const text = await r.text();
  if (!r.ok) {
    let why = text;
    try { why = JSON.parse(text).message || text; } catch (e) { /* not JSON: the text itself */ }
    throw new Error(method + ' ' + JOBS_API + path + ': ' + r.status + ' ' + why);
  }
  return text;
}

// Which jobs page the hash names: {page: 'list'|'job'|'graph', name}.
function jobsRoute() {
  const parts = (location.hash || '').slice(1).split('/');
  if (parts[1] === 'job' && parts.length > 2) return { page: 'job', name: decodeURIComponent(parts.slice(2).join('/')) };
  return { page: parts[1] === 'graph' ? 'graph' : 'list' };
}

// Sets innerHTML only when it changed, so that a refresh keeps hover titles, focus and clicks in progress.
function setHtml(el, html) { if (el.dataset.html !== html) { el.innerHTML = html; el.dataset.html = html; } }

function jobsSkeleton() {
  const view = $('view-jobs');
  if (view.dataset.ready) return;
  view.dataset.ready = '1';
  view.innerHTML = '<div class="filters"><a href="#jobs">All jobs</a><a href="#jobs/graph">Dependency graph</a>'
    + '<input id="jobs-filter" placeholder="filter: name, command, owner"><span id="jobs-msg"></span></div>'
    + '<div id="jobs-page-list" class="jobs-page"><table id="jobs-table"></table></div>'
    + '<div id="jobs-page-job" class="jobs-page"><h2 id="job-title"></h2><div id="job-actions"></div>'
    + '<h3>Next runs</h3><ol id="job-next"></ol><h3>History</h3><table id="job-history"></table>'
    + '<h3>Definition</h3><table id="job-definition"></table></div>'
    + '<div id="jobs-page-graph" class="jobs-page"><p class="legend">Last result: <span class="swatch s-success">success'
    + '</span><span class="swatch s-failure">failure</span><span class="swatch">fresh (never ran)</span><span '
    + 'class="swatch s-running">running now</span>. An arrow goes from a parent to the job that runs after it.</p>'
    + '<div id="jobs-graph"></div></div>';
  $('jobs-filter').oninput = () => renderJobsPage();
}

/** Called by app.js's render() for #jobs...: shows the page now and refreshes its data when stale. */
function renderJobs() {
  jobsSkeleton();
  const route = jobsRoute(), key = route.page + '/' + (route.name || '');
  if (JOBS.route !== key) { JOBS.route = key; JOBS.at = 0; JOBS.error = ''; JOBS.message = ''; }
  renderJobsPage();
  if (!JOBS.busy && Date.now() - JOBS.at > 1500) refreshJobs(route, key);
}

async function refreshJobs(route, key) {
  JOBS.busy = true;
  try {
    if (route.page === 'list') {
      const [list, summary] = await Promise.all([jobsCall('GET', '/jobs'), jobsCall('GET', '/jobs/summary')]);
      JOBS.list = JSON.parse(list);
      JOBS.summary = new Map(JSON.parse(summary).jobs.map(s => [s.name, s]));
    } else if (route.page === 'job') {
      const n = encodeURIComponent(route.name);
      const [job, stat] = await Promise.all([jobsCall('GET', '/job/' + n), jobsCall('GET', '/job/stat/' + n)]);
      JOBS.job = JSON.parse(job); JOBS.stat = JSON.parse(stat);
    } else {
      JOBS.csv = await jobsCall('GET', '/graph/csv');
    }
    JOBS.loaded = key; JOBS.error = '';
  } catch (e) {
    JOBS.error = e.message;
  } finally {
    JOBS.busy = false; JOBS.at = Date.now();
  }
  const now = jobsRoute();
  if ((location.hash || '').startsWith('#jobs') && now.page + '/' + (now.name || '') === key) renderJobsPage();
}

function renderJobsPage() {
  const route = jobsRoute(), key = route.page + '/' + (route.name || '');
  document.querySelectorAll('#view-jobs .jobs-page').forEach(p => p.classList.toggle('active', p.id === 'jobs-page-' + route.page));
  $('jobs-filter').style.display = route.page === 'list' ? '' : 'none';
  $('jobs-msg').textContent = JOBS.error || JOBS.message;
  $('jobs-msg').className = JOBS.error ? 'job-failure' : '';
  if (JOBS.loaded !== key) {
    if (route.page === 'job') {
      setHtml($('job-title'), 'Job ' + esc(route.name) + ' (loading)');
      ['job-actions', 'job-next', 'job-history', 'job-definition'].forEach(id => setHtml($(id), ''));
    }
    return;
  }
  ({ list: renderJobList, job: renderJobDetail, graph: renderJobGraph })[route.page]();
}

// A time in the job's zone ("2030-01-01 09:00:00 EST"), or null if the browser does not know the zone.
function inZone(date, zone) {
  try {
    const p = {};
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' })
      .formatToParts(date).forEach(x => { p[x.type] = x.value; });
    return p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute + ':' + p.second + ' ' + p.timeZoneName;
  } catch (e) {
    return null;
  }
}

// A cell's content for an instant: shown in the job's zone, in UTC on hover.
function zoned(date, zone) {
  if (!date || isNaN(date.getTime())) return '';
  const utc = date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const local = inZone(date, zone || 'UTC') || utc + ' (zone ' + zone + ' unknown to this browser)';
  return '<span class="zoned" title="' + esc(utc) + '">' + esc(local) + '</span>';
}

// Chronos's history time "MM/dd/yy HH:mm:ss" (UTC) as a Date; null for "N/A".
function statTime(s) {
  const m = /^(\d\d)\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(s || '');
  return m ? new Date(Date.UTC(2000 + +m[3], +m[1] - 1, +m[2], +m[4], +m[5], +m[6])) : null;
}

function jobZone(j) { return j.scheduleTimeZone || 'UTC'; }

function scheduleText(j) {
  if (j.parents) return 'after ' + j.parents.join(', ');
  return j.cron !== undefined ? 'cron ' + j.cron : j.schedule || '';
}

// success, failure or fresh from lastSuccess and lastError (as the graph's csv does).
function lastResult(j) {
  if (!j.lastSuccess && !j.lastError) return 'fresh';
  if (!j.lastError) return 'success';
  if (!j.lastSuccess) return 'failure';
  return Date.parse(j.lastSuccess) > Date.parse(j.lastError) ? 'success' : 'failure';
}

function resultBadge(result, title) {
  return '<span class="job-' + esc(result) + '"' + (title ? ' title="' + esc(title) + '"' : '') + '>' + esc(result) + '</span>';
}

function renderJobList() {
  const text = $('jobs-filter').value.toLowerCase();
  const jobs = JOBS.list.filter(j => !text || (j.name + ' ' + j.command + ' ' + j.owner + ' ' + j.ownerName)
    .toLowerCase().includes(text)).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const rows = jobs.map(j => {
    const s = JOBS.summary.get(j.name) || {};
    const zone = j.parents ? '' : jobZone(j);
    const next = s.nextRun ? zoned(new Date(s.nextRun), zone) : (j.parents ? 'after its parents' : '');
    const times = 'last success ' + (j.lastSuccess || 'never') + ', last error ' + (j.lastError || 'never');
    return '<tr data-job="' + esc(j.name) + '"><td><a href="#jobs/job/' + encodeURIComponent(j.name) + '">' + esc(j.name)
      + '</a></td><td class="job-schedule">' + esc(scheduleText(j)) + '</td><td class="job-zone">' + esc(zone)
      + '</td><td class="job-next">' + next + '</td><td class="job-result">'
      + resultBadge(s.status || lastResult(j), times) + '</td><td class="job-state">' + esc(s.state || '')
      + '</td><td class="job-counts" title="' + esc((j.errorsSinceLastSuccess || 0) + ' errors since the last success')
      + '">' + esc(j.successCount) + ' / ' + esc(j.errorCount) + '</td><td class="job-disabled">'
      + (j.disabled ? 'disabled' : '') + '</td><td>' + esc(j.owner) + '</td></tr>';
  });
  setHtml($('jobs-table'), '<tr><th>Name</th><th>Schedule</th><th>Time zone</th><th>Next run</th><th>Last result</th>'
    + '<th>State</th><th>Successes / errors</th><th>Disabled</th><th>Owner</th></tr>' + rows.join('')
    + (JOBS.list.length ? '' : '<tr><td colspan="9">no jobs (POST one to /v1/scheduler/iso8601 or /dependency)</td></tr>'));
}

// The job's state from its runs in flight, as /jobs/summary words it: "N running", queued or idle.
function runState(history) {
  const running = history.filter(h => h.outcome === 'RUNNING').length;
  if (running) return running + ' running';
  return history.some(h => h.outcome === 'QUEUED') ? 'queued' : 'idle';
}

function renderJobDetail() {
  const j = JOBS.job, stat = JOBS.stat, zone = jobZone(j), history = stat.taskStatHistory || [];
  const state = runState(history);
  setHtml($('job-title'), 'Job ' + esc(j.name) + ' ' + resultBadge(lastResult(j)) + ' <span id="job-state">'
    + esc(state) + '</span>' + (j.disabled ? ' <span class="job-failure">disabled</span>' : ''));
  setHtml($('job-actions'), '<input id="job-args" placeholder="arguments for this run (optional)"> '
    + '<button data-job-run="' + esc(j.name) + '">Run now</button> <button data-job-kill="' + esc(j.name)
    + '">Kill its tasks</button>');
  const next = stat.nextRuns || [];
  setHtml($('job-next'), next.length ? next.map(t => '<li>' + zoned(new Date(t), zone) + '</li>').join('')
    : '<li>' + (j.parents ? 'runs after its parents: ' + esc(j.parents.join(', ')) : 'none scheduled') + '</li>');
  setHtml($('job-history'), '<tr><th>Start</th><th>End</th><th>Duration</th><th>Agent</th><th>Result</th><th>Message</th></tr>'
    + history.map(h => '<tr data-task="' + esc(h.taskId) + '"><td>' + zoned(statTime(h.startTime), zone) + '</td><td>'
      + zoned(statTime(h.endTime), zone) + '</td><td>' + esc(h.duration || '') + '</td><td>' + esc(h.slaveId)
      + '</td><td class="job-outcome outcome-' + esc(h.outcome) + '" title="' + esc('attempt ' + h.attempt + ', '
      + String(h.trigger || '').toLowerCase() + ', task ' + h.taskId) + '">' + esc(h.outcome) + '</td><td>'
      + esc(h.message || '') + '</td></tr>').join('')
    + (history.length ? '' : '<tr><td colspan="6">no runs yet</td></tr>'));
  const rows = Object.entries(j).filter(([k, v]) => k !== 'name'
    && !(v === '' && k !== 'command') && !(Array.isArray(v) && v.length === 0)).map(([k, v]) => {
    let shown = typeof v === 'object' ? esc(JSON.stringify(v)) : esc(v);
    if ((k === 'lastSuccess' || k === 'lastError') && v) shown = zoned(new Date(v), zone);
    if (k === 'parents') shown = v.map(p => '<a href="#jobs/job/' + encodeURIComponent(p) + '">' + esc(p) + '</a>').join(', ');
    return '<tr><th>' + esc(k) + '</th><td class="job-field-' + esc(k) + '">' + shown + '</td></tr>';
  });
  setHtml($('job-definition'), rows.join(''));
}

// /graph/csv: "node,<name>,<success|failure|fresh>,<state>" and "link,<parent>,<child>" lines.
function parseGraph(csv) {
  const nodes = new Map(), links = [];
  csv.split('\n').forEach(line => {
    const f = line.split(',');
    if (f[0] === 'node' && f.length >= 4) nodes.set(f[1], { name: f[1], status: f[2], state: f.slice(3).join(',') });
    if (f[0] === 'link' && f.length === 3) links.push([f[1], f[2]]);
  });
  return { nodes, links: links.filter(([p, c]) => nodes.has(p) && nodes.has(c)) };
}

/**
 * Lays the DAG out in levels: a job's level is the longest path to it from a job without parents
 * (Kahn's order); jobs left in a cycle (the API refuses them) go below the rest. Within a level,
 * jobs are ordered by the mean position of their parents, which keeps most edges from crossing.
 */
function layoutGraph(g) {
  const parents = new Map(), children = new Map(), indeg = new Map(), level = new Map();
  g.nodes.forEach((n, k) => { parents.set(k, []); children.set(k, []); });
  g.links.forEach(([p, c]) => { parents.get(c).push(p); children.get(p).push(c); });
  g.nodes.forEach((n, k) => indeg.set(k, parents.get(k).length));
  const order = [...g.nodes.keys()].filter(k => indeg.get(k) === 0).sort();
  order.forEach(k => level.set(k, 0));
  for (let i = 0; i < order.length; i++) {
    children.get(order[i]).forEach(c => {
      level.set(c, Math.max(level.get(c) || 0, level.get(order[i]) + 1));
      indeg.set(c, indeg.get(c) - 1);
      if (indeg.get(c) === 0) order.push(c);
    });
  }
  const deepest = Math.max(0, ...order.map(k => level.get(k)));
  g.nodes.forEach((n, k) => { if (indeg.get(k) > 0) level.set(k, deepest + 1); });
  const rows = [];
  g.nodes.forEach((n, k) => { (rows[level.get(k)] = rows[level.get(k)] || []).push(k); });
  const index = new Map(), W = 7.5, H = 30, GAP = 24, ROW = 90;
  const pos = new Map();
  rows.forEach((row, r) => {
    const mean = k => { const ps = parents.get(k).filter(p => index.has(p)); return ps.length ? ps.reduce((a, p) => a + index.get(p), 0) / ps.length : -1; };
    row.sort((a, b) => (mean(a) - mean(b)) || (a < b ? -1 : a > b ? 1 : 0));
    let x = 0;
    row.forEach((k, i) => { index.set(k, i); const w = Math.max(70, k.length * W + 24); pos.set(k, { x, y: 20 + r * ROW, w, h: H }); x += w + GAP; });
    row.width = x - GAP;
  });
  const width = Math.max(200, ...Array.from(rows, r => (r && r.width) || 0)) + 40;
  rows.forEach(row => { const shift = 20 + (width - 40 - row.width) / 2; row.forEach(k => { pos.get(k).x += shift; }); });
  return { pos, width, height: 20 + (rows.length - 1) * ROW + H + 20 };
}

function renderJobGraph() {
  const g = parseGraph(JOBS.csv);
  if (!g.nodes.size) { setHtml($('jobs-graph'), '<p>no jobs</p>'); return; }
  const { pos, width, height } = layoutGraph(g);
  const edges = g.links.map(([p, c]) => {
    const a = pos.get(p), b = pos.get(c), x1 = a.x + a.w / 2, y1 = a.y + a.h, x2 = b.x + b.w / 2, y2 = b.y - 2;
    const bend = Math.max(20, (y2 - y1) / 2);
    return '<path class="job-edge" data-from="' + esc(p) + '" data-to="' + esc(c) + '" d="M' + x1 + ' ' + y1 + ' C' + x1 + ' '
      + (y1 + bend) + ' ' + x2 + ' ' + (y2 - bend) + ' ' + x2 + ' ' + y2 + '" marker-end="url(#job-arrow)"><title>'
      + esc(p + ' → ' + c) + '</title></path>';
  });
  const nodes = [...g.nodes.values()].map(n => {
    const q = pos.get(n.name), running = /running/.test(n.state);
    return '<a href="#jobs/job/' + encodeURIComponent(n.name) + '"><g class="job-node node-' + esc(n.status)
      + (running ? ' node-running' : '') + '" data-job="' + esc(n.name) + '" data-status="' + esc(n.status) + '" data-state="'
      + esc(n.state) + '"><title>' + esc(n.name + ': last run ' + n.status + ', ' + n.state) + '</title><rect x="' + q.x
      + '" y="' + q.y + '" width="' + q.w + '" height="' + q.h + '" rx="5"></rect><text x="' + (q.x + q.w / 2) + '" y="'
      + (q.y + 19) + '" text-anchor="middle">' + esc(n.name) + '</text></g></a>';
  });
  setHtml($('jobs-graph'), '<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + height
    + '" viewBox="0 0 ' + width + ' ' + height + '"><defs><marker id="job-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
    + 'markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0 L10 5 L0 10 z"></path></marker></defs>'
    + edges.join('') + nodes.join('') + '</svg>');
}

document.addEventListener('click', async ev => {
  const el = ev.target, run = el.dataset.jobRun, kill = el.dataset.jobKill;
  if (!run && !kill) return;
  try {
    if (run) {
      const args = ($('job-args').value || '').trim();
      await jobsCall('PUT', '/job/' + encodeURIComponent(run) + (args ? '?arguments=' + encodeURIComponent(args) : ''));
      JOBS.message = 'run of ' + run + ' requested';
    } else {
      await jobsCall('DELETE', '/task/kill/' + encodeURIComponent(kill));
      JOBS.message = 'kill of ' + kill + "'s tasks requested";
    }
    JOBS.error = '';
  } catch (e) {
    JOBS.error = e.message;
  }
  JOBS.at = 0;
  renderJobs();
});
setInterval(() => { if ((location.hash || '').startsWith('#jobs')) renderJobs(); }, 2000);
Object.assign(VIEWS, { jobs: renderJobs });

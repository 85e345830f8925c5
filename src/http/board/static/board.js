// The pickup board: shows what the controller pushes over /board/events (server-sent events): a snapshot, then the
// groups whose calls changed and each new pickup. No polling. Caller names and numbers, and whatever else comes
// from phones, are untrusted: they only ever go into textContent, never into HTML.

const RETRY_MS = 5000;
/** As many as the server sends in its snapshot. */
const PICKUPS_SHOWN = 20;
const RESULTS = new Set(['picked', 'failed', 'abandoned']);
const TARGETS = { group: 'group', extension: 'extension', queue: 'queue' };

const element = (id) => document.getElementById(id);
const chooser = element('domain');

let domain = new URLSearchParams(location.search).get('domain') ?? '';
let source;
let retryTimer;
/** Server clock minus ours: ringing times are counted on the server's clock. */
let clockOffset = 0;
let pickupPrefix = '';
/** Group name → its state as last received. */
const groups = new Map();
/** Group name → its card on the page. */
const cards = new Map();
/** Record id → its row. */
const pickupRows = new Map();

chooser.addEventListener('change', () => {
  domain = chooser.value;
  history.replaceState(null, '', `/board?domain=${encodeURIComponent(domain)}`);
  start();
});
setInterval(tick, 1000);
tick();
start();

/** Checks the domain against the store's list, then opens its stream. */
async function start() {
  clearTimeout(retryTimer);
  source?.close();
  source = undefined;
  clearBoard();
  let response;
  try {
    response = await fetch('/board/domains', { cache: 'no-store' });
  } catch {
    return retryLater('offline');
  }
  // Signed out (the token changed): the page itself now answers with the sign-in form.
  if (response.status === 401 || response.status === 403) return location.reload();
  if (!response.ok) return retryLater('offline');
  const { domains } = await response.json();
  if (!domain && domains.length === 1) domain = domains[0];
  fillChooser(domains);
  if (domains.length === 0) return idle('No domain has configured users yet.');
  if (!domain) return idle('Choose a domain.');
  if (!domains.includes(domain)) return idle(`Unknown domain “${domain}”: no user is configured in it.`);
  notice('');
  document.title = `Pickup board — ${domain}`;
  connect();
}

function connect() {
  // Another start() may have connected while this one waited for the domains.
  source?.close();
  const events = new EventSource(`/board/events?domain=${encodeURIComponent(domain)}`);
  source = events;
  events.addEventListener('snapshot', (event) => {
    const snapshot = JSON.parse(event.data);
    clockOffset = snapshot.serverTime - Date.now();
    pickupPrefix = snapshot.pickupPrefix;
    clearBoard();
    for (const group of snapshot.groups) groups.set(group.group, group);
    renderGroups();
    renderPickups(snapshot.pickups);
    status('live', 'live');
  });
  events.addEventListener('groups', (event) => {
    const change = JSON.parse(event.data);
    clockOffset = change.serverTime - Date.now();
    for (const group of change.groups) groups.set(group.group, group);
    renderGroups();
  });
  events.addEventListener('pickup', (event) => renderPickups([JSON.parse(event.data)]));
  events.addEventListener('error', () => {
    if (events !== source) return;
    // CLOSED: refused (signed out, too many boards, unknown domain): check again later. Otherwise the browser reconnects.
    if (events.readyState === EventSource.CLOSED) retryLater('offline');
    else status('reconnecting…', 'down');
  });
}

function retryLater(text) {
  status(text, 'down');
  retryTimer = setTimeout(start, RETRY_MS);
}

function idle(text) {
  notice(text);
  status('no domain', '');
}

function fillChooser(domains) {
  const options = domains.map((name) => option(name, name));
  if (!domains.includes(domain)) options.unshift(option('', domain ? `(unknown: ${domain})` : 'choose a domain'));
  chooser.replaceChildren(...options);
  chooser.value = domains.includes(domain) ? domain : '';
  chooser.disabled = false;
}

function option(value, text) {
  const item = document.createElement('option');
  item.value = value;
  item.textContent = text;
  return item;
}

function clearBoard() {
  groups.clear();
  cards.clear();
  pickupRows.clear();
  element('groups').replaceChildren();
  element('quiet-groups').replaceChildren();
  element('pickups').replaceChildren();
  renderGroups();
  renderPickups([]);
}

function renderGroups() {
  const all = [...groups.values()].sort((a, b) => a.group.localeCompare(b.group, 'en', { numeric: true }));
  const ringing = all.filter((group) => group.ringing > 0);
  const quiet = all.filter((group) => group.ringing === 0);
  for (const name of cards.keys()) if (!ringing.some((group) => group.group === name)) cards.delete(name);
  place(element('groups'), ringing.map(cardOf));
  const calls = new Set(ringing.flatMap((group) => group.calls.map((call) => call.callUuid)));
  element('ringing-count').textContent = calls.size > 0 ? `(${calls.size})` : '';
  element('nothing-ringing').hidden = ringing.length > 0;
  element('quiet-groups').replaceChildren(...quiet.map(quietChip));
  element('quiet-groups-row').hidden = quiet.length === 0;
}

function cardOf(group) {
  let card = cards.get(group.group);
  if (!card) {
    const root = make('article', 'group');
    root.dataset.group = group.group;
    const head = make('div', 'group-head');
    card = { root, lamp: make('span', 'lamp'), dial: make('span', 'dial'), count: make('span', 'group-count'), list: make('ul', 'calls'), more: make('p', 'more'), rows: new Map() };
    head.append(card.lamp, make('span', 'group-name', group.group), card.dial, card.count);
    root.append(head, card.list, card.more);
    cards.set(group.group, card);
  }
  card.lamp.classList.toggle('lit', group.lit);
  card.lamp.title = group.lit ? 'BLF lamp lit' : 'BLF lamp dark';
  card.dial.textContent = `dial ${pickupPrefix}${group.group}`;
  card.count.textContent = group.ringing === 1 ? '1 call' : `${group.ringing} calls`;
  const rows = new Map(group.calls.map((call) => [call.callUuid, card.rows.get(call.callUuid) ?? callRow(call)]));
  card.rows = rows;
  place(card.list, [...rows.values()]);
  card.more.hidden = group.ringing <= group.calls.length;
  card.more.textContent = `and ${group.ringing - group.calls.length} more`;
  return card.root;
}

function callRow(call) {
  const row = make('li', 'call');
  row.dataset.callUuid = call.callUuid;
  const timer = make('span', 'timer');
  timer.dataset.started = String(call.startedAt);
  const where = `→ ${call.extensions.join(', ') || '?'} · ${call.node}`;
  row.append(make('span', 'caller-number', call.callerNumber || 'no number'), timer, make('span', 'caller-name', call.callerName), make('span', 'call-where', where));
  updateTimer(timer, Date.now() + clockOffset);
  return row;
}

function quietChip(group) {
  const chip = make('li');
  chip.dataset.group = group.group;
  const lamp = make('span', 'lamp');
  lamp.classList.toggle('lit', group.lit);
  chip.append(lamp, make('span', '', group.group));
  return chip;
}

/** Newest first; `added` are newest first as well. */
function renderPickups(added) {
  const list = element('pickups');
  const fresh = added.filter((stored) => !pickupRows.has(stored.id)).map((stored) => {
    const row = pickupRow(stored);
    pickupRows.set(stored.id, row);
    return row;
  });
  list.prepend(...fresh);
  while (list.children.length > PICKUPS_SHOWN) {
    pickupRows.delete(list.lastElementChild.dataset.pickupId);
    list.lastElementChild.remove();
  }
  element('no-pickups').hidden = list.children.length > 0;
}

function pickupRow({ id, record }) {
  const result = RESULTS.has(record.result) ? record.result : 'failed';
  const row = make('li', `pickup ${result}`);
  row.dataset.pickupId = id;
  row.dataset.callUuid = record.callUuid;
  const head = make('div', 'pickup-head');
  const at = make('time', 'pickup-time', new Date(record.at).toLocaleTimeString());
  at.dateTime = new Date(record.at).toISOString();
  head.append(make('span', 'result', record.result), make('span', 'pickup-what', `${record.picker} → ${targetOf(record)}`), at);
  const caller = record.callUuid ? `${record.callerNumber} ${record.callerName}`.trim() || 'unknown caller' : 'no call';
  const failure = record.failure ? ` · ${record.failure}${record.cause ? ` (${record.cause})` : ''}` : '';
  const route = `${record.pickerNode} → ${record.callNode || '–'}${failure}`;
  const speed = `decision ${milliseconds(record.decisionMs)} · pickup ${milliseconds(record.pickupMs)}`;
  row.append(head, make('div', 'pickup-caller', caller), make('div', 'pickup-route', route), make('div', 'pickup-speed', speed));
  return row;
}

function targetOf(record) {
  if (record.form === 'legacy-group') return 'legacy group';
  if (TARGETS[record.form]) return `${TARGETS[record.form]} ${record.target}`;
  return `“${record.dialled}” (not a pickup code)`;
}

function milliseconds(value) {
  return typeof value === 'number' ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : '–';
}

/** Puts `nodes` into `parent` in this order, moving only what must move (so rows that stay are left alone). */
function place(parent, nodes) {
  nodes.forEach((node, i) => {
    if (parent.children[i] !== node) parent.insertBefore(node, parent.children[i] ?? null);
  });
  while (parent.children.length > nodes.length) parent.lastElementChild.remove();
}

function tick() {
  const now = Date.now() + clockOffset;
  element('clock').textContent = new Date(now).toLocaleTimeString();
  for (const timer of document.querySelectorAll('.timer')) updateTimer(timer, now);
}

function updateTimer(timer, now) {
  const seconds = Math.max(0, Math.floor((now - Number(timer.dataset.started)) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  timer.textContent = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function status(text, kind) {
  const badge = element('status');
  badge.textContent = text;
  badge.className = `status ${kind}`;
}

function notice(text) {
  const box = element('notice');
  box.textContent = text;
  box.hidden = text === '';
}

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// tweetlda dashboard: panels from the JSON endpoints, refreshed live from the event stream
// (/api/events).  Data reaches the page only through textContent and Chart.js: never innerHTML.
'use strict';

const HOUR = 3600000;
const COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1',
                '#ff9da7', '#9c755f', '#bab0ac'];
const SENTIMENT_COLORS = { positive: '#59a14f', neutral: '#bab0ac', negative: '#e15759' };
const $ = (id) => document.getElementById(id);
const charts = {};
let lastScoredMs;   // the newest score the panels show (undefined: not known yet)
let refreshTimer = null;
let refreshing = false;
let seenTweets = new Set();

// The filters as query parameters (times: epoch milliseconds; the server buckets by hour).
function filterParams() {
  const p = new URLSearchParams();
  const range = $('range').value;
  if (range === 'custom') {
    const from = Date.parse($('from').value), to = Date.parse($('to').value);
    if (!isNaN(from)) p.set('from', String(from));
    if (!isNaN(to)) p.set('to', String(to));
  } else if (range === 'all') {
    p.set('from', '0');
  } else {
    p.set('from', String(Date.now() - Number(range)));
  }
  if ($('topic').value !== '') p.set('topic', $('topic').value);
  if ($('sentiment').value !== '') p.set('sentiment', $('sentiment').value);
  return p;
}

// GET an endpoint as JSON; throws with the server's message on an HTTP error.
async function api(path, extra) {
  const p = filterParams();
  if (extra) for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const r = await fetch(path + '?' + p.toString(), { cache: 'no-store' });
  const body = await r.json().catch(() => ({ error: 'HTTP ' + r.status }));
  if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
  return body;
}

function setPoints(id, n) { $(id).dataset.points = String(n); }
function topicColor(topic) { return topic == null ? '#999' : COLORS[(topic - 1) % COLORS.length]; }

// Create or update a Chart.js chart in panel id.
function drawChart(id, config) {
  if (charts[id]) {
    charts[id].data = config.data;
    charts[id].update('none');
    return;
  }
  config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false },
                                 config.options || {});
  charts[id] = new Chart($(id).querySelector('canvas'), config);
}

function renderTopics(rows) {
  drawChart('p-topics', {
    type: 'bar',
    data: { labels: rows.map((r) => r.label),
            datasets: [{ label: 'tweets', data: rows.map((r) => r.tweets),
                         backgroundColor: rows.map((r) => topicColor(r.topic)) }] },
    options: { plugins: { legend: { display: false } } },
  });
  setPoints('p-topics', rows.filter((r) => r.tweets > 0).length);
}

function renderSentiment(rows) {
  const sets = ['negative', 'neutral', 'positive'].map((s) => ({
    label: s, data: rows.map((r) => r[s]), backgroundColor: SENTIMENT_COLORS[s] }));
  drawChart('p-sentiment', {
    type: 'bar',
    data: { labels: rows.map((r) => r.label), datasets: sets },
    options: { scales: { x: { stacked: true }, y: { stacked: true } } },
  });
  setPoints('p-sentiment', rows.filter((r) => r.positive + r.neutral + r.negative > 0).length);
}

function renderPolarity(rows) {
  const withData = rows.filter((r) => r.avg_polarity !== null);
  drawChart('p-polarity', {
    type: 'bar',
    data: { labels: withData.map((r) => r.label),
            datasets: [{ label: 'average polarity', data: withData.map((r) => r.avg_polarity),
                         backgroundColor: withData.map((r) => r.avg_polarity >= 0 ? '#59a14f' : '#e15759') }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { suggestedMin: -0.5, suggestedMax: 0.5 } } },
  });
  setPoints('p-polarity', withData.length);
}

// Hour labels in the browser's time zone; hours with no tweets count 0.
function renderTimeline(rows) {
  const p = filterParams();
  let from = p.has('from') ? Number(p.get('from')) : Date.now() - 24 * HOUR;
  let to = p.has('to') ? Number(p.get('to')) : Date.now();
  if (rows.length) {
    const first = rows[0].t, last = rows[rows.length - 1].t;
    if ($('range').value === 'all' || from < first) from = first;
    if (last + HOUR > to) to = last + HOUR;
  }
  from = Math.floor(from / HOUR) * HOUR;
  if ((to - from) / HOUR > 24 * 62) from = to - 24 * 62 * HOUR;   // at most two months of hours
  const hours = [];
  for (let t = from; t < to; t += HOUR) hours.push(t);
  const index = new Map(hours.map((t, i) => [t, i]));
  const byTopic = new Map();
  for (const r of rows) {
    const key = r.topic === null ? 'none' : r.topic;
    if (!byTopic.has(key)) byTopic.set(key, { topic: r.topic, label: r.label, data: hours.map(() => 0) });
    const i = index.get(r.t);
    if (i !== undefined) byTopic.get(key).data[i] = r.tweets;
  }
  const fmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  drawChart('p-timeline', {
    type: 'line',
    data: { labels: hours.map((t) => fmt.format(new Date(t))),
            datasets: [...byTopic.values()].map((s) => ({
              label: s.label, data: s.data, borderColor: topicColor(s.topic),
              backgroundColor: topicColor(s.topic), pointRadius: 2, tension: 0.2 })) },
    options: { scales: { y: { beginAtZero: true } } },
  });
  setPoints('p-timeline', rows.length);
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function renderWords(rows) {
  const box = $('p-words');
  const groups = new Map();
  for (const r of rows) {
    if (!groups.has(r.topic)) groups.set(r.topic, { label: r.label, words: [] });
    groups.get(r.topic).words.push(r.word);
  }
  box.replaceChildren(...[...groups.values()].map((g) => {
    const div = el('div');
    div.append(el('h3', g.label));
    const ol = el('ol');
    for (const w of g.words) ol.append(el('li', w));
    div.append(ol);
    return div;
  }));
  setPoints('p-words', rows.length);
}

function renderLatest(rows) {
  const body = $('p-latest').querySelector('tbody');
  const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
  const first = seenTweets.size === 0;
  body.replaceChildren(...rows.map((r) => {
    const tr = el('tr', null, first || seenTweets.has(r.tweet_id) ? '' : 'new');
    tr.dataset.tweetId = r.tweet_id;
    tr.append(el('td', fmt.format(new Date(r.created_ms))), el('td', r.text, 'text'),
              el('td', r.label), el('td', r.sentiment, r.sentiment),
              el('td', r.polarity === null ? '' : r.polarity.toFixed(2)));
    return tr;
  }));
  for (const r of rows) seenTweets.add(r.tweet_id);
  setPoints('p-latest', rows.length);
}

// The model the views show, and the background rescoring after an activation.
function servingText(s) {
  if (s.serving_model_name === null) return 'none';
  if (s.rescoring) {
    return s.serving_model_name + ' (rescoring for ' + (s.model_name ?? '?') + ': ' +
      (s.rescore_done ?? 0) + ' of ' + (s.rescore_total ?? 0) + ' tweets)';
  }
  if (s.rescore_finished_ms !== null && s.rescore_model_id === s.serving_model_id) {
    return s.serving_model_name + ' (switched ' + new Date(s.rescore_finished_ms).toLocaleTimeString() +
      ', ' + (s.rescore_done ?? 0) + ' tweets rescored)';
  }
  return s.serving_model_name;
}

// The latest drift check of the active model: verdict, status, when.
function driftText(s) {
  if (s.drift_checked_ms === null) return 'not checked yet';
  const when = new Date(s.drift_checked_ms).toLocaleString();
  if (s.drifted) return 'DRIFTED (' + (s.drift_exceeded ?? '') + '), checked ' + when;
  return s.drift_status + ', checked ' + when;
}

// The main figures of the latest drift check (increases over the training baseline).
function driftFigures(s) {
  if (s.drift_checked_ms === null) return '-';
  const f = (v, digits) => (v === null ? 'n/a' : (v >= 0 ? '+' : '') + v.toFixed(digits));
  const g = (v) => (v === null ? 'n/a' : v.toFixed(3));
  return 'perplexity ' + f(s.drift_log_perplexity_increase, 3) + ' nats, unknown words ' +
    f(s.drift_oov_rate_increase, 3) + ', no known word ' + f(s.drift_no_word_share_increase, 3) +
    ', topic JSD ' + g(s.drift_topic_jsd) + ', sentiment shift ' + g(s.drift_sentiment_shift) +
    ' (' + (s.drift_sampled ?? 0) + ' of ' + (s.drift_tweets ?? 0) + ' tweets)';
}

// The stream panel; newer scores than the panels show make them reload.
function renderStatus(s, fromRefresh) {
  if (fromRefresh) lastScoredMs = s.last_scored_ms;
  else if (lastScoredMs !== undefined && s.last_scored_ms !== lastScoredMs) scheduleRefresh();
  const items = [
    ['stream', s.running ? 'running' : (s.enabled ? 'enabled, worker not running' : 'stopped')],
    ['model', s.model_name === null ? 'none active' : s.model_name + ' (k=' + s.model_topics + ')'],
    ['serving', servingText(s)],
    ['drift', driftText(s)],
    ['drift figures', driftFigures(s)],
    ['rate', (s.rows_per_second ?? 0).toFixed(1) + ' tweets/s'],
    ['queue', s.pending + ' tweets'],
    ['lag', (s.lag_s ?? 0).toFixed(1) + ' s'],
    ['scored', String(s.rows_scored ?? 0)],
    ['last batch', s.last_batch_ms_epoch === null ? '-' :
      new Date(s.last_batch_ms_epoch).toLocaleTimeString() + ', ' + s.last_batch_rows + ' tweets in ' + s.last_batch_ms + ' ms'],
    ['errors', String(s.errors ?? 0) + (s.last_error ? ': ' + s.last_error : '')],
  ];
  $('p-status').replaceChildren(...items.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
  setPoints('p-status', 1);
}

function showError(message) {
  const b = $('banner');
  b.hidden = !message;
  b.textContent = message || '';
}

// Fill the topic filter from the labels once.
async function loadTopicOptions() {
  const sel = $('topic');
  if (sel.options.length > 1) return;
  const p = new URLSearchParams();
  const r = await fetch('/api/words?' + p.toString(), { cache: 'no-store' });
  if (!r.ok) return;
  const seen = new Set();
  for (const w of await r.json()) {
    if (seen.has(w.topic)) continue;
    seen.add(w.topic);
    const o = el('option', w.label);
    o.value = String(w.topic);
    sel.append(o);
  }
  const none = el('option', 'no topic');
  none.value = '0';
  sel.append(none);
}

// Reload every panel.
async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    await loadTopicOptions();
    const [topics, sentiment, polarity, timeline, words, latest, status] = await Promise.all([
      api('/api/topics'), api('/api/sentiment'), api('/api/polarity'), api('/api/timeline'),
      api('/api/words'), api('/api/latest', { limit: '25' }), api('/api/status')]);
    renderTopics(topics); renderSentiment(sentiment); renderPolarity(polarity);
    renderTimeline(timeline); renderWords(words); renderLatest(latest); renderStatus(status, true);
    document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
    showError('');
  } catch (e) {
    showError(e.message);
  } finally {
    refreshing = false;
  }
}

// At most one refresh per second however fast scores arrive.
function scheduleRefresh() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => { refreshTimer = null; refresh(); }, 1000);
}

function connectEvents() {
  const es = new EventSource('/api/events');
  es.addEventListener('status', (e) => {
    $('live').dataset.state = 'live';
    $('live').textContent = 'live';
    renderStatus(JSON.parse(e.data));
  });
  es.addEventListener('dberror', (e) => {
    $('live').dataset.state = 'down';
    $('live').textContent = 'database down';
    showError(JSON.parse(e.data).error);
  });
  es.onerror = () => { $('live').dataset.state = 'down'; $('live').textContent = 'reconnecting'; };
}

function onFilterChange() {
  $('filters').classList.toggle('custom', $('range').value === 'custom');
  seenTweets = new Set();
  refresh();
}

document.addEventListener('DOMContentLoaded', () => {
  $('tz').textContent = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const id of ['range', 'from', 'to', 'topic', 'sentiment'])
    $(id).addEventListener('change', onFilterChange);
  refresh();
  connectEvents();
  setInterval(refresh, 60000);   // relative ranges move on even without new tweets
});

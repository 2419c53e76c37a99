// The sandbox inbox page: opened with an inbox read token (the link `npm start` prints, or
// GET /sandbox/inbox/link), it shows the client's newest SMS and email — optionally to one phone or
// address — and the webhooks the sandbox receiver caught, refreshing every few seconds. It never asks
// for the client secret. Every time shown is sandbox time (the server's clock, which
// POST /sandbox/clock:advance moves), in UTC: one clock, not the browser's beside the server's.
// Message text is inserted as text, never as HTML.

export const INBOX_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>onramp sandbox inbox</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 760px; margin: 2rem auto; padding: 0 1rem; color: #111; }
  label { display: block; margin: .5rem 0 .2rem; font-size: .9rem; color: #444; }
  input { width: 100%; padding: .45rem; font: inherit; box-sizing: border-box; }
  button { margin-top: .8rem; padding: .5rem 1.2rem; font: inherit; }
  .msg { border: 1px solid #ddd; border-radius: 6px; padding: .8rem; margin: .8rem 0; }
  .meta { color: #666; font-size: .85rem; }
  .text { white-space: pre-wrap; margin-top: .4rem; }
  .error { color: #b00; }
  .clock { font-variant-numeric: tabular-nums; }
  h2 { font-size: 1.1rem; margin-top: 1.8rem; }
  code { background: #f2f3f6; padding: .05rem .3rem; border-radius: 4px; }
</style>
</head>
<body>
<h1>Sandbox inbox</h1>
<p>SMS and email the sandbox sent for your client, and webhooks its receiver caught. Test numbers <code>+1 NXX 555-01XX</code> also accept <code>000000</code>.</p>
<form id="form">
  <label for="token">Inbox token (from the link <code>npm start</code> prints, or <code>GET /sandbox/inbox/link</code>)</label>
  <input id="token" type="password" required autocomplete="off" placeholder="ibx_…">
  <label for="to">Only to this phone (E.164) or email (optional)</label><input id="to" placeholder="+12015550123">
  <button type="submit">Show messages</button>
</form>
<p class="meta">Sandbox time: <span id="now" class="clock">—</span> · <span id="status"></span></p>
<div id="messages"></div>
<h2>Webhooks received</h2>
<p class="meta">Deliveries to <code>/sandbox/webhooks/receiver/&lt;your client id&gt;</code>; read them with <code>GET /sandbox/webhooks/received</code> to verify their signatures.</p>
<div id="webhooks"></div>
<script src="/sandbox/inbox.js"></script>
</body>
</html>
`;

export const INBOX_SCRIPT = `'use strict';
const $ = (id) => document.getElementById(id);
const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromLink) { sessionStorage.setItem('inbox.token', fromLink); history.replaceState(null, '', location.pathname); }
$('token').value = sessionStorage.getItem('inbox.token') || '';
$('to').value = sessionStorage.getItem('inbox.to') || '';
function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
// Sandbox time as the server reports it, in UTC: the only clock on this page.
function sandboxTime(iso) { return iso.replace('T', ' ').replace(/\\.\\d+Z$/, ' UTC'); }
let timer = null;
async function load() {
  const token = $('token').value.trim();
  const to = $('to').value.trim();
  sessionStorage.setItem('inbox.token', token);
  sessionStorage.setItem('inbox.to', to);
  const res = await fetch('/sandbox/inbox/feed' + (to ? '?to=' + encodeURIComponent(to) : ''), {
    headers: { 'ratio-sandbox-inbox-token': token, accept: 'application/json' },
  });
  const body = await res.json();
  if (!res.ok) { $('status').replaceChildren(el('span', 'error', body.code + ': ' + body.message)); return false; }
  $('now').textContent = sandboxTime(body.now);
  $('status').textContent = body.items.length + ' message(s), newest first';
  const list = $('messages');
  list.replaceChildren();
  for (const m of body.items) {
    const box = el('div', 'msg');
    box.append(el('div', 'meta', m.channel + ' to ' + m.to + ' at ' + sandboxTime(m.createTime)));
    if (m.subject) box.append(el('strong', '', m.subject));
    box.append(el('div', 'text', m.text));
    list.append(box);
  }
  const hooks = $('webhooks');
  hooks.replaceChildren();
  if (body.webhooks.length === 0) hooks.append(el('p', 'meta', 'None yet.'));
  for (const w of body.webhooks) hooks.append(el('div', 'msg', w.event + ' at ' + sandboxTime(w.receiveTime)));
  return true;
}
function start() {
  clearInterval(timer);
  load().then((ok) => { if (ok) timer = setInterval(() => load().catch(() => {}), 3000); }).catch((err) => { $('status').textContent = String(err); });
}
$('form').addEventListener('submit', (e) => { e.preventDefault(); start(); });
if ($('token').value) start();
`;

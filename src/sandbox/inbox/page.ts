// The sandbox inbox page: enter the client credentials and a phone number or email address; the
// page calls GET /sandbox/inbox with them. Credentials stay in the browser's session storage.
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
</style>
</head>
<body>
<h1>Sandbox inbox</h1>
<p>SMS and email the sandbox sent for your client. Test numbers <code>+1 NXX 555-01XX</code> also accept <code>000000</code>.</p>
<form id="form">
  <label for="clientId">ratio-client-id</label><input id="clientId" required autocomplete="off">
  <label for="clientSecret">ratio-client-secret</label><input id="clientSecret" type="password" required autocomplete="off">
  <label for="to">Phone (E.164) or email</label><input id="to" required placeholder="+12015550123">
  <button type="submit">Show messages</button>
</form>
<p id="status" class="meta"></p>
<div id="messages"></div>
<script src="/sandbox/inbox.js"></script>
</body>
</html>
`;

export const INBOX_SCRIPT = `'use strict';
const $ = (id) => document.getElementById(id);
for (const id of ['clientId', 'clientSecret', 'to']) $(id).value = sessionStorage.getItem('inbox.' + id) || '';
function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
async function load() {
  for (const id of ['clientId', 'clientSecret', 'to']) sessionStorage.setItem('inbox.' + id, $(id).value);
  const res = await fetch('/sandbox/inbox?to=' + encodeURIComponent($('to').value.trim()), {
    headers: { 'ratio-client-id': $('clientId').value.trim(), 'ratio-client-secret': $('clientSecret').value.trim(), accept: 'application/json' },
  });
  const body = await res.json();
  const list = $('messages');
  list.replaceChildren();
  if (!res.ok) { $('status').replaceChildren(el('span', 'error', body.code + ': ' + body.message)); return; }
  $('status').textContent = body.items.length + ' message(s), newest first. Updated ' + new Date().toLocaleTimeString();
  for (const m of body.items) {
    const box = el('div', 'msg');
    box.append(el('div', 'meta', m.channel + ' to ' + m.to + ' at ' + new Date(m.createTime).toLocaleString()));
    if (m.subject) box.append(el('strong', '', m.subject));
    box.append(el('div', 'text', m.text));
    list.append(box);
  }
}
$('form').addEventListener('submit', (e) => { e.preventDefault(); load().catch((err) => { $('status').textContent = String(err); }); });
`;

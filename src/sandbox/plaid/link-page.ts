// The sandbox Link page (/sandbox/link?token=LINK_TOKEN): pick an institution, log in with a test
// user (OAuth banks also ask for a one-time code), choose the account, and get a public_token — sent
// to the opener with postMessage and, when the link token has a redirect_uri, by redirecting there
// with ?public_token=…. Update mode (a link token made with an access_token) skips the institution
// and account steps. Text from the server is inserted as text, never as HTML.

export const LINK_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Link your bank (sandbox)</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font-family: system-ui, -apple-system, sans-serif; background: #eef1f5; color: #111; }
  .card { max-width: 420px; margin: 2.5rem auto; background: #fff; border-radius: 14px; box-shadow: 0 8px 30px rgba(0,0,0,.12); padding: 1.6rem 1.6rem 1.2rem; }
  .top { display: flex; justify-content: space-between; align-items: center; font-size: .8rem; color: #666; }
  .badge { background: #fff4d6; color: #7a5200; border-radius: 999px; padding: .15rem .6rem; font-weight: 600; }
  h1 { font-size: 1.3rem; margin: 1rem 0 .3rem; }
  p.sub { color: #555; margin: 0 0 1rem; font-size: .92rem; }
  .inst { display: flex; width: 100%; align-items: center; gap: .8rem; border: 1px solid #e2e5ea; background: #fff; border-radius: 10px; padding: .7rem .8rem; margin: .45rem 0; font: inherit; text-align: left; cursor: pointer; }
  .inst:hover, .inst:focus { border-color: #111; outline: none; }
  .logo { width: 34px; height: 34px; border-radius: 8px; color: #fff; display: grid; place-items: center; font-weight: 700; flex: none; }
  .inst small { display: block; color: #777; font-size: .78rem; }
  label { display: block; font-size: .85rem; color: #444; margin: .8rem 0 .25rem; }
  input[type=text], input[type=password] { width: 100%; padding: .65rem .7rem; font: inherit; border: 1px solid #cfd4dc; border-radius: 8px; }
  .primary { width: 100%; margin-top: 1.1rem; padding: .75rem; font: inherit; font-weight: 600; color: #fff; background: #111; border: 0; border-radius: 8px; cursor: pointer; }
  .primary:disabled { background: #888; }
  .link { background: none; border: 0; color: #555; font: inherit; font-size: .85rem; cursor: pointer; margin-top: .8rem; padding: 0; }
  .warn { background: #fff4d6; color: #6b4a00; border-radius: 8px; padding: .6rem .8rem; font-size: .88rem; margin: .6rem 0; }
  .error { background: #fde8e8; color: #8a1c1c; border-radius: 8px; padding: .6rem .8rem; font-size: .88rem; margin: .6rem 0; }
  .acct { display: flex; gap: .7rem; align-items: center; border: 1px solid #e2e5ea; border-radius: 10px; padding: .7rem .8rem; margin: .45rem 0; cursor: pointer; }
  .acct input { margin: 0; }
  .hint { font-size: .78rem; color: #777; margin-top: 1rem; line-height: 1.4; }
  code { background: #f2f3f6; padding: .05rem .3rem; border-radius: 4px; }
  .done { text-align: center; }
  .check { width: 56px; height: 56px; border-radius: 50%; background: #1e8e5a; color: #fff; display: grid; place-items: center; font-size: 1.8rem; margin: .6rem auto; }
  #public-token { word-break: break-all; font-family: ui-monospace, monospace; font-size: .8rem; background: #f2f3f6; padding: .5rem; border-radius: 6px; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<main class="card">
  <div class="top"><span id="client-name">…</span><span class="badge">Sandbox</span></div>
  <div id="error" class="error" role="alert" hidden></div>

  <section id="step-institution" hidden>
    <h1>Select your bank</h1>
    <p class="sub">Sandbox institutions behave as the onramp sandbox guide says.</p>
    <div id="institutions"></div>
  </section>

  <section id="step-credentials" hidden>
    <h1 id="cred-title">Log in</h1>
    <div id="degraded" class="warn" hidden>This bank is having connectivity issues. You may continue, but linking may be slow or fail.</div>
    <form id="cred-form" autocomplete="off">
      <label for="username">Username</label><input id="username" type="text" required>
      <label for="password">Password</label><input id="password" type="password" required>
      <div id="mfa-box" hidden>
        <label for="mfa">One-time code from your bank (any number)</label><input id="mfa" type="text" inputmode="numeric">
      </div>
      <button id="submit-credentials" class="primary" type="submit">Continue</button>
    </form>
    <button id="back" class="link" type="button">← Choose another bank</button>
    <p class="hint">Test users: <code>custom_ratio_good</code> / <code>pass_good</code> (verification approved), <code>custom_ratio_bad</code> / <code>pass_bad</code> (declined), <code>user_good</code> / <code>pass_good</code>.</p>
  </section>

  <section id="step-accounts" hidden>
    <h1>Choose an account</h1>
    <p class="sub">The account to link for ACH purchases.</p>
    <form id="acct-form"><div id="accounts"></div><button id="submit-account" class="primary" type="submit">Link account</button></form>
  </section>

  <section id="step-done" class="done" hidden>
    <div class="check">✓</div>
    <h1 id="done-title">Public token created</h1>
    <p class="sub" id="done-text">Your app exchanges it with banks:activateLink.</p>
    <div id="public-token"></div>
  </section>

  <section id="step-exited" class="done" hidden>
    <h1>Link closed</h1>
    <p class="sub" id="exited-text">No bank was linked. Your app would get Link's onExit; start again with a new link token from banks:requestLink.</p>
  </section>

  <button id="exit" class="link" type="button">Exit</button>
</main>
<script src="/sandbox/link.js"></script>
</body>
</html>
`;

export const LINK_SCRIPT = `'use strict';
const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.search).get('token') || '';
let session = null;
let institution = null;
let login = null;

function show(step) {
  for (const s of ['institution', 'credentials', 'accounts', 'done', 'exited']) $('step-' + s).hidden = s !== step;
}
function error(message) {
  $('error').textContent = message;
  $('error').hidden = !message;
}
function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
async function call(path, body) {
  const res = await fetch(path, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
  const json = await res.json();
  if (!res.ok) throw Object.assign(new Error(json.display_message || json.error_message || 'Something went wrong'), { plaid: json });
  return json;
}
/** Posts to the app that opened or framed the page; true when there is one to tell. */
function post(message) {
  const target = session && session.redirectOrigin ? session.redirectOrigin : '*';
  const framed = window.parent && window.parent !== window;
  if (window.opener) window.opener.postMessage(Object.assign({ source: 'onramp-sandbox-link' }, message), target);
  if (framed) window.parent.postMessage(Object.assign({ source: 'onramp-sandbox-link' }, message), target);
  return Boolean(window.opener) || framed;
}

function pickInstitution(inst) {
  institution = inst;
  error('');
  if (inst.health === 'DOWN') {
    error(inst.name + ' is not responding right now (INSTITUTION_DOWN). Please choose another bank.');
    return;
  }
  $('cred-title').textContent = 'Log in to ' + inst.name;
  $('degraded').hidden = inst.health !== 'DEGRADED';
  $('mfa-box').hidden = !inst.oauth;
  $('back').hidden = session.updateMode;
  show('credentials');
  $('username').focus();
}

function renderInstitutions() {
  const list = $('institutions');
  list.replaceChildren();
  for (const inst of session.institutions) {
    const b = el('button', 'inst');
    b.type = 'button';
    b.dataset.institutionId = inst.id;
    const logo = el('span', 'logo', inst.name.replace(/[^A-Z]/g, '').slice(0, 2) || inst.name[0]);
    logo.style.background = inst.primaryColor;
    const text = el('span', '', inst.name);
    text.append(el('small', '', inst.health === 'HEALTHY' ? (inst.oauth ? 'OAuth' : 'Username and password') : inst.health === 'DEGRADED' ? 'Degraded connectivity' : 'Down'));
    b.append(logo, text);
    b.addEventListener('click', () => pickInstitution(inst));
    list.append(b);
  }
}

// Says what happened, not what the app will do with it: the bank is linked only once the app
// exchanges the public token (banks:activateLink).
function finish(result) {
  $('public-token').textContent = result.publicToken;
  $('done-title').textContent = session.updateMode ? 'Public token created (update mode)' : 'Public token created';
  show('done');
  $('exit').hidden = true;
  const metadata = { institution: { name: result.institution.name, institution_id: result.institution.id }, accounts: result.accounts, link_session_id: result.linkSessionId };
  const told = post({ event: 'SUCCESS', public_token: result.publicToken, metadata });
  const next = 'Your app exchanges it with banks:activateLink' + (session.updateMode ? ' to repair the login.' : ' to link the bank.');
  $('done-text').textContent = result.redirectUri
    ? 'Returning to your app with it. ' + next
    : (told ? 'Sent to your app (postMessage). ' : 'No app opened this page: copy the token. ') + next;
  if (result.redirectUri) {
    const target = new URL(result.redirectUri);
    target.searchParams.set('public_token', result.publicToken);
    setTimeout(() => { location.href = target.toString(); }, 400);
  }
}

function credentials() {
  return { token, institutionId: institution.id, username: $('username').value, password: $('password').value, mfaCode: $('mfa').value || undefined };
}

$('cred-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  error('');
  $('submit-credentials').disabled = true;
  try {
    login = await call('/sandbox/link/login', credentials());
    if (session.updateMode) return finish(await call('/sandbox/link/complete', credentials()));
    const list = $('accounts');
    list.replaceChildren();
    login.accounts.forEach((a, i) => {
      const row = el('label', 'acct');
      const radio = el('input');
      radio.type = 'radio';
      radio.name = 'account';
      radio.value = a.subtype;
      radio.checked = i === 0;
      row.append(radio, el('span', '', a.name + ' •••• ' + a.mask));
      list.append(row);
    });
    show('accounts');
  } catch (err) {
    error(err.message);
  } finally {
    $('submit-credentials').disabled = false;
  }
});

$('acct-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  error('');
  $('submit-account').disabled = true;
  try {
    const chosen = document.querySelector('input[name=account]:checked');
    finish(await call('/sandbox/link/complete', Object.assign(credentials(), { accountSubtype: chosen ? chosen.value : undefined })));
  } catch (err) {
    error(err.message);
  } finally {
    $('submit-account').disabled = false;
  }
});

$('back').addEventListener('click', () => { error(''); show('institution'); });
$('exit').addEventListener('click', () => {
  error('');
  post({ event: 'EXIT', error: null, metadata: { status: 'requires_credentials' } });
  if (session && session.redirectUri) { const target = new URL(session.redirectUri); target.searchParams.set('error', 'exited'); location.href = target.toString(); return; }
  // Opened on its own (no app to hand back to): say so rather than doing nothing.
  show('exited');
  $('exit').hidden = true;
  if (window.opener) setTimeout(() => window.close(), 600);
});

(async () => {
  try {
    session = await call('/sandbox/link/session?token=' + encodeURIComponent(token));
    $('client-name').textContent = session.clientName;
    if (session.updateMode) pickInstitution(session.institution);
    else { renderInstitutions(); show('institution'); }
  } catch (err) {
    error(err.message + ' Ask your app for a new link token.');
  }
})();
`;

// The hosted Identity Verification page of the built-in Plaid sandbox, at a verification's
// shareable_url (/sandbox/idv/ID?key=KEY): the user agrees to the terms when the verification was
// created without consent, waits while the data checks run, and — when they ask for documents —
// uploads a pretend ID document and, this being a sandbox, chooses whether it passes. The document
// itself never leaves the browser: only its name, type and size are sent. Text from the server is
// inserted as text, never as HTML.

export const IDV_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verify your identity (sandbox)</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font-family: system-ui, -apple-system, sans-serif; background: #eef1f5; color: #111; }
  .card { max-width: 440px; margin: 2.5rem auto; background: #fff; border-radius: 14px; box-shadow: 0 8px 30px rgba(0,0,0,.12); padding: 1.6rem 1.6rem 1.2rem; }
  .top { display: flex; justify-content: space-between; align-items: center; font-size: .8rem; color: #666; }
  .badge { background: #fff4d6; color: #7a5200; border-radius: 999px; padding: .15rem .6rem; font-weight: 600; }
  h1 { font-size: 1.3rem; margin: 1rem 0 .3rem; }
  p.sub { color: #555; margin: 0 0 1rem; font-size: .92rem; line-height: 1.4; }
  label { display: block; font-size: .85rem; color: #444; margin: .8rem 0 .25rem; }
  select, input[type=file] { width: 100%; padding: .55rem .6rem; font: inherit; border: 1px solid #cfd4dc; border-radius: 8px; background: #fff; }
  .check-row { display: flex; gap: .6rem; align-items: flex-start; font-size: .9rem; margin: .8rem 0; }
  .outcomes { display: flex; gap: .6rem; margin-top: .3rem; }
  .outcome { flex: 1; display: flex; gap: .5rem; align-items: center; border: 1px solid #e2e5ea; border-radius: 10px; padding: .6rem .7rem; cursor: pointer; font-size: .9rem; }
  .outcome input { margin: 0; }
  .primary { width: 100%; margin-top: 1.1rem; padding: .75rem; font: inherit; font-weight: 600; color: #fff; background: #111; border: 0; border-radius: 8px; cursor: pointer; }
  .primary:disabled { background: #888; }
  .error { background: #fde8e8; color: #8a1c1c; border-radius: 8px; padding: .6rem .8rem; font-size: .88rem; margin: .6rem 0; }
  .hint { font-size: .78rem; color: #777; margin-top: 1rem; line-height: 1.4; }
  .done { text-align: center; }
  .mark { width: 56px; height: 56px; border-radius: 50%; color: #fff; display: grid; place-items: center; font-size: 1.8rem; margin: .6rem auto; }
  .mark.ok { background: #1e8e5a; }
  .mark.bad { background: #b3261e; }
  .spinner { width: 36px; height: 36px; border: 4px solid #e2e5ea; border-top-color: #111; border-radius: 50%; margin: 1rem auto; animation: spin 1s linear infinite; }
  @keyframes spin { to { transform: rotate(360deg); } }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<main class="card">
  <div class="top"><span>Identity verification</span><span class="badge">Sandbox</span></div>
  <div id="error" class="error" role="alert" hidden></div>

  <section id="step-consent" hidden>
    <h1>Verify your identity</h1>
    <p class="sub">We check the details you gave against public records, and may ask for a photo ID.</p>
    <form id="consent-form">
      <label class="check-row"><input id="agree" type="checkbox" required> I agree that my information is shared with Plaid to verify my identity.</label>
      <button id="submit-consent" class="primary" type="submit">Continue</button>
    </form>
  </section>

  <section id="step-checking" class="done" hidden>
    <div class="spinner"></div>
    <h1>Checking your information…</h1>
    <p class="sub">This takes a moment.</p>
  </section>

  <section id="step-document" hidden>
    <h1>Upload a photo ID</h1>
    <p class="sub" id="document-why">We could not confirm your identity from records alone. Upload a government-issued ID.</p>
    <form id="document-form">
      <label for="category">Document type</label>
      <select id="category">
        <option value="drivers_license">Driver's license</option>
        <option value="id_card">State ID card</option>
        <option value="passport">Passport</option>
        <option value="residence_permit_card">Residence permit</option>
      </select>
      <label for="file">Photo or scan of the document</label>
      <input id="file" type="file" accept="image/*,application/pdf" required>
      <label>Sandbox outcome</label>
      <div class="outcomes">
        <label class="outcome"><input type="radio" name="outcome" value="pass" checked> Document passes</label>
        <label class="outcome"><input type="radio" name="outcome" value="fail"> Document fails</label>
      </div>
      <button id="submit-document" class="primary" type="submit">Submit document</button>
    </form>
    <p class="hint">Sandbox: any file will do — only its name, type and size are sent. The outcome you choose is what Plaid's document check answers.</p>
  </section>

  <section id="step-done" class="done" hidden>
    <div id="done-mark" class="mark ok">✓</div>
    <h1 id="done-title">Identity verified</h1>
    <p class="sub" id="done-text">You can return to the app.</p>
  </section>
</main>
<script src="/sandbox/idv.js"></script>
</body>
</html>
`;

export const IDV_SCRIPT = `'use strict';
const $ = (id) => document.getElementById(id);
const id = location.pathname.split('/').pop();
const key = new URLSearchParams(location.search).get('key') || '';
let polling = null;

function show(step) {
  for (const s of ['consent', 'checking', 'document', 'done']) $('step-' + s).hidden = s !== step;
}
function error(message) {
  $('error').textContent = message;
  $('error').hidden = !message;
}
async function call(path, body) {
  const res = await fetch(path, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
  const json = await res.json();
  if (!res.ok) throw new Error(json.display_message || json.error_message || 'Something went wrong');
  return json;
}
const base = '/sandbox/idv/' + encodeURIComponent(id);

function done(session) {
  const ok = session.status === 'success';
  $('done-mark').className = 'mark ' + (ok ? 'ok' : 'bad');
  $('done-mark').textContent = ok ? '✓' : '✕';
  const titles = { success: 'Identity verified', failed: 'We could not verify your identity', pending_review: 'Your documents are being reviewed', canceled: 'This verification was replaced', expired: 'This verification has expired' };
  $('done-title').textContent = titles[session.status] || 'Verification ' + session.status;
  $('done-text').textContent = session.status === 'canceled' || session.status === 'expired' ? 'Ask the app for a new link.' : 'You can return to the app.';
  show('done');
}

function render(session) {
  if (polling) { clearTimeout(polling); polling = null; }
  if (session.status !== 'active') return done(session);
  if (session.steps.accept_tos === 'active') return show('consent');
  if (session.steps.documentary_verification === 'active') return show('document');
  show('checking');
  polling = setTimeout(refresh, 700);
}
async function refresh() {
  try { render(await call(base + '/session?key=' + encodeURIComponent(key))); } catch (err) { error(err.message); }
}

$('consent-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  error('');
  $('submit-consent').disabled = true;
  try { render(await call(base + '/consent', { key })); } catch (err) { error(err.message); } finally { $('submit-consent').disabled = false; }
});

$('document-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  error('');
  const file = $('file').files[0];
  if (!file) return error('Choose a photo or scan of the document.');
  const outcome = document.querySelector('input[name=outcome]:checked').value;
  $('submit-document').disabled = true;
  try {
    render(await call(base + '/document', { key, category: $('category').value, fileName: file.name.slice(0, 200), fileType: (file.type || 'application/octet-stream').slice(0, 100), fileSize: file.size, outcome }));
  } catch (err) {
    error(err.message);
  } finally {
    $('submit-document').disabled = false;
  }
});

refresh();
`;

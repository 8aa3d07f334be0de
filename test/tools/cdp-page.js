// Drive headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: no
// port, no WebSocket) for the dashboard's browser test (test/t/100_dashboard_browser.pl).
// Usage: node cdp-page.js CHROMIUM USER_DATA_DIR URL OUT_PREFIX
// Opens URL, waits until the page has loaded its panels (body[data-loaded]), prints "ready",
// then reads commands from stdin, one per line:
//   wait-js EXPR SECONDS   wait until the expression is true; prints "ok" or "timeout"
//   dom NAME               write the DOM to OUT_PREFIX-NAME.html; prints "ok"
//   shot NAME [SCALE]      write a PNG screenshot to OUT_PREFIX-NAME.png (scaled); prints "ok"
//   quit
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const readline = require('readline');

const [chromium, userDataDir, url, outPrefix] = process.argv.slice(2);
const child = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--user-data-dir=' + userDataDir, '--remote-debugging-pipe', '--window-size=1280,1500',
  'about:blank'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
const toBrowser = child.stdio[3];
const fromBrowser = child.stdio[4];
let nextId = 1;
const waiting = new Map();
let pending = Buffer.alloc(0);

fromBrowser.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  let end;
  while ((end = pending.indexOf(0)) >= 0) {
    const msg = JSON.parse(pending.subarray(0, end).toString('utf8'));
    pending = pending.subarray(end + 1);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) reject(new Error(JSON.stringify(msg.error))); else resolve(msg.result);
    }
  }
});

function send(method, params, sessionId) {
  const id = nextId++;
  const msg = { id, method, params: params || {} };
  if (sessionId) msg.sessionId = sessionId;
  toBrowser.write(JSON.stringify(msg) + '\0');
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function evaluate(session, expression) {
  const r = await send('Runtime.evaluate', { expression, returnByValue: true }, session);
  return r.result ? r.result.value : undefined;
}

async function waitFor(session, expression, seconds) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await evaluate(session, '!!(' + expression + ')')) return true;
    await sleep(200);
  }
  return false;
}

async function main() {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Emulation.setDeviceMetricsOverride',
             { width: 1280, height: 1500, deviceScaleFactor: 1, mobile: false }, sessionId);
  await send('Page.enable', {}, sessionId);
  await send('Page.navigate', { url }, sessionId);
  const ok = await waitFor(sessionId, 'document.body && document.body.dataset.loaded', 60);
  console.log(ok ? 'ready' : 'timeout');
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    const [cmd, ...rest] = line.split(' ');
    if (cmd === 'wait-js') {
      const seconds = Number(rest.pop());
      console.log((await waitFor(sessionId, rest.join(' '), seconds)) ? 'ok' : 'timeout');
    } else if (cmd === 'dom') {
      fs.writeFileSync(outPrefix + '-' + rest[0] + '.html',
                       await evaluate(sessionId, 'document.documentElement.outerHTML'));
      console.log('ok');
    } else if (cmd === 'shot') {
      const scale = Number(rest[1] || 1);
      const params = { format: 'png' };
      if (scale !== 1) params.clip = { x: 0, y: 0, width: 1280, height: 1500, scale };
      const { data } = await send('Page.captureScreenshot', params, sessionId);
      fs.writeFileSync(outPrefix + '-' + rest[0] + '.png', Buffer.from(data, 'base64'));
      console.log('ok');
    } else if (cmd === 'quit') {
      break;
    }
  }
  await send('Browser.close').catch(() => {});
  setTimeout(() => { child.kill('SIGKILL'); process.exit(0); }, 2000).unref();
}

main().catch((e) => { console.log('error ' + e.message); child.kill('SIGKILL'); process.exit(1); });

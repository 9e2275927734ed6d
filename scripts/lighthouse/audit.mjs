/**
 * One Lighthouse run: a fresh Chromium (chrome-launcher), an optional session cookie set through the DevTools
 * protocol before the audit (Lighthouse clears caches and service workers between runs, never cookies), then
 * Lighthouse's default config: mobile emulation (Moto G Power) with simulated throttling (slow 4G, 4× CPU).
 */
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import WebSocket from 'ws';

export const CATEGORIES = ['performance', 'accessibility', 'best-practices'];
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'];

/** Kills every Chromium this process launched, one still starting included (a signal may come mid-launch). */
export const killAllChromes = () => chromeLauncher.killAll();

/** Sends one DevTools-protocol command to the browser target and resolves with its result. */
async function browserCommand(port, method, params) {
  const version = await (await fetch(`http://127.0.0.1:${port}/json/version`)).json();
  const socket = new WebSocket(version.webSocketDebuggerUrl);
  try {
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return await new Promise((resolve, reject) => {
      socket.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (message.id !== 1) return;
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      });
      socket.send(JSON.stringify({ id: 1, method, params }));
    });
  } finally {
    socket.close();
  }
}

/**
 * First-load JavaScript from the run's DevTools log: every script response of the navigation, with its body as
 * it crossed the network (`body`: the sum of Network.dataReceived's encodedDataLength, i.e. gzip-compressed
 * where the server compressed it) and its total on the wire (`wire`: loadingFinished's, headers included).
 */
function scriptsOf(devtoolsLog) {
  const scripts = new Map();
  for (const { method, params } of devtoolsLog) {
    if (method === 'Network.responseReceived' && params.type === 'Script') {
      const headers = Object.fromEntries(Object.entries(params.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      scripts.set(params.requestId, { url: params.response.url, encoding: headers['content-encoding'] ?? 'none', body: 0, wire: 0 });
    } else if (method === 'Network.dataReceived' && scripts.has(params.requestId)) {
      scripts.get(params.requestId).body += params.encodedDataLength;
    } else if (method === 'Network.loadingFinished' && scripts.has(params.requestId)) {
      scripts.get(params.requestId).wire = params.encodedDataLength;
    }
  }
  return [...scripts.values()];
}

/** What did not pass in a category, for the table's notes: audit id and score. */
function failingAudits(lhr, category) {
  return lhr.categories[category].auditRefs
    .filter((ref) => ref.weight > 0)
    .map((ref) => lhr.audits[ref.id])
    .filter((audit) => audit.score !== null && audit.score < 1 && audit.scoreDisplayMode !== 'informative')
    .map((audit) => `${audit.id} (${audit.score})`);
}

/**
 * Audits `url` once. `cookie` is a Playwright cookie ({name, value, domain, path, httpOnly, sameSite...}).
 * Resolves with scores (0–100), metrics (ms; CLS unitless), scripts, failing audits and console errors.
 */
export async function auditOnce({ url, chromePath, cookie, timeoutMs = 60_000, signal }) {
  const chrome = await chromeLauncher.launch({
    chromePath,
    // --no-sandbox: CI runs as root. The rest keep a closed network quiet, as in playwright.config.ts.
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-component-update', '--disable-sync'],
    handleSIGINT: false,
    logLevel: 'silent',
  });
  const kill = () => {
    try {
      chrome.kill();
    } catch {
      // Already gone.
    }
  };
  if (signal?.aborted) {
    kill();
    throw new Error('aborted');
  }
  signal?.addEventListener('abort', kill, { once: true });
  let timer;
  try {
    if (cookie) {
      const { name, value, domain, path, httpOnly, secure, sameSite, expires } = cookie;
      await browserCommand(chrome.port, 'Storage.setCookies', { cookies: [{ name, value, domain, path, httpOnly, secure, sameSite, expires }] });
    }
    const run = lighthouse(url, {
      port: chrome.port,
      logLevel: 'error',
      output: 'json',
      onlyCategories: CATEGORIES,
      // Screenshots score nothing and cost seconds per run on a 2-core machine.
      disableFullPageScreenshot: true,
      skipAudits: ['screenshot-thumbnails', 'final-screenshot'],
    });
    // After a timeout the run fails once its browser is killed; that failure is already reported.
    run.catch(() => {});
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Lighthouse took over ${timeoutMs / 1000} s on ${url}`)), timeoutMs);
    });
    const result = await Promise.race([run, timeout]);
    const { lhr, artifacts } = result;
    if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    if (new URL(lhr.finalDisplayedUrl).pathname !== new URL(url).pathname) {
      throw new Error(`${url} ended at ${lhr.finalDisplayedUrl} (a redirect: signed out?)`);
    }
    return {
      scores: Object.fromEntries(CATEGORIES.map((id) => [id, Math.round(lhr.categories[id].score * 100)])),
      metrics: Object.fromEntries(METRICS.map((id) => [id, lhr.audits[id].numericValue])),
      // Lighthouse's measure of the CPU this run had (higher is faster): on a shared machine it explains outliers.
      benchmarkIndex: Math.round(lhr.environment.benchmarkIndex),
      lcpElement: lhr.audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node?.snippet ?? null,
      scripts: scriptsOf(artifacts.DevtoolsLog),
      failing: Object.fromEntries(CATEGORIES.map((id) => [id, failingAudits(lhr, id)])),
      consoleErrors: (lhr.audits['errors-in-console']?.details?.items ?? []).map((item) => `${item.source}: ${item.description}${item.sourceLocation?.url ? ` (${item.sourceLocation.url})` : ''}`),
      warnings: lhr.runWarnings,
      lhr,
    };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', kill);
    kill();
  }
}

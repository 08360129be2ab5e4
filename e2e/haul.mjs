// What the browser tests share: a real `haul serve --demo` on a random
// loopback port with its own data folder, Debian's Chromium, and people
// who sign up in their own browser contexts on phone-sized screens.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function check(ok, what) {
  if (!ok) throw new Error(what);
}

/// A port nobody listens on right now: the system picks it.
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/// Starts Haul with its demo (in English unless `env` says otherwise); `env`
/// adds configuration. Another process can
/// take the port between the probe and Haul's bind: then Haul exits at once
/// and is started again on another port.
export async function startHaul(bin, env = {}) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'haul-e2e-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = spawn(bin, ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--data-dir', dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, RUST_LOG: 'warn', HAUL_DEMO_LANGUAGE: 'en', ...env },
    });
    let exited = false;
    server.once('exit', () => { exited = true; });
    const stop = () => {
      server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    };
    for (let i = 0; i < 600 && !exited; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) return { base, dir, stop };
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    stop();
    if (!exited) break;
  }
  throw new Error('haul did not start');
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}

/// What the pages' Content-Security-Policy refused, in every page opened.
export const violations = [];

/// Records the CSP violations Chromium reports on `page`.
export function watchPolicy(page) {
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) violations.push(`${page.url()}: ${msg.text()}`);
  });
}

/// Fails when any page broke the Content-Security-Policy.
export function checkPolicy() {
  check(violations.length === 0, `pages broke the Content-Security-Policy:\n${violations.join('\n')}`);
}

/// A new browser context on a phone-sized screen.
export async function phone(browser) {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  page.setDefaultTimeout(20000);
  watchPolicy(page);
  return page;
}

/// Signs in as one of the demo's accounts (password haul-demo).
export async function signIn(page, base, login) {
  await page.goto(`${base}/signin`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'haul-demo');
  await page.click('form.stack button');
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
}

export async function signUp(page, base, name) {
  await page.goto(`${base}/signup`);
  await page.fill('input[name=login]', `${name}-${Date.now()}@example.com`);
  await page.fill('input[name=display_name]', name);
  await page.fill('input[name=password]', 'a long password');
  await page.click('form.stack button');
  await page.waitForURL(`${base}/`);
}

/// Reloads `url` until `test(page)` holds (the server's workers run once a
/// second), at most 30 s.
export async function until(page, url, test, what) {
  for (let i = 0; i < 60; i++) {
    await page.goto(url);
    if (await test(page)) return;
    await page.waitForTimeout(500);
  }
  throw new Error(`never: ${what}`);
}

/// Saves a delivery address in Hangzhou as the person's first (default) one.
export async function addAddress(page, base) {
  await page.goto(`${base}/account/addresses`);
  await page.fill('input[name=recipient]', 'Chen Jing');
  await page.fill('input[name=phone]', '139 0013 9001');
  await page.selectOption('select[name=province]', 'ZJ');
  await page.fill('input[name=city]', 'Hangzhou');
  await page.fill('input[name=district]', 'Xihu');
  await page.fill('input[name=street]', '90 Wensan Road');
  await page.click('#address-form button');
}

// A new person signs up, buys a product, pays in the sandbox and sees the
// order paid: in headless Chromium, on a phone-sized screen, against a real
// `haul serve --demo` on loopback.
//
// usage: node e2e/buy.mjs path/to/haul
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPolicy, freePort, watchPolicy } from './haul.mjs';

const bin = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'haul-e2e-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(bin, ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--data-dir', dir], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, RUST_LOG: 'warn' },
});

async function waitForServer() {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('haul did not start');
}

let browser;
let failed = 0;
try {
  await waitForServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  page.setDefaultTimeout(15000);
  watchPolicy(page);

  await page.goto(`${base}/signup`);
  await page.fill('input[name=login]', `e2e-${Date.now()}@example.com`);
  await page.fill('input[name=display_name]', 'E2E Shopper');
  await page.fill('input[name=password]', 'a long password');
  await page.click('form.stack button');
  await page.waitForURL(`${base}/`);

  await page.fill('input[name=q]', 'navel');
  await page.press('input[name=q]', 'Enter');
  await page.click('text=Gannan navel oranges 5 kg');
  await page.waitForURL(/\/products\/\d+$/);
  await page.click('button[value=buy]');
  await page.waitForURL(/\/orders\/\d+$/);
  if ((await page.textContent('#status')).trim() !== 'Awaiting payment') throw new Error('order not awaiting payment');

  // The oranges and the orchard's delivery fee.
  await page.click('button:has-text("Pay ¥27.90")');
  await page.waitForURL(/\/sandbox\/pay\//);
  await page.click('button.pay');
  await page.waitForURL(/\/orders\/\d+$/);
  const status = (await page.textContent('#status')).trim();
  await page.screenshot({ path: join(process.cwd(), 'target', 'e2e-paid.png'), fullPage: true });
  if (status !== 'Paid') throw new Error(`expected the order paid, saw "${status}"`);
  // The API's browsable page too.
  await page.goto(`${base}/api/docs/`);
  await page.waitForSelector('.swagger-ui .info');
  checkPolicy();
  console.log('browser: a new user signed up, bought, paid in the sandbox and saw the order paid');
} catch (e) {
  failed = 1;
  console.error('browser test failed:', e);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
console.log(`browser: ${1 - failed} passed, ${failed} failed`);
process.exit(failed);

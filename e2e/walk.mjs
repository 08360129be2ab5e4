// Walks the demo as each role on a 390 px phone screen, following the
// links each page offers (at most two pages of each kind), and fails if a
// page is wider than the screen, answers 5xx or logs a console error. Each
// kind of page is screenshotted to $HAUL_SCREENSHOTS/walk (target/screenshots).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { check, checkPolicy, launch, startHaul, watchPolicy } from './haul.mjs';

// In Chinese, the demo's data and the browser both are.
const language = process.argv[3] || 'en';
const haul = await startHaul(process.argv[2], { HAUL_DEMO_LANGUAGE: language });
const { base } = haul;
const shots = join(process.env.HAUL_SCREENSHOTS || 'target/screenshots', 'walk');
mkdirSync(shots, { recursive: true });
const roles = [
  ['stranger', null],
  ['shopper', 'shopper@haul.demo'],
  ['creator', 'teatime@haul.demo'],
  ['merchant', 'fruit@haul.demo'],
  ['leader', 'leader@haul.demo'],
  ['operator', 'operator@haul.demo'],
];
// Links that act rather than show, leave the site, or download.
const skip = /^\/(signout|lang\/|r\/|media\/|static\/|live\/hls\/|api\/|sandbox\/)|\/out$|\.csv(\?|$)|^\/signin|^\/signup|^\/continue/;
const kind = (path) => path.replace(/\d+/g, 'N').replace(/\?.*$/, '');
const PER_KIND = 2, PER_ROLE = 70;
let browser, failed = 0, visited = 0;
const problems = [];
try {
  browser = await launch();
  for (const [role, login] of roles) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: language === 'zh-CN' ? 'zh-CN' : 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    watchPolicy(page);
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    if (login) {
      await page.goto(`${base}/signin`);
      await page.fill('input[name=login]', login);
      await page.fill('input[name=password]', 'haul-demo');
      await page.click('form.stack button');
      await page.waitForURL(`${base}/`);
    }
    // The oranges (product 1) have the demo's flash deal: its panel is checked below.
    const queue = ['/', '/products/1'], seen = new Set(), kinds = new Map();
    while (queue.length && seen.size < PER_ROLE) {
      const path = queue.shift();
      if (seen.has(path)) continue;
      const k = kind(path);
      if ((kinds.get(k) || 0) >= PER_KIND) continue;
      kinds.set(k, (kinds.get(k) || 0) + 1);
      seen.add(path);
      const answer = await page.goto(base + path, { waitUntil: 'load' });
      visited++;
      const status = answer?.status() ?? 0;
      if (status >= 500) problems.push(`${role} ${path}: ${status}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 391) problems.push(`${role} ${path}: ${width} px wide`);
      // A page's scripts must not write over a deal panel (a countdown once replaced it whole).
      const emptied = await page.$$eval('.panel.deal', (ps) => ps.filter((p) => !p.querySelector('.countdown')).length);
      if (emptied) problems.push(`${role} ${path}: ${emptied} deal panel(s) lost their content`);
      if (kinds.get(k) === 1) await page.screenshot({ path: join(shots, `${language}-${role}${k.replace(/[^a-zA-Z0-9]+/g, '_')}.png`) });
      // Downloads (the data export) are files, not pages.
      const links = await page.$$eval('a[href]:not([download])', (as) => as.map((a) => a.getAttribute('href')));
      for (const href of links) {
        if (!href || !href.startsWith('/') || href.startsWith('//')) continue;
        const target = href.split('#')[0];
        if (!target || skip.test(target) || seen.has(target)) continue;
        queue.push(target);
      }
    }
    problems.push(...errors.filter((e) => !/net::ERR_ABORTED/.test(e)).map((e) => `${role} console: ${e}`));
    await page.context().close();
  }
  check(problems.length === 0, `pages misbehaved:\n${problems.join('\n')}`);
  checkPolicy();
  console.log(`walk: ${visited} pages as ${roles.length} roles, none wider than the screen, no 5xx, no console error`);
} catch (e) {
  failed = 1;
  console.error('walk failed:', e);
} finally {
  if (browser) await browser.close();
  haul.stop();
}
process.exit(failed);

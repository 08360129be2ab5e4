// Sales figures in the browser, against a real `haul serve --demo` (four
// weeks of demo sales): the public best-seller list, a new shopper's five
// boxes of mangoes counted into it within seconds, and the orchard's
// dashboard with its figures, funnel, charts, content and CSV, and a live
// session's report. Screenshots in
// target/e2e-analytics.
//
// usage: node e2e/analytics.mjs path/to/haul
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { addAddress, check, checkPolicy, launch, phone, signIn, signUp, startHaul, until } from './haul.mjs';

const haul = await startHaul(process.argv[2], { HAUL_WORKER_INTERVAL_SECONDS: '1' });
const { base } = haul;
const shots = join(process.cwd(), 'target', 'e2e-analytics');
mkdirSync(shots, { recursive: true });

let browser;
let failed = 0;
try {
  browser = await launch();
  const visitor = await phone(browser);
  await visitor.goto(base);
  await visitor.click('a[href="/best-sellers"]');
  await visitor.waitForURL(`${base}/best-sellers`);
  check((await visitor.textContent('h1')).includes('Best-sellers this week'), 'the week is the default');
  check((await visitor.locator('ol.ranked li').count()) >= 5, 'the week has its best-sellers');
  await visitor.screenshot({ path: join(shots, 'best-sellers.png'), fullPage: true });

  // A new shopper buys five boxes of mangoes; today's list puts them first.
  const shopper = await phone(browser);
  await signUp(shopper, base, 'MangoFan');
  await addAddress(shopper, base);
  await shopper.goto(`${base}/products?q=mangoes`);
  await shopper.click('text=Hainan mangoes');
  await shopper.waitForURL(/\/products\/\d+$/);
  await shopper.fill('input[name=quantity]', '5');
  await shopper.click('button[value=cart]');
  await shopper.goto(`${base}/cart`);
  await shopper.click('form[id^=checkout-] button');
  await shopper.waitForURL(/\/orders\/\d+$/);
  const order = shopper.url();
  await shopper.click('form[action$="/pay"] button');
  await shopper.waitForURL(/\/sandbox\/pay\//);
  await shopper.click('button.pay');
  await shopper.waitForURL(order);
  await until(visitor, `${base}/best-sellers?window=24h`, async (p) => (await p.textContent('ol.ranked li:first-child')).includes('Hainan mangoes'), 'the mangoes lead today');
  check((await visitor.textContent('ol.ranked li:first-child')).includes('sold'), 'with their count');

  // The orchard's dashboard.
  const merchant = await phone(browser);
  await signIn(merchant, base, 'fruit@haul.demo');
  await merchant.goto(`${base}/merchant`);
  await merchant.click('a[href^="/merchant/shops/"]');
  await merchant.click('text=Sales dashboard');
  await merchant.waitForURL(/\/dashboard$/);
  const figures = await merchant.textContent('.figures');
  check(figures.includes('GMV') && figures.includes('Orders') && figures.includes('Buyers'), 'the figures are there');
  check((await merchant.locator('svg.chart polyline').count()) === 2, 'GMV per day, paid and net');
  check((await merchant.locator('#channels svg rect').count()) >= 3, 'sales by channel');
  const channels = await merchant.textContent('#channels table');
  check(channels.includes('Videos') && channels.includes('Live') && channels.includes('Search & browse'), 'videos, the live room and search');
  check((await merchant.textContent('#top-products')).includes('Hainan mangoes'), "today's mangoes among the top products");
  await merchant.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });
  const csv = await merchant.getAttribute('#channels a[href*="sales.csv"]', 'href');
  const download = await merchant.request.get(`${base}${csv}`);
  const body = await download.text();
  check(download.ok() && body.startsWith('channel,currency,units,gmv,refunded\n'), `the channels as CSV: ${download.status()} ${body.slice(0, 200)}`);
  // From seen to paid, what sold, and last week's live session.
  check((await merchant.locator('#funnel svg rect').count()) === 5, 'the funnel has its five steps');
  const funnel = await merchant.textContent('#funnel table');
  check(funnel.includes('Impressions') && funnel.includes('Orders paid') && funnel.includes('%'), `the funnel's steps and their rates: ${funnel}`);
  const content = await merchant.textContent('#top-content table');
  check(content.includes('Video #') && content.includes('Live room #'), `the farmer's video and the orchard's rooms sold: ${content}`);
  await merchant.click('#sessions a[href$="/host#report"]');
  await merchant.waitForURL(/\/live\/\d+\/host#report$/);
  const report = await merchant.textContent('#report');
  check(report.includes('Peak viewers') && report.includes('GPM'), 'the session report');
  check((await merchant.locator('#report svg.chart polyline').count()) === 1, 'viewers minute by minute');
  check((await merchant.locator('#report svg.chart rect.bar').count()) >= 5, 'orders minute by minute');
  await merchant.screenshot({ path: join(shots, 'session-report.png'), fullPage: true });
  // The operator's platform figures.
  const operator = await phone(browser);
  await signIn(operator, base, 'operator@haul.demo');
  await operator.goto(`${base}/operator`);
  await operator.click('a[href="/operator/analytics"]');
  await operator.waitForURL(/\/operator\/analytics$/);
  check((await operator.textContent('#shops')).includes('Sunny Orchard'), 'the orchard among the top shops');
  check((await operator.locator('#policies tr').count()) === 3, 'content first and commerce first side by side');
  await operator.screenshot({ path: join(shots, 'platform.png'), fullPage: true });
  checkPolicy();
  console.log('browser: the week’s best-sellers; five boxes of mangoes lead today’s list within seconds; the orchard’s dashboard with figures, the funnel, channels, top content and charts, CSV; last week’s live session report minute by minute; the operator’s platform figures');
} catch (e) {
  failed = 1;
  console.error('browser test failed:', e);
} finally {
  if (browser) await browser.close();
  haul.stop();
}
console.log(`browser: ${1 - failed} passed, ${failed} failed`);
process.exit(failed);

// Creators earn, in the browser, against a real `haul serve --demo` with a
// clock the test can move: a creator picks the tea house's oolong from the
// marketplace (20% commission) and posts a video with it; another person
// buys from the video's card and pays; the creator sees pending commission
// for that video; the tea house refunds half and the commission halves; the
// order ships and is received; fifteen days later (the hold) it is
// available, and a payout through the sandbox provider moves it.
//
// usage: node e2e/affiliate.mjs path/to/haul
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { addAddress, check, checkPolicy, launch, phone, signUp, startHaul, until } from './haul.mjs';

const haul = await startHaul(process.argv[2], { HAUL_TEST_CLOCK: 'true', HAUL_WORKER_INTERVAL_SECONDS: '1', HAUL_PAYOUT_MINIMUM_MINOR: '100' });
const { base } = haul;
const shots = join(process.cwd(), 'target', 'e2e-affiliate');
mkdirSync(shots, { recursive: true });

async function person(browser, name) {
  const page = await phone(browser);
  await signUp(page, base, name);
  return page;
}


let browser;
let failed = 0;
try {
  const clip = join(haul.dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=360x640:rate=24', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', clip]);
  browser = await launch();

  // The creator picks a product that pays 20% and films it.
  const creator = await person(browser, 'Maker');
  await creator.goto(`${base}/studio/marketplace`);
  const item = creator.locator('.market-item', { hasText: 'Anxi Tieguanyin' });
  check((await item.textContent()).includes('Commission 20%'), 'the marketplace shows the tea house\'s 20%');
  await item.locator('button[value=add]').click();
  await creator.waitForURL(/\/studio\/marketplace/);
  const productPath = await creator.locator('.market-item', { hasText: 'Anxi Tieguanyin' }).locator('a').first().getAttribute('href');
  await creator.goto(`${base}/studio`);
  await creator.setInputFiles('input[name=file]', clip);
  await creator.fill('textarea[name=caption]', 'Brewing Tieguanyin gongfu style #tea #e2e');
  await creator.fill('input[name=product]', `${base}${productPath}`);
  await creator.click('button:has-text("Post video")');
  await creator.waitForURL(`${base}/studio`);
  const videoId = await creator.locator('.studio-video', { hasText: 'Brewing Tieguanyin' }).getAttribute('data-id');

  // Another person, with an address, buys from the video's card and pays.
  const viewer = await person(browser, 'Viewer');
  await addAddress(viewer, base);
  await viewer.goto(`${base}/videos/${videoId}`);
  const card = viewer.locator(`.slide[data-id="${videoId}"] .buycard`);
  check((await card.textContent()).includes('commission link'), 'a card that earns its creator commission says so');
  await viewer.locator(`.slide[data-id="${videoId}"] .buycard button:has-text("Buy")`).click();
  await viewer.waitForURL(/\/orders\/\d+$/);
  const order = viewer.url();
  await viewer.click('form[action$="/pay"] button');
  await viewer.waitForURL(/\/sandbox\/pay\//);
  await viewer.click('button.pay');
  await viewer.waitForURL(order);
  check((await viewer.textContent('#status')).trim() === 'Paid', 'bought from the card and paid');
  check((await viewer.locator('.credit').count()) === 0, 'the buyer does not see who earns');

  // ¥68.00 at 20% is ¥13.60, less the platform's 10%: ¥12.24 pending, for that video.
  const earnings = `${base}/studio/earnings`;
  await creator.goto(earnings);
  check((await creator.textContent('.balance .pending')).trim() === '¥12.24', `pending commission: ${await creator.textContent('.balance .pending')}`);
  const row = creator.locator('.by-content tr', { hasText: 'Brewing Tieguanyin' });
  check((await row.count()) === 1 && (await row.textContent()).includes('¥12.24'), 'the earnings name the video that sold');

  // The tea house sees what sold the line, and refunds half the order.
  const merchant = await phone(browser);
  await merchant.goto(`${base}/signin`);
  await merchant.fill('input[name=login]', 'tea@haul.demo');
  await merchant.fill('input[name=password]', 'haul-demo');
  await merchant.click('form.stack button');
  await merchant.waitForURL(`${base}/`);
  await merchant.goto(order);
  check((await merchant.textContent('.credit')).includes('@Maker · 20%'), `the shop sees the credit: ${await merchant.textContent('.credit')}`);
  const total = (await merchant.textContent('.panel table tr:has-text("Total") .price')).trim();
  check(total === '¥78.00', `the order total with delivery: ${total}`);
  await merchant.fill('form.refund input[name=amount]', '39.00');
  await merchant.fill('form.refund input[name=reason]', 'one tin dented');
  merchant.once('dialog', (d) => d.accept());
  await merchant.click('form.refund button');
  await merchant.waitForURL(order);
  await creator.goto(earnings);
  check((await creator.textContent('.balance .pending')).trim() === '¥6.12', `half refunded, half the commission: ${await creator.textContent('.balance .pending')}`);

  // Shipped, received; the hold (15 days) passes; the commission is available.
  await merchant.fill('#ship-form input[name=carrier]', 'SF Express');
  await merchant.fill('#ship-form input[name=tracking_no]', 'SF1402000888');
  await merchant.click('#ship-form button');
  await merchant.waitForURL(order);
  await viewer.goto(order);
  viewer.once('dialog', (d) => d.accept());
  await viewer.click('#confirm-received');
  await viewer.waitForURL(order);
  check((await viewer.textContent('#status')).trim() === 'Completed', 'receipt completes the order');
  await creator.goto(earnings);
  check((await creator.textContent('.balance .available')).trim() === '¥0.00', 'nothing is available during the hold');
  const moved = await fetch(`${base}/test/clock?advance_seconds=${15 * 86400 + 60}`, { method: 'POST' });
  check(moved.status === 204, `the test clock moved: ${moved.status}`);
  await until(creator, earnings, async (p) => (await p.textContent('.balance .available')).trim() === '¥6.12', 'the commission became available');
  check((await creator.textContent('.balance .pending')).trim() === '¥0.00', 'nothing left pending');
  await creator.screenshot({ path: join(shots, 'earnings-available.png'), fullPage: true });

  // A payout moves it out through the sandbox provider.
  await creator.click('form.payout button');
  await creator.waitForURL(/\/studio\/earnings/);
  await until(creator, earnings, async (p) => (await p.textContent('.balance .paid')).trim() === '¥6.12', 'the payout was paid');
  check((await creator.textContent('.balance .available')).trim() === '¥0.00', 'the paid-out money left the balance');
  check((await creator.textContent('table.payouts')).includes('paid'), 'the payout shows as paid');
  await creator.screenshot({ path: join(shots, 'earnings-paid.png'), fullPage: true });
  checkPolicy();
  console.log('browser: a creator sold through a video, saw pending commission halve with a refund, become available after the hold and be paid out');
} catch (e) {
  failed = 1;
  console.error('browser test failed:', e);
} finally {
  if (browser) await browser.close();
  haul.stop();
}
console.log(`browser: ${1 - failed} passed, ${failed} failed`);
process.exit(failed);

// After-sales in the browser, against a real `haul serve --demo` with a
// clock the test can move: a shopper claims a live coupon in the orchard's
// room while it is on air, buys two boxes of oranges with it and pays,
// asks for a refund of one box with a photo; the orchard sees the request
// and stays silent; 48 hours later the request is accepted by itself and
// the box refunded. Another shopper's box arrives and is reviewed with a photo,
// shown as a verified purchase. Screenshots in target/e2e-aftersales.
//
// usage: node e2e/aftersales.mjs path/to/haul
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addAddress, check, checkPolicy, launch, phone, signUp, startHaul, until } from './haul.mjs';

const haul = await startHaul(process.argv[2], { HAUL_TEST_CLOCK: 'true', HAUL_WORKER_INTERVAL_SECONDS: '1' });
const { base } = haul;
const shots = join(process.cwd(), 'target', 'e2e-aftersales');
mkdirSync(shots, { recursive: true });
// A one-pixel PNG: the buyer's photo.
const photo = join(haul.dir, 'bruised.png');
writeFileSync(photo, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));


let browser;
let failed = 0;
try {
  browser = await launch();
  const shopper = await phone(browser);
  await signUp(shopper, base, 'Returner');
  await addAddress(shopper, base);

  // The orchard goes on air (its media server calls Haul's publish hook);
  // the shopper claims the room's live coupon there.
  const json = (path, token, body) => fetch(`${base}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  }).then((r) => r.json());
  const orchard = await json('/api/v1/sessions', null, { login: 'fruit@haul.demo', password: 'haul-demo' });
  const rooms = await json('/api/v1/live/rooms?status=scheduled&limit=20', null);
  const room = rooms.items.find((r) => r.title.startsWith('Orange harvest'));
  const hosted = await json(`/api/v1/live/rooms/${room.id}`, orchard.token);
  const key = hosted.publish.stream_key.split('?key=')[1];
  const hook = await fetch(`${base}/live/hooks/publish`, { method: 'POST', body: new URLSearchParams({ call: 'publish', app: 'live', name: String(room.id), key }) });
  check(hook.ok, `the room went live: ${hook.status}`);
  await shopper.goto(`${base}/live/${room.id}`);
  const liveCoupon = shopper.locator('form.coupon', { hasText: 'Live-only' });
  check((await liveCoupon.textContent()).includes('¥5.00 off'), 'the live room offers its coupon');
  await liveCoupon.locator('button').click();
  await shopper.waitForURL(`${base}/live/${room.id}`);
  check((await shopper.textContent('body')).includes('Coupon claimed'), 'the coupon is claimed');
  await shopper.screenshot({ path: join(shots, 'live-coupon.png') });

  // Two boxes through the cart, the coupon taken off, paid.
  await shopper.goto(`${base}/products?q=navel`);
  await shopper.click('text=Gannan navel oranges 5 kg');
  await shopper.waitForURL(/\/products\/\d+$/);
  await shopper.fill('input[name=quantity]', '2');
  await shopper.click('button[value=cart]');
  await shopper.goto(`${base}/cart`);
  check((await shopper.textContent('select[name=coupon]')).includes('¥5.00'), 'the cart offers the live coupon');
  await shopper.screenshot({ path: join(shots, 'cart-coupon.png'), fullPage: true });
  await shopper.click('form[id^=checkout-] button');
  await shopper.waitForURL(/\/orders\/\d+$/);
  const order = shopper.url();
  check((await shopper.textContent('.panel table')).includes('−¥5.00'), 'the order shows the coupon');
  await shopper.click('form[action$="/pay"] button');
  await shopper.waitForURL(/\/sandbox\/pay\//);
  await shopper.click('button.pay');
  await shopper.waitForURL(order);
  check((await shopper.textContent('#status')).trim() === 'Paid', 'two boxes bought with the coupon and paid');

  // One box, refund only (nothing has shipped), with a photo.
  await shopper.click('a.claim');
  await shopper.waitForURL(/\/aftersales\/new\?line=\d+$/);
  check((await shopper.locator('input[name=kind]').count()) === 1, 'before it arrives, only a refund can be asked for');
  await shopper.selectOption('select[name=quantity]', '1');
  await shopper.fill('textarea[name=reason]', 'Ordered one box too many');
  await shopper.setInputFiles('input[name=images]', photo);
  await shopper.screenshot({ path: join(shots, 'request-form.png'), fullPage: true });
  await shopper.click('#aftersale-submit');
  await shopper.waitForURL(/\/aftersales\/\d+$/);
  const request = shopper.url();
  check((await shopper.textContent('#case-status')).trim() === 'Waiting for the shop', 'the request waits for the shop');
  check((await shopper.textContent('.panel table')).includes('¥17.40'), 'a box refunds its share of what was paid: (¥39.80 − ¥5.00) / 2');
  check((await shopper.locator('.thumbs img').count()) === 1, 'the photo is on the request');
  check((await shopper.textContent('.deadline')).includes('accepted'), 'the page says what happens if the shop stays silent');
  await shopper.screenshot({ path: join(shots, 'request-open.png'), fullPage: true });

  // The orchard sees it, and says nothing.
  const merchant = await phone(browser);
  await merchant.goto(`${base}/signin`);
  await merchant.fill('input[name=login]', 'fruit@haul.demo');
  await merchant.fill('input[name=password]', 'haul-demo');
  await merchant.click('form.stack button');
  await merchant.waitForURL(`${base}/`);
  await merchant.goto(request);
  check((await merchant.locator('#case-accept').count()) === 1, 'the shop may accept or reject it');
  await merchant.screenshot({ path: join(shots, 'request-shop.png'), fullPage: true });

  // Two days pass: accepted by silence, refunded.
  const moved = await fetch(`${base}/test/clock?advance_seconds=${48 * 3600 + 60}`, { method: 'POST' });
  check(moved.status === 204, `the test clock moved: ${moved.status}`);
  await until(shopper, request, async (p) => (await p.textContent('#case-status')).trim() === 'Refunded', 'the request was refunded');
  check((await shopper.textContent('.panel:has-text("History")')).includes('the deadline passed'), 'the history says the deadline decided');
  await shopper.screenshot({ path: join(shots, 'request-refunded.png'), fullPage: true });
  await shopper.goto(order);
  check((await shopper.textContent('.panel table')).includes('Refunded'), 'the order shows the refund');
  check((await shopper.textContent('#status')).trim() === 'Paid', 'the other box is still on its way');

  // Another shopper buys a box too; both parcels ship and arrive. The
  // other shopper reviews theirs with a photo, and the product page shows
  // it as a verified purchase.
  const reviewer = await phone(browser);
  await signUp(reviewer, base, 'Reviewer');
  await addAddress(reviewer, base);
  await reviewer.goto(`${base}/products?q=navel`);
  await reviewer.click('text=Gannan navel oranges 5 kg');
  await reviewer.waitForURL(/\/products\/\d+$/);
  await reviewer.click('button[value=cart]');
  await reviewer.goto(`${base}/cart`);
  await reviewer.click('form[id^=checkout-] button');
  await reviewer.waitForURL(/\/orders\/\d+$/);
  const second = reviewer.url();
  await reviewer.click('form[action$="/pay"] button');
  await reviewer.waitForURL(/\/sandbox\/pay\//);
  await reviewer.click('button.pay');
  await reviewer.waitForURL(second);
  for (const [buyer, url, parcel] of [[shopper, order, 'SF1402000999'], [reviewer, second, 'SF1402001000']]) {
    await merchant.goto(url);
    await merchant.fill('#ship-form input[name=carrier]', 'SF Express');
    await merchant.fill('#ship-form input[name=tracking_no]', parcel);
    await merchant.click('#ship-form button');
    await merchant.waitForURL(url);
    await buyer.goto(url);
    buyer.once('dialog', (d) => d.accept());
    await buyer.click('#confirm-received');
    await buyer.waitForURL(url);
  }
  check((await shopper.textContent('#status')).trim() === 'Completed', 'the returner has the other box');
  await reviewer.click('a.review-link');
  await reviewer.waitForURL(/\/reviews\/new\?line=\d+$/);
  await reviewer.check('input[name=rating][value="5"]');
  await reviewer.fill('textarea[name=body]', 'Sweet and juicy, every one');
  await reviewer.setInputFiles('input[name=images]', photo);
  await reviewer.click('#review-submit');
  await reviewer.waitForURL(/\/products\/\d+(#review-\d+)?$/);
  const review = reviewer.locator('article.review', { hasText: 'Sweet and juicy, every one' });
  check((await review.textContent()).includes('Verified purchase'), 'the review shows as a verified purchase');
  check((await review.locator('.thumbs img').count()) === 1, 'with its photo');
  check((await reviewer.textContent('#reviews h2')).includes('Reviews ('), 'the product counts its reviews');
  await review.screenshot({ path: join(shots, 'review.png') });
  await reviewer.screenshot({ path: join(shots, 'product-reviews.png'), fullPage: true });
  checkPolicy();
  console.log('browser: a live coupon claimed in the room and used; a refund of one box asked with a photo, the shop silent, refunded by itself 48 hours later; another shopper’s box reviewed with a photo, verified on the product page');
} catch (e) {
  failed = 1;
  console.error('browser test failed:', e);
} finally {
  if (browser) await browser.close();
  haul.stop();
}
console.log(`browser: ${1 - failed} passed, ${failed} failed`);
process.exit(failed);

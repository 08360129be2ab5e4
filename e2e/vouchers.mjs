// Vouchers for local shops in the browser, against a real `haul serve --demo`:
// a shopper finds the demo's tea house near Shanghai's centre, opens the
// replay of a creator's live visit there, buys the tea voucher from the
// room's bag, pays, and gets its code with a QR code; the tea house's
// staff, on a phone-sized page, redeem it by typing the code, and a second
// try is refused. Screenshots in target/e2e-vouchers.
//
// usage: node e2e/vouchers.mjs path/to/haul
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { check, checkPolicy, launch, phone, signIn, signUp, startHaul } from './haul.mjs';

const haul = await startHaul(process.argv[2]);
const { base } = haul;
const shots = join(process.cwd(), 'target', 'e2e-vouchers');
mkdirSync(shots, { recursive: true });

let browser;
let failed = 0;
try {
  browser = await launch();
  const shopper = await phone(browser);
  await signUp(shopper, base, 'Traveller');
  await shopper.goto(`${base}/near`);
  await shopper.selectOption('#city', 'shanghai');
  await shopper.click('form[action="/near"] button');
  await shopper.waitForURL(/city=shanghai/);
  const near = await shopper.locator('#near-shops .near-shop').allTextContents();
  check(near[0].includes('Yuyuan Tea House') && near[1].includes("Jing'an Barber"), `the tea house first, then the barber: ${near}`);
  check(/1\.8 km/.test(near[0]) && near[0].includes('from ¥128.00'), `its distance and vouchers: ${near[0]}`);
  await shopper.screenshot({ path: join(shots, 'near.png'), fullPage: true });

  await shopper.goto(`${base}/live`);
  await shopper.click('text=Exploring Yuyuan Tea House');
  await shopper.waitForURL(/\/live\/\d+$/);
  const tea = shopper.locator('.bag-item:has-text("Afternoon tea for two")');
  await tea.locator('button').click();
  await shopper.waitForURL(/\/orders\/\d+$/);
  await shopper.click('button:has-text("Pay")');
  await shopper.waitForURL(/\/sandbox\/pay\//);
  await shopper.click('button.pay');
  await shopper.waitForURL(/\/orders\/\d+$/);
  const card = shopper.locator('#vouchers .voucher');
  check((await card.count()) === 1, 'one voucher for one unit');
  check((await card.locator('.qr svg').count()) === 1, 'its QR code, drawn by the server');
  const code = (await card.locator('.voucher-code').textContent()).trim();
  check(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/.test(code), `a code to read out: ${code}`);
  await shopper.screenshot({ path: join(shots, 'voucher.png'), fullPage: true });

  const counter = await phone(browser);
  await signIn(counter, base, 'teahouse@haul.demo');
  await counter.goto(`${base}/merchant`);
  await counter.click('a[href^="/merchant/shops/"]');
  await counter.click('a[href$="/redeem"]');
  await counter.waitForURL(/\/redeem$/);
  await counter.fill('#code', code.toLowerCase().replaceAll('-', ' '));
  await counter.click('#redeem-form button:not([type=button])');
  await counter.waitForSelector('#redeemed');
  check((await counter.textContent('.voucher')).includes('Afternoon tea for two'), 'the counter sees what it sold');
  const width = await counter.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, `the counter's page fits a phone: ${width}px`);
  await counter.screenshot({ path: join(shots, 'redeemed.png'), fullPage: true });
  await counter.fill('#code', code);
  await counter.click('#redeem-form button:not([type=button])');
  await counter.waitForSelector('#error-code');
  check((await counter.textContent('#error-code')).includes('used'), 'a second try is refused beside the field');
  await counter.screenshot({ path: join(shots, 'used.png'), fullPage: true });

  await shopper.reload();
  check((await shopper.textContent('#status')).trim() === 'Completed', 'the order completes once its voucher is used');
  check((await shopper.locator('#vouchers .qr').count()) === 0, 'a used voucher has no QR code left to show');
  checkPolicy();
  console.log('browser: a shopper finds the tea house near Shanghai, buys its voucher in the replay of a creator’s visit, and the staff redeem it once on a phone');
} catch (e) {
  failed = 1;
  console.error('browser test failed:', e);
} finally {
  if (browser) await browser.close();
  haul.stop();
}
console.log(`browser: ${1 - failed} passed, ${failed} failed`);
process.exit(failed);

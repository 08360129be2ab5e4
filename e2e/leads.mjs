// Goods sold by quote in the browser, against a real `haul serve --demo`:
// a shopper watches the dealer's video of the demo's tractor and asks for a
// quote from its card (a wrong phone number is refused beside its field);
// the dealer finds the request in the shop's inbox with the buyer's province
// and contact, counted under the video, replies, and marks it quoted; the
// shopper reads the reply. Screenshots in target/e2e-leads.
//
// usage: node e2e/leads.mjs path/to/haul
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { check, checkPolicy, launch, phone, signIn, signUp, startHaul } from './haul.mjs';

const haul = await startHaul(process.argv[2]);
const { base } = haul;
const shots = join(process.cwd(), 'target', 'e2e-leads');
mkdirSync(shots, { recursive: true });

let browser;
let failed = 0;
try {
  browser = await launch();
  const dealer = await phone(browser);
  await signIn(dealer, base, 'farm@haul.demo');
  await dealer.goto(`${base}/studio`);
  const video = await dealer.getAttribute('a[href^="/videos/"]:has-text("tractor")', 'href');

  const shopper = await phone(browser);
  await signUp(shopper, base, 'FarmerLi');
  await shopper.goto(`${base}/products?q=tractor`);
  await shopper.click('text=Second-hand tractor');
  await shopper.waitForURL(/\/products\/\d+$/);
  check((await shopper.locator('form[action="/cart/add"]').count()) === 0, 'no cart for goods sold by quote');
  check((await shopper.locator('#ask-quote').count()) === 1, 'the product page asks for a quote');
  await shopper.goto(base + video);
  await shopper.screenshot({ path: join(shots, 'video.png') });
  await shopper.click('a[href*="/quote?video_id="]');
  await shopper.waitForURL(/\/products\/\d+\/quote\?video_id=\d+$/);
  await shopper.fill('input[name=quantity]', '2');
  await shopper.selectOption('select[name=province]', 'HL');
  await shopper.fill('input[name=city]', 'Qiqihar');
  await shopper.fill('input[name=budget_min]', '30000');
  await shopper.fill('input[name=budget_max]', '50000');
  await shopper.fill('input[name=contact]', 'call me');
  await shopper.selectOption('select[name=contact_time]', 'morning');
  await shopper.fill('textarea[name=message]', 'Two for the soybean fields, delivered to Qiqihar?');
  await shopper.click('#quote-form button');
  check((await shopper.textContent('#error-contact')).includes('phone number'), 'a wrong contact is refused beside its field');
  check((await shopper.inputValue('input[name=city]')) === 'Qiqihar', 'the rest of the form is kept');
  await shopper.screenshot({ path: join(shots, 'form-error.png'), fullPage: true });
  await shopper.fill('input[name=contact]', '139 0452 0000');
  await shopper.click('#quote-form button');
  await shopper.waitForURL(/\/leads\/\d+$/);
  const lead = shopper.url();
  check((await shopper.textContent('#lead-region')).includes('Heilongjiang'), 'the request with its province');
  await shopper.screenshot({ path: join(shots, 'sent.png'), fullPage: true });

  await dealer.goto(`${base}/merchant`);
  await dealer.click('a[href^="/merchant/shops/"]');
  await dealer.click('a[href$="/leads"]');
  await dealer.waitForURL(/\/leads$/);
  const inbox = await dealer.textContent('#leads');
  check(inbox.includes('FarmerLi') && inbox.includes('Heilongjiang Qiqihar'), 'the dealer sees who asked and from where');
  const figures = await dealer.textContent('#lead-figures');
  check(figures.includes('Shandong'), 'the demo’s earlier leads by province');
  check(/3 · 0 won/.test(figures), `the video that produced them, with this one: ${figures}`);
  await dealer.screenshot({ path: join(shots, 'inbox.png'), fullPage: true });
  await dealer.goto(lead);
  check((await dealer.textContent('#lead-contact')) === '13904520000', 'the contact, for the staff');
  await dealer.fill('#messages textarea', '¥44,000 each delivered to Qiqihar.');
  await dealer.click('#messages button[value=reply]');
  await dealer.waitForURL(/\/leads\/\d+/);
  await dealer.click('#lead button:has-text("Quoted")');
  await dealer.waitForURL(/\/leads\/\d+$/);
  check((await dealer.textContent('#lead-status')) === 'Quoted', 'the lead moved on');
  await dealer.screenshot({ path: join(shots, 'lead.png'), fullPage: true });

  await shopper.goto(lead);
  check((await shopper.textContent('#messages')).includes('¥44,000 each'), 'the buyer reads the reply');
  checkPolicy();
  console.log('browser: a shopper asks for a quote from the tractor’s video (a wrong phone refused beside its field); the dealer sees the request with its province, under the video, replies and marks it quoted; the shopper reads the reply');
} catch (e) {
  failed = 1;
  console.error('browser test failed:', e);
} finally {
  if (browser) await browser.close();
  haul.stop();
}
console.log(`browser: ${1 - failed} passed, ${failed} failed`);
process.exit(failed);

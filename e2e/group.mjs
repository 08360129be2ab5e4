// Group buying in the browser, against a real `haul serve --demo` on
// loopback, on phone-sized screens, one browser context per person:
// 1. a shopper opens a team buy and two others complete it through the
//    share link;
// 2. a group leader publishes a campaign closing in under a minute,
//    residents order and pay, the cut-off closes it into a supply order,
//    the delivery arrives and the leader hands an order over against its
//    pickup code.
//
// usage: node e2e/group.mjs path/to/haul
import { join } from 'node:path';
import { check, checkPolicy, launch, phone, signUp as newAccount, startHaul } from './haul.mjs';

// Jobs every second, so the cut-off is acted on at once.
const haul = await startHaul(process.argv[2], { HAUL_WORKER_INTERVAL_SECONDS: '1' });
const { base } = haul;
const person = phone;
const signUp = (page, name) => newAccount(page, base, name);

async function signIn(page, login) {
  await page.goto(`${base}/signin`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'haul-demo');
  await page.click('form.stack button');
  await page.waitForURL(`${base}/`);
}

/// On an order page awaiting payment: pay in the sandbox and come back.
async function pay(page) {
  await page.click('button:has-text("Pay ")');
  await page.waitForURL(/\/sandbox\/pay\//);
  await page.click('button.pay');
  await page.waitForURL(/\/orders\/\d+$/);
  const status = (await page.textContent('#status')).trim();
  check(status !== 'Awaiting payment' && status !== 'Cancelled', `payment did not go through: ${status}`);
}

async function teamBuy(browser) {
  const [ann, bob, cyd] = [await person(browser), await person(browser), await person(browser)];
  await signUp(ann, 'Ann');
  await ann.fill('input[name=q]', 'Fuji');
  await ann.press('input[name=q]', 'Enter');
  await ann.click('text=Yantai Fuji apples');
  await ann.click('button:has-text("Start a team")');
  await ann.waitForURL(/\/orders\/\d+$/);
  await pay(ann);
  await ann.click('text=See your team');
  await ann.waitForURL(/\/teams\/\d+$/);
  const share = await ann.inputValue('#share');
  check(share.startsWith('http') && share.includes('/teams/'), `share link ${share}`);
  check((await ann.textContent('#team-status')).includes('1 of 3 joined'), 'the opener is the first member');
  for (const [page, name] of [[bob, 'Bob'], [cyd, 'Cyd']]) {
    await signUp(page, name);
    await page.goto(share);
    await page.click('button:has-text("Join this team")');
    await page.waitForURL(/\/orders\/\d+$/);
    await pay(page);
  }
  await ann.goto(share);
  const teamStatus = await ann.getAttribute('#team-status', 'data-status');
  check(teamStatus === 'complete', `the team is complete: ${teamStatus} ${await ann.textContent('main')}`);
  check((await ann.textContent('.members')).includes('Cyd'), 'members are listed');
  await ann.screenshot({ path: join(process.cwd(), 'target', 'e2e-team.png'), fullPage: true });
  console.log('browser: a shopper opened a team buy, two others joined through the share link and completed it');
  return [bob, cyd];
}

/// "HH:MM:SS" in Beijing time (the demo community's zone), `seconds` from now.
function beijingTime(seconds) {
  const t = new Date(Date.now() + seconds * 1000 + 8 * 3600 * 1000);
  return t.toISOString().slice(11, 19);
}

async function community(browser, residents) {
  const leader = await person(browser);
  await signIn(leader, 'leader@haul.demo');
  await leader.goto(`${base}/leader`);
  await leader.click('button:has-text("Choose products")');
  await leader.fill('input[name=title]', 'Evening fruit run');
  const picks = leader.locator('input[type=checkbox][name^=pick_]');
  await picks.nth(0).check();
  await picks.nth(1).check();
  const cutoffIn = 45;
  await leader.fill('input[name=cutoff]', beijingTime(cutoffIn));
  const publishedAt = Date.now();
  await leader.fill('input[name=threshold_units]', '2');
  await leader.click('button:has-text("Publish campaign")');
  await leader.waitForURL(/\/leader\/campaigns\/\d+$/);
  const campaignUrl = leader.url();

  const orders = [];
  for (const page of residents) {
    await page.goto(`${base}/communities`);
    await page.click('text=Sanlitun North');
    await page.click('button:has-text("Join this community")');
    const campaign = page.locator('.campaign', { hasText: 'Evening fruit run' });
    await campaign.locator('input[name^=q_]').first().fill('1');
    await campaign.locator('button:has-text("Order for pickup")').click();
    await page.waitForURL(/\/orders\/\d+$/);
    await pay(page);
    orders.push(page.url());
  }
  check(Date.now() - publishedAt < cutoffIn * 1000, 'residents ordered before the cut-off');

  // The close job runs at the cut-off.
  let status = '';
  for (let i = 0; i < 90 && status !== 'succeeded'; i++) {
    await leader.waitForTimeout(1000);
    await leader.goto(campaignUrl);
    status = (await leader.textContent('#campaign-status')).trim();
  }
  check(status === 'succeeded', `the campaign closed: ${status}`);
  check((await leader.textContent('#supply')).includes('× 2'), 'the supply order sums both residents');
  await leader.click('button:has-text("The delivery has arrived")');
  await leader.waitForSelector('p.notice');

  const resident = residents[0];
  await resident.goto(orders[0]);
  check((await resident.textContent('#status')).trim() === 'Ready for pickup', 'the order waits at the pickup point');
  const code = (await resident.textContent('.code')).trim();
  await leader.fill('input[name=code]', code);
  await leader.click('button:has-text("Hand over")');
  await leader.waitForFunction(() => document.querySelector('p.notice')?.textContent.includes('handed over'));
  await resident.goto(orders[0]);
  check((await resident.textContent('#status')).trim() === 'Completed', 'the resident has it');
  await leader.screenshot({ path: join(process.cwd(), 'target', 'e2e-leader.png'), fullPage: true });
  console.log('browser: a leader published a campaign, residents ordered, the cut-off closed it into a supply order, a pickup code was verified');
}

let browser;
let passed = 0;
let failed = 0;
try {
  browser = await launch();
  for (const test of [async () => { await community(browser, await teamBuy(browser)); checkPolicy(); }]) {
    try {
      await test();
      passed += 2;
    } catch (e) {
      failed += 1;
      console.error('browser test failed:', e);
    }
  }
} catch (e) {
  failed += 1;
  console.error('browser test failed:', e);
} finally {
  if (browser) await browser.close();
  haul.stop();
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

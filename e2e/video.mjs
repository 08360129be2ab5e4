// Short videos in the browser, against a real `haul serve --demo` on
// loopback, phone-sized, one browser context per person: a creator posts a
// video (made here with ffmpeg) with a product card from the studio; another
// account finds it in the vertical feed, it plays, they buy from the card and
// pay; the studio then shows why it was shown and how far it got.
//
// usage: node e2e/video.mjs path/to/haul
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { check, checkPolicy, launch, phone, signUp, startHaul } from './haul.mjs';

const haul = await startHaul(process.argv[2]);
const { base } = haul;

async function person(browser, name) {
  const page = await phone(browser);
  await signUp(page, base, name);
  return page;
}

let browser;
let failed = 0;
try {
  const clip = join(haul.dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=360x640:rate=24', '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', clip]);
  browser = await launch();
  const creator = await person(browser, 'Maker');
  // The product to show: the sugar oranges' page (no flash deal runs on it,
  // so its card buys at once; a card with a deal sends to the deal).
  await creator.fill('input[name=q]', 'sugar');
  await creator.press('input[name=q]', 'Enter');
  await creator.click('text=Sugar oranges 2.5 kg');
  await creator.waitForURL(/\/products\/\d+$/);
  const productUrl = creator.url();
  await creator.goto(`${base}/studio`);
  await creator.setInputFiles('input[name=file]', clip);
  await creator.fill('textarea[name=caption]', 'Peeling a navel orange in one piece #oranges #e2e');
  await creator.fill('input[name=product]', productUrl);
  await creator.click('button:has-text("Post video")');
  await creator.waitForURL(`${base}/studio`);
  const posted = creator.locator('.studio-video', { hasText: 'Peeling a navel orange' });
  check((await posted.locator('.pool').textContent()).trim() === '1', 'a new video starts in the first traffic pool');
  const videoId = await posted.getAttribute('data-id');

  const viewer = await person(browser, 'Viewer');
  await viewer.goto(`${base}/watch`);
  const slide = viewer.locator(`.slide[data-id="${videoId}"]`);
  for (let i = 0; i < 6 && (await slide.count()) === 0; i++) {
    await viewer.locator('.slide').last().scrollIntoViewIfNeeded();
    await viewer.waitForTimeout(800);
  }
  check((await slide.count()) === 1, 'the new video reached another account\'s feed');
  await slide.scrollIntoViewIfNeeded();
  await viewer.waitForFunction((id) => {
    const v = document.querySelector(`.slide[data-id="${id}"] video`);
    return v && v.readyState >= 2 && v.currentTime > 0.5;
  }, videoId);
  check((await slide.locator('.why summary').count()) === 1, 'the item says why it is shown');
  await slide.locator('.why summary').click();
  check((await slide.locator('.why').textContent()).includes('finding its first audience'), 'an exploration audience');
  await slide.locator('.buycard button:has-text("Buy")').click();
  await viewer.waitForURL(/\/orders\/\d+$/);
  await viewer.click('button:has-text("Pay ")');
  await viewer.waitForURL(/\/sandbox\/pay\//);
  await viewer.click('button.pay');
  await viewer.waitForURL(/\/orders\/\d+$/);
  check((await viewer.textContent('#status')).trim() === 'Paid', 'bought from the card and paid');

  await creator.goto(`${base}/studio`);
  const row = creator.locator('.studio-video', { hasText: 'Peeling a navel orange' });
  const text = await row.textContent();
  check(/Impressions\s*1(?!\d)/.test(text), `the studio counts the impression: ${text}`);
  check(/Views\s*1(?!\d)/.test(text), `the studio counts the view, sent as the viewer left for checkout: ${text}`);
  check(text.includes('impressions left in this pool'), 'the studio says where the video stands');
  await creator.screenshot({ path: join(process.cwd(), 'target', 'e2e-studio.png'), fullPage: true });
  // A signed-out ♥ asks to sign in, not a count that saves nothing; signed in, the like is done.
  const stranger = await phone(browser);
  await stranger.goto(`${base}/watch`);
  await stranger.locator('.slide form.react button.like').first().click();
  await stranger.waitForURL(/\/signin\?next=%2Fcontinue/);
  await stranger.fill('input[name=login]', 'teatime@haul.demo');
  await stranger.fill('input[name=password]', 'haul-demo');
  await stranger.click('form.stack button');
  await stranger.waitForURL(/\/videos\/\d+$/);
  check(await stranger.locator('.slide button.like.on').count() === 1, 'the like asked for before signing in is done');
  checkPolicy();
  console.log('browser: a creator posted a video with a product, another account saw it play in the feed, bought from the card, and the studio explains it');
} catch (e) {
  failed = 1;
  console.error('browser test failed:', e);
} finally {
  if (browser) await browser.close();
  haul.stop();
}
console.log(`browser: ${1 - failed} passed, ${failed} failed`);
process.exit(failed);

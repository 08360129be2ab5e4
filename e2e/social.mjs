// The content-first face of the demo on a phone: a new user's home shows
// videos, a live room and notes; the feed still shows videos on the fifth
// visit; a comment and its reply reach another viewer; a note is found
// from its product's page. Screenshots go to $HAUL_SCREENSHOTS.
//
// usage: node e2e/social.mjs path/to/haul
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { check, checkPolicy, launch, phone, signUp, startHaul } from './haul.mjs';

const haul = await startHaul(process.argv[2]);
const { base } = haul;
const shots = process.env.HAUL_SCREENSHOTS || 'target/screenshots';
mkdirSync(shots, { recursive: true });
let browser, failed = 0;
try {
  browser = await launch();
  const ann = await phone(browser);
  await signUp(ann, base, 'Ann');
  check((await ann.locator('#videos .vtile img').count()) >= 4, 'the home opens on videos with posters');
  check((await ann.locator('#live .rtile').count()) >= 1, 'the home shows a live room');
  check((await ann.locator('#notes .note img').count()) >= 4, 'the home shows notes with pictures');
  check((await ann.locator('#shop .card img').count()) >= 4, 'the shop below has pictures');
  check((await ann.locator('nav.tabbar a').count()) === 5, 'a bottom tab bar');
  await ann.screenshot({ path: join(shots, 'home.png') });
  await ann.screenshot({ path: join(shots, 'home-full.png'), fullPage: true });

  // The feed never runs dry: the fifth visit still plays videos.
  for (let visit = 1; visit <= 5; visit++) {
    await ann.goto(`${base}/watch`);
    const slides = await ann.locator('.slide[data-id]').count();
    check(slides >= 1, `visit ${visit} to the feed shows videos (${slides})`);
  }
  await ann.screenshot({ path: join(shots, 'watch.png') });

  // A comment, a reply from the video's author, both seen by another viewer.
  const video = await ann.locator('.slide[data-id]').first().getAttribute('data-id');
  await ann.goto(`${base}/videos/${video}/comments`);
  await ann.fill('#compose textarea', 'How sweet are they this week?');
  await ann.click('#compose button');
  await ann.waitForURL(new RegExp(`/videos/${video}/comments`));
  const comment = ann.locator('.comment', { hasText: 'How sweet are they this week?' });
  check((await comment.count()) === 1, 'the comment is on the page');
  const bo = await phone(browser);
  await signUp(bo, base, 'Bo');
  await bo.goto(`${base}/videos/${video}/comments`);
  await bo.click(`.comment:has-text("How sweet are they this week?") a:has-text("Reply")`);
  await bo.fill('#compose textarea', 'Very, I had a box on Monday');
  await bo.click('#compose button');
  await bo.waitForURL(/thread=/);
  await ann.goto(`${base}/videos/${video}/comments`);
  check((await ann.locator('.comment.reply', { hasText: 'Very, I had a box on Monday' }).count()) === 1, 'the reply shows under the comment for another viewer');
  await ann.screenshot({ path: join(shots, 'comments.png'), fullPage: true });
  await ann.goto(`${base}/notifications`);
  check((await ann.textContent('#notifications')).includes('Bo replied to your comment'), 'the reply is in the notifications');

  // A note found from its product's page.
  await ann.goto(`${base}/products/1`);
  const note = ann.locator('#product-notes .note').first();
  check((await note.count()) === 1, "the product's page lists notes about it");
  await note.click();
  await ann.waitForURL(/\/notes\/\d+$/);
  check((await ann.locator('img').count()) >= 1, 'the note opens with its pictures');
  await ann.screenshot({ path: join(shots, 'note.png'), fullPage: true });
  // A refused note keeps what was typed and the pictures, and says why beside the field.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  await ann.goto(`${base}/studio`);
  const form = ann.locator('form[action="/studio/notes"]');
  await form.locator('input[name=title]').fill('Best oranges of the winter');
  await form.locator('textarea[name=body]').fill('Sweet and easy to peel.');
  await form.locator('input[name=images]').setInputFiles({ name: 'orange.png', mimeType: 'image/png', buffer: png });
  await form.locator('input[name=product]').fill(`${base}/products/1`);
  await form.locator('select[name=rating]').selectOption('5');
  await form.locator('button').click();
  await form.locator('.field-error').waitFor();
  check(ann.url() === `${base}/studio`, 'the page stays');
  check((await form.locator('select[name=rating]').getAttribute('aria-invalid')) === 'true', 'the rating is marked');
  check((await form.locator('input[name=title]').inputValue()) === 'Best oranges of the winter', 'the title is kept');
  check((await form.locator('input[name=images]').evaluate((i) => i.files.length)) === 1, 'the picture is kept');
  await ann.screenshot({ path: join(shots, 'note-form-error.png'), fullPage: true });
  await form.locator('select[name=rating]').selectOption('');
  await form.locator('button').click();
  await ann.waitForURL(/\/notes\/\d+$/);
  checkPolicy();
  console.log('browser: the home opens on videos, live and notes; the feed goes on; comments and replies reach others; notes are found from products');
} catch (e) {
  failed = 1;
  console.error('browser test failed:', e);
} finally {
  if (browser) await browser.close();
  haul.stop();
}
process.exit(failed);

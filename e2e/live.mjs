// A live room in the browser, with real video: Haul with its demo, nginx
// with the RTMP module configured by `haul media-server`, and ffmpeg pushing
// a test pattern over RTMP with the room's stream key. A host schedules the
// room in the studio and pins a product; two viewers open the room: the
// video plays (HLS through hls.js), a chat message from one reaches the
// other, and a purchase from the pinned product succeeds and shows in the
// room's ticker. When the stream stops the room ends and the replay plays.
//
// usage: node e2e/live.mjs path/to/haul
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, checkPolicy, launch, phone, signUp, startHaul } from './haul.mjs';

const bin = process.argv[2];
const rtmpPort = 30000 + Math.floor(Math.random() * 20000);
const env = { HAUL_RTMP_LISTEN: `127.0.0.1:${rtmpPort}`, HAUL_RTMP_URL: `rtmp://127.0.0.1:${rtmpPort}/live`, HAUL_LIVE_END_GRACE_SECONDS: '2' };
const haul = await startHaul(bin, env);
const { base, dir } = haul;
const port = new URL(base).port;

// The media server, configured by Haul for this Haul.
const conf = execFileSync(bin, ['media-server', '--listen', `127.0.0.1:${port}`, '--data-dir', dir], { env: { ...process.env, ...env } }).toString();
writeFileSync(join(dir, 'nginx.conf'), conf);
const nginx = spawn('nginx', ['-p', dir, '-e', join(dir, 'nginx-error.log'), '-c', join(dir, 'nginx.conf')], { stdio: 'inherit' });
let ffmpeg;

async function person(browser, name) {
  const page = await phone(browser);
  await signUp(page, base, name);
  return page;
}

let browser;
let failed = 0;
try {
  browser = await launch();
  const host = await person(browser, 'Host');
  await host.goto(`${base}/studio`);
  await host.fill('input[name=title]', 'Orange night, live from the orchard');
  await host.fill('textarea[name=products]', '/products/1, /products/2');
  await host.click('button:has-text("Schedule the room")');
  await host.waitForURL(/\/live\/\d+\/host$/);
  const room = +host.url().match(/\/live\/(\d+)\/host/)[1];
  const server = (await host.textContent('#rtmp-server')).trim();
  const key = (await host.textContent('#stream-key')).trim();
  check(server === env.HAUL_RTMP_URL, `the console shows the RTMP server (${server})`);
  await host.click('form[action$="/pin"] button:has-text("Pin") >> nth=0');
  await host.waitForURL(/\/host$/);
  check((await host.textContent('.tag >> nth=1')).includes('pinned'), 'the first product is pinned');

  // Before it starts, a shopper asks to be reminded.
  const carol = await person(browser, 'Carol');
  await carol.goto(`${base}/live/${room}`);
  await carol.click('#remind button');
  await carol.waitForURL(`${base}/live/${room}`);
  check((await carol.textContent('#remind button')).includes('Reminder set'), 'the reminder is set');

  ffmpeg = spawn('ffmpeg', ['-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x480:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-t', '90', '-f', 'flv', `${server}/${key}`], { stdio: 'inherit' });

  const ann = await person(browser, 'Ann');
  const bob = await person(browser, 'Bob');
  for (const page of [ann, bob]) await page.goto(`${base}/live/${room}`);
  // The stream goes live and plays.
  await ann.waitForFunction(() => document.getElementById('status').textContent === 'LIVE', null, { timeout: 30000 });
  await ann.waitForFunction(() => { const v = document.getElementById('player'); return v.currentTime > 0.5 && v.readyState >= 2; }, null, { timeout: 45000 });
  console.log('browser: the room went live and its video plays');
  await carol.goto(`${base}/notifications`);
  check((await carol.textContent('#notifications')).includes('Host is live now'), 'the reminded shopper is told the room is live');
  await carol.click('#notifications a');
  await carol.waitForURL(`${base}/live/${room}`);
  console.log('browser: a shopper who asked to be reminded got a notification when the room went live');

  await ann.fill('#say input[name=text]', 'Are the oranges sweet?');
  await ann.click('#say button:has-text("Send")');
  await bob.waitForSelector('#chat .line:has-text("Are the oranges sweet?")');
  check((await bob.textContent('#chat .line')).includes('Ann'), "Bob sees Ann's name on her message");
  console.log('browser: a chat message from one viewer reached the other');

  await bob.waitForSelector('#pinned:not([hidden]) button:has-text("Buy now")');
  await bob.click('#pinned button:has-text("Buy now")');
  await bob.waitForURL(/\/orders\/\d+$/);
  await bob.click('button:has-text("Pay")');
  await bob.waitForURL(/\/sandbox\/pay\//);
  await bob.click('button.pay');
  await bob.waitForURL(/\/orders\/\d+$/);
  check((await bob.textContent('#status')).trim() === 'Paid', 'the order from the pinned product is paid');
  await ann.waitForSelector('#ticker p:has-text("B*** bought 1")');
  console.log('browser: a purchase from the pinned product succeeded and showed in the room');

  const order = await (await fetch(`${base}/api/v1/live/rooms/${room}`)).json();
  check(order.status === 'live', 'still live');
  ffmpeg.kill('SIGINT');
  await ann.waitForFunction(() => document.getElementById('status').textContent === 'ended', null, { timeout: 30000 });
  await ann.waitForFunction(() => document.getElementById('wait').textContent === 'Replay', null, { timeout: 30000 });
  await ann.screenshot({ path: join(process.cwd(), 'target', 'e2e-live.png'), fullPage: true });
  await host.goto(`${base}/live/${room}/host`);
  check((await host.textContent('#fig-orders')).trim() === '1', 'the host sees the order in the figures');
  checkPolicy();
  console.log('browser: the stream ended, the replay is ready and the host sees the figures');
} catch (e) {
  failed = 1;
  console.error('browser test failed:', e);
} finally {
  if (browser) await browser.close();
  ffmpeg?.kill('SIGKILL');
  nginx.kill('SIGTERM');
  haul.stop();
}
process.exit(failed);

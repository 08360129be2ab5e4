// Accounts people can keep, in a phone's browser: a forgotten password is
// reset through the link Haul mailed to a real SMTP server on loopback
// (aiosmtpd, scripts/smtp-sink.py), which signs every other browser out;
// two-factor sign-in is turned on from the QR page's key, and signing in
// then asks for the app's code. Screenshots go to $HAUL_SCREENSHOTS.
//
// usage: node e2e/accounts.mjs path/to/haul
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, checkPolicy, freePort, launch, phone, startHaul } from './haul.mjs';

const shots = process.env.HAUL_SCREENSHOTS || 'target/screenshots';
mkdirSync(shots, { recursive: true });
const mailDir = mkdtempSync(join(tmpdir(), 'haul-mail-'));
const smtpPort = await freePort();
const sink = spawn('python3', ['scripts/smtp-sink.py', String(smtpPort), mailDir], { cwd: new URL('..', import.meta.url).pathname, stdio: ['ignore', 'ignore', 'inherit'] });
await waitFor(() => new Promise((resolve) => {
  const probe = connect(smtpPort, '127.0.0.1', () => { probe.end(); resolve(true); });
  probe.on('error', () => resolve(false));
}), 'the SMTP server starts');
const haul = await startHaul(process.argv[2], { HAUL_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, HAUL_MAIL_FROM: 'Haul <noreply@haul.test>', HAUL_TEST_CLOCK: 'true' });
const { base } = haul;
let browser, failed = 0, shift = 0;

async function waitFor(test, what, ms = 30000) {
  for (const until = Date.now() + ms; Date.now() < until;) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out: ${what}`);
}

/// The newest mail the SMTP server received for `to`.
async function mailTo(to) {
  let found;
  await waitFor(() => {
    const mails = readdirSync(mailDir).filter((f) => f.endsWith('.eml')).sort().map((f) => readFileSync(join(mailDir, f), 'utf8'));
    found = mails.reverse().find((m) => m.includes(`To: ${to}`));
    return found !== undefined;
  }, `a mail to ${to}`);
  return found;
}

/// RFC 6238 as an authenticator app computes it, at the server's time.
function totp(base32) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/\s/g, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor((Date.now() + shift * 1000) / 30000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1000000).padStart(6, '0');
}

async function moveClock(seconds) {
  const moved = await fetch(`${base}/test/clock?advance_seconds=${seconds}`, { method: 'POST' });
  check(moved.ok, `the server's clock moves ${seconds} s`);
  shift += seconds;
}

async function signInWithPassword(page, login, password) {
  await page.goto(`${base}/signin`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('form.stack button');
}

try {
  browser = await launch();
  const login = `ann-${Date.now()}@example.com`;
  const ann = await phone(browser);
  await ann.goto(`${base}/signup`);
  await ann.fill('input[name=login]', login);
  await ann.fill('input[name=display_name]', 'Ann');
  await ann.fill('input[name=password]', 'a long password');
  await ann.click('form.stack button');
  await ann.waitForURL(`${base}/`);
  // A second browser, signed in too: the reset must sign it out.
  const other = await phone(browser);
  await signInWithPassword(other, login, 'a long password');
  await other.waitForURL(`${base}/`);

  // Forgotten: the link arrives by mail and sets a new password.
  const lost = await phone(browser);
  await lost.goto(`${base}/signin`);
  await lost.click('a[href="/forgot-password"]');
  await lost.fill('input[name=login]', login);
  await lost.click('form.stack button');
  check((await lost.textContent('#recovery-note')).includes(login), 'the page says where the link went, if the account exists');
  await lost.screenshot({ path: join(shots, 'forgot-sent.png') });
  const mail = await mailTo(login);
  check(/Subject: .*(password|=\?utf-8)/i.test(mail), 'the mail has a subject');
  const link = mail.replace(/=\r?\n/g, '').match(/https?:\/\/\S+\/reset-password\?token=3D([0-9a-f]{64})|https?:\/\/\S+\/reset-password\?token=([0-9a-f]{64})/);
  check(link !== null, 'the mail carries the reset link');
  const token = link[1] || link[2];
  await lost.goto(`${base}/reset-password?token=${token}`);
  await lost.screenshot({ path: join(shots, 'reset-password.png') });
  await lost.fill('input[name=password]', 'my brand new password');
  await lost.click('form.stack button');
  await lost.waitForURL(`${base}/me`);
  check((await lost.textContent('body')).includes('every other device is signed out'), 'the new password signs this browser in and says the others are out');
  await other.goto(`${base}/me`);
  check(other.url().startsWith(`${base}/signin`), 'the other browser is signed out');
  await lost.goto(`${base}/reset-password?token=${token}`);
  await lost.fill('input[name=password]', 'yet another password');
  await lost.click('form.stack button');
  check((await lost.locator('p.error').count()) === 1, 'the link works once');

  // Two-factor: turned on from the QR page, then asked for at sign-in.
  await lost.goto(`${base}/account/security`);
  await lost.screenshot({ path: join(shots, 'security.png'), fullPage: true });
  await lost.click('#two-factor button');
  check((await lost.locator('#enrol .qr svg').count()) === 1, 'a QR code is drawn');
  await lost.screenshot({ path: join(shots, 'two-factor-qr.png'), fullPage: true });
  const secret = await lost.textContent('#totp-secret');
  await lost.fill('#enrol input[name=code]', totp(secret));
  await lost.fill('#enrol input[name=password]', 'my brand new password');
  await lost.click('#enrol button');
  const codes = await lost.locator('#recovery-codes code').allTextContents();
  check(codes.length === 10, 'ten recovery codes are shown once');
  await lost.screenshot({ path: join(shots, 'recovery-codes.png'), fullPage: true });

  const again = await phone(browser);
  await signInWithPassword(again, login, 'my brand new password');
  await again.waitForSelector('input[name=challenge]', { state: 'attached' });
  await again.screenshot({ path: join(shots, 'second-step.png') });
  await again.fill('input[name=code]', '000000');
  await again.click('form.stack button');
  check((await again.locator('p.error').count()) === 1, 'a wrong code is refused beside the field');
  await moveClock(60);
  await again.fill('input[name=code]', totp(secret));
  await again.click('form.stack button');
  await again.waitForURL(`${base}/`);
  await again.goto(`${base}/account/security`);
  check((await again.textContent('#two-factor')).includes('10 recovery codes'), 'signed in with the app code: all ten recovery codes left');
  // A recovery code stands in for the phone, once.
  const third = await phone(browser);
  await signInWithPassword(third, login, 'my brand new password');
  await third.fill('input[name=code]', codes[0]);
  await third.click('form.stack button');
  await third.waitForURL(`${base}/`);
  await third.goto(`${base}/account/security`);
  check((await third.textContent('#two-factor')).includes('9 recovery codes'), 'a recovery code signs in, and is used up');
  checkPolicy();
} catch (e) {
  console.error(e);
  failed = 1;
} finally {
  await browser?.close();
  haul.stop();
  sink.kill('SIGTERM');
  rmSync(mailDir, { recursive: true, force: true });
}
process.exit(failed || process.exitCode || 0);

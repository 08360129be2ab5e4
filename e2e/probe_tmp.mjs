import { launch, phone, startHaul } from './haul.mjs';
const haul = await startHaul(process.argv[2]);
const base = haul.base;
const browser = await launch();
try {
  const p = await phone(browser);
  await new Promise((r) => setTimeout(r, 6000));
  await p.goto(`${base}/best-sellers`);
  await p.screenshot({ path: '/tmp/shot-best.png', fullPage: true });
  await p.goto(`${base}/signin`);
  await p.fill('input[name=login]', 'fruit@haul.demo');
  await p.fill('input[name=password]', 'haul-demo');
  await p.click('form.stack button');
  await p.waitForURL(`${base}/`);
  await p.goto(`${base}/merchant`);
  const href = await p.getAttribute('a[href^="/merchant/shops/"]', 'href');
  await p.goto(`${base}${href}/dashboard`);
  await p.screenshot({ path: '/tmp/shot-dash.png', fullPage: true });
  const w = await p.evaluate(() => document.documentElement.scrollWidth);
  console.log('width', w, href);
} finally { await browser.close(); haul.stop(); }

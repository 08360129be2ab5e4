// A shopper whose browser asks for Chinese: the pages come in Chinese, drawn
// with a font that has Chinese glyphs; she signs up, fills a cart and checks
// out in Chinese; the shop sees her order and the operator the queue in
// Chinese; and the switch turns the pages English.
// Screenshots of each page go to $HAUL_SCREENSHOTS (target/screenshots).
//
// usage: node e2e/chinese.mjs path/to/haul
import { mkdirSync } from 'node:fs';
import { check, checkPolicy, launch, signUp, startHaul, watchPolicy } from './haul.mjs';

const shots = process.env.HAUL_SCREENSHOTS || 'target/screenshots';
mkdirSync(shots, { recursive: true });
const haul = await startHaul(process.argv[2]);
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  watchPolicy(page);

  await page.goto(`${haul.base}/`);
  check((await page.getAttribute('html', 'lang')) === 'zh-CN', 'the home page is not marked Chinese');
  check((await page.textContent('nav')).includes('购物车'), 'the top bar is not in Chinese');
  check(await page.evaluate(() => document.fonts.check('16px "Noto Sans CJK SC"', '购物车')), 'the CJK font is not available');
  // What Chromium actually drew the heading with: a font with Chinese glyphs.
  const cdp = await context.newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'h1' });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  check(fonts.some((f) => /CJK|PingFang|Hei|Song/i.test(f.familyName)), `the heading is drawn with ${JSON.stringify(fonts)}`);
  await page.screenshot({ path: `${shots}/zh-home.png`, fullPage: true });

  await page.goto(`${haul.base}/products/1`);
  check((await page.textContent('#buy')).includes('加入购物车'), 'the product page is not in Chinese');
  await page.screenshot({ path: `${shots}/zh-product.png`, fullPage: true });

  await signUp(page, haul.base, '小林');
  await page.goto(`${haul.base}/products/1`);
  await page.click('button[value=cart]');
  await page.waitForURL(/\/cart$/);
  check((await page.textContent('h1')) === '购物车', 'the cart is not in Chinese');
  await page.screenshot({ path: `${shots}/zh-cart.png`, fullPage: true });
  await page.click('form[action="/checkout"] button');
  await page.waitForURL(/\/orders\/\d+$/);
  check((await page.textContent('#status')).trim() === '待付款', 'the order status is not a Chinese word');
  await page.screenshot({ path: `${shots}/zh-order.png`, fullPage: true });
  const order = page.url();

  // The shop's side and the operator's, in Chinese too.
  const staff = async (login) => {
    const p = await context.browser().newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' }).then((c) => c.newPage());
    watchPolicy(p);
    await p.goto(`${haul.base}/signin`);
    await p.fill('input[name=login]', login);
    await p.fill('input[name=password]', 'haul-demo');
    await p.click('form.stack button');
    await p.waitForURL(`${haul.base}/`);
    return p;
  };
  const chinese = (text) => /[\u4e00-\u9fff]/.test(text);
  const merchant = await staff('fruit@haul.demo');
  await merchant.goto(order);
  check((await merchant.textContent('#status')).trim() === '待付款', 'the merchant sees the order status in English');
  await merchant.screenshot({ path: `${shots}/zh-merchant-order.png`, fullPage: true });
  await merchant.goto(`${haul.base}/merchant`);
  check(chinese(await merchant.textContent('main')), 'the merchant console is not in Chinese');
  await merchant.screenshot({ path: `${shots}/zh-merchant.png`, fullPage: true });
  const operator = await staff('operator@haul.demo');
  await operator.goto(`${haul.base}/operator/communities`);
  check(chinese(await operator.textContent('h1')), 'the operator page is not in Chinese');
  await operator.screenshot({ path: `${shots}/zh-operator.png`, fullPage: true });

  await page.goto(`${haul.base}/products/1`);
  await page.click('a[hreflang=en]');
  await page.waitForSelector('html[lang=en]');
  check((await page.textContent('#buy')).includes('Add to cart'), 'the switch did not turn the page English');
  await page.screenshot({ path: `${shots}/en-product.png`, fullPage: true });
  checkPolicy();
  console.log(`chinese: ok (screenshots in ${shots})`);
} finally {
  await browser.close();
  haul.stop();
}

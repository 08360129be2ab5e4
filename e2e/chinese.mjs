// A shopper whose browser asks for Chinese: the pages come in Chinese, drawn
// with a font that has Chinese glyphs; she signs up, fills a cart, adds a
// delivery address from the cart and checks out with delivery; she pays, the
// shop ships it with a tracking number, she sees it and confirms receipt;
// she reports a video, an operator takes it down from the console (in
// Chinese) and it leaves the feed; and the switch turns the pages English.
// Screenshots of each page go to $HAUL_SCREENSHOTS (target/screenshots).
//
// usage: node e2e/chinese.mjs path/to/haul
import { mkdirSync } from 'node:fs';
import { check, checkPolicy, launch, signUp, startHaul, watchPolicy } from './haul.mjs';

const shots = process.env.HAUL_SCREENSHOTS || 'target/screenshots';
mkdirSync(shots, { recursive: true });
const haul = await startHaul(process.argv[2], { HAUL_DEMO_LANGUAGE: 'zh-CN' });
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
  // No address yet: add one from the cart, and come back to it.
  await page.click('a[href="/account/addresses?next=/cart"]');
  await page.fill('input[name=recipient]', '林小姐');
  await page.fill('input[name=phone]', '1390013');
  await page.selectOption('select[name=province]', 'ZJ');
  await page.fill('input[name=city]', '杭州市');
  await page.fill('input[name=district]', '西湖区');
  await page.fill('input[name=street]', '文三路 90 号');
  await page.click('#address-form button');
  check((await page.textContent('#error-phone')).includes('11 位手机号'), 'a wrong phone number is not explained beside its field');
  check((await page.inputValue('input[name=street]')) === '文三路 90 号', 'the form lost what was typed');
  await page.fill('input[name=phone]', '139 0013 9000');
  await page.click('#address-form button');
  await page.waitForURL(/\/cart$/);
  check((await page.textContent('.shipto')).includes('浙江省杭州市西湖区文三路 90 号'), 'the cart does not offer the new address');
  await page.screenshot({ path: `${shots}/zh-cart.png`, fullPage: true });
  await page.click('form[action="/checkout"] button');
  await page.waitForURL(/\/orders\/\d+$/);
  check((await page.textContent('#status')).trim() === '待付款', 'the order status is not a Chinese word');
  check((await page.textContent('#delivery')).includes('林小姐 13900139000'), 'the order does not show where it goes');
  await page.screenshot({ path: `${shots}/zh-order.png`, fullPage: true });
  const order = page.url();
  await page.click(`form[action$="/pay"] button`);
  await page.waitForURL(/\/sandbox\/pay\//);
  await page.click('button.pay');
  await page.waitForURL(order);
  check((await page.textContent('#status')).trim() === '已付款', 'the paid order is not shown as paid in Chinese');

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
  check((await merchant.textContent('#status')).trim() === '已付款', 'the merchant sees the order status in English');
  check((await merchant.textContent('#delivery')).includes('浙江省杭州市西湖区文三路 90 号'), 'the merchant does not see the address');
  await merchant.screenshot({ path: `${shots}/zh-merchant-order.png`, fullPage: true });
  await merchant.fill('#ship-form input[name=carrier]', '顺丰速运');
  await merchant.fill('#ship-form input[name=tracking_no]', 'SF1402000777');
  await merchant.click('#ship-form button');
  await merchant.waitForURL(order);
  check((await merchant.textContent('#status')).trim() === '已发货', 'the order did not ship');

  // The shopper sees the tracking number and confirms receipt.
  await page.goto(order);
  check((await page.textContent('#tracking')).trim() === 'SF1402000777', 'the shopper does not see the tracking number');
  await page.screenshot({ path: `${shots}/zh-order-shipped.png`, fullPage: true });
  page.once('dialog', (d) => { check(d.message().includes('确认已收到包裹'), 'receipt is not asked about in Chinese'); d.accept(); });
  await page.click('#confirm-received');
  await page.waitForURL(order);
  check((await page.textContent('#status')).trim() === '已完成', 'receipt did not complete the order');
  await merchant.goto(`${haul.base}/merchant`);
  check(chinese(await merchant.textContent('main')), 'the merchant console is not in Chinese');
  await merchant.screenshot({ path: `${shots}/zh-merchant.png`, fullPage: true });
  // She reports a video from the feed; an operator takes it down and it
  // leaves the feed.
  const stranger = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' }).then((c) => c.newPage());
  await stranger.goto(`${haul.base}/watch`);
  const video = await stranger.getAttribute('section.slide', 'data-id');
  await page.goto(`${haul.base}/videos/${video}`);
  await page.click('a.act.report');
  await page.waitForURL(/\/report\?/);
  check((await page.textContent('h1')).trim() === '举报', 'the report page is not in Chinese');
  await page.check('input[name=reason][value=fraud]');
  await page.fill('textarea[name=note]', '宣称能治病');
  await page.screenshot({ path: `${shots}/zh-report.png`, fullPage: true });
  await page.click('#report-form button');
  await page.waitForSelector('p.notice');
  check((await page.textContent('p.notice')).includes('感谢'), 'the reporter is not thanked');

  const operator = await staff('operator@haul.demo');
  await operator.goto(`${haul.base}/operator`);
  check(chinese(await operator.textContent('main')), 'the operator console is not in Chinese');
  const entry = operator.locator(`#report-video-${video}`);
  check((await entry.textContent()).includes('欺诈或假货'), 'the queue does not show the reason in Chinese');
  await operator.screenshot({ path: `${shots}/zh-operator.png`, fullPage: true });
  await entry.locator('input[name=reason]').fill('虚假宣传');
  await entry.locator('button[value=take_down]').click();
  await operator.waitForSelector('p.notice');
  const notice = await operator.textContent('p.notice');
  check(notice.includes(`已下架：视频 #${video}`) && notice.includes('关闭 1 条举报'), `the console did not say what it did: ${notice}`);
  await operator.screenshot({ path: `${shots}/zh-operator-done.png`, fullPage: true });
  await operator.goto(`${haul.base}/operator?tab=audit`);
  check((await operator.textContent('.audit')).includes('虚假宣传'), 'the audit log does not record why');
  await operator.screenshot({ path: `${shots}/zh-operator-audit.png`, fullPage: true });
  await stranger.goto(`${haul.base}/watch`);
  check((await stranger.locator(`section.slide[data-id="${video}"]`).count()) === 0, 'the taken-down video is still in the feed');

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

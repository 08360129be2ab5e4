// Plays the stream (hls.js, or the browser's own HLS), and speaks the live
// hub's protocol: snapshot first, then events (with ids, for resuming after
// a dropped connection) and updates.
const root = document.getElementById('live'), room = +root.dataset.room;
// The page's words, in its language; `{name}` marks where a value goes.
const words = root.dataset;
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
const $ = (id) => document.getElementById(id);
const csrf = $('csrf').value;
const video = $('player');
let hls = null, source = null, lastId = null, socket = null, you = {}, bag = [], pinned = null, retry = 500;
// The page's language, and the narrow symbol (¥, not CN¥), as the server formats prices.
const fmt = (minor, currency) => new Intl.NumberFormat(document.documentElement.lang, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).format(minor / 100);

function play(src) {
  if (!src || src === source) return;
  video.controls = true;
  source = src;
  hls?.destroy();
  if (window.Hls && Hls.isSupported()) {
    hls = new Hls({ liveSyncDurationCount: 2 });
    // The playlist appears a moment after the stream starts, and hls.js does
    // not retry a 404: start again each second until it plays, unless
    // another source (the replay) was asked for meanwhile.
    hls.on(Hls.Events.ERROR, (_, data) => {
      if (!data.fatal || source !== src) return;
      source = null;
      setTimeout(() => { if (source === null) play(src); }, 1000);
    });
    hls.loadSource(src);
    hls.attachMedia(video);
  } else {
    video.src = src;
  }
  video.play().catch(() => {});
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function buyForm(sku, label, disabled) {
  const f = el('form', 'buy');
  f.method = 'post'; f.action = '/cart/add';
  for (const [k, v] of Object.entries({ csrf, sku_id: sku, quantity: 1, then: 'buy', room_id: room })) {
    const i = el('input'); i.type = 'hidden'; i.name = k; i.value = v; f.append(i);
  }
  const b = el('button', '', label); b.disabled = disabled; f.append(b);
  return f;
}

// A product sold by quote is asked about, not bought.
function askLink(p) {
  const a = el('a', 'button', words.ask);
  a.href = `/products/${p.product_id}/quote?room_id=${room}`;
  return a;
}

function showPinned() {
  const box = $('pinned'), p = bag.find((x) => x.product_id === pinned);
  box.hidden = !p;
  box.replaceChildren();
  markPrices(); // (after the fetch, once the cards below are drawn)
  if (!p) return;
  const sku = p.skus.find((s) => s.stock > 0) || p.skus[0];
  if (p.kind === 'quote') { box.append(el('strong', '', p.title), ' ', askLink(p)); return; }
  box.append(el('strong', '', p.title), el('span', 'price', ' ' + fmt(sku.price_minor, sku.currency) + ' '), buyForm(sku.id, words.buyNow, sku.stock <= 0));
}

function showBag() {
  const box = $('bag');
  box.replaceChildren(...bag.map((p) => {
    const item = el('div', 'panel bag-item');
    item.dataset.product = p.product_id;
    item.append(el('strong', '', p.title));
    if (p.kind === 'quote') { item.append(' ', askLink(p)); return item; }
    for (const s of p.skus) {
      const row = buyForm(s.id, words.buy, s.stock <= 0);
      row.classList.add('row');
      row.prepend(el('span', '', `${s.options} · ${fmt(s.price_minor, s.currency)}`));
      item.append(row);
    }
    return item;
  }));
  showPinned();
}

// A flash deal running on a product of the bag: its price, its countdown
// (time.js) and the way to it, as the server-drawn cards show them.
async function markPrices() {
  const ids = bag.map((p) => p.product_id);
  if (!ids.length) return;
  const answer = await fetch(`/api/v1/prices?product_ids=${ids.join(',')}`).catch(() => null);
  if (!answer?.ok) return;
  for (const p of await answer.json()) {
    if (!p.deal_ends_at) continue;
    const boxes = [document.querySelector(`#bag [data-product="${p.product_id}"]`), pinned === p.product_id ? $('pinned') : null];
    for (const box of boxes) {
      if (!box || box.querySelector('.deal-line')) continue;
      const clock = el('span');
      clock.dataset.ends = p.deal_ends_at;
      const tag = el('span', 'deal-tag', `${words.flash} `);
      tag.append(clock);
      const link = el('a', 'button', words.grab);
      link.href = `/products/${p.product_id}`;
      const line = el('p', 'deal-line');
      line.append(el('strong', 'price', `${fmt(p.price_minor, p.currency)} `), tag, ' ', link);
      box.append(line);
    }
  }
}

const deals = new Map();
function showDeal(d) {
  let card = $(`deal-${d.id}`);
  if (!card) {
    card = el('div', 'panel deal');
    card.id = `deal-${d.id}`;
    const f = el('form');
    f.method = 'post'; f.action = `/deals/${d.id}/buy`;
    for (const [k, v] of Object.entries({ csrf, key: `${$('key').value}-${d.id}` })) {
      const i = el('input'); i.type = 'hidden'; i.name = k; i.value = v; f.append(i);
    }
    f.append(el('button', '', words.grab));
    card.append(el('strong', '', `⚡ ${d.title} ${fmt(d.price_minor, d.currency)}`), el('span', 'left'), el('span', 'clock'), f);
    $('deals').append(card);
  }
  deals.set(d.id, { ...deals.get(d.id), ...d });
}
setInterval(() => {
  for (const [id, d] of deals) {
    const card = $(`deal-${id}`), s = Math.max(0, Math.round((d.ends_at - Date.now()) / 1000));
    card.querySelector('.clock').textContent = s > 0 ? ` · ${words.endsIn} ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` : ` · ${words.dealEnded}`;
    if (d.remaining !== undefined) card.querySelector('.left').textContent = ` · ${fill(words.left, { count: d.remaining })}`;
    card.querySelector('button').disabled = s <= 0 || d.remaining === 0;
  }
}, 500);

// A coupon dropped in the room: a card to claim it (a form, like the
// server-drawn ones), its count kept up by the room's events.
function showCoupon(c) {
  const action = `/coupons/${c.id}/claim`;
  let card = document.querySelector(`#room-coupons form[action="${action}"]`);
  if (!card) {
    card = el('form', 'coupon');
    card.method = 'post'; card.action = action;
    const token = el('input'); token.type = 'hidden'; token.name = 'csrf'; token.value = csrf; card.append(token);
    let off = c.amount_off_minor ? fill(words.couponAmount, { amount: fmt(c.amount_off_minor, c.currency) }) : fill(words.couponPercent, { percent: c.percent_off_bps / 100 });
    if (c.min_spend_minor > 0) off += ` · ${fill(words.couponOver, { amount: fmt(c.min_spend_minor, c.currency) })}`;
    const about = el('div');
    const line = el('div', 'muted', `${c.title} · `);
    const clock = el('span', 'clock');
    clock.dataset.ends = c.ends_at;
    line.append(el('span', 'left'), clock);
    about.append(el('strong', '', off), line);
    card.append(about, el('button', '', words.couponClaim));
    let list = $('room-coupons').querySelector('.coupons');
    if (!list) { list = el('div', 'coupons'); $('room-coupons').append(list); }
    list.append(card);
  }
  couponLeft(c.id, c.left);
}
setInterval(() => {
  for (const clock of document.querySelectorAll('#room-coupons .clock[data-ends]')) {
    const s = Math.max(0, Math.round((Number(clock.dataset.ends) - Date.now()) / 1000));
    clock.textContent = ` · ${words.couponEnds} ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    if (s === 0) clock.closest('form').querySelector('button').disabled = true;
  }
}, 1000);
function couponLeft(id, left) {
  const card = document.querySelector(`#room-coupons form[action="/coupons/${id}/claim"]`);
  if (!card) return;
  card.querySelector('.left').textContent = fill(words.couponLeft, { count: left });
  card.querySelector('button').disabled = left <= 0;
}

function addChat(m) {
  const line = el('p', 'line');
  line.dataset.id = m.id;
  line.dataset.user = m.user_id;
  line.append(el('b', '', m.name + ' '), el('span', '', m.text));
  if (words.signedIn === 'true' && m.user_id !== you.user_id) {
    // Anyone may report a message: the report quotes it.
    const query = new URLSearchParams({ subject: 'live_room', id: room, note: `${m.name}: ${m.text}`, back: `/live/${room}` });
    const a = el('a', 'report', '⚑');
    a.href = `/report?${query}`;
    a.title = words.report;
    line.append(' ', a);
  }
  if (you.moderator && m.user_id !== you.user_id) {
    for (const [label, cmd] of [[words.delete, { type: 'delete', message_id: m.id }], [words.mute, { type: 'mute', user_id: m.user_id, minutes: 10 }], [words.ban, { type: 'ban', user_id: m.user_id }]]) {
      const b = el('button', 'link mod', label);
      b.type = 'button';
      b.onclick = () => socket.send(JSON.stringify(cmd));
      line.append(' ', b);
    }
  }
  const chat = $('chat');
  chat.append(line);
  while (chat.children.length > 200) chat.firstChild.remove();
  chat.scrollTop = chat.scrollHeight;
}

function setStatus(status, replay) {
  $('status').textContent = { live: words.live, scheduled: words.scheduled, ended: words.ended }[status] ?? status;
  // A scheduled room keeps its words and its "remind me".
  if (status !== 'scheduled') $('wait').textContent = status === 'ended' ? (replay ? words.replay : words.streamEnded) : '';
  play(status === 'live' ? `/live/hls/${room}.m3u8` : replay ? `/live/hls/${room}-replay.m3u8` : null);
}

function onFrame(f) {
  if (f.id !== undefined) {
    if (lastId !== null && f.id <= lastId) return;
    lastId = f.id;
  }
  switch (f.type) {
    case 'snapshot':
      you = f.you; bag = f.bag; pinned = f.pinned_product_id; lastId = f.last_id;
      if (!f.resumed) $('chat').replaceChildren();
      showBag(); setStatus(f.status, f.replay);
      for (const d of f.deals) showDeal(d);
      for (const c of f.coupons) showCoupon(c);
      $("viewers").textContent = fill(words.watching, { count: f.viewers }); $('likes').textContent = `❤ ${f.likes}`;
      break;
    case 'chat': addChat(f); break;
    case 'deleted': document.querySelector(`#chat [data-id="${f.message_id}"]`)?.remove(); break;
    case 'sanctioned': if (f.user_id === you.user_id) $('refusal').textContent = f.kind === 'ban' ? words.banned : words.muted; break;
    case 'bag': bag = f.products; showBag(); break;
    case 'pinned': pinned = f.product_id; showPinned(); break;
    case 'deal': showDeal(f.deal); break;
    case 'coupon': showCoupon(f.coupon); break;
    case 'coupon_left': couponLeft(f.coupon_id, f.left); break;
    case 'stock': if (deals.has(f.deal_id)) deals.get(f.deal_id).remaining = f.remaining; break;
    case 'purchase': {
      const t = el('p', '', fill(words.bought, { name: f.name, quantity: f.quantity, title: f.title }));
      $('ticker').prepend(t);
      setTimeout(() => t.remove(), 8000);
      break;
    }
    case 'status': setStatus(f.status, f.replay); break;
    case "viewers": $("viewers").textContent = fill(words.watching, { count: f.count }); break;
    case 'likes': $('likes').textContent = `❤ ${f.total}`; break;
    case 'error': if ($('refusal')) $('refusal').textContent = f.message; break;
  }
}

let viewerId = localStorage.getItem('haul-viewer');
if (!viewerId) { viewerId = crypto.randomUUID(); localStorage.setItem('haul-viewer', viewerId); }
function connect() {
  const q = new URLSearchParams({ viewer: viewerId });
  if (lastId !== null) q.set('after', lastId);
  socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live/rooms/${room}/ws?${q}`);
  socket.onopen = () => { retry = 500; };
  socket.onmessage = (e) => onFrame(JSON.parse(e.data));
  socket.onclose = () => { setTimeout(connect, retry); retry = Math.min(retry * 2, 10000); };
}
connect();
play(root.dataset.hls || null);

$('say')?.addEventListener('submit', (e) => {
  e.preventDefault();
  const input = e.target.elements.text;
  $('refusal').textContent = '';
  socket.send(JSON.stringify({ type: 'chat', text: input.value }));
  input.value = '';
});
$('like')?.addEventListener('click', () => socket.send(JSON.stringify({ type: 'like' })));

// Times are sent as Unix milliseconds and shown in the viewer's own time
// zone, in the page's language.
for (const t of document.querySelectorAll('time[data-ms]')) {
  t.textContent = new Date(+t.dataset.ms).toLocaleString(document.documentElement.lang, { dateStyle: 'medium', timeStyle: 'short' });
}
// A running deal's countdown on cards: h:mm:ss left, every second, as the
// whole text of an element carrying `data-ends` (the product page's deal
// panel has its own, worded countdown: `data-deal-ends`, product.js).
// (Looked up each time: the feed adds slides as it scrolls.)
const tick = () => {
  for (const t of document.querySelectorAll('[data-ends]')) {
    const s = Math.max(0, Math.floor((+t.dataset.ends - Date.now()) / 1000));
    t.textContent = `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  }
};
tick();
setInterval(tick, 1000);

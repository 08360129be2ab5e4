// Countdowns: the server's times, the viewer's clock. Without JavaScript the
// panel still shows the start or end time.
for (const el of document.querySelectorAll('.deal')) {
  const starts = +el.dataset.starts, ends = +el.dataset.dealEnds, out = el.querySelector('.countdown');
  const fmt = ms => { const s = Math.max(0, Math.floor(ms / 1000)); return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`; };
  const tick = () => { const now = Date.now(); out.textContent = now < starts ? `${el.dataset.startsIn} ${fmt(starts - now)}` : now < ends ? `${el.dataset.endsIn} ${fmt(ends - now)}` : el.dataset.ended; };
  tick(); setInterval(tick, 1000);
}

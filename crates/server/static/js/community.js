for (const el of document.querySelectorAll('[data-cutoff]')) {
  const end = +el.dataset.cutoff;
  const tick = () => { const s = Math.max(0, Math.floor((end - Date.now()) / 1000)); el.textContent = s ? `${el.dataset.closesIn} ${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : el.dataset.closed; };
  tick(); setInterval(tick, 1000);
}

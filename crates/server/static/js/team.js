for (const el of document.querySelectorAll('.countdown')) {
  const end = Date.now() + 1000 * +el.dataset.left;
  const tick = () => { const s = Math.max(0, Math.floor((end - Date.now()) / 1000)); el.textContent = el.dataset.format.replace('{time}', `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`); };
  tick(); setInterval(tick, 1000);
}
document.getElementById('share')?.addEventListener('click', (e) => e.target.select());
document.getElementById('copy-share')?.addEventListener('click', () => {
  if (navigator.clipboard) navigator.clipboard.writeText(document.getElementById('share').value);
});

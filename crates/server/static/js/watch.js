// Plays the slide in view, reports how long it was watched, likes without a
// reload, shows each buy card from its moment, and fetches more slides.
const feed = document.getElementById('feed');
document.documentElement.style.setProperty('--top', `${document.querySelector('header.top').offsetHeight}px`);
const csrf = document.querySelector('input[name=csrf]')?.value || '';
const post = (url, data) => fetch(url, { method: 'POST', body: new URLSearchParams({ csrf, ...data }) });
const watched = new Map();
function toast(text) {
  const t = Object.assign(document.createElement('div'), { className: 'toast', textContent: text, role: 'status' });
  document.body.append(t);
  setTimeout(() => t.remove(), 2000);
}
const seen = new IntersectionObserver((entries) => {
  for (const e of entries) {
    const slide = e.target, video = slide.querySelector('video');
    if (!video) continue;
    if (e.isIntersecting) { video.play().catch(() => {}); slide.dataset.start = Date.now(); }
    else if (slide.dataset.start) {
      video.pause();
      const ms = Math.min(Date.now() - +slide.dataset.start, 600000);
      delete slide.dataset.start;
      post(`/videos/${slide.dataset.id}/event`, { kind: 'view', watch_ms: ms });
    }
  }
}, { threshold: 0.6 });
const more = new IntersectionObserver(async (entries) => {
  for (const e of entries) {
    if (!e.isIntersecting) continue;
    more.unobserve(e.target);
    const html = await (await fetch(`/watch/more?cursor=${encodeURIComponent(e.target.dataset.next)}`)).text();
    e.target.insertAdjacentHTML('afterend', html);
    e.target.remove();
    wire();
  }
});
function wire() {
  for (const slide of feed.querySelectorAll('.slide:not([data-wired])')) {
    slide.dataset.wired = 1;
    seen.observe(slide);
    const video = slide.querySelector('video');
    video?.addEventListener('click', () => { video.muted = !video.muted; });
    video?.addEventListener('timeupdate', () => {
      for (const card of slide.querySelectorAll('.buycard')) card.classList.toggle('shown', video.currentTime * 1000 >= +card.dataset.at);
    });
    for (const form of slide.querySelectorAll('form.react')) form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const on = form.elements.on.value === 'true', button = form.querySelector('button'), count = button.querySelector('span');
      const answer = await post(form.action, { kind: form.elements.kind.value, on });
      // Signed out: the server sent the request to sign in; go there (it comes back here).
      if (answer.redirected && new URL(answer.url).pathname === '/signin') { location.href = answer.url; return; }
      if (answer.ok) {
        button.classList.toggle('on', on); count.textContent = +count.textContent + (on ? 1 : -1); form.elements.on.value = String(!on);
      }
    });
    slide.querySelector('.share')?.addEventListener('click', async (ev) => {
      const button = ev.currentTarget, url = location.origin + button.dataset.href;
      // The phone's share sheet where there is one, else the clipboard, else the link to copy by hand.
      try {
        if (navigator.share) await navigator.share({ url });
        else if (navigator.clipboard) { await navigator.clipboard.writeText(url); toast(button.dataset.copied); }
        else window.prompt(button.dataset.copy, url);
      } catch { return; }
      const answer = await post(`/videos/${slide.dataset.id}/event`, { kind: 'share' });
      if (answer.ok && (await answer.json()).counted) { const n = button.querySelector('span'); n.textContent = +n.textContent + 1; }
    });
  }
  for (const m of feed.querySelectorAll('.more')) more.observe(m);
}
wire();
// Leaving the page (to buy, say) still reports the video being watched.
addEventListener('pagehide', () => {
  for (const slide of feed.querySelectorAll('.slide[data-start]')) {
    const ms = Math.min(Date.now() - +slide.dataset.start, 600000);
    navigator.sendBeacon(`/videos/${slide.dataset.id}/event`, new URLSearchParams({ csrf, kind: 'view', watch_ms: ms }));
  }
});

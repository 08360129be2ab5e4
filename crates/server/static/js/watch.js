// Plays the slide in view, reports how long it was watched, likes without a
// reload, shows each buy card from its moment, and fetches more slides.
const feed = document.getElementById('feed');
document.documentElement.style.setProperty('--top', `${document.querySelector('header.top').offsetHeight}px`);
const csrf = document.querySelector('input[name=csrf]')?.value || '';
const post = (url, data) => fetch(url, { method: 'POST', body: new URLSearchParams({ csrf, ...data }) });
const watched = new Map();
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
    slide.querySelector('.share')?.addEventListener('click', (ev) => {
      const url = location.origin + ev.currentTarget.dataset.href;
      navigator.clipboard?.writeText(url); post(`/videos/${slide.dataset.id}/event`, { kind: 'share' });
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

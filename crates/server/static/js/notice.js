// A page reached after a form (a report sent, say) says what happened, even
// where its server side does not: the `notice` in the address, shown once.
(() => {
  const params = new URLSearchParams(location.search);
  const notice = params.get('notice');
  if (!notice || document.querySelector('p.notice')) return;
  const p = document.createElement('p');
  p.className = 'notice';
  p.textContent = notice.slice(0, 200);
  document.querySelector('main')?.before(p);
  params.delete('notice');
  const rest = params.toString();
  history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
})();

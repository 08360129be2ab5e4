// Times are sent as Unix milliseconds and shown in the viewer's own time
// zone, in the page's language.
for (const t of document.querySelectorAll('time[data-ms]')) {
  t.textContent = new Date(+t.dataset.ms).toLocaleString(document.documentElement.lang, { dateStyle: 'medium', timeStyle: 'short' });
}

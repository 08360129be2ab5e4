// A form that cannot be undone (delete an address, confirm receipt, cancel
// an order) asks first: its question is in `data-confirm`, on the form or
// on the one button of it that cannot be undone.
document.addEventListener('submit', (e) => {
  const question = e.submitter?.dataset?.confirm || e.target.dataset?.confirm;
  if (question && !window.confirm(question)) e.preventDefault();
});
// After sign-in, what the person tried before is done at once (the form
// stays visible, with its button, where scripts do not run).
document.querySelector('form[data-autosubmit]')?.requestSubmit();
// A form marked `data-inline-errors` is sent without leaving the page: a
// refusal shows beside the field it is about, and what was typed and the
// pictures chosen stay. Without scripts it posts as usual.
for (const form of document.querySelectorAll('form[data-inline-errors]')) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = form.querySelector('button:not([type=button])');
    if (button) button.disabled = true;
    try {
      const data = new FormData(form);
      // Sent as the form would be: multipart only where the form says so.
      const body = form.enctype === 'multipart/form-data' ? data : new URLSearchParams(data);
      const answer = await fetch(form.action, { method: 'POST', body });
      if (answer.ok) { location.href = answer.url; return; }
      const page = new DOMParser().parseFromString(await answer.text(), 'text/html');
      const error = page.querySelector('p.error');
      for (const old of form.querySelectorAll('.field-error')) old.remove();
      for (const old of form.querySelectorAll('[aria-invalid]')) old.removeAttribute('aria-invalid');
      const note = Object.assign(document.createElement('p'), { className: 'error field-error', role: 'alert', textContent: error?.textContent || answer.statusText });
      const field = error?.dataset.field && form.elements[error.dataset.field];
      if (field && field.setAttribute) {
        field.setAttribute('aria-invalid', 'true');
        (field.closest('label') || field).after(note);
        field.focus();
      } else form.prepend(note);
    } finally {
      if (button) button.disabled = false;
    }
  });
}
// A choice that needs more fields opens them: `data-opens="value:id"`.
for (const select of document.querySelectorAll('select[data-opens]')) {
  const [value, id] = select.dataset.opens.split(':');
  select.addEventListener('change', () => { document.getElementById(id).open = select.value === value; });
}
// A link to copy is selected whole when tapped.
for (const input of document.querySelectorAll('input[data-select]')) input.addEventListener('focus', () => input.select());

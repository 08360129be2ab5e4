// A form that cannot be undone (delete an address, confirm receipt, cancel
// an order) asks first: its question is in `data-confirm`.
document.addEventListener('submit', (e) => {
  const question = e.target.dataset?.confirm;
  if (question && !window.confirm(question)) e.preventDefault();
});
// After sign-in, what the person tried before is done at once (the form
// stays visible, with its button, where scripts do not run).
document.querySelector('form[data-autosubmit]')?.requestSubmit();

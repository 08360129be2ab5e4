// The browser's local time, sent as Unix milliseconds.
document.getElementById('room-start').addEventListener('change', (e) => {
  document.getElementById('room-start-ms').value = e.target.value ? new Date(e.target.value).getTime() : '';
});

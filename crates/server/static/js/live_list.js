for (const t of document.querySelectorAll('time[data-ms]')) t.textContent = new Date(+t.dataset.ms).toLocaleString();

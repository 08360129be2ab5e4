// Asks the browser where the shopper is, once they tap; a city works without it.
const locate = document.getElementById('locate');
const said = document.getElementById('locate-error');
locate.addEventListener('click', () => {
  const refused = () => { said.textContent = locate.dataset.denied; said.hidden = false; };
  if (!navigator.geolocation) return refused();
  navigator.geolocation.getCurrentPosition(
    (p) => { location.href = `/near?lat=${p.coords.latitude.toFixed(5)}&lng=${p.coords.longitude.toFixed(5)}`; },
    refused,
    { timeout: 10000, maximumAge: 600000 },
  );
});

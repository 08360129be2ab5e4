// The counter's camera reads a voucher's QR code where the browser allows
// it (a secure page with a barcode detector); typing the code always works.
const scan = document.getElementById('scan');
const video = document.getElementById('camera');
const form = document.getElementById('redeem-form');
if (window.isSecureContext && 'BarcodeDetector' in window && navigator.mediaDevices) {
  scan.hidden = false;
  scan.addEventListener('click', async () => {
    const detector = new BarcodeDetector({ formats: ['qr_code'] });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const stop = () => stream.getTracks().forEach((t) => t.stop());
    const look = async () => {
      const found = await detector.detect(video).catch(() => []);
      if (found.length) {
        stop();
        form.code.value = found[0].rawValue;
        form.submit();
      } else {
        setTimeout(look, 250);
      }
    };
    look();
  });
} else if (!window.isSecureContext) {
  document.getElementById('scan-help').hidden = false;
}

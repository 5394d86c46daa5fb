// The counter page, enhanced: live camera scanning where the browser has BarcodeDetector,
// and the focus kept on the label field so that a USB scanner always types into it.
// Everything works without this file: typing, a keyboard-wedge scanner, or a photo.
"use strict";

(function () {
  const form = document.querySelector("form.counter");
  if (!form) return;
  const label = form.querySelector("#label");
  const acknowledged = form.querySelector("#acknowledged");

  // Ticking the acknowledgement or choosing a type must not steal the scanner's keystrokes;
  // the optional details are typed at leisure, so leaving one of them keeps the focus there.
  form.addEventListener("change", function (event) {
    const target = event.target;
    const choice = target && (target.type === "radio" || target.type === "checkbox");
    if (choice && !target.closest("details") && label.value === "") label.focus();
  });

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  const start = form.querySelector("#camera-start");
  const stop = form.querySelector("#camera-stop");
  const panel = form.querySelector("#camera");
  const video = form.querySelector("#camera-video");
  let stream = null;
  let detector = null;

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    panel.hidden = true;
    start.hidden = false;
  }

  async function look() {
    if (!stream) return;
    try {
      const codes = await detector.detect(video);
      if (codes.length > 0) {
        label.value = codes[0].rawValue;
        stopCamera();
        if (acknowledged && !acknowledged.checked) {
          acknowledged.focus();
          return;
        }
        form.requestSubmit();
        return;
      }
    } catch (error) {
      // A frame not ready yet: look again.
    }
    window.setTimeout(look, 200);
  }

  BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) return;
    detector = new BarcodeDetector({ formats: ["qr_code"] });
    start.hidden = false;
    start.addEventListener("click", async function () {
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: "environment" },
          audio: false,
        });
      } catch (error) {
        start.hidden = true; // no camera, or refused: the photo field remains
        return;
      }
      video.srcObject = stream;
      panel.hidden = false;
      start.hidden = true;
      await video.play();
      look();
    });
    stop.addEventListener("click", function () {
      stopCamera();
      label.focus();
    });
  });
})();

// Signatures drawn with signature_pad (vendor/signature_pad): a <canvas data-signature-pad="#input">
// inside a form; when the form is sent, the drawing goes into that (hidden) input as a PNG data URL,
// and an empty pad sends nothing (the server then says a signature is needed). A button with
// data-signature-clear="#canvas" wipes the pad. The canvas is sized to its box at the screen's pixel
// ratio, so lines stay sharp on a phone, and again when the phone is turned (the strokes are kept).
(function () {
  "use strict";
  if (typeof window.SignaturePad !== "function") {
    return;
  }

  function setUp(canvas) {
    var pad = new window.SignaturePad(canvas, { minWidth: 0.8, maxWidth: 2.6, penColor: "#0b1f44" });
    var input = document.querySelector(canvas.dataset.signaturePad);

    function fit() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var strokes = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      pad.fromData(strokes);
    }

    fit();
    window.addEventListener("resize", fit);
    var form = canvas.closest("form");
    if (form && input) {
      form.addEventListener("submit", function () {
        input.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
      });
    }
    document.querySelectorAll('[data-signature-clear="#' + canvas.id + '"]').forEach(function (button) {
      button.addEventListener("click", function () {
        pad.clear();
        if (input) {
          input.value = "";
        }
      });
    });
  }

  document.querySelectorAll("canvas[data-signature-pad]").forEach(setUp);
})();

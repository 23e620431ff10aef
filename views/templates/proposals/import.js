// Refuses a file over the import's size limit before it is uploaded. The
// server refuses it too, from its declared size, but a browser that is cut off
// in the middle of a huge upload shows a connection error instead of a reason.
document.addEventListener("DOMContentLoaded", function () {
  var input = document.getElementById("file");
  var out = document.getElementById("file-size-error");
  if (!input || !out || !input.form) {
    return;
  }
  var max = Number(input.getAttribute("data-max-bytes"));
  var message = input.getAttribute("data-too-large");
  function check() {
    var file = input.files && input.files[0];
    var tooLarge = Boolean(file && max > 0 && file.size > max);
    input.setCustomValidity(tooLarge ? message : "");
    out.textContent = tooLarge ? message : "";
    out.hidden = !tooLarge;
    if (tooLarge) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
    return !tooLarge;
  }
  input.addEventListener("change", check);
  input.form.addEventListener("submit", function (event) {
    if (!check()) {
      event.preventDefault();
      input.focus();
    }
  });
});

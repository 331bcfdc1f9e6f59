// The platform refuses a request body over ENT_MAX_UPLOAD_MB before Zope reads it (a bare 413, the
// form lost): say it at the file field as soon as a file is chosen, and keep the form from sending.
(function () {
  "use strict";
  var script = document.currentScript;
  var maxBytes = parseInt(script.getAttribute("data-max-bytes"), 10);
  var template = script.getAttribute("data-message");
  var MB = 1024 * 1024;

  function messageFor(input) {
    var total = 0;
    var names = [];
    Array.prototype.forEach.call(input.files || [], function (file) {
      total += file.size;
      names.push(file.name);
    });
    if (total <= maxBytes) {
      return "";
    }
    return template
      .replace("{name}", names.join(", "))
      .replace("{size}", (total / MB).toFixed(1).replace(".", ","));
  }

  function show(input) {
    var message = messageFor(input);
    var id = (input.id || input.name) + "-upload-limit";
    var note = document.getElementById(id);
    input.setCustomValidity(message);
    if (!message) {
      if (note) {
        note.remove();
      }
      input.removeAttribute("aria-invalid");
      return true;
    }
    if (!note) {
      note = document.createElement("div");
      note.id = id;
      note.className = "invalid-feedback d-block ent-upload-limit";
      note.setAttribute("role", "alert");
      // After Plone's file widget as a whole (its input group would cut the text to one line).
      (input.closest(".input-group") || input).insertAdjacentElement("afterend", note);
    }
    note.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    return false;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file]")) {
      show(event.target);
    }
  });
  document.addEventListener(
    "submit",
    function (event) {
      var ok = true;
      event.target.querySelectorAll("input[type=file]").forEach(function (input) {
        ok = show(input) && ok;
      });
      if (!ok) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
})();

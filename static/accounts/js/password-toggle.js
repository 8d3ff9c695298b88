/* "Afficher le mot de passe": a button after each password field of the pages that load this file
   (no inline script: the Content-Security-Policy allows files from the site only). */
(function () {
  "use strict";
  function label(button, shown) {
    button.textContent = shown ? button.dataset.hide : button.dataset.show;
    button.setAttribute("aria-pressed", shown ? "true" : "false");
  }
  function enhance(input) {
    if (input.dataset.toggle === "done") { return; }
    input.dataset.toggle = "done";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary password-toggle";
    button.dataset.show = document.documentElement.lang === "en" ? "Show password" : "Afficher le mot de passe";
    button.dataset.hide = document.documentElement.lang === "en" ? "Hide password" : "Masquer le mot de passe";
    button.setAttribute("aria-controls", input.id);
    label(button, false);
    button.addEventListener("click", function () {
      var shown = input.type === "password";
      input.type = shown ? "text" : "password";
      label(button, shown);
      input.focus();
    });
    input.insertAdjacentElement("afterend", button);
  }
  function init() {
    document.querySelectorAll('input[type="password"][id]').forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

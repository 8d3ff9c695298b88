// Guichet: small progressive enhancements. No inline script anywhere (strict CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Confirmation dialog: a form with data-confirm="dialog-id" opens that <dialog> before submitting.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    const dialog = document.getElementById(form.dataset.confirm);
    if (!dialog || typeof dialog.showModal !== "function") return;
    form.addEventListener("submit", (event) => {
      if (form.dataset.confirmed === "1") return;
      event.preventDefault();
      dialog.showModal();
      dialog.querySelector("[data-confirm-yes]")?.addEventListener("click", () => {
        form.dataset.confirmed = "1";
        dialog.close();
        form.requestSubmit();
      }, { once: true });
      dialog.querySelector("[data-confirm-no]")?.addEventListener("click", () => dialog.close(), { once: true });
    });
  });
});

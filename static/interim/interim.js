// Espace intérimaire: contract detail dialogs (native <dialog>: focus inside, Escape closes) and
// "select all" on document lists. Without JavaScript the detail link opens the contract's page.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-dialog-open]").forEach((link) => {
    const dialog = document.getElementById(link.dataset.dialogOpen);
    if (!dialog || typeof dialog.showModal !== "function") return;
    link.setAttribute("aria-haspopup", "dialog");
    link.addEventListener("click", (event) => {
      event.preventDefault();
      dialog.showModal();
      dialog.querySelector("[data-dialog-close]")?.focus();
      dialog.addEventListener("close", () => link.focus(), { once: true });
    });
    dialog.querySelector("[data-dialog-close]")?.addEventListener("click", () => dialog.close());
  });
  document.querySelectorAll("[data-select-all]").forEach((box) => {
    const formId = box.getAttribute("form");
    box.addEventListener("change", () => {
      document.querySelectorAll(`input[name='ids'][form='${formId}']`).forEach((item) => {
        item.checked = box.checked;
      });
    });
  });
});

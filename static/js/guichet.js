// Guichet: small progressive enhancements. No inline script anywhere (strict CSP): pages work
// without JavaScript; this file only makes them nicer.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // Space navigation: on phones, a "Menu" button folds and unfolds the list.
  document.querySelectorAll(".nav-toggle[aria-controls]").forEach((button) => {
    const list = document.getElementById(button.getAttribute("aria-controls"));
    if (!list) return;
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      list.classList.toggle("is-open", open);
    });
  });

  // User menu: Escape closes it and gives focus back to its summary.
  document.querySelectorAll("details.user-menu").forEach((details) => {
    details.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && details.open) {
        details.open = false;
        details.querySelector("summary")?.focus();
      }
    });
  });

  // Error summary: focus it so that screen reader and keyboard users land on the errors.
  const summary = document.querySelector(".error-summary[tabindex]");
  if (summary) summary.focus();

  // Page size selector: submit on change (the "Afficher" button remains for keyboard and no-JS users).
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });

  // Captcha: "Afficher une autre image" asks django-simple-captcha for a new challenge (image, audio
  // file, hidden key) and says so to screen readers. Hidden without JavaScript.
  document.querySelectorAll("[data-captcha]").forEach((block) => {
    const button = block.querySelector("[data-captcha-refresh]");
    if (!button || !window.fetch) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      let data;
      try {
        const response = await fetch(block.dataset.refreshUrl, {
          headers: { "X-Requested-With": "XMLHttpRequest" },
          credentials: "same-origin",
        });
        if (!response.ok) return;
        data = await response.json();
      } catch (error) {
        return;
      }
      const image = block.querySelector("[data-captcha-image]");
      if (image) image.src = data.image_url;
      const audio = block.querySelector("[data-captcha-audio]");
      if (audio && data.audio_url) audio.href = data.audio_url;
      const key = block.querySelector('input[type="hidden"][name$="_0"]');
      if (key) key.value = data.key;
      const answer = block.querySelector('input[name$="_1"]');
      if (answer) {
        answer.value = "";
        answer.focus();
      }
      const status = block.querySelector("[data-captcha-status]");
      if (status) status.textContent = block.dataset.refreshedMessage || "";
    });
  });

  // Confirmation dialog: a form with data-confirm="dialog-id" opens that <dialog> before submitting.
  // Without JavaScript (or without <dialog>), the form submits without "confirmed": the view then
  // answers with a confirmation page (core/confirm.py), so nothing depends on this script.
  document.querySelectorAll("dialog.confirm-dialog").forEach((dialog) => {
    dialog.querySelector("[data-confirm-yes]")?.addEventListener("click", () => {
      const form = dialog.pendingForm;
      dialog.pendingForm = null;
      dialog.close();
      if (form) {
        form.dataset.confirmed = "1";
        // The server acts only on a confirmed POST (core/confirm.py); without it, it asks again.
        if (!form.querySelector('input[name="confirmed"]')) {
          const field = document.createElement("input");
          field.type = "hidden";
          field.name = "confirmed";
          field.value = "1";
          form.appendChild(field);
        }
        const submitter = form.pendingSubmitter;
        form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      }
    });
    dialog.querySelector("[data-confirm-no]")?.addEventListener("click", () => {
      dialog.pendingForm = null;
      dialog.close();
    });
    // Escape: the browser fires "cancel" then closes the dialog; nothing is submitted.
    dialog.addEventListener("cancel", () => {
      dialog.pendingForm = null;
    });
    dialog.addEventListener("close", () => {
      dialog.returnFocus?.focus();
      dialog.returnFocus = null;
    });
  });
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    const dialog = document.getElementById(form.dataset.confirm);
    if (!dialog || typeof dialog.showModal !== "function") return;
    form.addEventListener("submit", (event) => {
      if (form.dataset.confirmed === "1") {
        delete form.dataset.confirmed;
        return;
      }
      event.preventDefault();
      form.pendingSubmitter = event.submitter || null;
      dialog.pendingForm = form;
      dialog.returnFocus = event.submitter || document.activeElement;
      dialog.showModal();
    });
  });
});

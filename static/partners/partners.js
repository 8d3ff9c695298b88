// Partners space: funds filtered by the chosen regime without reloading the page, and the recipient
// of the address shown from the partner's name. Pages work without this script (the server checks
// that the fund belongs to the regime).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-regime-select]").forEach((regime) => {
    const form = regime.form;
    const fund = form && form.querySelector("select[data-fund-select]");
    if (!fund) return;
    const options = Array.from(fund.options);
    const filter = () => {
      const chosen = regime.value;
      options.forEach((option) => {
        if (!option.value) return;
        const visible = !chosen || option.dataset.regime === chosen;
        option.hidden = !visible;
        option.disabled = !visible;
      });
      const selected = fund.selectedOptions[0];
      if (selected && selected.disabled) fund.value = "";
    };
    regime.addEventListener("change", filter);
    filter();
  });

  const source = document.querySelector("[data-recipient-source]");
  const recipient = document.getElementById("recipient");
  if (source && recipient) {
    const placeholder = recipient.textContent;
    const update = () => { recipient.textContent = source.value.trim() || placeholder; };
    source.addEventListener("input", update);
  }
});

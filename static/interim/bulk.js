// Documents in bulk: while a batch is analysed or published in the background, poll its progress
// (JSON) every 2 seconds, update the bar and the status line, and reload the page once it is done.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-progress-url]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-progress-text]");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      bar.value = data.percent;
      bar.textContent = `${data.percent} %`;
      text.textContent = `${data.label} : ${data.processed} / ${data.total}`;
      if (!data.working) {
        window.location.reload();
        return;
      }
    } catch (error) {
      // The next poll tries again; the page can also be reloaded by hand.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
});

/* Offline work on evaluations, a progressive enhancement (no inline code, no build step).

   - Registers the service worker (/partenaires/evaluations/sw.js).
   - "Gestion du mode déconnecté": prepares chosen evaluations on this device (their pages and the
     static files go to the cache), or erases what the device holds.
   - An evaluation's form, offline: what is typed is kept on the device (IndexedDB "drafts", one per
     evaluation, with the version the page was based on and an idempotency key) instead of being posted;
     reopened, the page restores the device's draft.
   - "Synchronisation": lists the device's drafts and sends each one (JSON, X-CSRFToken); whatever the
     server answers (applied, conflict, refused) it has recorded the draft, so the device forgets it.

   Drafts are not encrypted by the page (see docs/architecture.md: the device's own disk encryption and
   session lock protect them; the evaluator erases the device's data from "Gestion du mode déconnecté"). */
(function () {
  "use strict";

  const CACHE = "guichet-evaluations-v1";
  const DB_NAME = "guichet-evaluations";

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/partenaires/evaluations/sw.js", { scope: "/partenaires/evaluations/" }).catch(() => {});
  }

  function db() {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => open.result.createObjectStore("drafts", { keyPath: "evaluation" });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }

  function store(mode, work) {
    return db().then((base) => new Promise((resolve, reject) => {
      const tx = base.transaction("drafts", mode);
      const result = work(tx.objectStore("drafts"));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    }));
  }

  const drafts = {
    all: () => store("readonly", (s) => s.getAll()),
    get: (id) => store("readonly", (s) => s.get(id)),
    put: (draft) => store("readwrite", (s) => s.put(draft)),
    remove: (id) => store("readwrite", (s) => s.delete(id)),
    clear: () => store("readwrite", (s) => s.clear()),
  };

  function say(element, text) {
    if (element) {
      element.textContent = text;
      element.hidden = false;
    }
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /* --- Gestion du mode déconnecté ------------------------------------------------------------ */
  function setUpManage(root) {
    root.querySelectorAll("[data-js-only]").forEach((el) => { el.hidden = false; });
    root.querySelectorAll("[data-no-js]").forEach((el) => { el.hidden = true; });
    const status = root.querySelector("#offline-status");
    const assets = Array.from(document.querySelectorAll("link[rel=stylesheet], script[src]"))
      .map((el) => el.getAttribute("href") || el.getAttribute("src"));
    root.querySelector("#prepare-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const urls = Array.from(root.querySelectorAll("input[name=prepare]:checked")).map((box) => box.dataset.url);
      if (!urls.length) { say(status, root.dataset.msgNone); return; }
      caches.open(CACHE)
        .then((cache) => cache.addAll([...urls, root.dataset.syncUrl, ...assets]))
        .then(() => {
          urls.forEach((url) => {
            const row = root.querySelector(`[data-row="${url}"]`);
            if (row) row.textContent = root.dataset.msgReadyRow;
          });
          say(status, root.dataset.msgReady.replace("%s", urls.length));
        })
        .catch(() => say(status, root.dataset.msgFailed));
    });
    root.querySelector("#erase-device").addEventListener("click", () => {
      Promise.all([caches.delete(CACHE), drafts.clear()]).then(() => say(status, root.dataset.msgErased));
    });
    caches.open(CACHE).then((cache) => cache.keys()).then((keys) => {
      const cached = new Set(keys.map((request) => new URL(request.url).pathname));
      root.querySelectorAll("[data-row]").forEach((row) => {
        if (cached.has(row.dataset.row)) row.textContent = root.dataset.msgReadyRow;
      });
    });
  }

  /* --- an evaluation's form -------------------------------------------------------------------- */
  function formData(form) {
    const data = {};
    new FormData(form).forEach((value, name) => {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken" && name !== "action" && name !== "version") data[name] = value;
    });
    return data;
  }

  function restore(form, data) {
    Object.entries(data).forEach(([name, value]) => {
      form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((field) => {
        if (field.type === "radio" || field.type === "checkbox") field.checked = field.value === value;
        else if (field.type !== "file") field.value = value;
      });
    });
  }

  function setUpForm(form) {
    const id = Number(form.dataset.evaluation);
    const status = document.getElementById("device-draft-status");
    drafts.get(id).then((draft) => {
      if (!draft) return;
      restore(form, draft.data);
      say(status, status.dataset.msgRestored.replace("%s", new Date(draft.saved_at).toLocaleString("fr-FR")));
    }).catch(() => {});
    form.addEventListener("submit", (event) => {
      if (navigator.onLine) return;  // online: the server-rendered form posts as usual
      event.preventDefault();
      drafts.get(id).then((previous) => drafts.put({
        evaluation: id,
        file_number: form.dataset.fileNumber,
        base_version: previous ? previous.base_version : Number(form.dataset.version),
        key: uuid(),
        data: formData(form),
        saved_at: Date.now(),
      })).then(() => say(status, status.dataset.msgSaved))
        .catch(() => say(status, status.dataset.msgFailed));
    });
  }

  /* --- Synchronisation --------------------------------------------------------------------------- */
  function setUpSync(root) {
    root.querySelectorAll("[data-js-only]").forEach((el) => { el.hidden = false; });
    root.querySelectorAll("[data-no-js]").forEach((el) => { el.hidden = true; });
    const list = root.querySelector("#device-drafts");
    const status = root.querySelector("#sync-status");
    const button = root.querySelector("#sync-button");
    const token = root.querySelector("input[name=csrfmiddlewaretoken]").value;

    function render() {
      return drafts.all().then((items) => {
        list.textContent = "";
        items.forEach((draft) => {
          const item = document.createElement("li");
          item.textContent = root.dataset.msgDraft
            .replace("%n", draft.file_number || draft.evaluation)
            .replace("%d", new Date(draft.saved_at).toLocaleString("fr-FR"));
          list.appendChild(item);
        });
        button.disabled = !items.length;
        if (!items.length) say(status, root.dataset.msgEmpty);
        return items;
      });
    }

    button.addEventListener("click", () => {
      if (!navigator.onLine) { say(status, root.dataset.msgOffline); return; }
      button.disabled = true;
      drafts.all().then((items) => items.reduce((chain, draft) => chain.then((results) =>
        fetch(root.dataset.submitUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ key: draft.key, evaluation: draft.evaluation, base_version: draft.base_version, data: draft.data }),
        }).then((response) => response.json().then((answer) => {
          if (response.ok) return drafts.remove(draft.evaluation).then(() => [...results, answer]);
          return [...results, answer];
        }))
      ), Promise.resolve([]))).then((results) => {
        const conflicts = results.filter((r) => r.outcome && r.outcome !== "applied").length;
        say(status, conflicts ? root.dataset.msgConflicts.replace("%s", conflicts) : root.dataset.msgDone.replace("%s", results.length));
        if (conflicts) window.setTimeout(() => window.location.reload(), 1500);
        return render();
      }).catch(() => { say(status, root.dataset.msgOffline); button.disabled = false; });
    });
    render();
  }

  /* --- the GIR, previewed while the grid is filled (the server's tables, given by the page) ------- */
  function setUpGir(fieldset) {
    const tables = JSON.parse(fieldset.dataset.aggirTables);
    const output = document.getElementById("gir-result");
    function value(key) {
      const checked = fieldset.querySelector(`input[name="aggir_${key}"]:checked`);
      return checked ? checked.value : "";
    }
    function compute() {
      const answers = Object.fromEntries(tables.all.map((key) => [key, value(key)]));
      if (tables.all.some((key) => !answers[key])) return null;
      for (const group of tables.groups) {
        const score = tables.keys.reduce((sum, key, i) => {
          const [c, b] = group.weights[i];
          return sum + (answers[key] === "C" ? c : answers[key] === "B" ? b : 0);
        }, 0);
        for (const [minimum, rank] of group.thresholds) {
          if (minimum === null || score >= minimum) return tables.gir[rank];
        }
      }
      return null;
    }
    fieldset.addEventListener("change", () => {
      const gir = compute();
      output.textContent = gir
        ? `${fieldset.dataset.msgPreview.replace("%s", gir)} — ${tables.labels[gir]}`
        : fieldset.dataset.msgIncomplete;
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const grid = document.querySelector("fieldset[data-aggir-tables]");
    if (grid && grid.dataset.aggirTables) setUpGir(grid);
    const manage = document.getElementById("offline-manage");
    if (manage && "caches" in window) setUpManage(manage);
    const form = document.querySelector("form.evaluation-form");
    if (form && "indexedDB" in window) setUpForm(form);
    const sync = document.getElementById("offline-sync");
    if (sync && "indexedDB" in window) setUpSync(sync);
  });
})();

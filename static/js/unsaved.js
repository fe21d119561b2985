// No typed word is lost. While the writer types, the form is kept in this browser
// (localStorage, one entry per page and typing session) until the server has saved it; a
// page opened again after a closed tab or a crash gets the text back, with a notice and a
// way to discard it. Leaving with changes the server does not have asks first.
(() => {
  const form = document.querySelector("form.write-form[data-unsaved-key]");
  const idField = form && form.elements.namedItem("typing_id");
  if (!form || !idField) return;
  const ALL = "briefwechsel:unsaved:";
  const prefix = `${ALL}${form.dataset.unsavedKey}:`;
  const notice = document.getElementById("unsaved-notice");
  const savedList = document.getElementById("saved-typing");
  // The ids whose text the server saved (a cookie it sets on saving): their copies can go.
  const saved = new Set(savedList ? JSON.parse(savedList.textContent) : []);
  const notKept = new Set(["csrf_token", "typing_id"]);

  function values() {
    const result = {};
    for (const [name, value] of new FormData(form)) {
      if (!notKept.has(name) && typeof value === "string") result[name] = value;
    }
    return result;
  }

  // What the server sent, even where the browser has put back what was typed before a reload.
  function sentValues() {
    const result = {};
    for (const field of form.elements) {
      if (!field.name || notKept.has(field.name) || field.disabled) continue;
      if (field.tagName === "SELECT") {
        const chosen = [...field.options].find((option) => option.defaultSelected);
        result[field.name] = (chosen || field.options[0] || { value: "" }).value;
      } else if (field.type !== "submit" && field.type !== "button" && "defaultValue" in field) {
        result[field.name] = field.defaultValue;
      }
    }
    return result;
  }

  function same(a, b) {
    const names = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...names].every((name) => a[name] === b[name]);
  }

  function fill(kept) {
    for (const [name, value] of Object.entries(kept)) {
      const field = form.elements.namedItem(name);
      if (field && "value" in field) field.value = value;
    }
  }

  // Storage may be full or switched off: then only the question on leaving guards the text.
  const storage = {
    keys() {
      try {
        return Object.keys(localStorage).filter((key) => key.startsWith(ALL));
      } catch {
        return [];
      }
    },
    read(key) {
      try {
        return JSON.parse(localStorage.getItem(key));
      } catch {
        return null;
      }
    },
    write(key, entry) {
      try {
        localStorage.setItem(key, JSON.stringify(entry));
      } catch {
        /* nothing to do: see above */
      }
    },
    remove(key) {
      try {
        localStorage.removeItem(key);
      } catch {
        /* nothing to do: see above */
      }
    },
  };

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  }

  for (const key of storage.keys()) {
    const entry = storage.read(key);
    if (!entry || saved.has(entry.id)) storage.remove(key);
  }

  let loaded = sentValues();
  let unsavedOnServer = form.dataset.sentBack !== undefined;
  let id = idField.value;
  // A form the server sent back unsaved (a preview, a field to correct) is the newest text.
  if (!unsavedOnServer) {
    const kept = storage.keys()
      .filter((key) => key.startsWith(prefix))
      .map((key) => storage.read(key))
      .filter((entry) => entry && entry.values)
      .sort((a, b) => b.at - a.at);
    const newest = kept[0];
    if (newest && !same(newest.values, loaded)) {
      fill(newest.values);
      id = newest.id;
      showNotice(newest.at);
    } else if (newest) {
      storage.remove(prefix + newest.id);
    }
  }
  if (!id) id = newId();
  idField.value = id;
  const hint = form.querySelector(".unsaved-hint");
  if (hint) hint.hidden = false;

  function showNotice(at) {
    if (!notice) return;
    const time = notice.querySelector(".restored-at");
    if (time) {
      time.textContent = new Date(at).toLocaleString(document.documentElement.lang, {
        dateStyle: "medium",
        timeStyle: "short",
      });
    }
    notice.hidden = false;
  }

  function keep() {
    clearTimeout(timer);
    const now = values();
    if (!unsavedOnServer && same(now, loaded)) storage.remove(prefix + id);
    else storage.write(prefix + id, { id, at: Date.now(), values: now });
  }

  let timer;
  const keepSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(keep, 300);
  };
  form.addEventListener("input", keepSoon);
  form.addEventListener("change", keepSoon);
  window.addEventListener("pagehide", keep);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") keep();
  });

  if (notice) {
    notice.querySelector("button").addEventListener("click", () => {
      fill(loaded);
      storage.remove(prefix + id);
      notice.hidden = true;
      form.querySelector("input:not([type=hidden]), textarea").focus();
    });
  }

  let submitting = false;
  form.addEventListener("submit", () => {
    submitting = true;
    keep();
  });
  // Back to this page after sending it: what was sent is the server's now; typing again
  // starts a new copy, so that the saved one can be forgotten without it.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted || !submitting) return;
    submitting = false;
    loaded = values();
    unsavedOnServer = false;
    id = newId();
    idField.value = id;
  });

  window.addEventListener("beforeunload", (event) => {
    if (submitting || !(unsavedOnServer || !same(values(), loaded))) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();

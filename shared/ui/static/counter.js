// The counter page, enhanced: live camera scanning where the browser has BarcodeDetector,
// and the focus kept on the label field so that a USB scanner always types into it.
// Everything works without this file: typing, a keyboard-wedge scanner, or a photo.
"use strict";

(function () {
  const form = document.querySelector("form.counter");
  if (!form) return;
  const label = form.querySelector("#label");
  const acknowledged = form.querySelector("#acknowledged");

  // Ticking the acknowledgement or choosing a type must not steal the scanner's keystrokes;
  // the optional details are typed at leisure, so leaving one of them keeps the focus there.
  form.addEventListener("change", function (event) {
    const target = event.target;
    const choice = target && (target.type === "radio" || target.type === "checkbox");
    if (choice && !target.closest("details") && label.value === "") label.focus();
  });

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  const start = form.querySelector("#camera-start");
  const stop = form.querySelector("#camera-stop");
  const panel = form.querySelector("#camera");
  const video = form.querySelector("#camera-video");
  let stream = null;
  let detector = null;

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    panel.hidden = true;
    start.hidden = false;
  }

  async function look() {
    if (!stream) return;
    try {
      const codes = await detector.detect(video);
      if (codes.length > 0) {
        label.value = codes[0].rawValue;
        stopCamera();
        if (acknowledged && !acknowledged.checked) {
          acknowledged.focus();
          return;
        }
        form.requestSubmit();
        return;
      }
    } catch (error) {
      // A frame not ready yet: look again.
    }
    window.setTimeout(look, 200);
  }

  BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) return;
    detector = new BarcodeDetector({ formats: ["qr_code"] });
    start.hidden = false;
    start.addEventListener("click", async function () {
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: "environment" },
          audio: false,
        });
      } catch (error) {
        start.hidden = true; // no camera, or refused: the photo field remains
        return;
      }
      video.srcObject = stream;
      panel.hidden = false;
      start.hidden = true;
      await video.play();
      look();
    });
    stop.addEventListener("click", function () {
      stopCamera();
      label.focus();
    });
  });
})();

// The counter without network (a bus, a village hall): the counter page is kept by a service
// worker, and each donation is first kept in this browser (IndexedDB) with its idempotency
// key, then sent; a donation the network did not carry stays here, waiting, and is sent when
// the network returns. The server registers a key once, so a donation sent twice (the answer
// lost on the way) is registered once. Each kept donation says whether it waits, was sent, or
// was refused (and why, in the page's language); a refused one can be corrected and sent again.
(function () {
  const form = document.querySelector("form.counter");
  const queue = document.getElementById("queue");
  if (!form || !queue || !window.indexedDB || !window.fetch) return;
  const list = document.getElementById("queue-list");
  const news = document.getElementById("offline-news");
  const texts = queue.dataset;
  const STORE = "scans";
  const WAIT_MS = 20000; // a send not answered by then is tried again later (same key)
  const RETRY_MS = 15000;
  const DAY_MS = 86400000;
  let database = null;
  let flushing = false;
  let submitting = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  // A copy of this page kept for days must not hand its key to two donations.
  form.elements.key.value = newKey();

  function open() {
    if (database) return Promise.resolve(database);
    return new Promise(function (resolve, reject) {
      const request = indexedDB.open("boucle-guichet", 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { database = request.result; resolve(database); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // One transaction: ``work`` gets the store; resolves with what ``work`` returned, once written.
  async function within(mode, work) {
    const db = await open();
    return new Promise(function (resolve, reject) {
      const transaction = db.transaction(STORE, mode);
      let result;
      const request = work(transaction.objectStore(STORE));
      if (request) request.onsuccess = function () { result = request.result; };
      transaction.oncomplete = function () { resolve(result); };
      transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
    });
  }

  async function kept() {
    const entries = await within("readonly", function (store) { return store.getAll(); });
    return entries.sort(function (a, b) { return a.created - b.created; });
  }

  function put(entry, replaces) {
    return within("readwrite", function (store) {
      if (replaces && replaces !== entry.key) store.delete(replaces);
      store.put(entry);
    });
  }

  function drop(key) {
    return within("readwrite", function (store) { store.delete(key); });
  }

  function token() {
    const field = form.elements._csrf_token;
    return field ? field.value : "";
  }

  // The form as typed, with its key: what is sent, now or later.
  function entryOf() {
    const fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "_csrf_token" || name === "key" || name === "point") return;
      if (typeof value !== "string" && value.size === 0) return; // no photo taken
      fields.push([name, value]);
    });
    const typed = form.elements.label.value.trim();
    const type = form.querySelector("input[name=device_type]:checked");
    return {
      key: form.elements.key.value,
      point: form.elements.point.value,
      action: form.getAttribute("action"),
      created: Date.now(),
      state: "waiting",
      fields: fields,
      label: typed,
      type: type ? type.value : "",
      message: "",
      errors: [],
    };
  }

  // One send of ``entry``: "sent", "refused" (with the server's reasons), "token" (this
  // browser's form token is out of date), "signin" (the session must be renewed) or "later"
  // (no network, no answer, or the server cannot tell now: nothing lost, sent again later).
  async function send(entry) {
    const body = new FormData();
    entry.fields.forEach(function (field) { body.append(field[0], field[1]); });
    body.set("_csrf_token", token());
    body.set("key", entry.key);
    body.set("point", entry.point);
    const lang = document.documentElement.lang;
    const aborter = new AbortController();
    const timer = setTimeout(function () { aborter.abort(); }, WAIT_MS);
    let response;
    let answer = null;
    try {
      response = await fetch(entry.action + "&lang=" + encodeURIComponent(lang), {
        method: "POST",
        body: body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        redirect: "manual",
        signal: aborter.signal,
      });
      answer = await response.json().catch(function () { return null; });
    } catch (error) {
      return { outcome: "later" };
    } finally {
      clearTimeout(timer);
    }
    if (response.type === "opaqueredirect" || response.status === 401) return { outcome: "signin" };
    if (response.ok && answer && answer.message) return { outcome: "sent", answer: answer };
    const csrf = answer && answer.extensions && answer.extensions.reason === "csrf";
    if (response.status === 403 && csrf) return { outcome: "token" };
    if (!answer || response.status >= 500 || response.status === 429 || response.status === 408) {
      return { outcome: "later" };
    }
    return { outcome: "refused", answer: answer };
  }

  // This browser's current form token, from the counter page itself (its cookie may have gone
  // with a browser closed while offline).
  async function renewToken() {
    try {
      const response = await fetch(form.getAttribute("action"), {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
      });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector("form.counter input[name=_csrf_token]");
      if (!fresh || !fresh.value) return false;
      document.querySelectorAll("input[name=_csrf_token]").forEach(function (field) {
        field.value = fresh.value; // this form's, and signing out's
      });
      return true;
    } catch (error) {
      return false;
    }
  }

  async function sendOnce(entry) {
    const result = await send(entry);
    if (result.outcome === "token" && (await renewToken())) return send(entry);
    return result;
  }

  function say(text) {
    news.textContent = "";
    if (!text) return;
    const line = document.createElement("p");
    line.className = "notice";
    line.textContent = text;
    news.appendChild(line);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  function typeName(type) {
    const label = form.querySelector('label[for="type-' + type + '"]');
    return label ? label.textContent.trim() : type;
  }

  function shown(entry) {
    return entry.labelDisplay || entry.label.slice(0, 40) || texts.photo;
  }

  function item(entry) {
    const line = document.createElement("li");
    line.className = "counter-queue-item is-" + entry.state;
    const code = document.createElement("span");
    code.className = "label-code";
    code.textContent = shown(entry);
    const state = document.createElement("strong");
    state.textContent = texts[entry.state];
    line.append(code, " · " + typeName(entry.type) + " · ", state);
    if (entry.state === "sent") line.append(" · " + entry.message);
    if (entry.state === "refused") {
      const reasons = document.createElement("ul");
      const said = entry.errors.length ? entry.errors.map(function (e) { return e.message; }) : [entry.message];
      said.forEach(function (reason) {
        const li = document.createElement("li");
        li.textContent = reason;
        reasons.appendChild(li);
      });
      const correct = document.createElement("button");
      correct.type = "button";
      correct.className = "secondary";
      correct.textContent = fill(texts.correct, { label: shown(entry) });
      correct.addEventListener("click", function () { correctEntry(entry); });
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary";
      remove.textContent = fill(texts.drop, { label: shown(entry) });
      remove.addEventListener("click", function () { drop(entry.key).then(render); });
      line.append(reasons, correct, " ", remove);
    }
    return line;
  }

  async function render() {
    const entries = await kept();
    list.textContent = "";
    entries.forEach(function (entry) { list.appendChild(item(entry)); });
    queue.hidden = entries.length === 0;
    return entries;
  }

  function count(entries, state) {
    return entries.filter(function (entry) { return entry.state === state; }).length;
  }

  // Send what waits, oldest first; stop at the first that the network did not carry.
  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    let signin = false;
    let changed = false;
    try {
      for (const entry of await kept()) {
        if (entry.state !== "waiting") continue;
        const result = await sendOnce(entry);
        if (result.outcome === "signin") { signin = true; break; }
        if (result.outcome !== "sent" && result.outcome !== "refused") break;
        if (result.outcome === "sent") {
          entry.state = "sent";
          entry.message = result.answer.message;
          entry.labelDisplay = result.answer.label;
          entry.fields = []; // sent: the details (a photo) need not stay in this browser
          entry.sent = Date.now();
        } else {
          entry.state = "refused";
          entry.message = result.answer.detail || "";
          entry.errors = result.answer.errors || [];
        }
        await put(entry);
        changed = true;
        await render();
      }
    } finally {
      flushing = false;
    }
    const entries = await render();
    if (signin) say(texts.signedOut);
    else if (changed) {
      say(fill(texts.news, {
        sent: count(entries, "sent"),
        refused: count(entries, "refused"),
        waiting: count(entries, "waiting"),
      }));
    }
  }

  function clearErrors() {
    form.querySelectorAll(".counter-error").forEach(function (error) {
      form.querySelectorAll('[aria-describedby~="' + error.id + '"]').forEach(function (field) {
        const rest = field.getAttribute("aria-describedby").split(" ").filter(function (id) {
          return id && id !== error.id;
        });
        if (rest.length) field.setAttribute("aria-describedby", rest.join(" "));
        else field.removeAttribute("aria-describedby");
      });
      error.remove();
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (field) { field.removeAttribute("aria-invalid"); });
    form.querySelectorAll(".invalid").forEach(function (field) { field.classList.remove("invalid"); });
    document.querySelectorAll(".counter-errors, #confirmation, .counter-receipt").forEach(function (old) {
      old.remove();
    });
  }

  // A field the collector fills (not the hidden ones, not the buttons, not a fieldset).
  function typed(field) {
    const tag = field.tagName;
    return (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") && field.type !== "hidden" &&
      field.type !== "submit" && field.type !== "button";
  }

  // The form ready for the next donation, as the server gives it after one.
  function emptied() {
    clearErrors();
    const first = form.querySelector("#type-laptop") || form.querySelector("input[name=device_type]");
    Array.from(form.elements).forEach(function (field) {
      if (!typed(field)) return;
      if (field.type === "radio") field.checked = field === first;
      else if (field.type === "checkbox") field.checked = false;
      else if (field.tagName === "SELECT") field.selectedIndex = 0;
      else field.value = "";
    });
    delete form.dataset.replaces;
    form.elements.key.value = newKey();
    form.querySelector("details.counter-details").open = false;
  }

  function markInvalid(name, message) {
    const field = name === "device_type" ? form.querySelector(".counter-types") : form.elements[name];
    if (!field || !field.closest) return null;
    const holder = name === "device_type" ? field : field.closest(".counter-field, fieldset");
    const error = document.createElement(name === "device_type" || name === "acknowledged" ? "p" : "span");
    error.className = "counter-error";
    error.id = name + "-error";
    error.textContent = message;
    const before = name === "device_type" ? holder.querySelector(".choice") : field.closest(".choice") || field;
    holder.insertBefore(error, before);
    holder.classList.add("invalid");
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? error.id + " " + described : error.id);
    if (name !== "device_type") field.setAttribute("aria-invalid", "true");
    return name === "device_type" ? form.querySelector("input[name=device_type]:checked") : field;
  }

  // A refused donation back in the form, with what was typed and the reasons next to the
  // fields; sent again, it replaces the refused one.
  function correctEntry(entry) {
    emptied();
    const values = {};
    entry.fields.forEach(function (field) { (values[field[0]] = values[field[0]] || []).push(field[1]); });
    Array.from(form.elements).forEach(function (field) {
      const given = values[field.name] || [];
      if (!typed(field)) return;
      if (field.type === "file") {
        if (given.length && window.DataTransfer) {
          const files = new DataTransfer();
          given.forEach(function (file) { files.items.add(file); });
          field.files = files.files;
        }
      } else if (field.type === "radio" || field.type === "checkbox") {
        field.checked = given.indexOf(field.value) !== -1;
      } else {
        field.value = given.length ? given[0] : "";
      }
    });
    form.dataset.replaces = entry.key;
    const details = form.querySelector("details.counter-details");
    let focus = null;
    entry.errors.forEach(function (error) {
      const field = markInvalid(error.key, error.message);
      if (field && details.contains(field)) details.open = true;
      focus = focus || field;
    });
    const detailed = Array.from(details.querySelectorAll("input, select")).some(function (field) {
      return field.type === "checkbox" ? field.checked : field.value !== "";
    });
    if (detailed) details.open = true;
    (focus || form.elements.label).focus();
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (submitting) return;
    submitting = true;
    try {
      const entry = entryOf();
      entry.state = navigator.onLine ? "sending" : "waiting"; // not sent by flush() meanwhile
      await put(entry, form.dataset.replaces);
      const result = navigator.onLine ? await sendOnce(entry) : { outcome: "later" };
      if (result.outcome === "sent") {
        await drop(entry.key);
        window.location.assign(result.answer.location);
        return;
      }
      if (result.outcome === "later") {
        entry.state = "waiting";
        await put(entry);
        emptied();
        await render();
        say(fill(texts.kept, { label: shown(entry) }));
        form.elements.label.focus();
        submitting = false;
        return;
      }
      // Refused, or a session to renew: the server's own page says it, next to the fields, as
      // without script (the same key: a donation is never registered twice).
      await drop(entry.key);
    } catch (error) {
      // The browser would not keep it (private mode, storage full): the form as without script.
    }
    HTMLFormElement.prototype.submit.call(form);
  });

  // Sent donations already listed in today's table need not be listed twice.
  async function tidy() {
    const listed = new Set(Array.from(document.querySelectorAll(".counter-today .label-code"), function (code) {
      return code.textContent.trim();
    }));
    for (const entry of await kept()) {
      if (entry.state === "sending") {  // the page closed while it was sent: send it again
        entry.state = "waiting";
        await put(entry);
      }
      if (entry.state === "sent" && (listed.has(entry.labelDisplay) || Date.now() - entry.sent > DAY_MS)) {
        await drop(entry.key);
      }
    }
  }

  window.addEventListener("online", function () { say(""); flush(); });
  window.addEventListener("offline", function () { say(texts.offline); });
  window.setInterval(function () {
    if (!list.querySelector(".is-waiting")) return;
    flush();
  }, RETRY_MS);
  tidy().then(render).then(function () {
    if (navigator.onLine) flush();
    else say(texts.offline);
  }).catch(function () {});

  // Signing out lets go of the copy of the page (donations still waiting stay, to be sent).
  const signOut = document.querySelector("form.sign-out");
  if (signOut && window.caches) {
    signOut.addEventListener("submit", function () { caches.delete("boucle-guichet-1"); });
  }

  if ("serviceWorker" in navigator) {
    // The worker says when this page and its files are kept: the counter then opens offline.
    navigator.serviceWorker.addEventListener("message", function (event) {
      const ready = document.getElementById("offline-ready");
      if (ready && event.data && event.data.kept === form.getAttribute("action")) ready.hidden = false;
    });
    navigator.serviceWorker.register("/guichet/sw.js", { scope: "/guichet" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (!navigator.onLine || !registration.active) return;
      const files = Array.from(
        document.querySelectorAll("link[rel=stylesheet], link[rel=icon], script[src]"),
        function (element) { return element.getAttribute("href") || element.getAttribute("src"); }
      );
      registration.active.postMessage({ keep: files, page: form.getAttribute("action") });
    }).catch(function () {});
  }
})();

// The dispatch page from the keyboard (docs/ui.md, "Keyboard-first queues").
//   j / ↓, k / ↑   the next / previous case becomes the current one (highlighted, scrolled into
//                  view, aria-current, focused)
//   a / Enter      dispatch the current case as its form stands — the suggested unit and category
//                  the page pre-filled, or what the dispatcher chose — and move on to the next
//   x              select the current case for 批量派单;  u  edit its lead unit;  o  open it
//   ?              the list of keys;  Esc  from a field back to its case
// Keys are ignored while typing in a field or a picker (and during IME composition). Dispatches go
// by fetch to the page's batch endpoint, one request at a time; a dispatched card leaves the page
// and the header counts are fetched again (also every 30 s). When the page runs out of cards and
// cases still wait, the page reloads with the next ones, the first of them current.
(function () {
  "use strict";
  var queue = document.querySelector("[data-dispatch-queue]");
  if (!queue) return;
  var batchForm = document.getElementById("dispatch-batch");
  var live = document.querySelector("[data-dispatch-live]");
  var help = document.querySelector("[data-keys-help]");
  var BATCH_URL = queue.getAttribute("data-batch-url");
  var COUNTS_URL = queue.getAttribute("data-counts-url");
  var MAX_BATCH = Number(batchForm && batchForm.getAttribute("data-max-batch")) || 100;
  var RESUME = "bb-dispatch-keys";
  var REFRESH_MS = 30000;
  var current = null;
  var keyboardUsed = false;
  var reloading = false;
  var chain = Promise.resolve();

  // --- the cards ---------------------------------------------------------------------------------

  function cards() {
    return Array.prototype.slice.call(queue.querySelectorAll("[data-dispatch-card]"));
  }

  function busy(card) {
    return card.classList.contains("bb-busy");
  }

  function number(card) {
    return card.getAttribute("data-number");
  }

  function formOf(card) {
    return card.querySelector("[data-testid=dispatch-form]");
  }

  function checkbox(card) {
    return card.querySelector("[data-dispatch-select]");
  }

  // The nearest card in `direction` (1 or -1) from `card` that is not on its way; from nothing:
  // the first card.
  function neighbour(card, direction) {
    var all = cards();
    var i = card ? all.indexOf(card) : -1;
    if (i === -1) {
      var open = all.filter(function (c) { return !busy(c); });
      return open.length ? open[0] : null;
    }
    for (var j = i + direction; j >= 0 && j < all.length; j += direction) {
      if (!busy(all[j])) return all[j];
    }
    return null;
  }

  function setCurrent(card, focus) {
    if (current && current !== card) {
      current.classList.remove("bb-current");
      current.removeAttribute("aria-current");
    }
    current = card || null;
    if (!current) return;
    current.classList.add("bb-current");
    current.setAttribute("aria-current", "true");
    if (focus !== false && document.activeElement !== current) current.focus({ preventScroll: true });
    current.scrollIntoView({ block: "nearest", behavior: "instant" });
  }

  function move(direction) {
    if (!current || !queue.contains(current)) {
      setCurrent(neighbour(null, 1));
      return;
    }
    var next = neighbour(current, direction);
    if (next) setCurrent(next);
  }

  // --- messages ----------------------------------------------------------------------------------

  function say(kind, text) {
    if (!live) return;
    var note = document.createElement("div");
    note.className = "alert alert-" + kind + " py-1 px-2 small";
    note.setAttribute("data-testid", "dispatch-note");
    note.textContent = text;
    live.append(note);
    while (live.children.length > 4) live.firstElementChild.remove();
    setTimeout(function () { note.remove(); }, kind === "success" ? 8000 : 20000);
  }

  function cardError(card, text) {
    var box = card.querySelector("[data-card-error]");
    if (!text) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.className = "alert alert-danger py-1 px-2 small mt-2 mb-0";
      box.setAttribute("role", "alert");
      box.setAttribute("data-card-error", "");
      box.setAttribute("data-testid", "dispatch-error");
      card.append(box);
    }
    box.textContent = text;
  }

  // --- counts ------------------------------------------------------------------------------------

  function applyCounts(counts) {
    document.querySelectorAll("[data-queue-count]").forEach(function (el) {
      var name = el.getAttribute("data-queue-count");
      if (typeof counts[name] !== "number") return;
      var text = el.getAttribute("data-queue-text") || "{n}";
      el.textContent = text.replace("{n}", String(counts[name]));
    });
    document.querySelectorAll("[data-hide-when-zero]").forEach(function (el) {
      var n = counts[el.getAttribute("data-hide-when-zero")];
      if (typeof n === "number") el.hidden = n === 0;
    });
    document.querySelectorAll("[data-queue-badge]").forEach(function (el) {
      var n = counts[el.getAttribute("data-queue-badge")];
      if (typeof n !== "number") return;
      el.setAttribute("data-count", String(n));
      el.classList.toggle("text-bg-danger", n > 0);
      el.classList.toggle("text-bg-light", n === 0);
      el.classList.toggle("border", n === 0);
    });
  }

  function refreshCounts() {
    return fetch(COUNTS_URL, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (counts) {
        if (!counts) return;
        applyCounts(counts);
        if (!cards().length) emptied(counts.pending);
      })
      .catch(function () { /* the next refresh tries again */ });
  }

  function emptied(pending) {
    if (reloading) return;
    if (pending > 0) {
      // The next cases of the queue: the same filters, from the first page.
      reloading = true;
      if (keyboardUsed) sessionStorage.setItem(RESUME, "1");
      var url = new URL(window.location.href);
      url.searchParams.delete("page");
      window.location.replace(url.toString());
      return;
    }
    if (!queue.querySelector("[data-testid=empty]")) {
      var empty = document.createElement("div");
      empty.className = "bb-card bb-empty";
      empty.setAttribute("data-testid", "empty");
      empty.textContent = "暂无待派单的诉求";
      queue.append(empty);
    }
    if (batchForm) batchForm.hidden = true;
  }

  // --- dispatching -------------------------------------------------------------------------------

  function csrf() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.getAttribute("content") : "";
  }

  function bodyFor(list) {
    var body = new FormData();
    list.forEach(function (card) {
      var prefix = card.getAttribute("data-prefix") + "-";
      body.append("case", card.getAttribute("data-case-id"));
      var form = formOf(card);
      if (!form) return;
      new FormData(form).forEach(function (value, key) {
        if (key.indexOf(prefix) === 0) body.append(key, value);
      });
    });
    return body;
  }

  function setBusy(card, on) {
    card.classList.toggle("bb-busy", on);
    if (on) card.setAttribute("aria-busy", "true");
    else card.removeAttribute("aria-busy");
  }

  function leave(card) {
    if (card === current) setCurrent(neighbour(card, 1) || neighbour(card, -1), document.activeElement === card);
    card.remove();
    updateSelection();
  }

  // The case left the queue some other way (a colleague dispatched or merged it): say so, drop it.
  var GONE = { already_dispatched: true, invalid_transition: true, not_found: true };

  function settle(card, result) {
    setBusy(card, false);
    if (result && result.ok) {
      say("success", number(card) + "：" + result.message);
      leave(card);
    } else if (result && GONE[result.code]) {
      say("warning", number(card) + "：" + result.message);
      leave(card);
    } else {
      var text = result ? result.message : "派单失败，请重试";
      cardError(card, text);
      say("danger", number(card) + "：" + text);
    }
  }

  function send(list) {
    if (!list.length) return;
    var body = bodyFor(list);
    list.forEach(function (card) { setBusy(card, true); cardError(card, ""); });
    chain = chain.then(function () {
      return fetch(BATCH_URL, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf() },
      })
        .then(function (r) {
          if (r.redirected) return { message: "登录已失效，请刷新页面并重新登录后再派单" };
          return r.json().catch(function () { return { message: "请求失败（" + r.status + "），请稍后重试" }; });
        })
        .then(function (answer) {
          var byId = {};
          (answer.results || []).forEach(function (r) { byId[String(r.case_id)] = r; });
          list.forEach(function (card) {
            var r = byId[card.getAttribute("data-case-id")];
            settle(card, r || { ok: false, message: answer.message || "派单失败，请重试" });
          });
        })
        .catch(function () {
          list.forEach(function (card) { settle(card, { ok: false, message: "网络连接失败，未能派单，请重试" }); });
        })
        .then(refreshCounts);
    });
  }

  // The lead unit must be chosen before a case goes (the unit picker's own check, for a send
  // that is not a form submission).
  function leadMissing(card) {
    var picker = card.querySelector("[data-unit-picker][data-required]");
    if (!picker || picker.querySelector("[data-chip]")) return false;
    var input = picker.querySelector("[data-picker-input]");
    picker.classList.add("is-invalid");
    input.classList.add("is-invalid");
    input.focus();
    return true;
  }

  function accept(card) {
    if (!card || busy(card)) return;
    if (!formOf(card)) {
      say("warning", number(card) + "：直达市长的诉求须经审核签批，由市政府办公室交办");
      return;
    }
    if (leadMissing(card)) {
      say("warning", number(card) + "：没有建议的主办单位，请先选择");
      return;
    }
    var next = neighbour(card, 1) || neighbour(card, -1);
    send([card]);
    if (card === current || !current) setCurrent(next);
  }

  // --- selection ---------------------------------------------------------------------------------

  function updateSelection() {
    var chosen = 0;
    cards().forEach(function (card) {
      var box = checkbox(card);
      var on = !!(box && box.checked);
      card.classList.toggle("bb-selected", on);
      if (on) chosen += 1;
    });
    document.querySelectorAll("[data-selected-count]").forEach(function (el) { el.textContent = String(chosen); });
  }

  function toggle(card) {
    var box = card && checkbox(card);
    if (!box) return;
    box.checked = !box.checked;
    updateSelection();
  }

  function sendSelected() {
    var list = cards().filter(function (card) {
      var box = checkbox(card);
      return box && box.checked && !busy(card);
    });
    if (!list.length) {
      say("warning", "请先勾选要派出的诉求（x 键或复选框）");
      return;
    }
    if (current && list.indexOf(current) !== -1) {
      var rest = cards().filter(function (c) { return list.indexOf(c) === -1 && !busy(c); });
      setCurrent(rest.length ? rest[0] : null, false);
    }
    for (var i = 0; i < list.length; i += MAX_BATCH) send(list.slice(i, i + MAX_BATCH));
  }

  // --- events ------------------------------------------------------------------------------------

  function typing(target) {
    if (!target || !target.matches) return false;
    if (target.closest("[data-unit-picker]")) return true;
    if (target.isContentEditable) return true;
    if (target.matches("textarea, select")) return true;
    return target.matches("input") && !target.matches("[type=checkbox], [type=radio], [type=button], [type=submit], [type=reset]");
  }

  function openHelp() {
    if (help && !help.open) help.showModal();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (help && help.open) return; // the dialog: Esc or its button closes it
    var target = event.target;
    if (typing(target)) {
      if (event.key === "Escape") {
        var home = target.closest("[data-dispatch-card]");
        if (home) {
          event.preventDefault();
          setCurrent(home);
        }
      }
      return;
    }
    var onCard = target === document.body || (target.matches && target.matches("[data-dispatch-card]"));
    var key = event.key;
    var handled = true;
    if (key === "j" || key === "ArrowDown") move(1);
    else if (key === "k" || key === "ArrowUp") move(-1);
    else if (key === "a" || (key === "Enter" && onCard)) {
      if (current && queue.contains(current)) accept(current);
      else setCurrent(neighbour(null, 1));
    } else if (key === "x") {
      if (current) toggle(current);
      else setCurrent(neighbour(null, 1));
    } else if (key === "u" && current) {
      var input = current.querySelector("[data-unit-picker][data-required] [data-picker-input]");
      if (input) input.focus();
    } else if (key === "o" && current) {
      var link = current.querySelector("[data-case-link]");
      if (link) window.location.assign(link.href);
    } else if (key === "?") openHelp();
    else handled = false;
    if (handled) {
      event.preventDefault();
      keyboardUsed = true;
    }
  });

  // Clicking into a card, or tabbing into its fields, makes it the current one.
  document.addEventListener("focusin", function (event) {
    var card = event.target.closest ? event.target.closest("[data-dispatch-card]") : null;
    if (card && card !== current && queue.contains(card) && !busy(card)) setCurrent(card, false);
  });

  // A row's own 派单 button goes the same way (after the unit picker's check, which runs first).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) return;
    if (form === batchForm) {
      event.preventDefault();
      sendSelected();
      return;
    }
    var card = form.closest ? form.closest("[data-dispatch-card]") : null;
    if (card && form.matches("[data-testid=dispatch-form]")) {
      event.preventDefault();
      accept(card);
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-dispatch-select]")) updateSelection();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button") : null;
    if (!button) return;
    if (button.hasAttribute("data-select-suggested")) {
      cards().forEach(function (card) {
        var box = checkbox(card);
        if (box && !busy(card) && card.querySelector("[data-unit-picker][data-required] [data-chip]")) box.checked = true;
      });
      updateSelection();
    } else if (button.hasAttribute("data-select-none")) {
      cards().forEach(function (card) {
        var box = checkbox(card);
        if (box) box.checked = false;
      });
      updateSelection();
    } else if (button.hasAttribute("data-keys-help-open")) {
      openHelp();
    }
  });

  if (help) {
    help.addEventListener("close", function () {
      if (current) current.focus({ preventScroll: true });
    });
  }

  // With script, the buttons that need it appear.
  document.querySelectorAll("[data-select-suggested], [data-select-none], [data-keys-help-open]").forEach(function (el) {
    el.hidden = false;
  });
  updateSelection();
  if (sessionStorage.getItem(RESUME)) {
    sessionStorage.removeItem(RESUME);
    keyboardUsed = true;
    setCurrent(neighbour(null, 1));
  }
  setInterval(function () {
    if (!document.hidden && !reloading) refreshCounts();
  }, REFRESH_MS);
})();

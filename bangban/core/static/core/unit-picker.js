// The unit picker (core/_unit_picker.html): type-ahead over GET /api/v1/org/units?q= (name, short
// name, pinyin initials), results grouped by 区划, the suggested unit first, chips for the chosen
// units, keyboard only: ↑/↓ move, Enter picks, Esc closes, Backspace in an empty box removes the
// last chip. The chosen units are hidden inputs inside the chips, so the form posts them as before.
(function () {
  "use strict";
  var SEARCH_URL = "/api/v1/org/units";
  var PAGE = 15;

  function chipFor(picker, id, name) {
    var chip = document.createElement("span");
    chip.className = "bb-chip";
    chip.setAttribute("data-chip", id);
    chip.setAttribute("data-testid", "unit-chip");
    chip.append(name);
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = picker.getAttribute("data-name");
    input.value = id;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "bb-chip-remove";
    remove.setAttribute("data-chip-remove", "");
    remove.setAttribute("aria-label", "移除" + name);
    remove.textContent = "×";
    chip.append(input, remove);
    return chip;
  }

  function keyOf(picker, unit) {
    return String(unit[picker.getAttribute("data-value") || "id"] || unit.id);
  }

  function chosenIds(picker) {
    return Array.prototype.map.call(picker.querySelectorAll("[data-chip]"), function (c) {
      return c.getAttribute("data-chip");
    });
  }

  function choose(picker, id, name) {
    var chips = picker.querySelector("[data-chips]");
    if (chosenIds(picker).indexOf(String(id)) !== -1) return;
    if (!picker.hasAttribute("data-multiple")) chips.textContent = "";
    chips.append(chipFor(picker, String(id), name));
    picker.classList.remove("is-invalid");
    picker.querySelector("[data-picker-input]").classList.remove("is-invalid");
    picker.dispatchEvent(new CustomEvent("bb:unit-picked", { bubbles: true, detail: { id: id, name: name } }));
  }

  function close(picker) {
    var list = picker.querySelector("[data-picker-list]");
    var input = picker.querySelector("[data-picker-input]");
    list.classList.add("d-none");
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function option(picker, unit, index, note) {
    var item = document.createElement("button");
    item.type = "button";
    item.className = "list-group-item list-group-item-action py-1";
    item.id = picker.querySelector("[data-picker-input]").id + "-opt-" + index;
    item.setAttribute("role", "option");
    item.setAttribute("data-unit-option", keyOf(picker, unit));
    item.setAttribute("data-unit-name", unit.name);
    item.setAttribute("data-testid", "unit-option");
    item.tabIndex = -1;
    item.append(unit.name);
    var small = document.createElement("span");
    small.className = "small text-muted ms-2";
    small.textContent = note || unit.type_label || "";
    item.append(small);
    return item;
  }

  function show(picker, units, query) {
    var list = picker.querySelector("[data-picker-list]");
    var input = picker.querySelector("[data-picker-input]");
    list.textContent = "";
    // Several units: the chosen ones are not offered again. One unit: the chosen one stays listed.
    var taken = picker.hasAttribute("data-multiple") ? chosenIds(picker) : [];
    var index = 0;
    var sid = picker.getAttribute("data-suggested-id");
    if (sid && taken.indexOf(sid) === -1) {
      var sname = picker.getAttribute("data-suggested-name");
      var matches = !query || units.some(function (u) { return keyOf(picker, u) === sid; });
      if (matches) list.append(option(picker, { id: sid, code: sid, name: sname }, index++, "建议"));
    }
    var region = null;
    units.forEach(function (u) {
      var key = keyOf(picker, u);
      if (taken.indexOf(key) !== -1 || key === sid) return;
      if (u.region_name !== region) {
        region = u.region_name;
        var head = document.createElement("div");
        head.className = "bb-picker-group";
        head.setAttribute("role", "presentation");
        head.textContent = region;
        list.append(head);
      }
      list.append(option(picker, u, index++));
    });
    if (!index) {
      var none = document.createElement("div");
      none.className = "list-group-item small text-muted";
      none.setAttribute("data-testid", "unit-none");
      none.textContent = query ? "没有找到“" + query + "”，可换用简称或拼音首字母" : "输入名称、简称或拼音首字母查找单位";
      list.append(none);
    }
    list.classList.remove("d-none");
    input.setAttribute("aria-expanded", "true");
    move(picker, 0);
  }

  function move(picker, to) {
    var options = picker.querySelectorAll("[data-unit-option]");
    var input = picker.querySelector("[data-picker-input]");
    options.forEach(function (o) { o.classList.remove("active"); o.setAttribute("aria-selected", "false"); });
    if (!options.length) return;
    var i = Math.max(0, Math.min(options.length - 1, to));
    options[i].classList.add("active");
    options[i].setAttribute("aria-selected", "true");
    options[i].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", options[i].id);
  }

  function activeIndex(picker) {
    var options = Array.prototype.slice.call(picker.querySelectorAll("[data-unit-option]"));
    return options.findIndex(function (o) { return o.classList.contains("active"); });
  }

  function search(picker, query) {
    var url = (picker.getAttribute("data-search") || SEARCH_URL) + "?active=true&size=" + PAGE + "&q=" + encodeURIComponent(query);
    var serial = (picker._serial = (picker._serial || 0) + 1);
    if (!query) { show(picker, [], ""); return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (body) { if (serial === picker._serial) show(picker, body.items || [], query); })
      .catch(function () {
        if (serial !== picker._serial) return;
        var list = picker.querySelector("[data-picker-list]");
        list.textContent = "";
        var fail = document.createElement("div");
        fail.className = "list-group-item small text-danger";
        fail.textContent = "查询单位失败，请稍后重试";
        list.append(fail);
        list.classList.remove("d-none");
      });
  }

  function pickerOf(node) { return node && node.closest ? node.closest("[data-unit-picker]") : null; }

  document.addEventListener("input", function (event) {
    var picker = pickerOf(event.target);
    if (!picker || !event.target.matches("[data-picker-input]")) return;
    clearTimeout(picker._timer);
    var query = event.target.value.trim();
    picker._timer = setTimeout(function () { search(picker, query); }, 150);
  });
  document.addEventListener("focusin", function (event) {
    var picker = pickerOf(event.target);
    if (picker && event.target.matches("[data-picker-input]") && !event.target.value.trim()) show(picker, [], "");
  });
  document.addEventListener("keydown", function (event) {
    var picker = pickerOf(event.target);
    if (!picker || !event.target.matches("[data-picker-input]")) return;
    var list = picker.querySelector("[data-picker-list]");
    var open = !list.classList.contains("d-none");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) { search(picker, event.target.value.trim()); return; }
      move(picker, activeIndex(picker) + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && open) {
      var options = picker.querySelectorAll("[data-unit-option]");
      var i = activeIndex(picker);
      if (i >= 0) {
        event.preventDefault();
        choose(picker, options[i].getAttribute("data-unit-option"), options[i].getAttribute("data-unit-name"));
        event.target.value = "";
        close(picker);
      }
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close(picker);
    } else if (event.key === "Backspace" && !event.target.value) {
      var chips = picker.querySelectorAll("[data-chip]");
      if (chips.length) {
        chips[chips.length - 1].remove();
        show(picker, [], "");
      }
    }
  });
  document.addEventListener("mousedown", function (event) {
    // Keep the focus in the box while an option is clicked.
    if (event.target.closest && event.target.closest("[data-picker-list]")) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var item = event.target.closest ? event.target.closest("[data-unit-option]") : null;
    var picker = pickerOf(event.target);
    if (item && picker) {
      choose(picker, item.getAttribute("data-unit-option"), item.getAttribute("data-unit-name"));
      var input = picker.querySelector("[data-picker-input]");
      input.value = "";
      close(picker);
      input.focus();
      return;
    }
    var remove = event.target.closest ? event.target.closest("[data-chip-remove]") : null;
    if (remove) { remove.closest("[data-chip]").remove(); return; }
    document.querySelectorAll("[data-unit-picker]").forEach(function (p) { if (p !== picker) close(p); });
  });
  document.addEventListener("focusout", function (event) {
    var picker = pickerOf(event.target);
    if (!picker) return;
    setTimeout(function () { if (!picker.contains(document.activeElement)) close(picker); }, 0);
  });
  // A required picker with nothing chosen stops its form and says so.
  document.addEventListener("submit", function (event) {
    event.target.querySelectorAll("[data-unit-picker][data-required]").forEach(function (picker) {
      if (chosenIds(picker).length) return;
      event.preventDefault();
      var input = picker.querySelector("[data-picker-input]");
      input.classList.add("is-invalid");
      picker.classList.add("is-invalid");
      input.focus();
    });
  }, true);
})();

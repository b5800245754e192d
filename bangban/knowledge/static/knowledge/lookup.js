// The answer knowledge base beside the 12345 intake form (knowledge/_lookup.html): searches the API
// as the agent types, shows the best matches, and 引用 inserts a standard answer into the direct
// reply, selects the 直接答复 outcome and counts the citation (POST …/{id}/use).
(function () {
  "use strict";
  var DELAY = 250;
  var SHOWN = 5;

  function init(panel) {
    var api = panel.getAttribute("data-api");
    var box = panel.querySelector("[data-knowledge-q]");
    var list = panel.querySelector("[data-knowledge-results]");
    var status = panel.querySelector("[data-knowledge-status]");
    var timer = null;
    var asked = 0;
    var shownFor = null;
    var found = [];
    var whenFound = null;

    function say(text) {
      status.textContent = text;
    }

    function clear() {
      found = [];
      list.textContent = "";
    }

    function render(items) {
      clear();
      found = items;
      items.forEach(function (item, index) {
        var row = document.createElement("div");
        row.className = "list-group-item";
        row.setAttribute("data-testid", "knowledge-result");
        var head = document.createElement("div");
        head.className = "d-flex gap-2 align-items-start";
        var question = document.createElement("strong");
        question.className = "me-auto small";
        question.textContent = item.question;
        var cite = document.createElement("button");
        cite.type = "button";
        cite.className = "btn btn-sm btn-outline-primary text-nowrap";
        cite.setAttribute("data-knowledge-cite", String(index));
        cite.setAttribute("data-testid", "knowledge-cite");
        cite.textContent = "引用";
        head.append(question, cite);
        var meta = document.createElement("div");
        meta.className = "small text-muted";
        meta.textContent = [item.area || "未分领域", item.basis || "未注明依据"].join(" · ");
        var preview = document.createElement("div");
        preview.className = "small";
        preview.textContent = item.answer.length > 120 ? item.answer.slice(0, 120) + "…" : item.answer;
        row.append(head, meta, preview);
        list.append(row);
      });
    }

    function search(text) {
      var mine = ++asked;
      timer = null;
      if (!text) {
        shownFor = "";
        clear();
        say("");
        return;
      }
      say("正在检索…");
      var url = api + "?size=" + SHOWN + "&q=" + encodeURIComponent(text);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (body) {
          if (mine !== asked) return;
          shownFor = text;
          render(body.items || []);
          say(found.length ? "找到 " + body.count + " 条，显示最相关的 " + found.length + " 条" : "知识库中没有找到与“" + text + "”相关的答复，请换个关键词");
          if (whenFound) {
            var next = whenFound;
            whenFound = null;
            next();
          }
        })
        .catch(function (error) {
          if (mine !== asked) return;
          whenFound = null;
          clear();
          say("检索失败（" + error.message + "），请稍后重试");
        });
    }

    function csrfToken() {
      var field = document.querySelector("input[name=csrfmiddlewaretoken]");
      return field ? field.value : "";
    }

    function cite(index) {
      var item = found[index];
      if (!item) return;
      var target = document.querySelector(panel.getAttribute("data-target"));
      var outcome = document.querySelector(panel.getAttribute("data-outcome"));
      if (outcome && !outcome.checked) {
        outcome.checked = true;
        outcome.dispatchEvent(new Event("change", { bubbles: true }));
      }
      if (target) {
        var current = target.value.trim();
        target.value = current ? current + "\n" + item.answer : item.answer;
        target.dispatchEvent(new Event("input", { bubbles: true }));
        target.focus();
      }
      say("已引用：" + item.question);
      fetch(api + "/" + item.id + "/use", {
        method: "POST",
        credentials: "same-origin",
        keepalive: true, // the count survives the agent submitting the form at once
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() }
      }).catch(function () {
        // Counting a citation is a statistic: the answer is already in the form.
      });
    }

    box.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      var text = box.value.trim();
      timer = setTimeout(function () { search(text); }, DELAY);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      var text = box.value.trim();
      if (!text) return;
      if (timer === null && shownFor === text) {
        if (found.length) cite(0);
        return;
      }
      if (timer) clearTimeout(timer);
      whenFound = function () { if (found.length) cite(0); };
      search(text);
    });
    panel.addEventListener("click", function (event) {
      var button = event.target.closest("[data-knowledge-cite]");
      if (button) cite(Number(button.getAttribute("data-knowledge-cite")));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-knowledge-lookup]").forEach(init);
  });
})();

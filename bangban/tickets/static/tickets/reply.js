// The reply form's preview (case page, panel 提交答复): what the enterprise will see once the head
// approves the reply — the result, the text and the names of the files — drawn from the form as it
// is filled. The contact record is internal and never shown here. No script, no preview: the form
// works without it.
(function () {
  function labelOf(form, input) {
    var label = input && input.id ? form.querySelector("label[for='" + input.id + "']") : null;
    return label ? label.textContent.trim() : "";
  }

  function fileNames(form) {
    var names = [];
    Array.prototype.forEach.call(form.querySelectorAll("input[name=keep_attachments]:checked"), function (box) {
      names.push(labelOf(form, box));
    });
    var input = form.querySelector("input[type=file][name=attachments]");
    if (input && input.files) {
      Array.prototype.forEach.call(input.files, function (file) { names.push(file.name); });
    }
    return names;
  }

  function draw(form) {
    var preview = form.querySelector("[data-reply-preview]");
    if (!preview || preview.hidden) return;
    var result = form.querySelector("input[name=result]:checked");
    var badge = preview.querySelector("[data-preview-result]");
    badge.textContent = result ? labelOf(form, result) : "（未选择）";
    badge.className = "badge " + ({ resolved: "text-bg-success", partial: "text-bg-warning", explained: "text-bg-info" }[result ? result.value : ""] || "text-bg-secondary");
    var content = form.querySelector("[name=content]");
    preview.querySelector("[data-preview-content]").textContent = content && content.value.trim() ? content.value : "（尚未填写答复内容）";
    var names = fileNames(form);
    preview.querySelector("[data-preview-files]").textContent = names.join("、");
    preview.querySelector("[data-preview-files-row]").hidden = names.length === 0;
  }

  function formOf(node) {
    return node && node.closest ? node.closest("form[data-reply-form]") : null;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-reply-preview-show]") : null;
    var form = formOf(button);
    if (!form) return;
    var preview = form.querySelector("[data-reply-preview]");
    preview.hidden = false;
    draw(form);
    preview.scrollIntoView({ block: "nearest" });
  });
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = formOf(event.target);
      if (form) draw(form);
    });
  });
  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-reply-form] [data-reply-preview-show]"), function (button) {
      button.hidden = false;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

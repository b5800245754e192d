// Small progressive enhancements shared by all pages.
document.addEventListener("htmx:responseError", function (event) {
  var target = document.getElementById("bb-htmx-error");
  if (target && event.detail.xhr) {
    target.textContent = "请求失败（" + event.detail.xhr.status + "），请稍后重试。";
    target.classList.remove("d-none");
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
// Behaviours that used to be inline handlers (the Content Security Policy allows no inline script).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var field = event.target;
  if (field.matches && field.matches("input[data-select-on-click]")) {
    field.select();
  }
});
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a[data-history-back]") : null;
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
// A select that carries only its chosen option fills itself, when first used, from a <template>
// the page holds once (data-lazy-options="<template id>"), so a long list is not repeated per row.
function bbFillLazySelect(select) {
  if (!select.matches || !select.matches("select[data-lazy-options]") || select.dataset.filled) return;
  var source = document.getElementById(select.getAttribute("data-lazy-options"));
  if (!source) return;
  var value = select.value;
  var keep = Array.prototype.map.call(select.options, function (o) { return o.value; });
  Array.prototype.forEach.call(source.content.querySelectorAll("option"), function (o) {
    if (keep.indexOf(o.value) === -1) select.append(o.cloneNode(true));
  });
  // The template's order: move the kept options to their place.
  var order = Array.prototype.map.call(source.content.querySelectorAll("option"), function (o) { return o.value; });
  var options = Array.prototype.slice.call(select.options);
  options.sort(function (a, b) {
    if (a.value === "") return -1;
    if (b.value === "") return 1;
    return order.indexOf(a.value) - order.indexOf(b.value);
  });
  options.forEach(function (o) { select.append(o); });
  select.value = value;
  select.dataset.filled = "1";
}
document.addEventListener("focusin", function (event) { bbFillLazySelect(event.target); });
document.addEventListener("mousedown", function (event) { bbFillLazySelect(event.target); });
